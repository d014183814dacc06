import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import { addDays, addMonths, type IsoDate } from '../../domain/dates.ts';

/**
 * When the demo's creditors placed their debts with the agency (remessas): a first batch at the
 * start of the history — every debt due by then — and one batch on the first business day of each
 * month after it, carrying the debts that fall due in the coming weeks (ten days ahead, so the
 * D−3 reminder goes out). The importer loads each batch as its own file; the seed then dates the
 * import and its debts on the batch's day (debts.created_at is the placement date the dashboard reads).
 */
export const HISTORY_MONTHS = 6;

/** Days before its due date a debt is sent to the agency at the latest. */
export const PLACEMENT_LEAD_DAYS = 10;

const BANK = new BusinessCalendar();

/** The batch days, oldest first: the first business day of each month from HISTORY_MONTHS before asOf's, none after asOf. */
export function placementDays(asOf: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let m = HISTORY_MONTHS; m >= 0; m--) {
    const first = `${addMonths(asOf, -m).slice(0, 8)}01`;
    const day = BANK.nextBusinessDay(first);
    days.push(day > asOf ? asOf : day);
  }
  return [...new Set(days)];
}

/** The batch a debt due on `dueDate` went in: the latest batch at least PLACEMENT_LEAD_DAYS before it, else the first. */
export function placementOf(dueDate: IsoDate, days: readonly IsoDate[]): IsoDate {
  const latest = addDays(dueDate, -PLACEMENT_LEAD_DAYS);
  let chosen = days[0]!;
  for (const day of days) if (day <= latest) chosen = day;
  return chosen;
}

/**
 * The demo's CSV of a portfolio cut into its batches (header repeated), in batch order; batches
 * without rows are left out. `dueColumn`: the index of the due date (dd/mm/yyyy) in a row.
 */
export function splitByPlacement(csv: string, days: readonly IsoDate[], dueColumn: number): Array<{ day: IsoDate; csv: string; rows: number }> {
  const [header, ...lines] = csv.replace(/\r\n$/, '').split('\r\n');
  const byDay = new Map<IsoDate, string[]>();
  for (const line of lines) {
    const [d, m, y] = line.split(';')[dueColumn]!.split('/');
    const day = placementOf(`${y}-${m}-${d}`, days);
    (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(line);
  }
  return days.filter((d) => byDay.has(d)).map((day) => ({ day, csv: [header, ...byDay.get(day)!].join('\r\n') + '\r\n', rows: byDay.get(day)!.length }));
}
