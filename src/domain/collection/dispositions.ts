import { UF_INFO, type Uf } from '../../brazil/uf.ts';
import { localTime } from '../compliance/local-time.ts';
import { addDays, formatDateBR, isIsoDate, type IsoDate } from '../dates.ts';
import { MAX_AMOUNT_CENTS, type Cents } from '../money.ts';

/**
 * Dispositions (tabulação): the outcome a collector records after a call. Each code says whether
 * the call counts as an attempt and as answered (the compliance guard's daily caps), whether the
 * debtor was reached (right-party contact, a KPI), what it does to the case, and which fields it
 * needs.
 */
export type DispositionCode =
  | 'right_party_contact'
  | 'promise'
  | 'refused'
  | 'callback'
  | 'no_answer'
  | 'busy'
  | 'voicemail'
  | 'wrong_number'
  | 'third_party'
  | 'dispute'
  | 'claims_paid'
  | 'deceased'
  | 'do_not_call';

export type DispositionEffect = 'invalidate_phone' | 'pause_debts' | 'mark_deceased' | 'create_promise' | 'schedule_callback' | 'opt_out_voice';
export type DispositionField = 'amountCents' | 'promisedFor' | 'callbackAt' | 'note';

export interface DispositionSpec {
  code: DispositionCode;
  /** pt-BR, for the collector's buttons. */
  label: string;
  /** pt-BR: what it means and what it does. */
  description: string;
  /** Counts toward the daily cap of call attempts. */
  attempt: boolean;
  /** Counts toward the daily cap of answered calls (answered by the debtor or someone of the debtor's circle). */
  answered: boolean;
  /** The collector spoke with the debtor (right-party contact, RPC). */
  rightPartyContact: boolean;
  effects: readonly DispositionEffect[];
  required: readonly DispositionField[];
  /** Where the rule comes from, when it comes from the law. */
  source?: string;
}

const define = (s: DispositionSpec) => s;

export const DISPOSITIONS: Readonly<Record<DispositionCode, DispositionSpec>> = {
  right_party_contact: define({ code: 'right_party_contact', label: 'Falou com o devedor', description: 'conversa com o próprio devedor, sem promessa nem recusa', attempt: true, answered: true, rightPartyContact: true, effects: [], required: [] }),
  promise: define({ code: 'promise', label: 'Promessa de pagamento', description: 'o devedor prometeu pagar um valor até uma data; a promessa é acompanhada', attempt: true, answered: true, rightPartyContact: true, effects: ['create_promise'], required: ['amountCents', 'promisedFor'] }),
  refused: define({ code: 'refused', label: 'Recusou', description: 'o devedor não aceita pagar nem negociar agora', attempt: true, answered: true, rightPartyContact: true, effects: [], required: [] }),
  callback: define({ code: 'callback', label: 'Pediu retorno', description: 'o devedor pediu que ligássemos em outro momento; o retorno entra na fila na hora marcada', attempt: true, answered: true, rightPartyContact: true, effects: ['schedule_callback'], required: ['callbackAt'] }),
  no_answer: define({ code: 'no_answer', label: 'Não atendeu', description: 'ninguém atendeu', attempt: true, answered: false, rightPartyContact: false, effects: [], required: [] }),
  busy: define({ code: 'busy', label: 'Ocupado', description: 'linha ocupada', attempt: true, answered: false, rightPartyContact: false, effects: [], required: [] }),
  // CDC art. 42: nothing about the debt may be left in a voicemail — anyone may hear it. At most a
  // name and a number to call back, without saying why.
  voicemail: define({ code: 'voicemail', label: 'Caixa postal', description: 'caiu na caixa postal; nenhum recado sobre a dívida pode ser deixado', attempt: true, answered: false, rightPartyContact: false, effects: [], required: [], source: 'CDC art. 42' }),
  // The person who answered has nothing to do with the debtor: not the debtor's circle, so it does
  // not use the day's answered-call cap; the number stops being dialed.
  wrong_number: define({ code: 'wrong_number', label: 'Número errado', description: 'o número não é do devedor; o telefone passa a ser inválido', attempt: true, answered: false, rightPartyContact: false, effects: ['invalidate_phone'], required: [] }),
  // CDC art. 42: nothing about the debt is disclosed to a third party. An attempt, not a contact;
  // it counts as answered so the household is not called over and over the same day.
  third_party: define({ code: 'third_party', label: 'Atendeu terceiro', description: 'atendeu outra pessoa; nada sobre a dívida foi revelado', attempt: true, answered: true, rightPartyContact: false, effects: [], required: [], source: 'CDC art. 42' }),
  // A disputed debt is not collected until the dispute is resolved (CDC art. 42; the guard's disputed_debt rule).
  dispute: define({ code: 'dispute', label: 'Contesta a dívida', description: 'o devedor contesta a dívida; a cobrança dos títulos em aberto fica suspensa até a análise', attempt: true, answered: true, rightPartyContact: true, effects: ['pause_debts'], required: ['note'], source: 'CDC art. 42' }),
  // Never demand what is paid (CDC art. 42 sole paragraph: repetição do indébito em dobro).
  claims_paid: define({ code: 'claims_paid', label: 'Alega pagamento', description: 'o devedor diz que já pagou; a cobrança fica suspensa até a conferência', attempt: true, answered: true, rightPartyContact: true, effects: ['pause_debts'], required: ['note'], source: 'CDC art. 42, parágrafo único' }),
  // Usually told by a relative: answered, not a contact with the debtor. Collection of the debtor stops.
  deceased: define({ code: 'deceased', label: 'Falecido', description: 'informaram o falecimento do devedor; a cobrança do devedor é encerrada', attempt: true, answered: true, rightPartyContact: false, effects: ['mark_deceased'], required: ['note'] }),
  // The debtor's right to object to a channel (CDC art. 42; LGPD art. 18 §2): no more calls.
  do_not_call: define({ code: 'do_not_call', label: 'Pediu para não ligar', description: 'o devedor pediu para não receber ligações; o canal de voz é descadastrado', attempt: true, answered: true, rightPartyContact: true, effects: ['opt_out_voice'], required: [], source: 'CDC art. 42; LGPD art. 18' }),
};

