import { Decimal } from '../decimal.ts';
import { addDays, addMonths, formatDateBR as br, type IsoDate } from '../dates.ts';
import { formatBRL, type Cents } from '../money.ts';
import type { BusinessCalendar } from '../calendar/business-days.ts';
import { LABELS, type Component } from '../balance/updated-balance.ts';
import { buildPlan } from '../plans/installment-plan.ts';
import { AppError } from '../../shared/errors.ts';
import { bandFor, NO_DISCOUNT, type OfferPolicy } from './offer-policy.ts';

/**
 * Offers (propostas) for a debtor: one à vista offer and installment offers, computed from the
 * updated balances at `asOf` within the offer policy; or the analyst's own terms, checked
 * against it. Pure: balances, policy, income and calendar come in.
 *
 * Rounding: each discount is the component × rate rounded *down* to the centavo, so no
 * discount ever exceeds the policy's maximum; the down payment is rounded *up*, so it never
 * falls below the policy's minimum; the plan itself rounds as `buildPlan` documents.
 */
export const COMPONENTS: readonly Component[] = ['principal', 'correction', 'interest', 'fine', 'fees'];

export interface NegotiableDebt {
  debtId: string;
  externalId: string;
  dueDate: IsoDate;
  /** Days past due at asOf (0 or less: not yet due — consolidated at face value, no discount band). */
  daysPastDue: number;
  components: Record<Component, Cents>;
  total: Cents;
}

export interface OfferContext {
  asOf: IsoDate;
  debts: readonly NegotiableDebt[];
  policy: OfferPolicy;
  /** Monthly income the debtor declared, if any: no installment may leave less than the subsistence minimum. */
  declaredIncomeCents: Cents | null;
  /** Due dates move to the next business day of this calendar. */
  calendar: BusinessCalendar;
}

/** The analyst's own terms; anything beyond the policy is listed as a violation to be approved. */
export interface Proposal {
  /** Payments in all: 1 = à vista; n > 1 = a down payment and n − 1 monthly installments. */
  installments: number;
  downPaymentCents?: Cents | undefined;
  /** Discount on each component of every debt, a fraction; omitted components get the policy's. */
  discountRates?: Partial<Record<Component, string>> | undefined;
  firstPaymentDate?: IsoDate | undefined;
}

export interface OfferLine {
  debtId: string;
  externalId: string;
  component: Component;
  balanceCents: Cents;
  rate: string;
  discountCents: Cents;
}

export interface OfferPayment {
  /** 0 = down payment (entrada); à vista is payment 1. */
  number: number;
  dueDate: IsoDate;
  amountCents: Cents;
  interestCents: Cents;
  amortizationCents: Cents;
}

export type ViolationRule = 'max_discount' | 'max_installments' | 'min_installment' | 'min_down_payment' | 'first_payment_date';
export interface Violation {
  rule: ViolationRule;
  message: string;
}

export interface Offer {
  key: string;
  kind: 'cash' | 'installments';
  asOf: IsoDate;
  validUntil: IsoDate;
  installmentCount: number;
  balanceCents: Cents;
  discountCents: Cents;
  /** Balance minus discounts: what the agreement settles. */
  negotiatedCents: Cents;
  downPaymentCents: Cents;
  financedCents: Cents;
  interestCents: Cents;
  /** Everything the debtor pays. */
  totalCents: Cents;
  monthlyRate: string;
  discountByComponent: Record<Component, Cents>;
  breakdown: OfferLine[];
  payments: OfferPayment[];
  cet: { monthly: string; yearly: string } | null;
  violations: Violation[];
  withinPolicy: boolean;
  /** The explanation, in Portuguese, line by line. */
  explanation: string[];
}

export interface OfferSet {
  asOf: IsoDate;
  balanceCents: Cents;
  /** The least the creditor accepts without approval: the balance minus every maximum discount. */
  floorCents: Cents;
  offers: Offer[];
  /** Installment counts the policy allows that no offer uses, and why. */
  excluded: Array<{ installments: number; reason: string }>;
}

/** À vista and every installment count the policy allows and the debtor can afford. */
export function computeOffers(context: OfferContext): OfferSet {
  checkDebts(context);
  const { policy } = context;
  const cash = buildOffer(context, { installments: 1 }, false);
  const offers: Offer[] = [cash];
  const excluded: OfferSet['excluded'] = [];
  for (let n = 2; n <= policy.maxInstallments; n++) {
    let offer: Offer;
    try {
      offer = buildOffer(context, { installments: n }, false);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      excluded.push({ installments: n, reason: error.message });
      continue;
    }
    const small = offer.violations.find((v) => v.rule === 'min_installment');
    if (small) excluded.push({ installments: n, reason: small.message });
    else offers.push(offer);
  }
  return { asOf: context.asOf, balanceCents: cash.balanceCents, floorCents: cash.negotiatedCents, offers, excluded };
}

