import { daysBetween, formatDateBR, type IsoDate } from '../dates.ts';
import { Decimal } from '../decimal.ts';
import { formatBRL, type Cents } from '../money.ts';

/**
 * Commission rules of a collection agency and the monthly statement (prestação de contas) they
 * produce: pure functions of the rules, the payments and the period — no I/O, no clock.
 *
 * Rounding (documented in docs/remittance.md): the commission of each statement line is
 * base × rate rounded HALF-UP to the centavo, on that line alone; the statement's commission is
 * the sum of its lines, so the total always equals the sum of what is printed, to the centavo.
 */

export type CommissionBasis = 'days_past_due' | 'amount_recovered';

/** A band starts at `from` (days past due, or centavos recovered), inclusive, up to the next band. */
export interface CommissionBand {
  from: number;
  /** A fraction as a decimal string: "0.15" = 15%. */
  rate: string;
}

export interface CommissionRule {
  id: string;
  name: string;
  creditorId: string;
  /** null: the creditor's default, used where a portfolio has no rule of its own. */
  portfolioId: string | null;
  validFrom: IsoDate;
  /** Inclusive; null: open-ended. */
  validTo: IsoDate | null;
  basis: CommissionBasis;
  bands: CommissionBand[];
  /** Charged once per statement by each rule in force on the period's last day. */
  monthlyFeeCents: Cents;
  /** Per agreement accepted in the period (the rule of its portfolio on the day of acceptance). */
  perAgreementFeeCents: Cents;
  /** Per payment received in the statement (the rule of its portfolio on the payment date). */
  perPaymentFeeCents: Cents;
}

export const BASIS_LABELS: Record<CommissionBasis, string> = {
  days_past_due: 'dias em atraso na data do pagamento',
  amount_recovered: 'valor recuperado no mês',
};

/** What is wrong with a list of bands, in pt-BR; null when it is usable. */
export function bandsProblem(bands: readonly CommissionBand[]): string | null {
  if (bands.length === 0) return 'informe ao menos uma faixa';
  if (bands[0]!.from !== 0) return 'a primeira faixa deve começar em 0';
  for (const [i, band] of bands.entries()) {
    if (!Number.isSafeInteger(band.from) || band.from < 0) return `faixa ${i + 1}: início deve ser um inteiro não negativo`;
    if (i > 0 && band.from <= bands[i - 1]!.from) return `faixa ${i + 1}: as faixas devem estar em ordem crescente, sem repetição`;
    if (!/^\d+(\.\d+)?$/.test(band.rate) || new Decimal(band.rate).gt(1)) return `faixa ${i + 1}: percentual deve ser uma fração entre 0 e 1 (ex.: "0.15" para 15%)`;
  }
  return null;
}

export function isInForce(rule: Pick<CommissionRule, 'validFrom' | 'validTo'>, date: IsoDate): boolean {
  return rule.validFrom <= date && (rule.validTo === null || date <= rule.validTo);
}

/** Do two rules' validity periods share a day? */
export function periodsOverlap(a: Pick<CommissionRule, 'validFrom' | 'validTo'>, b: Pick<CommissionRule, 'validFrom' | 'validTo'>): boolean {
  return (a.validTo === null || b.validFrom <= a.validTo) && (b.validTo === null || a.validFrom <= b.validTo);
}

/** The rule for a portfolio on a date: the portfolio's own rule in force, else the creditor's default, else none. */
export function ruleFor(rules: readonly CommissionRule[], portfolioId: string, date: IsoDate): CommissionRule | null {
  const inForce = rules.filter((r) => isInForce(r, date));
  return inForce.find((r) => r.portfolioId === portfolioId) ?? inForce.find((r) => r.portfolioId === null) ?? null;
}

/** The band a value falls in (bands sorted by `from`, the first starting at 0). */
export function bandFor(bands: readonly CommissionBand[], value: number): CommissionBand {
  let chosen = bands[0]!;
  for (const band of bands) if (value >= band.from) chosen = band;
  return chosen;
}

/** Days past due on the payment date, from the debt's original due date; 0 for a title paid before it fell due. */
export function daysPastDue(dueDate: IsoDate, paidOn: IsoDate): number {
  return Math.max(0, daysBetween(dueDate, paidOn));
}

