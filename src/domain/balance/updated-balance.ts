import { Decimal } from '../decimal.ts';
import { addDays, addMonths, daysBetween, daysInMonth, formatDateBR, type IsoDate } from '../dates.ts';
import { formatBRL, type Cents } from '../money.ts';
import { formatPeriod, SERIES, type IndexSet, type SeriesName } from '../indices/series.ts';

/**
 * The updated balance of a debt at a date (saldo devedor atualizado), with its calculation
 * memory. Pure: everything it needs (terms, payments, index values, policy, asOf) comes in.
 *
 * Order (PRODUCT.md §5): principal → monetary correction → late interest → late fine (once)
 * → collection fees (only with a contract clause, own line); partial payments go to interest
 * first, then the fine, then correction and principal (CC art. 354).
 */

export type CorrectionIndexName = 'ipca' | 'inpc' | 'igpm' | 'selic' | 'tr';

export interface DebtTerms {
  principalCents: Cents;
  dueDate: IsoDate;
  /** Consumer debts have the fine capped at 2% (CDC art. 52 §1º); B2B at 10% where the usury law applies. */
  relationship: 'consumer' | 'b2b';
  /** The contract's correction index; 'none' = the contract excludes correction; null = not agreed (legal regime). */
  correctionIndex: CorrectionIndexName | 'none' | null;
  /** Monthly late-interest rate as a fraction ("0.01" = 1% a.m.); null = not agreed (legal regime). */
  interestRate: string | null;
  interestKind: 'simple' | 'compound' | null;
  /** Late fine as a fraction of the overdue amount ("0.02"). */
  fineRate: string | null;
  /** Collection fees as a fraction; only when the contract has the clause. */
  feesRate: string | null;
  /**
   * A due date on a day without bank business is payable on the next business day without
   * charges (BusinessCalendar.nextBusinessDay): until this date the debt is not late.
   */
  payableUntil?: IsoDate | undefined;
}

export interface Payment {
  date: IsoDate;
  amountCents: Cents;
}

/** Every rule of the calculation is a named parameter with its source. */
export interface BalancePolicy {
  /** CDC art. 52 §1º (Lei 9.298/1996): fine on consumer debts at most 2%. */
  consumerFineCap: string;
  /** Decreto 22.626/1933 (Lei de Usura) art. 9º: penalty clause at most 10% of the debt. */
  usuryFineCap: string;
  /** Whether the usury cap applies to B2B debts (not to financial institutions: Súmula 596 STF). */
  usuryLawAppliesToB2b: boolean;
  /** Collection fees at most 10% when the contract has the clause (product default; STJ REsp 1.002.445). */
  feesCap: string;
  /**
   * Correction for a partial month: 'compound' — (1 + v)^(days/days of the month), pro rata die
   * exponencial; 'linear' — 1 + v × days/days of the month.
   */
  partialMonth: 'compound' | 'linear';
  /** Lei 14.905/2024 in force: before it, Selic alone; from it, IPCA + taxa legal (CC arts. 389 and 406). */
  legalRegimeSince: IsoDate;
  /**
   * Correction when the contract sets a rate but no index, before `legalRegimeSince`
   * (product default: IPCA, the index of CC art. 389 sole paragraph).
   */
  legacyCorrectionIndex: CorrectionIndexName;
  /** A month whose index is not published yet: 'error' (default) or use the last known value, marked provisional. */
  unpublishedMonth: 'error' | 'last-known';
  /** With 'last-known': how many months before asOf's month may be provisional; older gaps are errors. */
  maxProvisionalMonths: number;
}

export const DEFAULT_BALANCE_POLICY: BalancePolicy = {
  consumerFineCap: '0.02',
  usuryFineCap: '0.10',
  usuryLawAppliesToB2b: true,
  feesCap: '0.10',
  partialMonth: 'compound',
  legalRegimeSince: '2024-08-30',
  legacyCorrectionIndex: 'ipca',
  unpublishedMonth: 'error',
  maxProvisionalMonths: 6,
};

export type Component = 'principal' | 'correction' | 'interest' | 'fine' | 'fees';

