import { describe, expect, it } from 'vitest';
import { addDays, weekday } from '../dates.ts';
import {
  AGING_BUCKETS, agingBucketIndex, agingOf, bucketLabel, centsOf, completeMonths, effectivenessOf, funnelOf, furthestStage, periodBuckets,
  rateOf, recoveredSeries, resolvePeriod, rollOutcome, rollRatesOf, startOfWeek,
} from './index.ts';

describe('aging buckets', () => {
  it('puts each edge in the right bucket', () => {
    const cases: Array<[number, string]> = [
      [-40, 'a_vencer'], [0, 'a_vencer'], [1, '1_30'], [30, '1_30'], [31, '31_60'], [60, '31_60'], [61, '61_90'], [90, '61_90'],
      [91, '91_180'], [180, '91_180'], [181, '181_360'], [360, '181_360'], [361, 'mais_360'], [5000, 'mais_360'],
    ];
    for (const [dpd, key] of cases) expect(AGING_BUCKETS[agingBucketIndex(dpd)]!.key, `${dpd} dias`).toBe(key);
  });

  it('has contiguous bounds with no gap and no overlap', () => {
    for (let i = 1; i < AGING_BUCKETS.length; i++) expect(AGING_BUCKETS[i]!.minDays).toBe(AGING_BUCKETS[i - 1]!.maxDays! + 1);
    // brute force: every day from −10 to 800 is in exactly the bucket whose bounds contain it
    for (let dpd = -10; dpd <= 800; dpd++) {
      const holding = AGING_BUCKETS.filter((b) => (b.minDays === null || dpd >= b.minDays) && (b.maxDays === null || dpd <= b.maxDays));
      expect(holding).toHaveLength(1);
      expect(AGING_BUCKETS.indexOf(holding[0]!)).toBe(agingBucketIndex(dpd));
    }
  });

  it('lists every bucket even with no data, and sums the groups of each', () => {
    expect(agingOf([]).map((r) => [r.bucket, r.debts, r.amountCents])).toEqual(AGING_BUCKETS.map((b) => [b.key, 0, 0]));
    const rows = agingOf([{ bucket: 2, debts: 3, amountCents: 1_000 }, { bucket: 2, debts: 1, amountCents: 5 }, { bucket: 6, debts: 1, amountCents: 7 }]);
    expect(rows[2]).toMatchObject({ bucket: '31_60', debts: 4, amountCents: 1_005, minDays: 31, maxDays: 60 });
    expect(rows[6]).toMatchObject({ bucket: 'mais_360', debts: 1, maxDays: null });
  });
});

