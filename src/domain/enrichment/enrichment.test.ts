import { describe, expect, it } from 'vitest';
import { budgetDayOf, budgetDecision, cacheExpiry, ENRICHMENT_LEGAL_BASIS, enrichmentSource, isFresh, mergeContacts, type KnownContact } from './enrichment.ts';

const known = (channel: KnownContact['channel'], value: string, verified = false, invalid = false): KnownContact => ({ channel, value, verified, invalid });
const found = (channel: KnownContact['channel'], value: string) => ({ channel, value, display: value });

describe('mergeContacts', () => {
  it('adds new contacts once, in the order found', () => {
    const { add, skipped } = mergeContacts([], [found('phone', '+551132851234'), found('email', 'a@b.test'), found('phone', '+551132851234')]);
    expect(add.map((c) => c.value)).toEqual(['+551132851234', 'a@b.test']);
    expect(skipped).toEqual([{ ...found('phone', '+551132851234'), reason: 'repeated' }]);
  });

  it('never duplicates or touches a verified contact', () => {
    const { add, skipped } = mergeContacts([known('phone', '+551132851234', true)], [found('phone', '+551132851234')]);
    expect(add).toEqual([]);
    expect(skipped[0]!.reason).toBe('verified_exists');
  });

  it('leaves an unverified known contact as it is, and does not bring back one known to be wrong', () => {
    const { add, skipped } = mergeContacts(
      [known('email', 'a@b.test'), known('phone', '+5511987654321', false, true)],
      [found('email', 'a@b.test'), found('phone', '+5511987654321'), found('email', 'novo@b.test')],
    );
    expect(add.map((c) => c.value)).toEqual(['novo@b.test']);
    expect(skipped.map((s) => s.reason)).toEqual(['already_known', 'known_invalid']);
  });

  it('compares per channel: the same text on another channel is another contact', () => {
    const { add } = mergeContacts([known('email', 'x')], [found('phone', 'x')]);
    expect(add).toHaveLength(1);
  });
});

describe('budgetDecision', () => {
  const budget = { budgetCents: 100, maxLookups: 3 };
  it('lets a free lookup through whatever was spent', () => {
    expect(budgetDecision({ spentCents: 1_000, paidLookups: 99 }, budget, 0)).toEqual({ ok: true });
  });
  it('allows a paid lookup that fits exactly, refuses one centavo more', () => {
    expect(budgetDecision({ spentCents: 90, paidLookups: 0 }, budget, 10)).toEqual({ ok: true });
    expect(budgetDecision({ spentCents: 91, paidLookups: 0 }, budget, 10)).toEqual({ ok: false, reason: 'cents' });
  });
  it('counts paid lookups too', () => {
    expect(budgetDecision({ spentCents: 0, paidLookups: 2 }, budget, 1)).toEqual({ ok: true });
    expect(budgetDecision({ spentCents: 0, paidLookups: 3 }, budget, 1)).toEqual({ ok: false, reason: 'lookups' });
    expect(budgetDecision({ spentCents: 0, paidLookups: 0 }, { budgetCents: 100, maxLookups: 0 }, 1)).toEqual({ ok: false, reason: 'lookups' });
  });
});

describe('budgetDayOf', () => {
  it('is the calendar day in Brasília (UTC−3)', () => {
    expect(budgetDayOf(new Date('2026-11-24T02:59:59Z'))).toEqual({ day: '2026-11-23', startsAt: new Date('2026-11-23T03:00:00Z') });
    expect(budgetDayOf(new Date('2026-11-24T03:00:00Z')).day).toBe('2026-11-24');
  });
});

describe('cache', () => {
  const at = new Date('2026-11-23T17:00:00Z');
  it('keeps an answer for the configured days and a "not found" for the configured hours', () => {
    expect(cacheExpiry(at, true, { foundDays: 30, notFoundHours: 24 })).toEqual(new Date('2026-12-23T17:00:00Z'));
    expect(cacheExpiry(at, false, { foundDays: 30, notFoundHours: 24 })).toEqual(new Date('2026-11-24T17:00:00Z'));
  });
  it('is fresh strictly before expiry', () => {
    const expires = new Date('2026-11-24T17:00:00Z');
    expect(isFresh(expires, new Date('2026-11-24T16:59:59Z'))).toBe(true);
    expect(isFresh(expires, expires)).toBe(false);
  });
});

it('names the legal basis and the source as the law and the brief say', () => {
  expect(ENRICHMENT_LEGAL_BASIS).toBe('LGPD art. 7º X — proteção do crédito');
  expect(enrichmentSource('brasilapi')).toBe('enrichment:brasilapi');
});