export const DISPOSITION_CODES = Object.keys(DISPOSITIONS) as DispositionCode[];

export interface DispositionPolicy {
  /** A promise may fall due at most this many days after today (product default). */
  maxPromiseDays: number;
  /** A callback may be scheduled at most this many days ahead (product default). */
  maxCallbackDays: number;
  maxNoteLength: number;
}

export const DEFAULT_DISPOSITION_POLICY: DispositionPolicy = { maxPromiseDays: 30, maxCallbackDays: 15, maxNoteLength: 2000 };

/** What the collector sends (fields not used by the code are ignored). */
export interface DispositionInput {
  code: string;
  amountCents?: number | null;
  promisedFor?: string | null;
  /** A Date, or an ISO 8601 instant with its offset ("2026-11-24T14:00:00-03:00"). */
  callbackAt?: Date | string | null;
  note?: string | null;
  /** The debtor's state: "today" is the debtor's local date (default: Brasília time). */
  uf?: Uf | null;
}

export interface Disposition {
  code: DispositionCode;
  label: string;
  at: Date;
  attempt: boolean;
  answered: boolean;
  rightPartyContact: boolean;
  effects: readonly DispositionEffect[];
  note: string | null;
  promise: { amountCents: Cents; promisedFor: IsoDate } | null;
  callbackAt: Date | null;
}

export interface FieldError {
  field: 'code' | DispositionField;
  message: string;
}

export type DispositionResult = { ok: true; disposition: Disposition } | { ok: false; errors: FieldError[] };

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

function parseInstant(value: Date | string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (!INSTANT.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const brasilia = (date: Date) =>
  new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);

/** Checks a disposition against its code's required fields; a normalized disposition or the pt-BR errors by field. */
export function validateDisposition(input: DispositionInput, now: Date, policy: DispositionPolicy = DEFAULT_DISPOSITION_POLICY): DispositionResult {
  const spec = Object.hasOwn(DISPOSITIONS, input.code) ? DISPOSITIONS[input.code as DispositionCode] : null;
  if (!spec) return { ok: false, errors: [{ field: 'code', message: `tabulação desconhecida: "${input.code}"` }] };
  const errors: FieldError[] = [];
  const needs = (field: DispositionField) => spec.required.includes(field);
  const zone = input.uf ? UF_INFO[input.uf].timeZone : 'America/Sao_Paulo';
  const today = localTime(now, zone).date;

  const note = input.note?.trim() || null;
  if (needs('note') && !note) errors.push({ field: 'note', message: `descreva o que o devedor informou: a observação é obrigatória para "${spec.label}"` });
  if (note && note.length > policy.maxNoteLength) errors.push({ field: 'note', message: `a observação passa de ${policy.maxNoteLength} caracteres` });

  let promise: Disposition['promise'] = null;
  if (needs('amountCents') || needs('promisedFor')) {
    const amount = input.amountCents;
    const amountOk = typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_AMOUNT_CENTS;
    if (amount === undefined || amount === null) errors.push({ field: 'amountCents', message: 'informe o valor prometido' });
    else if (!amountOk) errors.push({ field: 'amountCents', message: 'o valor prometido deve ser um número inteiro de centavos maior que zero' });

    const date = input.promisedFor;
    const latest = addDays(today, policy.maxPromiseDays);
    let dateOk = false;
    if (!date) errors.push({ field: 'promisedFor', message: 'informe a data prometida para o pagamento' });
    else if (!isIsoDate(date)) errors.push({ field: 'promisedFor', message: 'data prometida inválida (use AAAA-MM-DD)' });
    else if (date < today) errors.push({ field: 'promisedFor', message: `a data prometida não pode ser anterior a hoje (${formatDateBR(today)})` });
    else if (date > latest) errors.push({ field: 'promisedFor', message: `a data prometida deve ser até ${formatDateBR(latest)} (no máximo ${policy.maxPromiseDays} dias)` });
    else dateOk = true;
    if (amountOk && dateOk) promise = { amountCents: amount, promisedFor: date! };
  }

  let callbackAt: Date | null = null;
  if (needs('callbackAt')) {
    const raw = input.callbackAt;
    const at = raw === undefined || raw === null ? null : parseInstant(raw);
    const latest = new Date(now.getTime() + policy.maxCallbackDays * DAY_MS);
    if (raw === undefined || raw === null || raw === '') errors.push({ field: 'callbackAt', message: 'informe a data e a hora do retorno' });
    else if (!at) errors.push({ field: 'callbackAt', message: 'data e hora do retorno inválidas (use data, hora e fuso, ex.: 2026-11-24T14:00:00-03:00)' });
    else if (at.getTime() <= now.getTime()) errors.push({ field: 'callbackAt', message: 'o retorno deve ser marcado para depois de agora' });
    else if (at.getTime() > latest.getTime()) errors.push({ field: 'callbackAt', message: `o retorno deve ser marcado até ${brasilia(latest)} (horário de Brasília; no máximo ${policy.maxCallbackDays} dias)` });
    else callbackAt = at;
  }

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    disposition: {
      code: spec.code,
      label: spec.label,
      at: now,
      attempt: spec.attempt,
      answered: spec.answered,
      rightPartyContact: spec.rightPartyContact,
      effects: spec.effects,
      note,
      promise,
      callbackAt,
    },
  };
}
