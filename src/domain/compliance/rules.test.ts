import { describe, expect, it } from 'vitest';
import { checkAction, DEFAULT_COMPLIANCE_POLICY, RULES, type ProposedAction } from './rules.ts';
import { instantAt, localTime } from './local-time.ts';

// São Paulo is UTC−3; Rio Branco (AC) UTC−5; Manaus (AM) UTC−4.
const sp = (date: string, hhmm: string) => instantAt(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), 'America/Sao_Paulo');
const action = (over: Partial<ProposedAction> = {}): ProposedAction => ({
  at: sp('2025-06-10', '10:00'), // a Tuesday
  channel: 'sms',
  purpose: 'collect',
  recipient: { kind: 'debtor', uf: 'SP', city: 'São Paulo', optedOutChannels: [], whatsappOptIn: false },
  debt: { prescriptionDate: '2029-01-01', disputed: false },
  debtor: { overIndebted: false },
  history: [],
  ...over,
});
const rule = (a: ProposedAction) => {
  const r = checkAction(a);
  return r.allowed ? 'allowed' : r.rule;
};

describe('local time', () => {
  it('converts between instants and wall clocks of each zone', () => {
    expect(sp('2025-06-10', '10:00').toISOString()).toBe('2025-06-10T13:00:00.000Z');
    expect(localTime(new Date('2025-06-10T13:00:00Z'), 'America/Rio_Branco')).toEqual({ date: '2025-06-10', minutes: 8 * 60, weekday: 2 });
    expect(instantAt('2018-01-15', 9 * 60, 'America/Sao_Paulo').toISOString()).toBe('2018-01-15T11:00:00.000Z'); // DST back then
  });
});

