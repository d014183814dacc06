import { addDays, type IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * The agreement's life as an explicit state machine:
 *
 *   proposed ──accept──▶ accepted ──activate──▶ active ──fulfil──▶ fulfilled
 *      │                    │  └──fulfil (paid in one go)──────────▲
 *      └─cancel/expire─▶ cancelled ◀─cancel─┘                     │
 *                       broken ◀──break── accepted | active
 *
 * accepted: the debtor agreed (the terms shown are recorded); active: the first payment arrived;
 * broken: an installment stayed unpaid past the grace period. Every other move is refused with a
 * message that says why, and nothing changes.
 */
export type AgreementStatus = 'proposed' | 'accepted' | 'active' | 'fulfilled' | 'broken' | 'cancelled';
export type AgreementEvent = 'accept' | 'activate' | 'fulfil' | 'break' | 'cancel' | 'expire';

export const TRANSITIONS: Record<AgreementStatus, Partial<Record<AgreementEvent, AgreementStatus>>> = {
  proposed: { accept: 'accepted', cancel: 'cancelled', expire: 'cancelled' },
  accepted: { activate: 'active', fulfil: 'fulfilled', break: 'broken', cancel: 'cancelled' },
  active: { fulfil: 'fulfilled', break: 'broken', cancel: 'cancelled' },
  fulfilled: {},
  broken: {},
  cancelled: {},
};

export const STATUS_LABELS: Record<AgreementStatus, string> = {
  proposed: 'proposto',
  accepted: 'aceito',
  active: 'ativo',
  fulfilled: 'quitado',
  broken: 'rompido',
  cancelled: 'cancelado',
};

const EVENT_LABELS: Record<AgreementEvent, string> = {
  accept: 'aceito',
  activate: 'ativado',
  fulfil: 'quitado',
  break: 'rompido',
  cancel: 'cancelado',
  expire: 'expirado',
};

export function nextStatus(status: AgreementStatus, event: AgreementEvent): AgreementStatus {
  const next = TRANSITIONS[status][event];
  if (!next) throw new AppError('conflict', `Um acordo ${STATUS_LABELS[status]} não pode ser ${EVENT_LABELS[event]}.`, { field: 'status' });
  return next;
}

export interface InstallmentState {
  number: number;
  dueDate: IsoDate;
  amountCents: Cents;
  paidCents: Cents;
  status: 'open' | 'paid' | 'cancelled';
}

/**
 * The day an agreement breaks: the day after the grace period of its earliest unpaid
 * installment (due date + grace days + 1), or null when nothing is overdue that long at asOf.
 * The date does not depend on when the run happens: a late run breaks it on the same day.
 */
export function breachDate(installments: readonly InstallmentState[], graceDays: number, asOf: IsoDate): IsoDate | null {
  const open = installments.filter((i) => i.status === 'open').sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number));
  const first = open[0];
  if (!first) return null;
  const breaks = addDays(first.dueDate, graceDays + 1);
  return breaks <= asOf ? breaks : null;
}

/** A payment on an installment: what it takes (up to what is still owed) and the excess. */
export function applyToInstallment(installment: InstallmentState, amountCents: Cents): { appliedCents: Cents; excessCents: Cents; paidInFull: boolean } {
  if (!Number.isInteger(amountCents) || amountCents <= 0) throw new AppError('validation', 'Valor do pagamento deve ser um inteiro positivo de centavos.', { field: 'amountCents' });
  if (installment.status !== 'open') throw new AppError('conflict', `A parcela ${installment.number} não está em aberto.`, { field: 'installment' });
  const owed = installment.amountCents - installment.paidCents;
  const applied = Math.min(owed, amountCents);
  return { appliedCents: applied, excessCents: amountCents - applied, paidInFull: applied === owed };
}
