import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPLIANCE_POLICY } from '../compliance/rules.ts';
import { instantAt } from '../compliance/local-time.ts';
import { rankQueue, type QueueCase } from './queue.ts';

const sp = (date: string, hhmm: string) => instantAt(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), 'America/Sao_Paulo');
const now = sp('2025-06-10', '10:00'); // a Tuesday
const queueCase = (id: string, over: Partial<QueueCase> = {}): QueueCase => ({
  id,
  openAmountCents: 100_000,
  scorePerMille: 500,
  callbackAt: null,
  promiseDueOn: null,
  lastWorkedAt: null,
  paused: false,
  uf: 'SP',
  city: 'São Paulo',
  callAttemptsToday: 0,
  answeredToday: 0,
  ...over,
});
const ids = (cases: QueueCase[], at = now) => rankQueue(cases, at).ready.map((r) => r.id);
const waitOf = (c: QueueCase, at = now) => rankQueue([c], at).waiting[0];

describe('work queue order', () => {
  it('callbacks due first (earliest first), then promises due today or overdue (oldest first), then expected recovery', () => {
    const cases = [
      queueCase('big', { openAmountCents: 1_000_000, scorePerMille: 500 }), // 500 000 000
      queueCase('likely', { openAmountCents: 600_000, scorePerMille: 900 }), // 540 000 000
      queueCase('promise-later', { promiseDueOn: '2025-06-12', openAmountCents: 1 }),
      queueCase('promise-today', { promiseDueOn: '2025-06-10', openAmountCents: 1 }),
      queueCase('promise-overdue', { promiseDueOn: '2025-06-06', openAmountCents: 1 }),
      queueCase('cb-0930', { callbackAt: sp('2025-06-10', '09:30'), lastWorkedAt: sp('2025-06-09', '16:00') }),
      queueCase('cb-0900', { callbackAt: sp('2025-06-10', '09:00'), openAmountCents: 1 }),
    ];
    const { ready } = rankQueue(cases, now);
    expect(ready.map((r) => [r.id, r.tier, r.position])).toEqual([
      ['cb-0900', 'callback', 1],
      ['cb-0930', 'callback', 2],
      ['promise-overdue', 'promise', 3],
      ['promise-today', 'promise', 4],
      ['likely', 'expected_recovery', 5],
      ['big', 'expected_recovery', 6],
      ['promise-later', 'expected_recovery', 7],
    ]);
    expect(ready[4]!.expectedRecovery).toBe(540_000_000n);
    expect(ready[4]!.expectedRecoveryCents).toBe(540_000);
  });

  it('ties: the case not worked the longest first (never worked first), then id', () => {
    const cases = [
      queueCase('d', { lastWorkedAt: sp('2025-06-09', '10:00') }),
      queueCase('c', { lastWorkedAt: sp('2025-06-02', '10:00') }),
      queueCase('b'),
      queueCase('a', { lastWorkedAt: sp('2025-06-09', '10:00') }),
      queueCase('e'),
    ];
    expect(ids(cases)).toEqual(['b', 'e', 'c', 'a', 'd']);
  });

  it('expected recovery is an exact integer product (no float rounding on big amounts)', () => {
    const A = 9_007_199_254_740_029; // (A)·999 and (A+1)·999 are the same double
    expect(A * 999).toBe((A + 1) * 999);
    expect(ids([queueCase('a', { openAmountCents: A, scorePerMille: 999 }), queueCase('b', { openAmountCents: A + 1, scorePerMille: 999 })])).toEqual(['b', 'a']);
    expect(() => rankQueue([queueCase('x', { scorePerMille: 0.5 })], now)).toThrow(/score/);
    expect(() => rankQueue([queueCase('x', { scorePerMille: 1001 })], now)).toThrow(/score/);
  });

  it('is a total order: the same cases in any order give the same queue', () => {
    const caseArb = fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      openAmountCents: fc.integer({ min: 0, max: 1_000_000 }),
      scorePerMille: fc.integer({ min: 0, max: 1000 }),
      callbackAt: fc.option(fc.integer({ min: -600, max: 600 }).map((m) => new Date(now.getTime() + m * 60_000)), { nil: null }),
      promiseDueOn: fc.option(fc.constantFrom('2025-06-05', '2025-06-10', '2025-06-11'), { nil: null }),
      lastWorkedAt: fc.option(fc.integer({ min: 1, max: 20 }).map((d) => new Date(now.getTime() - d * 86_400_000)), { nil: null }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(caseArb, { selector: (c) => c.id, maxLength: 30 }), (partial) => {
        const cases = partial.map((p) => queueCase(p.id, p));
        const ranked = rankQueue(cases, now);
        expect(rankQueue([...cases].reverse(), now).ready).toEqual(ranked.ready);
        expect(ranked.ready.length + ranked.waiting.length).toBe(cases.length);
        const tiers = ranked.ready.map((r) => ['callback', 'promise', 'expected_recovery'].indexOf(r.tier));
        expect(tiers).toEqual([...tiers].sort());
      }),
    );
  });
});

