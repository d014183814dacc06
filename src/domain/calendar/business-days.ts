import { UF_INFO, type Uf } from '../../brazil/uf.ts';
import { addDays, toDayNumber, weekday, type IsoDate } from '../dates.ts';
import {
  BANK_HOLIDAYS, dateOfRule, DEFAULT_MUNICIPAL_HOLIDAYS, municipalKey, NATIONAL_HOLIDAYS, STATE_HOLIDAYS,
  type Holiday, type HolidayRule, type HolidayScope, type MunicipalHolidays,
} from './holidays.ts';

export interface CalendarOptions {
  /** The debtor's or the payment place's state: adds its state holidays. */
  uf?: Uf | undefined;
  /** The city (with `uf`): adds its municipal holidays from `municipalHolidays`. */
  city?: string | undefined;
  /**
   * 'bank' (default): days without bank business — a due date that falls on one moves to the
   * next business day. 'civil': the legal holidays only (contact windows).
   */
  kind?: 'bank' | 'civil';
  municipalHolidays?: MunicipalHolidays;
}

/**
 * Business days: Monday to Friday that are not a holiday of the chosen scope. One calendar is
 * built per (kind, UF, city) and caches each year's holidays, so bulk work costs a map lookup.
 */
export class BusinessCalendar {
  private readonly rules: Array<{ rule: HolidayRule; scope: HolidayScope }>;
  private readonly years = new Map<number, Map<IsoDate, Holiday>>();
  readonly timeZone: string;
  readonly options: CalendarOptions;

  constructor(options: CalendarOptions = {}) {
    this.options = options;
    const kind = options.kind ?? 'bank';
    this.rules = NATIONAL_HOLIDAYS.map((rule) => ({ rule, scope: 'national' as const }));
    if (kind === 'bank') this.rules.push(...BANK_HOLIDAYS.map((rule) => ({ rule, scope: 'bank' as const })));
    if (options.uf) {
      this.rules.push(...STATE_HOLIDAYS[options.uf].map((rule) => ({ rule, scope: 'state' as const })));
      if (options.city) {
        const wanted = municipalKey(options.uf, options.city);
        const table = options.municipalHolidays ?? DEFAULT_MUNICIPAL_HOLIDAYS;
        const entry = Object.entries(table).find(([key]) => {
          const [uf, ...city] = key.split('/');
          return municipalKey(uf!, city.join('/')) === wanted;
        });
        for (const rule of entry?.[1] ?? []) this.rules.push({ rule, scope: 'municipal' });
      }
    }
    this.timeZone = options.uf ? UF_INFO[options.uf].timeZone : 'America/Sao_Paulo';
  }

  /** The holidays of a year, at most one per date (the first rule wins: national before state). */
  holidaysOf(year: number): Map<IsoDate, Holiday> {
    let map = this.years.get(year);
    if (!map) {
      map = new Map();
      for (const { rule, scope } of this.rules) {
        const date = dateOfRule(rule, year);
        if (date && !map.has(date)) map.set(date, { date, name: rule.name, scope, source: rule.source });
      }
      this.years.set(year, map);
    }
    return map;
  }

  holiday(date: IsoDate): Holiday | undefined {
    return this.holidaysOf(Number(date.slice(0, 4))).get(date);
  }

  isBusinessDay(date: IsoDate): boolean {
    const day = weekday(date);
    return day !== 0 && day !== 6 && !this.holiday(date);
  }

  /** The date itself when it is a business day, else the next one (a due date's payment day). */
  nextBusinessDay(date: IsoDate): IsoDate {
    let d = date;
    while (!this.isBusinessDay(d)) d = addDays(d, 1);
    return d;
  }

  /** n business days after (n > 0) or before (n < 0) a date, not counting the date itself. */
  addBusinessDays(date: IsoDate, n: number): IsoDate {
    const step = n >= 0 ? 1 : -1;
    let d = date;
    for (let left = Math.abs(n); left > 0; ) {
      d = addDays(d, step);
      if (this.isBusinessDay(d)) left--;
    }
    return d;
  }

  /** Business days from `from` to `to`, both included. */
  countBusinessDays(from: IsoDate, to: IsoDate): number {
    let count = 0;
    for (let d = from; toDayNumber(d) <= toDayNumber(to); d = addDays(d, 1)) if (this.isBusinessDay(d)) count++;
    return count;
  }

  /** Holidays from `from` to `to` (both included), in date order, weekends included. */
  holidaysBetween(from: IsoDate, to: IsoDate): Holiday[] {
    const result: Holiday[] = [];
    for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
      for (const holiday of this.holidaysOf(year).values()) if (holiday.date >= from && holiday.date <= to) result.push(holiday);
    }
    return result.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
}