/** The analyst's proposal, priced; violations say what needs a supervisor's approval. */
export function priceProposal(context: OfferContext, proposal: Proposal): Offer {
  checkDebts(context);
  return buildOffer(context, proposal, true);
}

function checkDebts(context: OfferContext): void {
  if (context.debts.length === 0) throw new AppError('validation', 'Informe ao menos um título para negociar.', { field: 'debtIds' });
  if (context.debts.reduce((s, d) => s + d.total, 0) <= 0) throw new AppError('validation', 'Os títulos escolhidos não têm saldo a negociar.', { field: 'debtIds' });
}

function buildOffer(context: OfferContext, proposal: Proposal, custom: boolean): Offer {
  const { policy, asOf, calendar } = context;
  const n = proposal.installments;
  if (!Number.isInteger(n) || n < 1 || n > 480) throw new AppError('validation', 'Número de parcelas deve ser um inteiro de 1 a 480.', { field: 'installments' });
  const violations: Violation[] = [];
  const share = n === 1 ? new Decimal(1) : new Decimal(policy.installmentDiscountShare);

  // Discounts, debt by debt and component by component.
  const breakdown: OfferLine[] = [];
  const byComponent = { principal: 0, correction: 0, interest: 0, fine: 0, fees: 0 } as Record<Component, Cents>;
  for (const debt of context.debts) {
    const band = bandFor(policy, debt.daysPastDue);
    const allowed = band?.maxDiscount ?? NO_DISCOUNT;
    for (const component of COMPONENTS) {
      const balance = debt.components[component];
      if (balance <= 0) continue;
      const max = new Decimal(allowed[component]).times(share);
      const asked = proposal.discountRates?.[component];
      const rate = asked !== undefined ? new Decimal(asked) : max;
      if (rate.lt(0) || rate.gt(1)) throw new AppError('validation', `Desconto em ${LABELS[component]} deve estar entre 0 e 1 (fração).`, { field: `discountRates.${component}` });
      if (rate.gt(max)) {
        violations.push({
          rule: 'max_discount',
          message: `Desconto de ${percent(rate)} em ${LABELS[component]} do título ${debt.externalId} acima do máximo da política (${percent(max)} para ${debt.daysPastDue} dias de atraso${n > 1 ? ', parcelado' : ''})`,
        });
      }
      const discount = new Decimal(balance).times(rate).floor().toNumber();
      byComponent[component] += discount;
      breakdown.push({ debtId: debt.debtId, externalId: debt.externalId, component, balanceCents: balance, rate: rate.toString(), discountCents: discount });
    }
  }
  const balanceCents = context.debts.reduce((s, d) => s + d.total, 0);
  const discountCents = COMPONENTS.reduce((s, c) => s + byComponent[c], 0);
  const negotiated = balanceCents - discountCents;
  if (negotiated <= 0) throw new AppError('validation', 'Os descontos zeram o saldo: não há o que parcelar.', { field: 'discountRates' });

  const earliest = calendar.nextBusinessDay(addDays(asOf, policy.firstPaymentInDays));
  const first = proposal.firstPaymentDate ? calendar.nextBusinessDay(proposal.firstPaymentDate) : earliest;
  if (first <= asOf) throw new AppError('validation', 'A primeira parcela deve vencer depois da data da proposta.', { field: 'firstPaymentDate' });
  if (first > earliest && custom) violations.push({ rule: 'first_payment_date', message: `Primeiro pagamento em ${br(first)}, depois do prazo da política (${br(earliest)})` });
  if (n > policy.maxInstallments) violations.push({ rule: 'max_installments', message: `${n} pagamentos, acima do máximo da política (${policy.maxInstallments})` });

  let payments: OfferPayment[];
  let down: Cents;
  let interest = 0;
  let cet: Offer['cet'] = null;
  if (n === 1) {
    down = negotiated;
    payments = [{ number: 1, dueDate: first, amountCents: negotiated, interestCents: 0, amortizationCents: negotiated }];
  } else {
    const minimumDown = Math.max(new Decimal(negotiated).times(policy.minDownPaymentRate).ceil().toNumber(), policy.minDownPaymentCents);
    down = proposal.downPaymentCents ?? minimumDown;
    if (down < minimumDown) violations.push({ rule: 'min_down_payment', message: `Entrada de ${formatBRL(down)} abaixo do mínimo da política (${formatBRL(minimumDown)})` });
    if (down <= 0 || down >= negotiated) throw new AppError('validation', `A entrada deve ser maior que zero e menor que o valor negociado (${formatBRL(negotiated)}).`, { field: 'downPaymentCents' });
    const plan = buildPlan({ method: 'price', principal: negotiated, downPayment: down, downPaymentDate: first, firstDueDate: addMonths(first, 1), installments: n - 1, monthlyRate: policy.monthlyRate, calendar });
    payments = [
      { number: 0, dueDate: first, amountCents: down, interestCents: 0, amortizationCents: down },
      ...plan.installments.map((p) => ({ number: p.number, dueDate: p.dueDate, amountCents: p.amount, interestCents: p.interest, amortizationCents: p.amortization })),
    ];
    interest = plan.totalInterest;
    cet = plan.cet;
    const level = plan.installments[0]!.amount;
    if (level < policy.minInstallmentCents) violations.push({ rule: 'min_installment', message: `Parcela de ${formatBRL(level)} abaixo do mínimo da política (${formatBRL(policy.minInstallmentCents)})` });
    // Subsistence minimum (CDC art. 104-A; Decreto 11.567/2023): a legal limit, never approvable.
    // Every payment of a plan counts, the down payment too: each falls in a month of the debtor's income.
    const income = context.declaredIncomeCents;
    const largest = Math.max(down, ...plan.installments.map((p) => p.amount));
    if (income !== null && income - largest < policy.subsistenceMinimumCents) {
      throw new AppError(
        'validation',
        `Parcela de ${formatBRL(largest)} deixaria a renda declarada (${formatBRL(income)}) abaixo do mínimo existencial de ${formatBRL(policy.subsistenceMinimumCents)} (CDC art. 104-A; Decreto 11.567/2023).`,
        { field: 'installments' },
      );
    }
  }
  const total = payments.reduce((s, p) => s + p.amountCents, 0);
  const offer: Offer = {
    key: custom ? `proposta-${n}` : n === 1 ? 'a-vista' : `parcelado-${n}`,
    kind: n === 1 ? 'cash' : 'installments',
    asOf,
    validUntil: addDays(asOf, policy.validityDays),
    installmentCount: n,
    balanceCents,
    discountCents,
    negotiatedCents: negotiated,
    downPaymentCents: n === 1 ? 0 : down,
    financedCents: n === 1 ? 0 : negotiated - down,
    interestCents: interest,
    totalCents: total,
    monthlyRate: n === 1 ? '0' : policy.monthlyRate,
    discountByComponent: byComponent,
    breakdown,
    payments,
    cet,
    violations,
    withinPolicy: violations.length === 0,
    explanation: [],
  };
  offer.explanation = explain(offer, context.debts.length);
  return offer;
}

