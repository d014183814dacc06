import { describe, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates.ts';
import { Decimal } from '../../domain/decimal.ts';
import { loadShippedSeries } from './shipped-series.ts';

describe('shipped index series', () => {
  const shipped = loadShippedSeries();

  it('ships every monthly series the balances use, each without a gap', () => {
    expect(Object.keys(shipped).sort()).toEqual(['igpm', 'inpc', 'ipca', 'selic', 'taxa_legal', 'tr']);
    for (const [name, values] of Object.entries(shipped)) {
      for (let i = 1; i < values.length; i++) {
        expect(values[i]!.period, `${name} after ${values[i - 1]!.period}`).toBe(addMonths(`${values[i - 1]!.period}-01`, 1).slice(0, 7));
      }
    }
  });

  it('reproduces the IPCA of the year as published by IBGE (2023: 4,62%; 2024: 4,83%)', () => {
    const year = (y: number) =>
      shipped.ipca!.filter((v) => v.period.startsWith(String(y)))
        .reduce((f, v) => f.times(new Decimal(v.value).div(100).plus(1)), new Decimal(1))
        .minus(1).times(100).toDecimalPlaces(2).toString();
    expect(year(2023)).toBe('4.62');
    expect(year(2024)).toBe('4.83');
  });
});
