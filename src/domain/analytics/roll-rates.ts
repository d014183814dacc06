import type { IsoDate } from '../dates.ts';
import { AGING_BUCKETS, type AgingBucketKey } from './aging.ts';
import { rateOf } from './rates.ts';

/**
 * Roll and cure rates, month over month (docs/dashboard.md). The population of a month is every
 * debt open — placed, not settled, not held by an agreement — at its start (the close of the day
 * before its first day), in the aging bucket of its days past due on the first day. At the start of
 * the next month each debt has:
 *  - cured: during the month it was paid or settled, or entered an agreement (accepted);
 *  - closed: it left the portfolio otherwise (cancelled by the creditor);
 *  - rolled: still open, in a later bucket;
 *  - stayed: still open, in the same bucket (the wide buckets hold a debt for several months).
 * cure rate = cured ÷ population, roll rate = rolled ÷ population, per starting bucket.
 */
export type RollEnd = 'cured' | 'closed' | number;

export interface RollTransition {
  /** First day of the month. */
  month: IsoDate;
  /** Starting bucket (index in AGING_BUCKETS). */
  from: number;
  /** The debt's state at the next month's start: cured, closed, or the bucket it is open in. */
  to: RollEnd;
  debts: number;
  amountCents: number;
}

export interface RollFigures {
  debts: number;
  amountCents: number;
  cured: number;
  rolled: number;
  stayed: number;
  closed: number;
  cureRate: string | null;
  rollRate: string | null;
}

export interface RollMonth {
  month: IsoDate;
  label: string;
  buckets: Array<{ bucket: AgingBucketKey; label: string } & RollFigures>;
  total: RollFigures;
}

export function rollOutcome(from: number, to: RollEnd): 'cured' | 'closed' | 'rolled' | 'stayed' {
  if (to === 'cured' || to === 'closed') return to;
  // Days past due only grow; an earlier bucket (a due date moved by a later import) is not a roll.
  return to > from ? 'rolled' : 'stayed';
}

function figures(rows: readonly RollTransition[]): RollFigures {
  const count = (outcome: ReturnType<typeof rollOutcome>) => rows.filter((r) => rollOutcome(r.from, r.to) === outcome).reduce((s, r) => s + r.debts, 0);
  const debts = rows.reduce((s, r) => s + r.debts, 0);
  const cured = count('cured');
  const rolled = count('rolled');
  return {
    debts, amountCents: rows.reduce((s, r) => s + r.amountCents, 0), cured, rolled, stayed: count('stayed'), closed: count('closed'),
    cureRate: rateOf(cured, debts), rollRate: rateOf(rolled, debts),
  };
}

/** Every month asked for (empty ones included), each with every starting bucket. */
export function rollRatesOf(months: ReadonlyArray<{ start: IsoDate; label: string }>, transitions: readonly RollTransition[]): RollMonth[] {
  return months.map((m) => {
    const mine = transitions.filter((t) => t.month === m.start);
    return {
      month: m.start,
      label: m.label,
      buckets: AGING_BUCKETS.map((b, i) => ({ bucket: b.key, label: b.label, ...figures(mine.filter((t) => t.from === i)) })),
      total: figures(mine),
    };
  });
}
