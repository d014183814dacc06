import type { IsoDate } from '../dates.ts';
import { periodBuckets, type Granularity, type Period } from './periods.ts';

/**
 * Money recovered over time: one point per month or week of the period (empty ones included, so a
 * chart's axis has no gaps), each with the payments received in its days inside the period and the
 * agreements accepted then.
 */
export interface SeriesPoint {
  periodStart: IsoDate;
  label: string;
  amountCents: number;
  payments: number;
  agreements: number;
}

export function recoveredSeries(
  period: Period,
  granularity: Granularity,
  payments: ReadonlyArray<{ start: IsoDate; amountCents: number; payments: number }>,
  agreements: ReadonlyArray<{ start: IsoDate; agreements: number }>,
): SeriesPoint[] {
  const buckets = periodBuckets(period, granularity);
  const known = new Set(buckets.map((b) => b.start));
  for (const row of [...payments, ...agreements]) {
    if (!known.has(row.start)) throw new RangeError(`grupo ${row.start} fora dos períodos de ${period.from} a ${period.to}`);
  }
  return buckets.map((b) => ({
    periodStart: b.start,
    label: b.label,
    amountCents: payments.filter((p) => p.start === b.start).reduce((s, p) => s + p.amountCents, 0),
    payments: payments.filter((p) => p.start === b.start).reduce((s, p) => s + p.payments, 0),
    agreements: agreements.filter((a) => a.start === b.start).reduce((s, a) => s + a.agreements, 0),
  }));
}