describe('periods', () => {
  it('defaults to the current month and the five before it, up to today', () => {
    expect(resolvePeriod({}, '2026-11-23')).toEqual({ from: '2026-06-01', to: '2026-11-23' });
    expect(resolvePeriod({ to: '2026-02-10' }, '2026-11-23')).toEqual({ from: '2025-09-01', to: '2026-02-10' });
    expect(resolvePeriod({ from: '2026-11-23', to: '2026-11-23' }, '2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-23' });
  });

  it('refuses an end before the start and a period too long', () => {
    expect(() => resolvePeriod({ from: '2026-05-02', to: '2026-05-01' }, '2026-11-23')).toThrow(/anterior/);
    expect(() => resolvePeriod({ from: '2020-01-01', to: '2026-05-01' }, '2026-11-23')).toThrow(/passa de/);
  });

  it('cuts months across a year, labelled in Portuguese', () => {
    const buckets = periodBuckets({ from: '2025-11-15', to: '2026-02-01' }, 'month');
    expect(buckets.map((b) => [b.start, b.end, b.label])).toEqual([
      ['2025-11-01', '2025-11-30', 'nov/2025'], ['2025-12-01', '2025-12-31', 'dez/2025'], ['2026-01-01', '2026-01-31', 'jan/2026'], ['2026-02-01', '2026-02-28', 'fev/2026'],
    ]);
  });

  it('cuts ISO weeks from Monday to Sunday', () => {
    expect(startOfWeek('2026-11-23')).toBe('2026-11-23'); // a Monday
    expect(startOfWeek('2026-11-22')).toBe('2026-11-16'); // a Sunday
    const buckets = periodBuckets({ from: '2026-11-04', to: '2026-11-23' }, 'week');
    expect(buckets.map((b) => b.start)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    for (const b of buckets) {
      expect(weekday(b.start)).toBe(1);
      expect(b.end).toBe(addDays(b.start, 6));
    }
    expect(bucketLabel('2026-10-05', 'week')).toBe('05/out');
  });

  it('rolls only complete months inside the period', () => {
    expect(completeMonths({ from: '2026-06-01', to: '2026-11-23' }).map((m) => [m.start, m.next])).toEqual([
      ['2026-06-01', '2026-07-01'], ['2026-07-01', '2026-08-01'], ['2026-08-01', '2026-09-01'], ['2026-09-01', '2026-10-01'], ['2026-10-01', '2026-11-01'],
    ]);
    // a month ending on the period's last day is complete; a period starting mid-month skips that month
    expect(completeMonths({ from: '2026-06-15', to: '2026-08-31' }).map((m) => m.start)).toEqual(['2026-07-01', '2026-08-01']);
    expect(completeMonths({ from: '2026-06-02', to: '2026-07-30' })).toEqual([]);
  });
});

describe('rates', () => {
  it('are decimal strings with four places, rounded half up, or null without a denominator', () => {
    expect(rateOf(1, 3)).toBe('0.3333');
    expect(rateOf(2, 3)).toBe('0.6667');
    expect(rateOf(1, 8)).toBe('0.1250');
    expect(rateOf(1, 20_000)).toBe('0.0001'); // 0.00005 rounds up
    expect(rateOf(0, 5)).toBe('0.0000');
    expect(rateOf(5, 5)).toBe('1.0000');
    expect(rateOf(3, 0)).toBeNull();
    expect(rateOf(9_007_199_254_740_993n, 18_014_398_509_481_986n)).toBe('0.5000');
  });

  it('reads bigint sums exactly and refuses what a number cannot hold', () => {
    expect(centsOf('123456789012')).toBe(123_456_789_012);
    expect(centsOf(null)).toBe(0);
    expect(() => centsOf('9007199254740993')).toThrow(RangeError);
  });
});

describe('funnel', () => {
  it('counts each stage with its rates, and refuses a stage wider than the one before', () => {
    const rows = funnelOf({ population: 200, reached: [150, 60, 40, 20, 15], direct: [150, 55, 38, 20, 15] });
    expect(rows.map((r) => [r.stage, r.debtors, r.rateFromPrevious, r.rateFromStart])).toEqual([
      ['debtors', 200, null, '1.0000'], ['contacted', 150, '0.7500', '0.7500'], ['right_party', 60, '0.4000', '0.3000'],
      ['offer', 40, '0.6667', '0.2000'], ['agreement', 20, '0.5000', '0.1000'], ['paid', 15, '0.7500', '0.0750'],
    ]);
    expect(rows[2]!.direct).toBe(55);
    expect(() => funnelOf({ population: 10, reached: [5, 6, 1, 1, 1], direct: [5, 6, 1, 1, 1] })).toThrow(/right_party/);
  });

  it('has no rates on an empty population', () => {
    const rows = funnelOf({ population: 0, reached: [0, 0, 0, 0, 0], direct: [0, 0, 0, 0, 0] });
    expect(rows.every((r) => r.rateFromStart === null && r.debtors === 0)).toBe(true);
    expect(rows.slice(1).every((r) => r.rateFromPrevious === null)).toBe(true);
  });

  it('takes the furthest stage a debtor has evidence for', () => {
    const none = { contacted: false, rightParty: false, offer: false, agreement: false, paid: false };
    expect(furthestStage(none)).toBe(0);
    expect(furthestStage({ ...none, contacted: true, offer: true })).toBe(3);
    expect(furthestStage({ ...none, paid: true })).toBe(5);
  });
});

describe('roll and cure rates', () => {
  it('classifies each transition', () => {
    expect(rollOutcome(1, 2)).toBe('rolled');
    expect(rollOutcome(4, 4)).toBe('stayed');
    expect(rollOutcome(6, 6)).toBe('stayed');
    expect(rollOutcome(3, 'cured')).toBe('cured');
    expect(rollOutcome(3, 'closed')).toBe('closed');
    expect(rollOutcome(3, 2)).toBe('stayed');
  });

  it('aggregates per month and starting bucket, with every month and bucket listed', () => {
    const months = [{ start: '2026-06-01', label: 'jun/2026' }, { start: '2026-07-01', label: 'jul/2026' }];
    const result = rollRatesOf(months, [
      { month: '2026-06-01', from: 1, to: 2, debts: 6, amountCents: 600 },
      { month: '2026-06-01', from: 1, to: 'cured', debts: 3, amountCents: 300 },
      { month: '2026-06-01', from: 1, to: 'closed', debts: 1, amountCents: 100 },
      { month: '2026-06-01', from: 4, to: 4, debts: 2, amountCents: 200 },
    ]);
    expect(result).toHaveLength(2);
    const june = result[0]!;
    expect(june.buckets).toHaveLength(AGING_BUCKETS.length);
    expect(june.buckets[1]).toMatchObject({ bucket: '1_30', debts: 10, cured: 3, rolled: 6, stayed: 0, closed: 1, cureRate: '0.3000', rollRate: '0.6000', amountCents: 1_000 });
    expect(june.buckets[4]).toMatchObject({ debts: 2, stayed: 2, rollRate: '0.0000' });
    expect(june.total).toMatchObject({ debts: 12, cured: 3, rolled: 6, stayed: 2, closed: 1, cureRate: '0.2500', rollRate: '0.5000' });
    expect(result[1]!.total).toMatchObject({ debts: 0, cureRate: null, rollRate: null });
  });
});

describe('recovered over time', () => {
  it('fills every bucket of the period, empty ones with zeros', () => {
    const series = recoveredSeries({ from: '2026-06-10', to: '2026-08-05' }, 'month', [{ start: '2026-07-01', amountCents: 12_345, payments: 2 }], [{ start: '2026-06-01', agreements: 3 }]);
    expect(series).toEqual([
      { periodStart: '2026-06-01', label: 'jun/2026', amountCents: 0, payments: 0, agreements: 3 },
      { periodStart: '2026-07-01', label: 'jul/2026', amountCents: 12_345, payments: 2, agreements: 0 },
      { periodStart: '2026-08-01', label: 'ago/2026', amountCents: 0, payments: 0, agreements: 0 },
    ]);
    expect(recoveredSeries({ from: '2026-06-10', to: '2026-06-10' }, 'week', [], [])).toEqual([{ periodStart: '2026-06-08', label: '08/jun', amountCents: 0, payments: 0, agreements: 0 }]);
  });

  it('refuses a group outside the period (a bucketing mismatch between SQL and domain)', () => {
    expect(() => recoveredSeries({ from: '2026-06-10', to: '2026-06-30' }, 'month', [{ start: '2026-05-01', amountCents: 1, payments: 1 }], [])).toThrow(RangeError);
  });
});

describe('effectiveness', () => {
  it('rates conversion over the debtors reached and delivery over what was sent', () => {
    expect(effectivenessOf({ sent: 200, delivered: 150, failed: 10, debtorsReached: 120, debtorsConverted: 9 }, 'sms')).toMatchObject({ conversionRate: '0.0750', deliveryRate: '0.7500', hasReceipts: true });
    expect(effectivenessOf({ sent: 0, delivered: 0, failed: 4, debtorsReached: 0, debtorsConverted: 0 }, 'whatsapp')).toMatchObject({ conversionRate: null, deliveryRate: null });
    expect(() => effectivenessOf({ sent: 1, delivered: 1, failed: 0, debtorsReached: 1, debtorsConverted: 2 }, 'sms')).toThrow(RangeError);
  });

  it('has no delivery rate for channels without receipts (e-mail, letters)', () => {
    expect(effectivenessOf({ sent: 50, delivered: 0, failed: 2, debtorsReached: 40, debtorsConverted: 4 }, 'email')).toMatchObject({ deliveryRate: null, hasReceipts: false, conversionRate: '0.1000' });
    expect(effectivenessOf({ sent: 50, delivered: 0, failed: 0, debtorsReached: 40, debtorsConverted: 0 }, 'letter').hasReceipts).toBe(false);
  });
});
