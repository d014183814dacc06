import type { BusinessCalendar } from '../calendar/business-days.ts';
import { addDays, type IsoDate } from '../dates.ts';

/**
 * Credit-bureau listing (negativação): who may be listed, when a listing may be confirmed, when
 * it must go. Every number is a named, configurable parameter with its source (PRODUCT.md §5).
 */
export interface ListingPolicy {
  /** Days between the bureau's written notice to the debtor and the confirmation of the listing. CDC art. 43 §2º; STJ Súmula 359. */
  noticeWaitDays: number;
  /** Removal is requested this many business days after the debt is settled. STJ Súmula 548 (product default: D+1). */
  removalAfterBusinessDays: number;
  /** The legal limit for the removal, in business days after the money is available. STJ Súmula 548. */
  removalDeadlineBusinessDays: number;
  /** A listing not yet removed this many business days after settlement raises an alert (long before the limit). */
  removalAlertBusinessDays: number;
  /** An agreement's first payment settles the listing too (the creditor's choice; common practice). */
  removeOnAgreement: boolean;
  /** Smallest balance worth a listing (product choice; the schedule may ask for more). */
  minAmountCents: number;
}

export const DEFAULT_LISTING_POLICY: ListingPolicy = {
  noticeWaitDays: 10, // CDC art. 43 §2º (prior written notice); Súmula 359 (the bureau notifies); Súmula 404 (a letter suffices)
  removalAfterBusinessDays: 1, // Súmula 548: D+1 business day is our default
  removalDeadlineBusinessDays: 5, // Súmula 548: "no prazo de cinco dias úteis"
  removalAlertBusinessDays: 2,
  removeOnAgreement: true,
  minAmountCents: 1,
};

export type IneligibilityReason =
  | 'not_open'
  | 'not_due'
  | 'disputed'
  | 'prescribed'
  | 'listing_expired'
  | 'no_address'
  | 'invalid_document'
  | 'creditor_unidentified'
  | 'below_minimum'
  | 'over_indebted'
  | 'not_protestable'
  | 'not_liquid';

export interface EscalationCandidate {
  debt: { status: string; dueDate: IsoDate; disputed: boolean; prescriptionDate: IsoDate; listingExpiry: IsoDate; balanceCents: number };
  debtor: { documentValid: boolean; hasAddress: boolean; overIndebted: boolean };
  creditor: { document: string | null; address: string | null };
}

export interface Ineligibility {
  reason: IneligibilityReason;
  message: string;
  source: string;
}

/** Why a debt may not be listed (empty: it may). CDC 43; PRODUCT.md §5 "credit-bureau listing". */
export function listingIneligibility(c: EscalationCandidate, asOf: IsoDate, policy: ListingPolicy = DEFAULT_LISTING_POLICY): Ineligibility[] {
  const out = commonIneligibility(c, asOf);
  if (asOf >= c.debt.listingExpiry) out.push({ reason: 'listing_expired', message: 'O prazo máximo de negativação (5 anos do vencimento) já passou.', source: 'CDC art. 43 §1º; STJ Súmula 323' });
  if (c.debt.balanceCents < policy.minAmountCents) out.push({ reason: 'below_minimum', message: 'Saldo abaixo do mínimo para negativação.', source: 'política da assessoria' });
  return out;
}

/** What listing and protest both require: a due, open, undisputed, unprescribed debt of an identified creditor against a located debtor. */
export function commonIneligibility(c: EscalationCandidate, asOf: IsoDate): Ineligibility[] {
  const out: Ineligibility[] = [];
  if (c.debt.status !== 'open') out.push({ reason: 'not_open', message: `Título não está em aberto (situação: ${c.debt.status}).`, source: 'CDC art. 42 parágrafo único' });
  if (c.debt.dueDate >= asOf) out.push({ reason: 'not_due', message: 'Título ainda não vencido.', source: 'CDC art. 43' });
  if (c.debt.disputed) out.push({ reason: 'disputed', message: 'Título contestado pelo devedor: aguarde a análise.', source: 'CDC art. 43 §3º' });
  if (asOf >= c.debt.prescriptionDate) out.push({ reason: 'prescribed', message: 'Dívida prescrita: nenhuma cobrança ativa.', source: 'STJ REsp 2.088.100; CC art. 206' });
  if (!c.debtor.documentValid) out.push({ reason: 'invalid_document', message: 'CPF/CNPJ do devedor inválido.', source: 'CDC art. 43' });
  if (!c.debtor.hasAddress) out.push({ reason: 'no_address', message: 'Sem endereço conhecido do devedor para a notificação prévia.', source: 'CDC art. 43 §2º; STJ Súmula 359' });
  if (c.debtor.overIndebted) out.push({ reason: 'over_indebted', message: 'Devedor em superendividamento: medidas restritivas suspensas.', source: 'CDC art. 104-A' });
  if (!c.creditor.document || !c.creditor.address) out.push({ reason: 'creditor_unidentified', message: 'Credor sem CNPJ/CPF ou endereço cadastrado.', source: 'CDC art. 42-A' });
  return out;
}

/** The first day a notified listing may be confirmed: the notice date plus the wait. */
export function confirmableOn(notifiedOn: IsoDate, policy: ListingPolicy = DEFAULT_LISTING_POLICY): IsoDate {
  return addDays(notifiedOn, policy.noticeWaitDays);
}

export interface RemovalSchedule {
  /** The day the removal is requested (Súmula 548; default D+1 business day). */
  plannedOn: IsoDate;
  /** From this day a listing still not removed raises an alert. */
  alertOn: IsoDate;
  /** The last day the removal may happen: 5 business days after settlement. */
  deadline: IsoDate;
}

/** When a listing of a debt settled on `settledOn` must be removed, on the banks' business days. */
export function removalSchedule(settledOn: IsoDate, calendar: BusinessCalendar, policy: ListingPolicy = DEFAULT_LISTING_POLICY): RemovalSchedule {
  return {
    plannedOn: calendar.addBusinessDays(settledOn, policy.removalAfterBusinessDays),
    alertOn: calendar.addBusinessDays(settledOn, policy.removalAlertBusinessDays),
    deadline: calendar.addBusinessDays(settledOn, policy.removalDeadlineBusinessDays),
  };
}