function explain(offer: Offer, debts: number): string[] {
  const lines = [`Saldo atualizado em ${br(offer.asOf)} de ${debts} título(s): ${formatBRL(offer.balanceCents)}`];
  for (const component of COMPONENTS) {
    const cents = offer.discountByComponent[component];
    if (cents > 0) lines.push(`Desconto em ${LABELS[component]}: ${formatBRL(cents)}`);
  }
  lines.push(`Valor negociado: ${formatBRL(offer.negotiatedCents)}`);
  if (offer.kind === 'cash') lines.push(`À vista em ${br(offer.payments[0]!.dueDate)}: ${formatBRL(offer.totalCents)}`);
  else {
    const rest = offer.payments.slice(1);
    lines.push(`Entrada de ${formatBRL(offer.downPaymentCents)} em ${br(offer.payments[0]!.dueDate)} e ${rest.length} parcela(s) mensais de ${formatBRL(rest[0]!.amountCents)} (juros de ${percent(new Decimal(offer.monthlyRate))} a.m., tabela Price)`);
    lines.push(`Total a pagar: ${formatBRL(offer.totalCents)}, dos quais ${formatBRL(offer.interestCents)} de juros do parcelamento; CET ${percent(new Decimal(offer.cet!.monthly))} a.m.`);
  }
  lines.push(`Proposta válida até ${br(offer.validUntil)}`);
  return lines;
}

const percent = (fraction: Decimal) => `${fraction.times(100).toDecimalPlaces(4).toString().replace('.', ',')}%`;
