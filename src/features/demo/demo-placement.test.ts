import { describe, expect, it } from 'vitest';
import { generateDemo } from './generate-demo.ts';
import { placementDays, placementOf, splitByPlacement } from './demo-placement.ts';

describe('demo placements (remessas)', () => {
  it('places a batch on the first business day of each of the last six months and of the current one', () => {
    // 01/05 is Labour Day, 01/08 and 01/11 fall on weekends (02/11 is All Souls' Day)
    expect(placementDays('2026-11-23')).toEqual(['2026-05-04', '2026-06-01', '2026-07-01', '2026-08-03', '2026-09-01', '2026-10-01', '2026-11-03']);
    // never after asOf
    expect(placementDays('2026-11-02').at(-1)).toBe('2026-11-02');
  });

  it('sends a debt with the last batch at least ten days before it falls due, the old ones with the first', () => {
    const days = placementDays('2026-11-23');
    expect(placementOf('2019-03-10', days)).toBe('2026-05-04');
    expect(placementOf('2026-06-10', days)).toBe('2026-05-04'); // 31/05 is before the June batch
    expect(placementOf('2026-06-11', days)).toBe('2026-06-01');
    expect(placementOf('2027-01-20', days)).toBe('2026-11-03');
  });

  it('cuts each portfolio file into its batches, every row once, with the header', () => {
    const plan = generateDemo({ asOf: '2026-11-23' });
    const days = placementDays('2026-11-23');
    for (const portfolio of plan.creditors.flatMap((c) => c.portfolios)) {
      const batches = splitByPlacement(portfolio.csv, days, 19);
      const header = portfolio.csv.split('\r\n')[0];
      expect(batches.every((b) => b.csv.startsWith(`${header}\r\n`) && b.csv.endsWith('\r\n'))).toBe(true);
      const lines = batches.flatMap((b) => b.csv.trim().split('\r\n').slice(1));
      expect(lines.sort()).toEqual(portfolio.csv.trim().split('\r\n').slice(1).sort());
      expect(batches.reduce((s, b) => s + b.rows, 0)).toBe(portfolio.rows);
      expect(batches[0]!.day).toBe('2026-05-04');
      expect(batches[0]!.rows).toBeGreaterThan(portfolio.rows / 2); // the portfolio as it was at the start
    }
  });
});