export interface MemoryLine {
  component: Component;
  /** What happened, in Portuguese, for the debtor to read. */
  description: string;
  from?: IsoDate;
  to?: IsoDate;
  days?: number;
  /** The index used: series, month, percent. */
  index?: { series: SeriesName; period: string; percent: string; provisional?: boolean };
  /** The rate used, as a fraction. */
  rate?: string;
  /** Effect on the component, in centavos (negative for payments). */
  amountCents: Cents;
}

export interface BalanceResult {
  asOf: IsoDate;
  daysOverdue: number;
  total: Cents;
  components: Record<Component, Cents>;
  paidCents: Cents;
  /** Paid beyond the balance: to be refunded or applied elsewhere, never kept silently. */
  creditCents: Cents;
  memory: MemoryLine[];
}

const ZERO = new Decimal(0);
const ONE = new Decimal(1);
/**
 * Half up to the centavo. Values are first cut to 10 decimal places of a centavo (half up): a
 * 40-digit quotient such as 546,49999…9 is an exact tie (546,5) that lost its last digit.
 */
export const round = (value: Decimal): number => value.toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
const minRate = (rate: string | null, cap: string): Decimal | null => (rate === null ? null : Decimal.min(new Decimal(rate), new Decimal(cap)));

/** Accumulates one component exactly and records memory lines whose rounded amounts add up to its rounded total. */
class Ledger {
  readonly exact: Record<Component, Decimal> = { principal: ZERO, correction: ZERO, interest: ZERO, fine: ZERO, fees: ZERO };
  readonly memory: MemoryLine[] = [];

  add(component: Component, amount: Decimal, line: Omit<MemoryLine, 'component' | 'amountCents'>): void {
    const before = round(this.exact[component]);
    this.exact[component] = this.exact[component].plus(amount);
    const cents = round(this.exact[component]) - before;
    if (!amount.isZero()) this.memory.push({ component, ...line, amountCents: cents });
  }

  get(component: Component): Decimal {
    return this.exact[component];
  }

  /** Brings every component to its rounded value (what the debtor was shown), changing no line. */
  snap(): void {
    for (const component of Object.keys(this.exact) as Component[]) this.exact[component] = new Decimal(round(this.exact[component]));
  }
}

/**
 * The days after `from` through `to`, cut into pieces that each lie in one calendar month and
 * end at each cut date: a piece {from, to} covers the days from+1 … to (to − from days).
 */
export function monthPieces(from: IsoDate, to: IsoDate, cuts: readonly IsoDate[] = []): Array<{ from: IsoDate; to: IsoDate }> {
  const result: Array<{ from: IsoDate; to: IsoDate }> = [];
  const sortedCuts = [...new Set(cuts)].filter((c) => c > from && c < to).sort();
  for (let start = from; start < to; ) {
    const next = addDays(start, 1);
    const monthEnd = `${next.slice(0, 7)}-${String(daysInMonth(Number(next.slice(0, 4)), Number(next.slice(5, 7)))).padStart(2, '0')}`;
    let end = monthEnd < to ? monthEnd : to;
    const cut = sortedCuts.find((c) => c > start && c < end);
    if (cut) end = cut;
    result.push({ from: start, to: end });
    start = end;
  }
  return result;
}

