import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { UFS, type Uf } from '../../brazil/uf.ts';
import { BusinessCalendar } from './business-days.ts';
import { easterSunday } from './easter.ts';
import { BANK_HOLIDAYS, dateOfRule, NATIONAL_HOLIDAYS, STATE_HOLIDAYS } from './holidays.ts';

// date-holidays (a well-kept holiday library) is used only here, as an independent reference.
const day = (h: { date: string }) => h.date.slice(0, 10);
const years = Array.from({ length: 101 }, (_, i) => 2000 + i);
const oracleBR = new Holidays('BR');
const ourDates = (rules: typeof NATIONAL_HOLIDAYS, year: number) =>
  [...new Set(rules.map((r) => dateOfRule(r, year)).filter((d): d is string => d !== null))].sort();

describe('Easter and the movable holidays', () => {
  it('matches published Easter dates', () => {
    expect(easterSunday(2000)).toBe('2000-04-23');
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2038)).toBe('2038-04-25'); // the latest possible date
    expect(easterSunday(2285)).toBe('2285-03-22'); // the earliest possible date
  });

  it('agrees with the reference library for every year 2000–2100', () => {
    for (const year of years) {
      const easter = oracleBR.getHolidays(year).find((h) => h.type === 'observance' && /P[áa]scoa|Easter/i.test(h.name));
      expect(easterSunday(year), String(year)).toBe(day(easter!));
    }
  });
});

describe('national holidays 2000–2100 against the reference library', () => {
  it('civil holidays: the same dates every year (election Sundays aside)', () => {
    for (const year of years) {
      const oracle = oracleBR
        .getHolidays(year)
        .filter((h) => h.type === 'public' && !/Eleição/.test(h.name))
        .map(day)
        .sort();
      expect(ourDates(NATIONAL_HOLIDAYS, year), String(year)).toEqual([...new Set(oracle)]);
    }
  });

  it('bank holidays (Carnaval Monday and Tuesday, Corpus Christi): the same dates every year', () => {
    for (const year of years) {
      const oracle = oracleBR.getHolidays(year).filter((h) => h.type === 'bank').map(day).sort();
      expect(ourDates(BANK_HOLIDAYS, year), String(year)).toEqual(oracle);
    }
  });
});

describe('state holidays of the 27 UFs against the reference library', () => {
  /**
   * Where we differ from the reference on purpose, with the source we followed. Acre's calendar
   * was checked against the state laws cited by its municipalities (acrelandia.ac.gov.br/feriados).
   */
  const KNOWN_DIFFERENCES: Partial<Record<Uf, { oursOnly: RegExp; theirsOnly: RegExp }>> = {
    // Dia do Evangélico is 23 January (Lei 1.538/2004), not 12 January; Dia do Católico (Lei
    // 3.137/2016) is missing there; Tratado de Petrópolis is a holiday (Lei 57/1965), marked optional
    // there; Dia da Amazônia dates from Lei 243/1968, not 2004.
    AC: { oursOnly: /-(01-20|01-23|11-17|09-05)$/, theirsOnly: /-01-12$/ },
  };

  it.each(UFS)('%s', (uf) => {
    const oracle = new Holidays('BR', uf);
    const known = KNOWN_DIFFERENCES[uf];
    for (const year of years) {
      const national = new Set(oracleBR.getHolidays(year).filter((h) => h.type === 'public').map(day));
      const theirs = new Set(oracle.getHolidays(year).filter((h) => h.type === 'public').map(day).filter((d) => !national.has(d)));
      const ours = new Set(ourDates(STATE_HOLIDAYS[uf], year).filter((d) => !national.has(d)));
      const oursOnly = [...ours].filter((d) => !theirs.has(d) && !(known?.oursOnly.test(d) ?? false));
      const theirsOnly = [...theirs].filter((d) => !ours.has(d) && !(known?.theirsOnly.test(d) ?? false));
      expect({ year, oursOnly, theirsOnly }).toEqual({ year, oursOnly: [], theirsOnly: [] });
    }
  });
});

describe('business days', () => {
  const sp = new BusinessCalendar({ uf: 'SP' });

  it('counts 2025 in São Paulo (bank calendar), both ends included', () => {
    // 261 weekdays in 2025; weekday holidays: 01/01, 03/03, 03/04 (Carnaval), 04/18, 04/21, 05/01,
    // 06/19 (Corpus Christi), 07/09 (SP), 11/20 → 9; 09/07, 10/12, 11/02, 11/15 fall on weekends,
    // 12/25 is a Thursday → 10 weekday holidays in all.
    expect(sp.countBusinessDays('2025-01-01', '2025-12-31')).toBe(251);
    expect(sp.holidaysBetween('2025-07-01', '2025-07-31').map((h) => [h.date, h.name, h.scope])).toEqual([
      ['2025-07-09', 'Revolução Constitucionalista de 1932', 'state'],
    ]);
  });

  it('moves a due date to the next business day, and adds business days', () => {
    expect(sp.nextBusinessDay('2025-03-01')).toBe('2025-03-05'); // Saturday, Sunday, Carnaval Monday and Tuesday
    expect(sp.nextBusinessDay('2025-03-05')).toBe('2025-03-05');
    expect(sp.addBusinessDays('2025-04-17', 1)).toBe('2025-04-22'); // Good Friday, weekend, Tiradentes
    expect(sp.addBusinessDays('2025-04-22', -1)).toBe('2025-04-17');
    expect(sp.addBusinessDays('2025-01-02', 0)).toBe('2025-01-02');
  });

  it('keeps Carnaval a business day in the civil calendar, and state holidays apart', () => {
    const civil = new BusinessCalendar({ uf: 'SP', kind: 'civil' });
    expect(civil.isBusinessDay('2025-03-03')).toBe(true);
    expect(civil.isBusinessDay('2025-07-09')).toBe(false);
    expect(new BusinessCalendar({ uf: 'RJ', kind: 'civil' }).isBusinessDay('2025-03-04')).toBe(false); // RJ: Carnaval Tuesday
    expect(new BusinessCalendar({ uf: 'RJ' }).isBusinessDay('2025-07-09')).toBe(true);
  });

  it('adds municipal holidays from configuration, matching the city by name without accents', () => {
    const city = new BusinessCalendar({ uf: 'SP', city: 'SAO PAULO', kind: 'civil' });
    expect(city.holiday('2027-01-25')?.scope).toBe('municipal');
    const custom = new BusinessCalendar({ uf: 'SP', city: 'Campinas', municipalHolidays: { 'SP/Campinas': [{ month: 7, day: 14, name: 'Fundação de Campinas', source: 'Lei municipal' }] } });
    expect(custom.isBusinessDay('2025-07-14')).toBe(false);
    expect(new BusinessCalendar({ uf: 'SP', city: 'Campinas' }).isBusinessDay('2025-07-14')).toBe(true);
  });

  it('knows each UF time zone', () => {
    expect(new BusinessCalendar({ uf: 'AC' }).timeZone).toBe('America/Rio_Branco');
    expect(new BusinessCalendar({ uf: 'AM' }).timeZone).toBe('America/Manaus');
    expect(new BusinessCalendar().timeZone).toBe('America/Sao_Paulo');
  });
});
