import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORE_BANDS, bandOf, scoreOfProbability } from './bands.ts';
import type { DebtorFeatures } from './features.ts';
import { DEFAULT_SCORECARD, checkScorecard, scoreByScorecard } from './scorecard.ts';
import { EXAMPLE_SEGMENTS, orderSegments, segmentOf } from './segments.ts';

const base: DebtorFeatures = {
  kind: 'pf', openDebts: 1, openAmountCents: 50_000, maxDaysPastDue: 10, paidDebts: 0, payments12m: 0, paymentMonths12m: 0, agreementsFulfilled: 0,
  agreementsBroken: 0, promisesKept: 0, promisesBroken: 0, validMobiles: 1, validLandlines: 0, validEmails: 1, validAddresses: 0, invalidPhones: 0,
};

const features = fc.record({
  kind: fc.constantFrom<'pf' | 'pj'>('pf', 'pj'),
  openDebts: fc.integer({ min: 1, max: 30 }),
  openAmountCents: fc.integer({ min: 1, max: 100_000_000 }),
  maxDaysPastDue: fc.integer({ min: 0, max: 3000 }),
  paidDebts: fc.integer({ min: 0, max: 20 }),
  payments12m: fc.integer({ min: 0, max: 40 }),
  paymentMonths12m: fc.integer({ min: 0, max: 12 }),
  agreementsFulfilled: fc.integer({ min: 0, max: 5 }),
  agreementsBroken: fc.integer({ min: 0, max: 5 }),
  promisesKept: fc.integer({ min: 0, max: 5 }),
  promisesBroken: fc.integer({ min: 0, max: 5 }),
  validMobiles: fc.integer({ min: 0, max: 3 }),
  validLandlines: fc.integer({ min: 0, max: 3 }),
  validEmails: fc.integer({ min: 0, max: 3 }),
  validAddresses: fc.integer({ min: 0, max: 2 }),
  invalidPhones: fc.integer({ min: 0, max: 3 }),
});

describe('the scorecard', () => {
  it('is well formed', () => {
    expect(checkScorecard(DEFAULT_SCORECARD)).toEqual([]);
    expect(checkScorecard({ ...DEFAULT_SCORECARD, factors: { ...DEFAULT_SCORECARD.factors, open_debts: [{ upTo: 2, points: 1 }, { upTo: 1, points: 0 }] } })).toHaveLength(2);
  });

  it('adds the points of each factor to the base, clamped to 0–1000', () => {
    fc.assert(fc.property(features, (f) => {
      const { score, reasons } = scoreByScorecard(f);
      const raw = reasons.reduce((s, r) => s + r.points, DEFAULT_SCORECARD.base);
      expect(score).toBe(Math.min(1000, Math.max(0, raw)));
      // the regularity factor of the debtor's kind only
      expect(reasons.some((r) => r.factor === (f.kind === 'pf' ? 'regularity_pj' : 'regularity_pf'))).toBe(false);
    }));
  });

  it('a worse record never scores higher: more days past due, more debts, broken agreements and promises', () => {
    fc.assert(fc.property(features, fc.integer({ min: 1, max: 500 }), (f, more) => {
      const s = scoreByScorecard(f).score;
      expect(scoreByScorecard({ ...f, maxDaysPastDue: f.maxDaysPastDue + more }).score).toBeLessThanOrEqual(s);
      expect(scoreByScorecard({ ...f, openDebts: f.openDebts + 1 }).score).toBeLessThanOrEqual(s);
      expect(scoreByScorecard({ ...f, agreementsBroken: f.agreementsBroken + 1 }).score).toBeLessThanOrEqual(s);
      expect(scoreByScorecard({ ...f, promisesBroken: f.promisesBroken + 1 }).score).toBeLessThanOrEqual(s);
      expect(scoreByScorecard({ ...f, paidDebts: f.paidDebts + 1 }).score).toBeGreaterThanOrEqual(s);
    }));
  });

  it('reads "few debts, good history: probably forgot" high and "many debts, unstable revenue" low', () => {
    const forgot = scoreByScorecard({ ...base, paidDebts: 4, paymentMonths12m: 8 }).score;
    const risky = scoreByScorecard({ ...base, kind: 'pj', openDebts: 7, maxDaysPastDue: 200, openAmountCents: 3_000_000, agreementsBroken: 1, paymentMonths12m: 0 }).score;
    expect(bandOf(forgot)).toBe('A');
    expect(bandOf(risky)).toBe('E');
    // by hand: 450 + 60 (1 debt) + 150 (≤ 15 days) + 30 (≤ R$ 1.000) + 100 (≥ 3 paid) + 30 (mobile + e-mail) + 30 (≥ 6 months, PF)
    expect(forgot).toBe(850);
  });
});

describe('bands and segments', () => {
  it('cuts the scale at the band minimums', () => {
    for (const band of DEFAULT_SCORE_BANDS) {
      expect(bandOf(band.min)).toBe(band.name);
      if (band.min > 0) expect(bandOf(band.min - 1)).not.toBe(band.name);
    }
    expect(scoreOfProbability(0.8125)).toBe(813);
    expect(scoreOfProbability(Number.NaN)).toBe(0);
    expect(scoreOfProbability(1.2)).toBe(1000);
  });

  it('puts a debtor in the first segment whose every rule it meets', () => {
    const ordered = orderSegments(EXAMPLE_SEGMENTS);
    const profile = { band: 'A', maxDaysPastDue: 20, openAmountCents: 10_000, kind: 'pj' as const, uf: 'SP', portfolioIds: ['p1'] };
    expect(segmentOf(ordered, profile)).toBe('esqueceu');
    expect(segmentOf(ordered, { ...profile, maxDaysPastDue: 90 })).toBe('empresas');
    expect(segmentOf(ordered, { ...profile, kind: 'pf', maxDaysPastDue: 90, openAmountCents: 600_000 })).toBe('alto-valor');
    expect(segmentOf(ordered, { ...profile, kind: 'pf', band: 'E', maxDaysPastDue: 90 })).toBe('risco-alto');
    expect(segmentOf(ordered, { ...profile, kind: 'pf', band: 'C', maxDaysPastDue: 90 })).toBe('intermediario');
    expect(segmentOf(orderSegments([{ name: 'sp', priority: 1, rules: { ufs: ['SP'], portfolioIds: ['p2'] } }]), profile)).toBeNull();
  });
});
