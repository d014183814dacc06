/**
 * Aging (envelhecimento da carteira): open debts by days past due on a date — the date minus the
 * due date, so a debt due today is 0 ("a vencer") and one due yesterday is 1. The buckets are the
 * usual ones of Brazilian collection reports; the last is open-ended.
 */
export type AgingBucketKey = 'a_vencer' | '1_30' | '31_60' | '61_90' | '91_180' | '181_360' | 'mais_360';

export interface AgingBucket {
  key: AgingBucketKey;
  /** pt-BR, for the chart's axis. */
  label: string;
  /** Inclusive bounds in days past due; null = unbounded (a vencer has no lower bound, > 360 no upper). */
  minDays: number | null;
  maxDays: number | null;
}

export const AGING_BUCKETS: readonly AgingBucket[] = [
  { key: 'a_vencer', label: 'A vencer', minDays: null, maxDays: 0 },
  { key: '1_30', label: '1 a 30 dias', minDays: 1, maxDays: 30 },
  { key: '31_60', label: '31 a 60 dias', minDays: 31, maxDays: 60 },
  { key: '61_90', label: '61 a 90 dias', minDays: 61, maxDays: 90 },
  { key: '91_180', label: '91 a 180 dias', minDays: 91, maxDays: 180 },
  { key: '181_360', label: '181 a 360 dias', minDays: 181, maxDays: 360 },
  { key: 'mais_360', label: 'Mais de 360 dias', minDays: 361, maxDays: null },
];

/** The index in AGING_BUCKETS of a debt this many days past due. */
export function agingBucketIndex(daysPastDue: number): number {
  for (let i = AGING_BUCKETS.length - 1; i >= 0; i--) {
    const min = AGING_BUCKETS[i]!.minDays;
    if (min === null || daysPastDue >= min) return i;
  }
  return 0;
}

export interface AgingRow {
  bucket: AgingBucketKey;
  label: string;
  minDays: number | null;
  maxDays: number | null;
  debts: number;
  amountCents: number;
}

/** Every bucket in order, with the grouped counts (missing buckets are zero). */
export function agingOf(groups: ReadonlyArray<{ bucket: number; debts: number; amountCents: number }>): AgingRow[] {
  return AGING_BUCKETS.map((b, i) => {
    const found = groups.filter((g) => g.bucket === i);
    return {
      bucket: b.key, label: b.label, minDays: b.minDays, maxDays: b.maxDays,
      debts: found.reduce((s, g) => s + g.debts, 0),
      amountCents: found.reduce((s, g) => s + g.amountCents, 0),
    };
  });
}
