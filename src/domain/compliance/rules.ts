import { UF_INFO, type Uf } from '../../brazil/uf.ts';
import { BusinessCalendar } from '../calendar/business-days.ts';
import type { MunicipalHolidays } from '../calendar/holidays.ts';
import { addDays, daysBetween, type IsoDate } from '../dates.ts';
import { instantAt, localTime } from './local-time.ts';

/**
 * The compliance guard: every collection action passes these rules before it runs. Each rule
 * is one pure function with its legal source; each parameter is named and configurable.
 */
export type Channel = 'email' | 'sms' | 'whatsapp' | 'voice' | 'letter' | 'task' | 'bureau' | 'protest' | 'legal';

/** Channels that reach the debtor directly (contact windows and frequency caps apply). */
export const CONTACT_CHANNELS: ReadonlySet<Channel> = new Set(['email', 'sms', 'whatsapp', 'voice']);
/** Restrictive measures: suspended for an over-indebted debtor. */
export const RESTRICTIVE_CHANNELS: ReadonlySet<Channel> = new Set(['bureau', 'protest', 'legal']);

/** Minutes after midnight, local time: [start, end). */
export type Window = readonly [number, number];
export interface WeekWindows {
  weekdays: Window;
  saturday: Window | null;
}

export interface CompliancePolicy {
  /** Contact hours by UF. SP Lei 15.426/2014 and AL Lei 7.782/2016: Mon–Fri 08–20, Sat 08–14. */
  windowsByUf: Partial<Record<Uf, WeekWindows>>;
  /** States with a window we apply by default (product choice inside the same limits). */
  defaultWindows: WeekWindows;
  /** State unknown: the narrowest window (Mon–Fri 09–18). */
  unknownStateWindows: WeekWindows;
  /** Caps across channels (case law on abusive collection; product defaults, PRODUCT.md §5). */
  maxCallAttemptsPerDay: number;
  maxAnsweredCallsPerDay: number;
  maxWrittenMessagesPerDay: number;
  maxContactsPerWeek: number;
  municipalHolidays?: MunicipalHolidays;
}

const H = (h: number) => h * 60;
export const DEFAULT_COMPLIANCE_POLICY: CompliancePolicy = {
  windowsByUf: {
    SP: { weekdays: [H(8), H(20)], saturday: [H(8), H(14)] }, // SP Lei 15.426/2014
    AL: { weekdays: [H(8), H(20)], saturday: [H(8), H(14)] }, // AL Lei 7.782/2016
  },
  defaultWindows: { weekdays: [H(8), H(20)], saturday: [H(8), H(14)] },
  unknownStateWindows: { weekdays: [H(9), H(18)], saturday: null },
  maxCallAttemptsPerDay: 3,
  maxAnsweredCallsPerDay: 1,
  maxWrittenMessagesPerDay: 2,
  maxContactsPerWeek: 10,
};

export interface Recipient {
  /** The debtor, or a reference contact (only to locate the debtor). */
  kind: 'debtor' | 'reference';
  uf: Uf | null;
  city: string | null;
  optedOutChannels: readonly Channel[];
  whatsappOptIn: boolean;
}

export interface PastContact {
  at: Date;
  channel: Channel;
  /** For calls: the debtor answered. */
  answered?: boolean;
}

export interface ProposedAction {
  at: Date;
  channel: Channel;
  /** 'collect' carries debt content; 'locate' only asks a reference contact to pass on a message. */
  purpose: 'collect' | 'locate';
  recipient: Recipient;
  debt: { prescriptionDate: IsoDate | null; disputed: boolean };
  debtor: { overIndebted: boolean };
  history: readonly PastContact[];
}

export type RuleName =
  | 'contact_window'
  | 'sunday_or_holiday'
  | 'frequency_cap'
  | 'opt_out'
  | 'whatsapp_opt_in'
  | 'reference_contact'
  | 'prescribed_debt'
  | 'over_indebtedness'
  | 'disputed_debt';

export interface Block {
  rule: RuleName;
  source: string;
  reason: string;
  /** For blocks by time: the next moment at which the action is allowed (deferred, not dropped). */
  deferTo?: Date;
}

export type RuleCheck = (action: ProposedAction, policy: CompliancePolicy) => Block | null;

function calendarOf(recipient: Recipient, policy: CompliancePolicy): BusinessCalendar {
  return new BusinessCalendar({ kind: 'civil', uf: recipient.uf ?? undefined, city: recipient.city ?? undefined, ...(policy.municipalHolidays ? { municipalHolidays: policy.municipalHolidays } : {}) });
}