describe('compliance guard: each rule blocks what it must, and only that', () => {
  it('allows an ordinary SMS on a Tuesday morning', () => {
    expect(checkAction(action())).toEqual({ allowed: true });
  });

  it('contact_window: by the debtor’s state and time zone, deferred to the next allowed moment', () => {
    const late = checkAction(action({ at: sp('2025-06-10', '20:30') }));
    expect(late).toMatchObject({ allowed: false, rule: 'contact_window', source: 'SP Lei 15.426/2014; AL Lei 7.782/2016' });
    expect(!late.allowed && late.deferTo!.toISOString()).toBe(sp('2025-06-11', '08:00').toISOString());
    // 09:30 in Brasília is 07:30 in Acre: too early there
    const acre = checkAction(action({ at: sp('2025-06-10', '09:30'), recipient: { ...action().recipient, uf: 'AC', city: null } }));
    expect(acre).toMatchObject({ rule: 'contact_window', deferTo: new Date('2025-06-10T13:00:00Z') }); // 08:00 in Rio Branco
    // unknown state: Mon–Fri 09–18 only
    expect(rule(action({ at: sp('2025-06-10', '08:30'), recipient: { ...action().recipient, uf: null, city: null } }))).toBe('contact_window');
    // letters are not bound to contact hours
    expect(rule(action({ channel: 'letter', at: sp('2025-06-10', '22:00') }))).toBe('allowed');
  });

  it('sunday_or_holiday: Sundays, national, state and municipal holidays; Saturday after 14:00 in SP is out of the window', () => {
    expect(checkAction(action({ at: sp('2025-06-15', '10:00') }))).toMatchObject({ rule: 'sunday_or_holiday', reason: 'domingo', deferTo: sp('2025-06-16', '08:00') });
    expect(checkAction(action({ at: sp('2025-07-09', '10:00') }))).toMatchObject({ rule: 'sunday_or_holiday', reason: 'feriado: Revolução Constitucionalista de 1932' });
    expect(checkAction(action({ at: sp('2025-01-25', '10:00') }))).toMatchObject({ rule: 'sunday_or_holiday', reason: 'feriado: Aniversário de São Paulo' });
    expect(rule(action({ at: sp('2025-06-14', '10:00') }))).toBe('allowed');
    expect(rule(action({ at: sp('2025-06-14', '15:00') }))).toBe('contact_window');
    // Good Friday → Saturday 08:00
    expect(checkAction(action({ at: sp('2025-04-18', '11:00') }))).toMatchObject({ rule: 'sunday_or_holiday', deferTo: sp('2025-04-19', '08:00') });
  });

  it('frequency_cap: written messages per day, calls per day, contacts per week — across channels', () => {
    const at = sp('2025-06-10', '15:00');
    const written = [{ at: sp('2025-06-10', '09:00'), channel: 'email' as const }, { at: sp('2025-06-10', '10:00'), channel: 'whatsapp' as const }];
    expect(checkAction(action({ at, history: written }))).toMatchObject({ rule: 'frequency_cap', deferTo: sp('2025-06-11', '08:00') });
    expect(rule(action({ at, history: written.slice(1) }))).toBe('allowed');
    const calls = ['09', '10', '11'].map((h) => ({ at: sp('2025-06-10', `${h}:00`), channel: 'voice' as const }));
    expect(rule(action({ at, channel: 'voice', history: calls }))).toBe('frequency_cap');
    expect(rule(action({ at, channel: 'voice', history: [{ at: sp('2025-06-10', '09:00'), channel: 'voice', answered: true }] }))).toBe('frequency_cap');
    expect(rule(action({ at, channel: 'sms', history: calls }))).toBe('allowed'); // calls do not use the written quota
    const week = ['03', '04', '05', '06', '07', '09'].flatMap((d) => [{ at: sp(`2025-06-${d}`, '09:00'), channel: 'email' as const }, { at: sp(`2025-06-${d}`, '10:00'), channel: 'voice' as const }]);
    expect(rule(action({ at, history: week.slice(2) }))).toBe('frequency_cap'); // 10 in the last 7 days
    expect(rule(action({ at, history: week.slice(3) }))).toBe('allowed');
  });

  it('opt_out: a channel the person refused is never used', () => {
    expect(rule(action({ recipient: { ...action().recipient, optedOutChannels: ['sms'] } }))).toBe('opt_out');
    expect(rule(action({ channel: 'email', recipient: { ...action().recipient, optedOutChannels: ['sms'] } }))).toBe('allowed');
  });

  it('whatsapp_opt_in: WhatsApp only with consent', () => {
    expect(rule(action({ channel: 'whatsapp' }))).toBe('whatsapp_opt_in');
    expect(rule(action({ channel: 'whatsapp', recipient: { ...action().recipient, whatsappOptIn: true } }))).toBe('allowed');
  });

  it('reference_contact: only a request to locate the debtor, never debt content', () => {
    const reference = { ...action().recipient, kind: 'reference' as const };
    expect(rule(action({ recipient: reference }))).toBe('reference_contact');
    expect(rule(action({ recipient: reference, purpose: 'locate' }))).toBe('allowed');
    expect(rule(action({ recipient: reference, purpose: 'locate', channel: 'bureau' }))).toBe('reference_contact');
  });

  it('prescribed_debt: no active collection from the prescription date on, on any channel', () => {
    for (const channel of ['sms', 'voice', 'letter', 'bureau', 'protest'] as const) {
      expect(rule(action({ channel, debt: { prescriptionDate: '2025-06-10', disputed: false } }))).toBe('prescribed_debt');
    }
    expect(rule(action({ debt: { prescriptionDate: '2025-06-11', disputed: false } }))).toBe('allowed');
  });

  it('over_indebtedness: restrictive measures suspended, reminders still allowed', () => {
    const debtor = { overIndebted: true };
    for (const channel of ['bureau', 'protest', 'legal'] as const) expect(rule(action({ channel, debtor }))).toBe('over_indebtedness');
    expect(rule(action({ debtor }))).toBe('allowed');
  });

  it('disputed_debt: collection stops while the debtor contests it', () => {
    expect(rule(action({ debt: { prescriptionDate: null, disputed: true } }))).toBe('disputed_debt');
  });

  it('has exactly the rules tested above, each able to block on its own', () => {
    expect(RULES.map((r) => r.name).sort()).toEqual(
      ['contactWindow', 'disputedDebt', 'frequencyCap', 'optOut', 'overIndebtedness', 'prescribedDebt', 'referenceContact', 'sundayOrHoliday', 'whatsappOptIn'].sort(),
    );
    expect(DEFAULT_COMPLIANCE_POLICY.maxContactsPerWeek).toBe(10);
  });
});