export function updatedBalance(terms: DebtTerms, payments: readonly Payment[], asOf: IsoDate, indices: IndexSet, policy: BalancePolicy = DEFAULT_BALANCE_POLICY): BalanceResult {
  const ledger = new Ledger();
  const principal = new Decimal(terms.principalCents);
  ledger.add('principal', principal, { description: `Valor original do título, vencido em ${br(terms.dueDate)}` });
  const sorted = [...payments].filter((p) => p.date <= asOf).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let credit = ZERO;

  const feesRate = minRate(terms.feesRate, policy.feesCap);
  const applyPayment = (payment: Payment, afterDue: boolean) => {
    // A payment settles the amounts as shown, in centavos: paying the total shown leaves zero.
    ledger.snap();
    let left = new Decimal(payment.amountCents);
    if (afterDue && feesRate && feesRate.gt(0)) {
      // With a fees clause, each payment after the due date carries its fees: P = debt part × (1 + h).
      const owed = (['principal', 'correction', 'interest', 'fine'] as const).reduce((sum, c) => sum.plus(ledger.get(c)), ZERO);
      const debtPart = Decimal.min(owed, new Decimal(round(left.div(feesRate.plus(1)))));
      const fees = new Decimal(round(debtPart.times(feesRate)));
      if (fees.gt(0)) {
        ledger.add('fees', fees, { description: `Honorários de ${pct(feesRate)} sobre ${brl(debtPart.toNumber())} recebidos em ${br(payment.date)} (cláusula contratual)`, rate: feesRate.toString(), from: payment.date });
        ledger.add('fees', fees.negated(), { description: `Pagamento de ${brl(payment.amountCents)} em ${br(payment.date)}: parte dos honorários`, from: payment.date });
        left = left.minus(fees);
      }
    }
    // CC art. 354: interest first, then the fine, then the capital (correction, then principal).
    for (const component of ['interest', 'fine', 'fees', 'correction', 'principal'] as const) {
      const owed = ledger.get(component);
      if (left.isZero() || owed.lte(0)) continue;
      const used = Decimal.min(owed, left);
      left = left.minus(used);
      ledger.add(component, used.negated(), { description: `Pagamento de ${brl(payment.amountCents)} em ${br(payment.date)} imputado em ${LABELS[component]} (CC art. 354)`, from: payment.date });
    }
    credit = credit.plus(left);
  };

  const late = asOf > (terms.payableUntil && terms.payableUntil > terms.dueDate ? terms.payableUntil : terms.dueDate);
  const daysOverdue = late ? daysBetween(terms.dueDate, asOf) : 0;
  if (daysOverdue > 0) {
    // Payments on or before the due date reduce the principal before any charge.
    for (const payment of sorted.filter((p) => p.date <= terms.dueDate)) applyPayment(payment, false);
    const fineCap = terms.relationship === 'consumer' ? policy.consumerFineCap : policy.usuryLawAppliesToB2b ? policy.usuryFineCap : '1';
    const fineRate = minRate(terms.fineRate, fineCap);
    const base = ledger.get('principal');
    if (fineRate && fineRate.gt(0) && base.gt(0)) {
      const capped = terms.fineRate !== null && new Decimal(terms.fineRate).gt(fineRate);
      const source = terms.relationship === 'consumer' ? 'CDC art. 52 §1º' : policy.usuryLawAppliesToB2b ? 'Decreto 22.626/1933 art. 9º' : 'contrato';
      ledger.add('fine', base.times(fineRate), {
        description: `Multa de ${pct(fineRate)} sobre ${brl(round(base))}, cobrada uma vez${capped ? ` (contrato previa ${pct(new Decimal(terms.fineRate!))}; limitada a ${pct(fineRate)}, ${source})` : ''}`,
        rate: fineRate.toString(),
        from: addDays(terms.dueDate, 1),
      });
    }

    const legalInterest = terms.interestRate === null;
    const legalSince = policy.legalRegimeSince;
    const paymentDates = sorted.filter((p) => p.date > terms.dueDate).map((p) => p.date);
    // The day before the law took effect closes the old regime's last piece.
    const cuts = legalInterest || terms.correctionIndex === null ? [...paymentDates, addDays(legalSince, -1)] : paymentDates;
    // Interest and correction run from the day after the due date (mora ex re, CC art. 397) through asOf.
    let paymentIndex = 0;
    const due = sorted.filter((p) => p.date > terms.dueDate);
    for (const piece of monthPieces(terms.dueDate, asOf, cuts)) {
      const days = daysBetween(piece.from, piece.to);
      const periodStart = addDays(piece.from, 1);
      const month = periodStart.slice(0, 7);
      const monthDays = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
      const afterLaw = periodStart >= legalSince;
      const span = { from: periodStart, to: piece.to, days };

      // Monetary correction of everything owed.
      const index = correctionIndexFor(terms, afterLaw, policy);
      let correctionPercent: Decimal = ZERO;
      if (index) {
        const { percent, provisional } = monthlyPercent(indices, index, month, policy, asOf);
        correctionPercent = percent;
        const monthly = percent.div(100);
        const factor = pieceFactor(monthly, Number(periodStart.slice(8, 10)) - 1, days, monthDays, policy.partialMonth);
        const indexInfo = { series: index as SeriesName, period: month, percent: percent.toString(), ...(provisional ? { provisional } : {}) };
        const g = factor.minus(1);
        const capital = ledger.get('principal').plus(ledger.get('correction'));
        const label = `${SERIES[index].label} de ${formatPeriod(month)} (${pctText(percent)}), ${days} de ${monthDays} dias`;
        if (g.gt(0)) {
          ledger.add('correction', capital.times(g), { description: `Correção pelo ${label}`, ...span, index: indexInfo });
          for (const component of ['interest', 'fine'] as const) {
            const owed = ledger.get(component);
            if (owed.gt(0)) ledger.add(component, owed.times(g), { description: `Correção de ${LABELS[component]} pelo ${SERIES[index].label} de ${formatPeriod(month)}`, ...span, index: indexInfo });
          }
        } else if (g.lt(0) && ledger.get('correction').gt(0)) {
          // Deflation only gives back correction already added: the debt never falls below its
          // nominal value, and interest and fine keep theirs (STJ, REsp 1.265.580).
          const back = Decimal.max(capital.times(g), ledger.get('correction').negated());
          ledger.add('correction', back, { description: `Deflação pelo ${label}, limitada à correção já aplicada`, ...span, index: indexInfo });
        }
      }

      // Late interest on the corrected capital.
      const capital = ledger.get('principal').plus(ledger.get('correction'));
      if (capital.gt(0) && days > 0) {
        if (!legalInterest) {
          const rate = new Decimal(terms.interestRate!);
          if (terms.interestKind === 'compound') {
            const base = capital.plus(ledger.get('interest'));
            ledger.add('interest', base.times(fractionalPower(ONE.plus(rate), days, 30).minus(1)), { description: `Juros compostos de ${pct(rate)} a.m. por ${days} dias (pro rata die, mês de 30 dias)`, ...span, rate: rate.toString() });
          } else {
            ledger.add('interest', capital.times(rate).times(days).div(30), { description: `Juros simples de ${pct(rate)} a.m. por ${days} dias (pro rata die, mês de 30 dias)`, ...span, rate: rate.toString() });
          }
        } else {
          const series: SeriesName = afterLaw ? 'taxa_legal' : 'selic';
          const { percent, provisional } = monthlyPercent(indices, series, month, policy, asOf);
          // Before Lei 14.905/2024 the Selic covers correction and interest; when the contract's own index
          // corrected the debt, only the Selic beyond it is interest (never negative). From it, the taxa legal.
          let monthly = percent.div(100);
          let description = afterLaw ? `Juros legais: taxa legal de ${formatPeriod(month)} (${pctText(percent)} a.m., CC art. 406)` : `Juros legais: Selic de ${formatPeriod(month)} (${pctText(percent)} a.m.)`;
          if (!afterLaw && index) {
            monthly = Decimal.max(ZERO, ONE.plus(monthly).div(ONE.plus(correctionPercent.div(100))).minus(1));
            description += `, descontada a correção do mês`;
          }
          if (monthly.lt(0)) monthly = ZERO; // a negative taxa legal counts as zero (CC art. 406 §3º)
          ledger.add('interest', capital.times(monthly).times(days).div(monthDays), {
            description: `${description}, ${days} de ${monthDays} dias`,
            ...span,
            index: { series, period: month, percent: percent.toString(), ...(provisional ? { provisional } : {}) },
            rate: monthly.toString(),
          });
        }
      }
      while (paymentIndex < due.length && due[paymentIndex]!.date === piece.to && piece.to !== asOf) applyPayment(due[paymentIndex++]!, true);
    }
  } else {
    for (const payment of sorted) applyPayment(payment, false);
  }

  // Fees on what is owed at asOf, only with the contract clause (STJ REsp 1.002.445), as their own line.
  if (daysOverdue > 0 && feesRate && feesRate.gt(0)) {
    const owed = (['principal', 'correction', 'interest', 'fine'] as const).reduce((sum, c) => sum + round(ledger.get(c)), 0);
    if (owed > 0) ledger.add('fees', new Decimal(owed).times(feesRate), { description: `Honorários de cobrança de ${pct(feesRate)} sobre ${brl(owed)} (cláusula contratual)`, rate: feesRate.toString() });
  }
  // Payments on asOf itself settle the balance as shown on that day, fees included.
  if (daysOverdue > 0) for (const payment of sorted.filter((p) => p.date === asOf)) applyPayment(payment, false);

  const components = {
    principal: round(ledger.get('principal')),
    correction: round(ledger.get('correction')),
    interest: round(ledger.get('interest')),
    fine: round(ledger.get('fine')),
    fees: round(ledger.get('fees')),
  };
  return {
    asOf,
    daysOverdue,
    total: components.principal + components.correction + components.interest + components.fine + components.fees,
    components,
    paidCents: sorted.reduce((sum, p) => sum + p.amountCents, 0),
    creditCents: round(credit),
    memory: ledger.memory,
  };
}