function windowsOf(recipient: Recipient, policy: CompliancePolicy): WeekWindows {
  if (!recipient.uf) return policy.unknownStateWindows;
  return policy.windowsByUf[recipient.uf] ?? policy.defaultWindows;
}

function timeZoneOf(recipient: Recipient): string {
  return recipient.uf ? UF_INFO[recipient.uf].timeZone : 'America/Sao_Paulo';
}

/** The window of a local date, or null when no contact is allowed that day (Sunday, holiday, Saturday without window). */
function windowOn(date: IsoDate, weekday: number, windows: WeekWindows, calendar: BusinessCalendar): Window | null {
  if (weekday === 0 || calendar.holiday(date)) return null;
  return weekday === 6 ? windows.saturday : windows.weekdays;
}

/** The first allowed moment at or after `at` for this recipient (at most 30 days ahead). */
export function nextAllowedMoment(at: Date, recipient: Recipient, policy: CompliancePolicy): Date {
  const zone = timeZoneOf(recipient);
  const windows = windowsOf(recipient, policy);
  const calendar = calendarOf(recipient, policy);
  const now = localTime(at, zone);
  for (let i = 0; i <= 30; i++) {
    const date = addDays(now.date, i);
    const weekday = (now.weekday + i) % 7;
    const window = windowOn(date, weekday, windows, calendar);
    if (!window) continue;
    if (i === 0 && now.minutes >= window[1]) continue;
    const minutes = i === 0 ? Math.max(now.minutes, window[0]) : window[0];
    return i === 0 && minutes === now.minutes ? at : instantAt(date, minutes, zone);
  }
  throw new Error('no contact window in the next 30 days: check the compliance policy');
}

/** Contact hours by the debtor's state and time zone (SP Lei 15.426/2014, AL Lei 7.782/2016; product default elsewhere). */
export const contactWindow: RuleCheck = (action, policy) => {
  if (!CONTACT_CHANNELS.has(action.channel)) return null;
  const zone = timeZoneOf(action.recipient);
  const local = localTime(action.at, zone);
  const window = windowOn(local.date, local.weekday, windowsOf(action.recipient, policy), calendarOf(action.recipient, policy));
  if (!window || (local.minutes >= window[0] && local.minutes < window[1])) return null;
  return {
    rule: 'contact_window',
    source: 'SP Lei 15.426/2014; AL Lei 7.782/2016',
    reason: `fora do horário permitido para ${action.recipient.uf ?? 'UF desconhecida'} (${hhmm(window[0])}–${hhmm(window[1])}, horário local)`,
    deferTo: nextAllowedMoment(action.at, action.recipient, policy),
  };
};

/** No contact on Sundays or national, state and municipal holidays (same state laws). */
export const sundayOrHoliday: RuleCheck = (action, policy) => {
  if (!CONTACT_CHANNELS.has(action.channel)) return null;
  const local = localTime(action.at, timeZoneOf(action.recipient));
  const holiday = calendarOf(action.recipient, policy).holiday(local.date);
  const saturdayClosed = local.weekday === 6 && windowsOf(action.recipient, policy).saturday === null;
  if (local.weekday !== 0 && !holiday && !saturdayClosed) return null;
  return {
    rule: 'sunday_or_holiday',
    source: 'SP Lei 15.426/2014; AL Lei 7.782/2016',
    reason: holiday ? `feriado: ${holiday.name}` : local.weekday === 0 ? 'domingo' : 'sábado sem horário de contato nesta UF',
    deferTo: nextAllowedMoment(action.at, action.recipient, policy),
  };
};

