import { addDays, addYears, daysInMonth, type IsoDate } from './dates.ts';
import type { DebtKind } from './debt-kinds.ts';

/**
 * Prescription (limitation period) of a debt and the credit-bureau listing expiry.
 *
 * Counting (CC art. 132): the due date is the day of the start, excluded; a period in years
 * expires on the same day number N years later, included — or on the next day when that month
 * has no such day (§3º: 29/02 → 01/03). `prescriptionDate` is the day after: the first day on
 * which the claim is prescribed — from it, no active collection (STJ REsp 2.088.100).
 * Prescription is interrupted once (CC art. 202) and then runs again in full from the act.
 */
export interface PrescriptionRule {
  years: number;
  rule: string;
  source: string;
}

const LIQUID_DEBT: PrescriptionRule = { years: 5, rule: 'dívida líquida constante de instrumento particular', source: 'CC art. 206 §5º I' };

/** Collection claim (pretensão de cobrança) by kind of document; every entry is configurable. */
export const PRESCRIPTION_RULES: Record<DebtKind, PrescriptionRule> = {
  contract: LIQUID_DEBT,
  credit_card: LIQUID_DEBT,
  loan: LIQUID_DEBT,
  consumer_credit: LIQUID_DEBT,
  invoice: LIQUID_DEBT,
  tuition: LIQUID_DEBT,
  bank_slip: LIQUID_DEBT,
  rent: { years: 3, rule: 'aluguéis de prédios urbanos ou rústicos', source: 'CC art. 206 §3º I' },
  // After the executive action, the credit titles are still collectable by monitória for 5 years.
  duplicata: { years: 5, rule: 'cobrança de duplicata (ação monitória / de cobrança)', source: 'CC art. 206 §5º I; STJ Súmula 504 (análoga)' },
  promissory_note: { years: 5, rule: 'cobrança de nota promissória sem força executiva', source: 'STJ Súmula 504' },
  cheque: { years: 5, rule: 'cobrança de cheque sem força executiva, contada do dia seguinte à emissão', source: 'STJ Súmula 503' },
  other: { years: 10, rule: 'prazo geral', source: 'CC art. 205' },
};

/** Executive action (ação de execução) of credit titles, shorter than the collection claim. */
export const EXECUTIVE_ACTION_RULES: Partial<Record<DebtKind, PrescriptionRule & { presentationDays?: number; months?: number }>> = {
  duplicata: { years: 3, rule: 'execução de duplicata contra o sacado', source: 'Lei 5.474/1968 art. 18 I' },
  promissory_note: { years: 3, rule: 'execução de nota promissória contra o emitente', source: 'Decreto 57.663/1966 (LUG) art. 70' },
  // Cheque: 6 months after the presentation period (30 days same place, 60 days elsewhere).
  cheque: { years: 0, months: 6, presentationDays: 30, rule: 'execução de cheque: 6 meses após o prazo de apresentação', source: 'Lei 7.357/1985 arts. 33 e 59' },
};

/** Credit-bureau listing lifetime: at most 5 years from the day after the due date. */
export const LISTING_MAX_YEARS = 5; // CDC art. 43 §1º; STJ Súmula 323

export interface PrescriptionInput {
  kind: DebtKind;
  /** The due date (for a cheque: its issue date). */
  dueDate: IsoDate;
  /** An interrupting act (protest, acknowledgment by the debtor, a lawsuit served…); only the first counts. */
  interruptedOn?: IsoDate | null;
  /** Cheque payable in another place: 60 days to present instead of 30. */
  chequeOtherPlace?: boolean;
}

export interface PrescriptionResult {
  /** The first day on which the claim is prescribed. */
  prescriptionDate: IsoDate;
  /** The first day on which a listing must no longer exist. */
  listingExpiry: IsoDate;
  /** The last day on which the executive action may be filed (credit titles). */
  executiveActionUntil: IsoDate | null;
  rule: string;
  source: string;
  interrupted: boolean;
}

/** The last day of a period of `years` counted from `start` (excluded), CC art. 132 §3º. */
export function periodEnd(start: IsoDate, years: number, months = 0): IsoDate {
  const total = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + years * 12 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Number(start.slice(8, 10));
  const ym = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  return day <= daysInMonth(year, month) ? `${ym}-${String(day).padStart(2, '0')}` : addDays(`${ym}-${String(daysInMonth(year, month)).padStart(2, '0')}`, 1);
}

export function prescriptionOf(input: PrescriptionInput, rules: Record<DebtKind, PrescriptionRule> = PRESCRIPTION_RULES): PrescriptionResult {
  const rule = rules[input.kind];
  const original = addDays(periodEnd(input.dueDate, rule.years), 1);
  // One interruption, and only while the claim is alive (CC art. 202 caput).
  const interrupted = !!input.interruptedOn && input.interruptedOn > input.dueDate && input.interruptedOn < original;
  const prescriptionDate = interrupted ? addDays(periodEnd(input.interruptedOn!, rule.years), 1) : original;
  // Listing: due date + 1 day + 5 years (Súmula 323 as PRODUCT.md reads it), clamped to the month's end.
  const listingByAge = addYears(addDays(input.dueDate, 1), LISTING_MAX_YEARS);
  const executive = EXECUTIVE_ACTION_RULES[input.kind];
  let executiveActionUntil: IsoDate | null = null;
  if (executive) {
    const presented = addDays(input.dueDate, input.kind === 'cheque' ? (input.chequeOtherPlace ? 60 : (executive.presentationDays ?? 30)) : 0);
    executiveActionUntil = periodEnd(presented, executive.years, executive.months ?? 0);
  }
  return {
    prescriptionDate,
    listingExpiry: listingByAge < prescriptionDate ? listingByAge : prescriptionDate,
    executiveActionUntil,
    rule: rule.rule,
    source: rule.source,
    interrupted,
  };
}
