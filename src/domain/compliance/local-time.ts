import type { IsoDate } from '../dates.ts';

/** Wall-clock date and minutes of an instant in an IANA time zone (Brazil's zones have had no DST since 2019, but history is honoured). */
export function localTime(instant: Date, timeZone: string): { date: IsoDate; minutes: number; weekday: number } {
  // The zone's offset is asked of Intl once per zone and UTC hour (offsets change on hour
  // boundaries in every zone Brazil has used); the rest is arithmetic. The guard asks this for
  // every action and every past contact, so it matters.
  const ms = instant.getTime();
  const local = new Date(ms + offsetMinutes(timeZone, ms) * 60_000);
  const date = local.toISOString().slice(0, 10);
  return { date, minutes: local.getUTCHours() * 60 + local.getUTCMinutes(), weekday: local.getUTCDay() };
}

const offsets = new Map<string, number>();
function offsetMinutes(timeZone: string, ms: number): number {
  const hourStart = Math.floor(ms / 3_600_000) * 3_600_000;
  const key = `${timeZone}@${hourStart}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts = formatterOf(timeZone).formatToParts(new Date(hourStart));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'));
    offset = (shown - hourStart) / 60_000;
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant at which the wall clock in `timeZone` shows `date` at `minutes` past midnight. */
export function instantAt(date: IsoDate, minutes: number, timeZone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`).getTime() + minutes * 60_000;
  // The zone's offset at that moment: format the guess there and see how far the clock is.
  const shown = localTime(new Date(guess), timeZone);
  const shownMs = new Date(`${shown.date}T00:00:00Z`).getTime() + shown.minutes * 60_000;
  return new Date(guess + (guess - shownMs));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}
