import { describe, expect, it } from 'vitest';
import { evaluateSchedule, EXAMPLE_SCHEDULE, type CaseState } from './schedule.ts';

const state = (over: Partial<CaseState> = {}): CaseState => ({
  dueDate: '2025-06-10', amountCents: 100_000, debtorKind: 'pf', uf: 'SP', scoreBand: null, events: {}, flags: {}, consentedChannels: ['email', 'sms'], ...over,
});
const ids = (d: ReturnType<typeof evaluateSchedule>) => d.map((x) => `${x.step.id}:${x.outcome}${'reason' in x ? `:${x.reason}` : ''}`);

describe('dunning schedule evaluation', () => {
  it('puts each step on its day offset from the due date, before and after it', () => {
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state(), '2025-06-06', '2025-06-07'))).toEqual(['d-3-email:due']);
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state(), '2025-06-10', '2025-06-11'))).toEqual(['d1-sms:due']);
    expect(evaluateSchedule(EXAMPLE_SCHEDULE, state(), '2025-06-11', '2025-06-12')).toEqual([]);
  });

  it('catches up every step of a missed window once, in date order', () => {
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state(), '2025-06-10', '2025-06-26'))).toEqual([
      'd1-sms:due', 'd5-whatsapp:skipped:requiresConsent', 'd10-call:due', 'd15-letter:due',
    ]);
  });

  it('applies conditions (amount thresholds) and stop conditions', () => {
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state({ amountCents: 40_000 }), '2025-07-24', '2025-07-25'))).toEqual(['d45-protest:skipped:minAmountCents']);
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state({ flags: { disputed: true } }), '2025-06-10', '2025-06-11'))).toEqual(['d1-sms:stopped:disputed']);
  });

  it('anchors steps to events such as an agreement breach', () => {
    expect(evaluateSchedule(EXAMPLE_SCHEDULE, state(), '2025-09-01', '2025-09-30').map((d) => d.step.id)).not.toContain('breach-sms');
    expect(ids(evaluateSchedule(EXAMPLE_SCHEDULE, state({ events: { agreement_breach: '2025-09-15' } }), '2025-09-15', '2025-09-16'))).toEqual(['breach-sms:due']);
  });
});
