import type { Uf } from '../../brazil/uf.ts';
import { addDays, daysBetween, type IsoDate } from '../dates.ts';
import type { Channel } from '../compliance/rules.ts';

/**
 * A dunning schedule (régua de cobrança) is data: steps on day offsets from the due date (or
 * from an event), each with a stage, an action, a template and conditions; and the conditions
 * that stop it. Schedules are versioned; every action records the version that drove it.
 */
export type Stage = 'aviso' | 'alerta' | 'acao';
/**
 * What a step counts its days from: the debt's due date; the day an agreement broke or a promise
 * was broken (the schedule resumes from there); or each due date of an agreement's installments
 * (reminders before each one, PRODUCT.md §2.6).
 */
export type Anchor = 'due_date' | 'agreement_breach' | 'promise_broken' | 'installment_due';
export type StopCondition = 'paid' | 'active_agreement' | 'disputed' | 'prescribed' | 'opt_out' | 'over_indebted';

export interface StepConditions {
  minAmountCents?: number;
  maxAmountCents?: number;
  minDaysPastDue?: number;
  maxDaysPastDue?: number;
  debtorKinds?: ReadonlyArray<'pf' | 'pj'>;
  ufs?: readonly Uf[];
  scoreBands?: readonly string[];
  /** The step needs the debtor's consent for its channel (WhatsApp opt-in, e-mail on file). */
  requiresConsent?: boolean;
}

export interface Step {
  id: string;
  /** Days from the anchor; negative = before it (D−3 reminder). */
  offsetDays: number;
  anchor: Anchor;
  stage: Stage;
  action: Channel;
  template: string;
  conditions?: StepConditions;
}

export interface Schedule {
  id: string;
  version: number;
  name: string;
  steps: readonly Step[];
  stopConditions: readonly StopCondition[];
}

/** What the schedule needs to know about a case on a date. */
export interface CaseState {
  dueDate: IsoDate;
  amountCents: number;
  debtorKind: 'pf' | 'pj';
  uf: Uf | null;
  scoreBand: string | null;
  /** Dates of the events steps may be anchored to. */
  events: Partial<Record<Exclude<Anchor, 'due_date'>, IsoDate>>;
  flags: Partial<Record<StopCondition, boolean>>;
  /** Channels with consent (opt-in or a contact on file that was not opted out). */
  consentedChannels: readonly Channel[];
}

export type StepDecision =
  | { step: Step; due: IsoDate; outcome: 'due' }
  | { step: Step; due: IsoDate; outcome: 'stopped'; reason: StopCondition }
  | { step: Step; due: IsoDate; outcome: 'skipped'; reason: keyof StepConditions };

/** The date a step falls due for a case, or null when its anchor event has not happened. */
export function stepDate(step: Step, state: CaseState): IsoDate | null {
  const anchor = step.anchor === 'due_date' ? state.dueDate : state.events[step.anchor];
  return anchor ? addDays(anchor, step.offsetDays) : null;
}

/** The first condition a case fails, or null. */
export function failedCondition(conditions: StepConditions | undefined, state: CaseState, on: IsoDate, action: Channel): keyof StepConditions | null {
  if (!conditions) return null;
  const dpd = daysBetween(state.dueDate, on);
  if (conditions.minAmountCents !== undefined && state.amountCents < conditions.minAmountCents) return 'minAmountCents';
  if (conditions.maxAmountCents !== undefined && state.amountCents > conditions.maxAmountCents) return 'maxAmountCents';
  if (conditions.minDaysPastDue !== undefined && dpd < conditions.minDaysPastDue) return 'minDaysPastDue';
  if (conditions.maxDaysPastDue !== undefined && dpd > conditions.maxDaysPastDue) return 'maxDaysPastDue';
  if (conditions.debtorKinds && !conditions.debtorKinds.includes(state.debtorKind)) return 'debtorKinds';
  if (conditions.ufs && (!state.uf || !conditions.ufs.includes(state.uf))) return 'ufs';
  if (conditions.scoreBands && (!state.scoreBand || !conditions.scoreBands.includes(state.scoreBand))) return 'scoreBands';
  if (conditions.requiresConsent && !state.consentedChannels.includes(action)) return 'requiresConsent';
  return null;
}

/**
 * The steps of a schedule that fall due in (since, asOf] for a case: each due, stopped (a stop
 * condition holds) or skipped (a condition fails). A window rather than a single day, so a run
 * that missed a day catches up without repeating what an earlier run already produced.
 */
export function evaluateSchedule(schedule: Schedule, state: CaseState, since: IsoDate | null, asOf: IsoDate): StepDecision[] {
  const stop = schedule.stopConditions.find((c) => state.flags[c]);
  const decisions: StepDecision[] = [];
  for (const step of schedule.steps) {
    const due = stepDate(step, state);
    if (!due || due > asOf || (since !== null && due <= since)) continue;
    if (stop) {
      decisions.push({ step, due, outcome: 'stopped', reason: stop });
      continue;
    }
    const failed = failedCondition(step.conditions, state, due, step.action);
    decisions.push(failed ? { step, due, outcome: 'skipped', reason: failed } : { step, due, outcome: 'due' });
  }
  return decisions.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

/** The example schedule of PRODUCT.md §2: D−3 e-mail … D+90 legal. */
export const EXAMPLE_SCHEDULE: Schedule = {
  id: 'padrao',
  version: 1,
  name: 'Régua padrão',
  stopConditions: ['paid', 'active_agreement', 'disputed', 'prescribed', 'opt_out', 'over_indebted'],
  steps: [
    { id: 'd-3-email', offsetDays: -3, anchor: 'due_date', stage: 'aviso', action: 'email', template: 'lembrete-vencimento' },
    { id: 'd1-sms', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'aviso-atraso' },
    { id: 'd5-whatsapp', offsetDays: 5, anchor: 'due_date', stage: 'aviso', action: 'whatsapp', template: 'aviso-whatsapp', conditions: { requiresConsent: true } },
    { id: 'd10-call', offsetDays: 10, anchor: 'due_date', stage: 'alerta', action: 'voice', template: 'roteiro-alerta' },
    { id: 'd15-letter', offsetDays: 15, anchor: 'due_date', stage: 'alerta', action: 'letter', template: 'notificacao-escrita' },
    { id: 'd25-bureau', offsetDays: 25, anchor: 'due_date', stage: 'acao', action: 'bureau', template: 'negativacao', conditions: { minAmountCents: 5_000 } },
    { id: 'd45-protest', offsetDays: 45, anchor: 'due_date', stage: 'acao', action: 'protest', template: 'protesto', conditions: { minAmountCents: 50_000 } },
    { id: 'd90-legal', offsetDays: 90, anchor: 'due_date', stage: 'acao', action: 'legal', template: 'ajuizamento', conditions: { minAmountCents: 500_000 } },
    { id: 'breach-sms', offsetDays: 1, anchor: 'agreement_breach', stage: 'alerta', action: 'sms', template: 'quebra-de-acordo' },
    { id: 'promise-broken-sms', offsetDays: 1, anchor: 'promise_broken', stage: 'alerta', action: 'sms', template: 'promessa-quebrada' },
    { id: 'installment-d-3-email', offsetDays: -3, anchor: 'installment_due', stage: 'aviso', action: 'email', template: 'lembrete-parcela' },
  ],
};