function correctionIndexFor(terms: DebtTerms, afterLaw: boolean, policy: BalancePolicy): CorrectionIndexName | null {
  if (terms.correctionIndex === 'none') return null;
  if (terms.correctionIndex) return terms.correctionIndex;
  if (afterLaw) return 'ipca'; // CC art. 389 sole paragraph (Lei 14.905/2024)
  return terms.interestRate === null ? null : policy.legacyCorrectionIndex; // before it, the Selic included correction
}

export function monthlyPercent(indices: IndexSet, series: SeriesName, month: string, policy: BalancePolicy, asOf?: IsoDate): { percent: Decimal; provisional: boolean } {
  if (indices.has(series, month) || policy.unpublishedMonth === 'error') return { percent: new Decimal(indices.percent(series, month)), provisional: false };
  const last = indices.lastPeriod(series);
  const oldestProvisional = asOf ? addMonths(`${asOf.slice(0, 7)}-01`, -policy.maxProvisionalMonths).slice(0, 7) : month;
  // A gap in the past, or a month too far from asOf, is always an error.
  if (last === null || last > month || month < oldestProvisional || addMonths(`${last}-01`, 1).slice(0, 7) < oldestProvisional) {
    return { percent: new Decimal(indices.percent(series, month)), provisional: false };
  }
  return { percent: new Decimal(indices.percent(series, last)), provisional: true };
}