/** Caps per debtor across channels, per local day and per week (case law on abusive collection, CDC art. 42). */
export const frequencyCap: RuleCheck = (action, policy) => {
  if (!CONTACT_CHANNELS.has(action.channel)) return null;
  const zone = timeZoneOf(action.recipient);
  const today = localTime(action.at, zone).date;
  const contacts = action.history.filter((c) => CONTACT_CHANNELS.has(c.channel) && c.at <= action.at);
  const sameDay = contacts.filter((c) => localTime(c.at, zone).date === today);
  const lastWeek = contacts.filter((c) => daysBetween(localTime(c.at, zone).date, today) < 7);
  const tomorrow = () => nextAllowedMoment(instantAt(addDays(today, 1), 0, zone), action.recipient, policy);
  const block = (reason: string, deferTo: Date): Block => ({ rule: 'frequency_cap', source: 'CDC art. 42 (cobrança abusiva); limites do produto', reason, deferTo });
  if (action.channel === 'voice') {
    if (sameDay.filter((c) => c.channel === 'voice').length >= policy.maxCallAttemptsPerDay) return block(`já houve ${policy.maxCallAttemptsPerDay} tentativas de ligação hoje`, tomorrow());
    if (sameDay.filter((c) => c.channel === 'voice' && c.answered).length >= policy.maxAnsweredCallsPerDay) return block('o devedor já atendeu uma ligação hoje', tomorrow());
  } else if (sameDay.filter((c) => c.channel !== 'voice').length >= policy.maxWrittenMessagesPerDay) {
    return block(`já foram enviadas ${policy.maxWrittenMessagesPerDay} mensagens escritas hoje`, tomorrow());
  }
  if (lastWeek.length >= policy.maxContactsPerWeek) {
    const oldest = lastWeek.map((c) => localTime(c.at, zone).date).sort()[0]!;
    return block(`já houve ${policy.maxContactsPerWeek} contatos nos últimos 7 dias`, nextAllowedMoment(instantAt(addDays(oldest, 7), 0, zone), action.recipient, policy));
  }
  return null;
};

/** A channel the person opted out of is never used again (CDC art. 42; LGPD art. 18). */
export const optOut: RuleCheck = (action) =>
  action.recipient.optedOutChannels.includes(action.channel)
    ? { rule: 'opt_out', source: 'CDC art. 42; LGPD art. 18', reason: `a pessoa pediu para não ser contatada por ${action.channel}` }
    : null;

/** WhatsApp only with the person's opt-in (Meta WhatsApp Business messaging policy). */
export const whatsappOptIn: RuleCheck = (action) =>
  action.channel === 'whatsapp' && !action.recipient.whatsappOptIn
    ? { rule: 'whatsapp_opt_in', source: 'Política de mensagens do WhatsApp Business (Meta)', reason: 'sem consentimento (opt-in) para WhatsApp' }
    : null;

/** Reference contacts only help locate the debtor: no debt content, never a restrictive measure (CDC arts. 42, 71). */
export const referenceContact: RuleCheck = (action) =>
  action.recipient.kind === 'reference' && (action.purpose !== 'locate' || !CONTACT_CHANNELS.has(action.channel))
    ? { rule: 'reference_contact', source: 'CDC arts. 42 e 71', reason: 'contato de referência não pode receber conteúdo da dívida' }
    : null;

/** No active collection of a prescribed debt (STJ REsp 2.088.100). */
export const prescribedDebt: RuleCheck = (action) => {
  const { prescriptionDate } = action.debt;
  if (!prescriptionDate) return null;
  const today = localTime(action.at, timeZoneOf(action.recipient)).date;
  return today >= prescriptionDate
    ? { rule: 'prescribed_debt', source: 'CC arts. 189 e 206; STJ REsp 2.088.100', reason: `dívida prescrita desde ${prescriptionDate.split('-').reverse().join('/')}` }
    : null;
};

/** Restrictive measures are suspended for an over-indebted debtor (CDC art. 104-A; Decreto 11.567/2023). */
export const overIndebtedness: RuleCheck = (action) =>
  action.debtor.overIndebted && RESTRICTIVE_CHANNELS.has(action.channel)
    ? { rule: 'over_indebtedness', source: 'CDC art. 104-A; Decreto 11.567/2023', reason: 'devedor em superendividamento: medidas restritivas suspensas' }
    : null;

/** A disputed debt is not collected until the dispute is resolved (CDC art. 42). */
export const disputedDebt: RuleCheck = (action) =>
  action.debt.disputed ? { rule: 'disputed_debt', source: 'CDC art. 42', reason: 'dívida contestada pelo devedor: cobrança suspensa' } : null;

/** In order: the rules that drop an action come before those that only defer it. */
export const RULES: ReadonlyArray<RuleCheck> = [
  prescribedDebt, disputedDebt, optOut, whatsappOptIn, referenceContact, overIndebtedness, sundayOrHoliday, contactWindow, frequencyCap,
];

/** Allowed, or the first rule that blocks (with `deferTo` when the action may run later). */
export function checkAction(action: ProposedAction, policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY): { allowed: true } | ({ allowed: false } & Block) {
  for (const rule of RULES) {
    const block = rule(action, policy);
    if (block) return { allowed: false, ...block };
  }
  return { allowed: true };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
