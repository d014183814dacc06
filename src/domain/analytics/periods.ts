import { AppError } from '../../shared/errors.ts';
import { addDays, addMonths, daysBetween, weekday, type IsoDate } from '../dates.ts';

/**
 * The periods of the management dashboard (painel): a closed range of Brasília days [from, to],
 * cut into calendar months or ISO weeks (Monday to Sunday). The first and last buckets may be
 * partial: a bucket is named by the day it starts on, and only the days inside [from, to] count.
 */
export type Granularity = 'month' | 'week';

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

export interface PeriodBucket {
  /** The first day of the month or the Monday of the week (may fall before `from`). */
  start: IsoDate;
  /** The last day of the month or the Sunday of the week (may fall after `to`). */
  end: IsoDate;
  /** pt-BR: "out/2026" for a month, "05/out" for the week starting on 5 October. */
  label: string;
}

/** The longest period the dashboard answers for (three years: about 160 weekly buckets). */
export const MAX_PERIOD_DAYS = 3 * 366;

/** How far back the default period reaches: the current month and the five before it. */
export const DEFAULT_PERIOD_MONTHS = 6;

export const MONTH_ABBREVIATIONS = ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'] as const;

export function startOfMonth(date: IsoDate): IsoDate {
  return `${date.slice(0, 8)}01`;
}

/** The Monday on or before the date (ISO weeks, as PostgreSQL's date_trunc('week')). */
export function startOfWeek(date: IsoDate): IsoDate {
  return addDays(date, -((weekday(date) + 6) % 7));
}

export function bucketStart(date: IsoDate, granularity: Granularity): IsoDate {
  return granularity === 'month' ? startOfMonth(date) : startOfWeek(date);
}

export function bucketLabel(start: IsoDate, granularity: Granularity): string {
  const month = MONTH_ABBREVIATIONS[Number(start.slice(5, 7)) - 1]!;
  return granularity === 'month' ? `${month}/${start.slice(0, 4)}` : `${start.slice(8, 10)}/${month}`;
}

/** Every bucket that meets [from, to], in order. */
export function periodBuckets(period: Period, granularity: Granularity): PeriodBucket[] {
  const buckets: PeriodBucket[] = [];
  for (let start = bucketStart(period.from, granularity); start <= period.to; ) {
    const next = granularity === 'month' ? addMonths(start, 1) : addDays(start, 7);
    buckets.push({ start, end: addDays(next, -1), label: bucketLabel(start, granularity) });
    start = next;
  }
  return buckets;
}

/**
 * The dashboard's period: `to` defaults to today; `from` to the first day of the month five months
 * before `to`'s (six calendar months, the current one included). Refused: an end before the start,
 * or more than MAX_PERIOD_DAYS.
 */
export function resolvePeriod(input: { from?: IsoDate | undefined; to?: IsoDate | undefined }, today: IsoDate): Period {
  const to = input.to ?? today;
  const from = input.from ?? startOfMonth(addMonths(to, -(DEFAULT_PERIOD_MONTHS - 1)));
  if (to < from) throw new AppError('validation', 'O fim do período é anterior ao início.', { field: 'to' });
  if (daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) throw new AppError('validation', `O período passa de ${MAX_PERIOD_DAYS} dias: escolha um intervalo menor.`, { field: 'from' });
  return { from, to };
}

/**
 * The months whose roll from start to end lies inside the period: every first day of a month m with
 * from ≤ m and the first day of the next month ≤ to + 1 (the state at a month's end is read at the
 * close of its last day).
 */
export function completeMonths(period: Period): Array<{ start: IsoDate; next: IsoDate; label: string }> {
  const months = [];
  let start = period.from === startOfMonth(period.from) ? period.from : addMonths(startOfMonth(period.from), 1);
  for (; addMonths(start, 1) <= addDays(period.to, 1); start = addMonths(start, 1)) {
    months.push({ start, next: addMonths(start, 1), label: bucketLabel(start, 'month') });
  }
  return months;
}