describe('work queue exclusions, with the reason and until when', () => {
  it('a SP debtor at 21:00 Brasília waits until 08:00 the next morning; Sunday until Monday; Saturday afternoon until Monday', () => {
    expect(waitOf(queueCase('x'), sp('2025-06-10', '21:00'))).toEqual({ id: 'x', reason: 'outside_contact_window', message: 'fora do horário permitido de contato para o devedor', until: sp('2025-06-11', '08:00') });
    expect(waitOf(queueCase('x'), sp('2025-06-15', '10:00'))).toMatchObject({ reason: 'outside_contact_window', until: sp('2025-06-16', '08:00') });
    expect(waitOf(queueCase('x'), sp('2025-06-14', '15:00'))).toMatchObject({ reason: 'outside_contact_window', until: sp('2025-06-16', '08:00') });
    expect(ids([queueCase('x')], sp('2025-06-14', '13:59'))).toEqual(['x']);
    // 09:30 in Brasília is 07:30 in Acre; unknown state: Mon–Fri 09–18
    expect(waitOf(queueCase('x', { uf: 'AC', city: null }), sp('2025-06-10', '09:30'))).toMatchObject({ until: sp('2025-06-10', '10:00') });
    expect(waitOf(queueCase('x', { uf: null, city: null }), sp('2025-06-10', '08:30'))).toMatchObject({ until: sp('2025-06-10', '09:00') });
    // a state holiday (Revolução Constitucionalista, SP)
    expect(waitOf(queueCase('x'), sp('2025-07-09', '10:00'))).toMatchObject({ reason: 'outside_contact_window', until: sp('2025-07-10', '08:00') });
  });

  it('paused cases wait with no date', () => {
    expect(waitOf(queueCase('x', { paused: true, callbackAt: sp('2025-06-10', '09:00') }))).toEqual({ id: 'x', reason: 'paused', message: 'cobrança pausada neste caso' });
  });

  it('the day’s call caps (attempts and answered calls) push the case to the next allowed morning', () => {
    expect(waitOf(queueCase('x', { callAttemptsToday: 3 }))).toEqual({ id: 'x', reason: 'call_attempts_cap', message: 'já houve 3 tentativas de ligação hoje', until: sp('2025-06-11', '08:00') });
    expect(waitOf(queueCase('x', { answeredToday: 1 }))).toMatchObject({ reason: 'answered_calls_cap', until: sp('2025-06-11', '08:00') });
    expect(ids([queueCase('x', { callAttemptsToday: 2 })])).toEqual(['x']);
    // a Saturday's caps wait until Monday; the policy is configurable
    expect(waitOf(queueCase('x', { callAttemptsToday: 3 }), sp('2025-06-14', '10:00'))).toMatchObject({ until: sp('2025-06-16', '08:00') });
    expect(rankQueue([queueCase('x', { callAttemptsToday: 3 })], now, { ...DEFAULT_COMPLIANCE_POLICY, maxCallAttemptsPerDay: 5 }).ready).toHaveLength(1);
  });

  it('a callback in the future waits until it (or the next allowed moment after it)', () => {
    expect(waitOf(queueCase('x', { callbackAt: sp('2025-06-10', '15:00') }))).toMatchObject({ reason: 'callback_scheduled', until: sp('2025-06-10', '15:00') });
    expect(waitOf(queueCase('x', { callbackAt: sp('2025-06-10', '21:00') }))).toMatchObject({ reason: 'callback_scheduled', until: sp('2025-06-11', '08:00') });
  });

  it('a case already worked today waits for tomorrow, unless a callback is due that nobody has worked since', () => {
    const worked = sp('2025-06-10', '09:00');
    expect(waitOf(queueCase('x', { lastWorkedAt: worked }))).toMatchObject({ reason: 'worked_today', until: sp('2025-06-11', '08:00') });
    expect(rankQueue([queueCase('x', { lastWorkedAt: worked, callbackAt: sp('2025-06-10', '09:30') })], now).ready[0]).toMatchObject({ id: 'x', tier: 'callback' });
    // the callback at 08:30 was handled by the work at 09:00
    expect(waitOf(queueCase('x', { lastWorkedAt: worked, callbackAt: sp('2025-06-10', '08:30') }))).toMatchObject({ reason: 'worked_today' });
    // "today" is the debtor's: 00:30 of the 11th in Brasília is still the 10th in Acre (UTC−5)
    const lateNight = sp('2025-06-11', '00:30');
    expect(waitOf(queueCase('x', { lastWorkedAt: lateNight }), sp('2025-06-11', '10:30'))).toMatchObject({ reason: 'worked_today' });
    expect(waitOf(queueCase('x', { uf: 'AC', city: null, lastWorkedAt: lateNight }), sp('2025-06-11', '10:30'))).toBeUndefined();
  });
});
