import boletoUtils from '@mrmgomes/boleto-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '../../domain/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { dueDateOfFactor, dueFactorOf, factorWindow } from './due-factor.ts';

const dateArb = (from: string, to: string) => fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).field;
  }
  return undefined;
}

describe('due-date factor', () => {
  it('gives the dates of the FEBRABAN table of the first cycle (Manual Operacional do Fator de Vencimento, 2012)', () => {
    const table: [number, string][] = [[1000, '2000-07-03'], [1001, '2000-07-04'], [5316, '2012-04-27'], [9998, '2025-02-20'], [9999, '2025-02-21']];
    for (const [factor, date] of table) {
      expect(dueFactorOf(date)).toBe(factor);
      expect(dueDateOfFactor(factor, date)).toBe(date);
    }
    expect(dueFactorOf(addDays('1997-10-07', 1000))).toBe(1000);
  });

  it('restarts at 1000 on 22/02/2025 and follows the CAIXA SIGCB v015 table of the second cycle (Anexo II)', () => {
    expect(dueFactorOf('2025-02-21')).toBe(9999);
    expect(dueFactorOf('2025-02-22')).toBe(1000);
    expect(dueFactorOf('2025-02-23')).toBe(1001);
    const table: [number, string][] = [[1000, '2025-02-22'], [1002, '2025-02-24'], [1667, '2026-12-21'], [4789, '2035-07-09'], [9999, '2049-10-13']];
    for (const [factor, date] of table) {
      expect(dueFactorOf(date)).toBe(factor);
      expect(dueDateOfFactor(factor, date)).toBe(date);
    }
    expect(dueFactorOf('2049-10-14')).toBe(1000); // the third cycle
  });

  it('reads the same factor as the old or the new cycle depending on the reference date', () => {
    expect(dueDateOfFactor(5565, '2013-01-01')).toBe('2013-01-01');
    expect(dueDateOfFactor(5565, '2025-11-23')).toBe('2037-08-23');
    expect(dueDateOfFactor(9999, '2025-02-21')).toBe('2025-02-21');
    expect(dueDateOfFactor(1000, '2025-02-21')).toBe('2025-02-22');
    // a slip of 2012 read in 2026 is still 2012 (within 3000 days); 9999 read in 2026 is 2025, not 2049
    expect(dueDateOfFactor(5316, '2020-01-01')).toBe('2012-04-27');
    expect(dueDateOfFactor(9999, '2026-01-15')).toBe('2025-02-21');
    expect(dueDateOfFactor(9999, '2040-01-15')).toBe('2049-10-13');
  });

  it('honours the window edges: 3000 days overdue and 5500 days ahead, nothing in the gap', () => {
    const asOf = '2025-11-23';
    const { from, to } = factorWindow(asOf);
    expect(from).toBe(addDays(asOf, -3000));
    expect(to).toBe(addDays(asOf, 5500));
    expect(dueDateOfFactor(dueFactorOf(from), asOf)).toBe(from);
    expect(dueDateOfFactor(dueFactorOf(to), asOf)).toBe(to);
    // one day older than the window: the same factor 9000 days later is past the far edge
    expect(fieldOf(() => dueDateOfFactor(dueFactorOf(addDays(from, -1)), asOf))).toBe('fatorVencimento');
    expect(fieldOf(() => dueDateOfFactor(dueFactorOf(addDays(to, 1)), asOf))).toBe('fatorVencimento');
  });

  it('maps factor 0 to no due date and refuses 0001–0999, dates before 03/07/2000 and a bad reference date', () => {
    expect(dueDateOfFactor(0, '2025-01-01')).toBeNull();
    expect(fieldOf(() => dueDateOfFactor(999, '2025-01-01'))).toBe('fatorVencimento');
    expect(fieldOf(() => dueDateOfFactor(1, '2025-01-01'))).toBe('fatorVencimento');
    expect(fieldOf(() => dueFactorOf('2000-07-02'))).toBe('dueDate');
    expect(fieldOf(() => dueFactorOf('2025-02-30'))).toBe('dueDate');
    expect(fieldOf(() => dueDateOfFactor(1000, '23/11/2025'))).toBe('asOf');
  });

  it('round-trips date → factor → date for any reference date whose window holds the date', () => {
    fc.assert(
      fc.property(dateArb('2000-07-03', '2120-12-31'), fc.integer({ min: -3000, max: 5500 }), (dueDate, ahead) => {
        const asOf = addDays(dueDate, -ahead); // dueDate = asOf + ahead, inside the window
        const factor = dueFactorOf(dueDate);
        expect(factor).toBeGreaterThanOrEqual(1000);
        expect(factor).toBeLessThanOrEqual(9999);
        expect(dueDateOfFactor(factor, asOf)).toBe(dueDate);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with @mrmgomes/boleto-utils, whose two readings (old base and 2025 reset) bracket ours', () => {
    // boleto-utils offers both cycles' dates for a line and leaves the choice to the caller; ours must be one of them, the one in the window.
    // Up to 2034 the window (5500 days ahead) cannot reach the third cycle (from 14/10/2049), which boleto-utils does not know.
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), dateArb('2015-01-01', '2034-01-01'), (factor, asOf) => {
        const barcode = `0019${0}${factor}${'0'.repeat(10)}${'0'.repeat(25)}`;
        const old = boletoUtils.identificarData(barcode, 'CODIGO_DE_BARRAS').toISOString().slice(0, 10);
        const reset = boletoUtils.identificarDataComNovoFator2025(barcode, 'CODIGO_DE_BARRAS').toISOString().slice(0, 10);
        let ours: string | null;
        try {
          ours = dueDateOfFactor(factor, asOf);
        } catch {
          ours = null;
        }
        const { from, to } = factorWindow(asOf);
        const inWindow = [old, reset].filter((d) => d >= from && d <= to);
        expect(ours).toBe(inWindow[0] ?? null);
      }),
      { numRuns: 2000 },
    );
  });
});