/**
 * The correction factor of a piece of a month: days s+1 … s+days of a month of n days.
 * Compound: (1 + v)^(days/n). Linear: (1 + v·(s+days)/n) ÷ (1 + v·s/n), so that cutting a month
 * into pieces (a payment, the 2024 law) gives the same month as one piece.
 */
export function pieceFactor(monthly: Decimal, startOffset: number, days: number, monthDays: number, kind: 'compound' | 'linear'): Decimal {
  if (kind === 'compound') return fractionalPower(ONE.plus(monthly), days, monthDays);
  return ONE.plus(monthly.times(startOffset + days).div(monthDays)).div(ONE.plus(monthly.times(startOffset).div(monthDays)));
}

/**
 * base^(num/den), remembered: a fractional power costs a logarithm and an exponential in
 * decimal, and a portfolio repeats the same few (monthly rate, days) pairs across thousands of
 * debts. Decimals are immutable, so the remembered value is shared safely.
 */
const powers = new Map<string, Decimal>();
export function fractionalPower(base: Decimal, num: number, den: number): Decimal {
  const key = `${base.toString()}^${num}/${den}`;
  let value = powers.get(key);
  if (value === undefined) {
    if (powers.size >= 100_000) powers.clear();
    value = base.pow(new Decimal(num).div(den));
    powers.set(key, value);
  }
  return value;
}

export const LABELS: Record<Component, string> = {
  principal: 'principal',
  correction: 'correção monetária',
  interest: 'juros de mora',
  fine: 'multa',
  fees: 'honorários',
};

const br = formatDateBR;
const brl = formatBRL;
const pct = (fraction: Decimal) => `${fraction.times(100).toDecimalPlaces(4).toString().replace('.', ',')}%`;
const pctText = (percent: Decimal) => `${percent.toString().replace('.', ',')}%`;
