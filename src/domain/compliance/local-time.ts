import type { IsoDate } from '../dates.ts';

/** Wall-clock date and minutes of an instant in an IANA time zone (Brazil's zones have had no DST since 2019, but history is honoured). */
export function localTime(instant: Date, timeZone: string): { date: IsoDate; minutes: number; weekday: number } {
  const parts = formatterOf(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  const hour = Number(get('hour')) % 24;
  return { date, minutes: hour * 60 + Number(get('minute')), weekday: new Date(`${date}T00:00:00Z`).getUTCDay() };
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
