import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBRL, parseAmount } from './money.ts';
import { formatPercent, parsePercent } from './rates.ts';
import { addMonths, parseDate, weekday, addDays, daysBetween } from './dates.ts';

describe('parseAmount', () => {
  it('reads pt-BR and international notation exactly', () => {
    expect(parseAmount('1.234,56', 'comma')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmount('R$ 1.234,5', 'comma')).toEqual({ ok: true, cents: 123450 });
    expect(parseAmount('1234,56', 'comma')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmount('1,234.56', 'point')).toEqual({ ok: true, cents: 123456 });
    expect(parseAmount('0.1', 'point')).toEqual({ ok: true, cents: 10 });
    expect(parseAmount('10,500', 'comma')).toEqual({ ok: true, cents: 1050 });
  });

  it('names each kind of bad amount', () => {
    expect(parseAmount('', 'comma')).toEqual({ ok: false, problem: 'empty' });
    expect(parseAmount('abc', 'comma')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('1,234.56', 'comma')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('12.34', 'comma')).toEqual({ ok: false, problem: 'format' });
    expect(parseAmount('1,234', 'comma')).toEqual({ ok: false, problem: 'precision' });
    expect(parseAmount('-5,00', 'comma')).toEqual({ ok: false, problem: 'negative' });
    expect(parseAmount('0,00', 'comma')).toEqual({ ok: false, problem: 'zero' });
    expect(parseAmount('0,00', 'comma', { allowZero: true })).toEqual({ ok: true, cents: 0 });
    expect(parseAmount('99999999999,99', 'comma')).toEqual({ ok: false, problem: 'too_large' });
  });

  it('reads back what formatBRL writes, for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), (cents) => {
        expect(parseAmount(formatBRL(cents), 'comma')).toEqual({ ok: true, cents });
      }),
    );
    expect(formatBRL(123456)).toBe('R$ 1.234,56');
    expect(formatBRL(5)).toBe('R$ 0,05');
  });
});

describe('parsePercent', () => {
  it('converts percentages to exact fractions', () => {
    expect(parsePercent('2', 'comma')).toEqual({ ok: true, rate: '0.02' });
    expect(parsePercent('2,5%', 'comma')).toEqual({ ok: true, rate: '0.025' });
    expect(parsePercent('0.033', 'point')).toEqual({ ok: true, rate: '0.00033' });
    expect(parsePercent('1,1', 'point')).toEqual({ ok: false, problem: 'format' });
    expect(parsePercent('-1', 'point')).toEqual({ ok: false, problem: 'negative' });
    expect(parsePercent('150', 'point')).toEqual({ ok: false, problem: 'too_large' });
    expect(formatPercent('0.025')).toBe('2,5%');
  });
});

describe('dates', () => {
  it('parses Brazilian and ISO dates and refuses impossible ones', () => {
    expect(parseDate('05/03/2024')).toEqual({ ok: true, date: '2024-03-05' });
    expect(parseDate('5-3-2024')).toEqual({ ok: true, date: '2024-03-05' });
    expect(parseDate('2024-03-05')).toEqual({ ok: true, date: '2024-03-05' });
    expect(parseDate('29/02/2023')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseDate('29/02/2024')).toEqual({ ok: true, date: '2024-02-29' });
    expect(parseDate('05/03/24')).toEqual({ ok: false, problem: 'two_digit_year' });
    expect(parseDate('março')).toEqual({ ok: false, problem: 'format' });
    expect(parseDate('01/01/1800')).toEqual({ ok: false, problem: 'out_of_range' });
  });

  it('adds months clamping to the end of the month, and knows weekdays', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(weekday('2026-11-23')).toBe(1); // a Monday
    expect(daysBetween('2024-02-28', addDays('2024-02-28', 2))).toBe(2);
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });
});
