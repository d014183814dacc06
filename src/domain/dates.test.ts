import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, fromDayNumber, toDayNumber, weekday } from './dates.ts';

describe('calendar arithmetic', () => {
  it('agrees with JavaScript Date (UTC) for every day from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25567, max: 84006 }), (day) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(fromDayNumber(day)).toBe(iso);
        expect(toDayNumber(iso)).toBe(day);
        expect(weekday(iso)).toBe(new Date(day * 86_400_000).getUTCDay());
      }),
      { numRuns: 5000 },
    );
  });

  it('adds days and months across leap years and month ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });
});