/** base × rate, HALF-UP to the centavo (0,5 centavo goes up). */
export function commissionOf(baseCents: Cents, rate: string): Cents {
  return new Decimal(baseCents).times(rate).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/**
 * Splits `amount` in proportion to `weights` (largest remainder: the parts sum to `amount`
 * exactly; a tie goes to the earlier weight). All weights zero: equal parts.
 */
export function allocateProportionally(amount: Cents, weights: readonly number[]): Cents[] {
  if (weights.length === 0) return [];
  // BigInt: amount × weight may pass 2^53 for large balances.
  const w = weights.map((x) => BigInt(x));
  const total = w.reduce((s, x) => s + x, 0n);
  const effective = total > 0n ? w : w.map(() => 1n);
  const sum = total > 0n ? total : BigInt(w.length);
  const a = BigInt(amount);
  const parts = effective.map((x) => (a * x) / sum);
  const order = effective.map((x, i) => ({ i, r: (a * x) % sum })).sort((x, y) => (y.r > x.r ? 1 : y.r < x.r ? -1 : x.i - y.i));
  let left = a - parts.reduce((s, p) => s + p, 0n);
  for (const { i } of order) {
    if (left <= 0n) break;
    parts[i]! += 1n;
    left--;
  }
  return parts.map(Number);
}

/** One debt a payment paid: directly, or as one of the debts an agreement consolidated. */
export interface PaymentTarget {
  debtId: string;
  externalId: string;
  portfolioId: string;
  dueDate: IsoDate;
  /** The share of the payment this debt takes: the debt's balance recorded in the agreement (agreement_debts.balance_cents); any number for a direct payment. */
  weight: number;
}

export interface StatementPayment {
  paymentId: string;
  paidOn: IsoDate;
  /** Paid in a month whose statement was already issued when it arrived: passed on now, marked late. */
  late: boolean;
  debtorId: string;
  debtorName: string;
  /** Masked for the statement (CPF ***.456.789-**; a CNPJ is public). */
  debtorDocument: string;
  agreementNumber: string | null;
  amountCents: Cents;
  appliedCents: Cents;
  excessCents: Cents;
  targets: PaymentTarget[];
}

export interface StatementLine {
  lineNo: number;
  kind: 'recovery' | 'excess';
  late: boolean;
  paymentId: string;
  paidOn: IsoDate;
  debtorId: string;
  debtorName: string;
  debtorDocument: string;
  agreementNumber: string | null;
  debtId: string | null;
  debtExternalId: string | null;
  amountCents: Cents;
  daysPastDue: number | null;
  band: string;
  rate: string;
  ruleId: string | null;
  commissionCents: Cents;
  netCents: Cents;
}

export interface StatementFee {
  kind: 'monthly' | 'agreement' | 'payment';
  ruleId: string;
  description: string;
  count: number;
  unitCents: Cents;
  totalCents: Cents;
}

export interface StatementTotals {
  /** Everything received: sum of the lines' amounts = sum of the payments' amounts. */
  recoveredCents: Cents;
  /** Of which paid in the period itself, and paid earlier but arrived after that month was issued. */
  inPeriodCents: Cents;
  lateCents: Cents;
  /** Of which excess (paid beyond what was owed): no commission on it. */
  excessCents: Cents;
  commissionCents: Cents;
  feesCents: Cents;
  /** recovered − commission − fees: what the agency passes on to the creditor. */
  netCents: Cents;
  payments: number;
}

export interface StatementComputation {
  lines: StatementLine[];
  fees: StatementFee[];
  totals: StatementTotals;
  /** Why the statement cannot be issued as is (e.g. no rule in force for a payment), in pt-BR. */
  problems: string[];
}

export interface AgreementClosed {
  agreementId: string;
  number: string;
  portfolioId: string;
  acceptedOn: IsoDate;
}


function bandLabel(rule: CommissionRule, band: CommissionBand): string {
  const i = rule.bands.indexOf(band);
  const next = rule.bands[i + 1];
  if (rule.basis === 'days_past_due') return next ? `${band.from}–${next.from - 1} dias` : `${band.from}+ dias`;
  return `desde ${formatBRL(band.from)} no mês`;
}

/**
 * The statement of a creditor for a period: one line per debt each payment paid (an agreement's
 * installment split among its debts in proportion to their balances in the agreement), one line
 * for a payment's excess (no commission), the fixed fees and the totals.
 */
export function computeStatement(input: {
  periodStart: IsoDate;
  periodEnd: IsoDate;
  rules: readonly CommissionRule[];
  payments: readonly StatementPayment[];
  agreementsClosed: readonly AgreementClosed[];
}): StatementComputation {
  const problems: string[] = [];
  const payments = [...input.payments].sort((a, b) => Number(b.late) - Number(a.late) || a.paidOn.localeCompare(b.paidOn) || a.paymentId.localeCompare(b.paymentId));

  // First pass: split each payment and find each part's rule.
  interface Part { payment: StatementPayment; target: PaymentTarget | null; amount: Cents; rule: CommissionRule | null }
  const parts: Part[] = [];
  for (const payment of payments) {
    if (payment.targets.length === 0) problems.push(`Pagamento de ${formatDateBR(payment.paidOn)} (${payment.debtorName}) sem título associado.`);
    const split = allocateProportionally(payment.appliedCents, payment.targets.map((t) => t.weight));
    payment.targets.forEach((target, i) => {
      const rule = ruleFor(input.rules, target.portfolioId, payment.paidOn);
      if (!rule) problems.push(`Sem regra de comissão vigente em ${formatDateBR(payment.paidOn)} para a carteira do título ${target.externalId}.`);
      parts.push({ payment, target, amount: split[i]!, rule });
    });
    if (payment.excessCents > 0) parts.push({ payment, target: null, amount: payment.excessCents, rule: null });
  }

  // The amount-recovered bands are read from what the statement recovers under each rule.
  const recoveredByRule = new Map<string, number>();
  for (const p of parts) if (p.rule && p.target) recoveredByRule.set(p.rule.id, (recoveredByRule.get(p.rule.id) ?? 0) + p.amount);

  const lines: StatementLine[] = parts.map((p, i) => {
    const base = {
      lineNo: i + 1, late: p.payment.late, paymentId: p.payment.paymentId, paidOn: p.payment.paidOn, debtorId: p.payment.debtorId, debtorName: p.payment.debtorName,
      debtorDocument: p.payment.debtorDocument, agreementNumber: p.payment.agreementNumber, amountCents: p.amount,
    };
    if (!p.target) {
      return { ...base, kind: 'excess' as const, debtId: null, debtExternalId: null, daysPastDue: null, band: 'excesso (pago além do devido)', rate: '0', ruleId: null, commissionCents: 0, netCents: p.amount };
    }
    const dpd = daysPastDue(p.target.dueDate, p.payment.paidOn);
    if (!p.rule) {
      return { ...base, kind: 'recovery' as const, debtId: p.target.debtId, debtExternalId: p.target.externalId, daysPastDue: dpd, band: 'sem regra', rate: '0', ruleId: null, commissionCents: 0, netCents: p.amount };
    }
    const band = bandFor(p.rule.bands, p.rule.basis === 'days_past_due' ? dpd : recoveredByRule.get(p.rule.id)!);
    const commission = commissionOf(p.amount, band.rate);
    return {
      ...base, kind: 'recovery' as const, debtId: p.target.debtId, debtExternalId: p.target.externalId, daysPastDue: dpd, band: bandLabel(p.rule, band), rate: band.rate,
      ruleId: p.rule.id, commissionCents: commission, netCents: p.amount - commission,
    };
  });

  const fees: StatementFee[] = [];
  const addFee = (kind: StatementFee['kind'], rule: CommissionRule, description: string, unitCents: Cents) => {
    if (unitCents <= 0) return;
    const existing = fees.find((f) => f.kind === kind && f.ruleId === rule.id);
    if (existing) {
      existing.count++;
      existing.totalCents += unitCents;
    } else fees.push({ kind, ruleId: rule.id, description, count: 1, unitCents, totalCents: unitCents });
  };
  for (const rule of input.rules) if (isInForce(rule, input.periodEnd)) addFee('monthly', rule, `Taxa mensal (${rule.name})`, rule.monthlyFeeCents);
  for (const agreement of [...input.agreementsClosed].sort((a, b) => a.acceptedOn.localeCompare(b.acceptedOn) || a.number.localeCompare(b.number))) {
    const rule = ruleFor(input.rules, agreement.portfolioId, agreement.acceptedOn);
    if (rule) addFee('agreement', rule, `Por acordo fechado (${rule.name})`, rule.perAgreementFeeCents);
  }
  for (const payment of payments) {
    const target = payment.targets[0];
    const rule = target ? ruleFor(input.rules, target.portfolioId, payment.paidOn) : null;
    if (rule) addFee('payment', rule, `Por pagamento recebido (${rule.name})`, rule.perPaymentFeeCents);
  }

  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const recoveredCents = sum(lines.map((l) => l.amountCents));
  const commissionCents = sum(lines.map((l) => l.commissionCents));
  const feesCents = sum(fees.map((f) => f.totalCents));
  return {
    lines,
    fees,
    problems: [...new Set(problems)],
    totals: {
      recoveredCents,
      inPeriodCents: sum(lines.filter((l) => !l.late).map((l) => l.amountCents)),
      lateCents: sum(lines.filter((l) => l.late).map((l) => l.amountCents)),
      excessCents: sum(lines.filter((l) => l.kind === 'excess').map((l) => l.amountCents)),
      commissionCents,
      feesCents,
      netCents: recoveredCents - commissionCents - feesCents,
      payments: payments.length,
    },
  };
}

