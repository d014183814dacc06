import { describe, expect, it } from 'vitest';
import { brl, centsToInput, cpfCnpj, dateBR, maskDocument, parseBrl, percent } from './format.ts';

describe('pt-BR formats', () => {
  it('formats centavos as reais with integer arithmetic, matching Intl for every magnitude', () => {
    const intl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
    for (const cents of [0, 1, 9, 10, 99, 100, 101, 123456, 100000000, 987654321012, 9007199254740991]) {
      // Intl works in floats; up to 2^53 / 100 reais both must agree character for character (NBSP aside)
      if (cents < 1e15) expect(brl(cents)).toBe(intl.format(cents / 100).replace(/\u00a0/g, ' '));
    }
    expect(brl(9007199254740991)).toBe('R$ 90.071.992.547.409,91');
    expect(brl(-5)).toBe('−R$ 0,05');
    expect(() => brl(1.5)).toThrow();
  });

  it('parses typed amounts back to centavos, refusing what is not an amount', () => {
    expect(parseBrl('1.234,56')).toBe(123456);
    expect(parseBrl('R$ 10')).toBe(1000);
    expect(parseBrl('10,5')).toBe(1050);
    expect(parseBrl('10.50')).toBe(1050);
    expect(parseBrl('1234')).toBe(123400);
    for (const bad of ['', 'abc', '1,234', '12.34.5', '1,2,3', '-1']) expect(parseBrl(bad), bad).toBeNull();
    for (const cents of [0, 7, 123456, 99999999999]) expect(parseBrl(brl(cents))).toBe(cents);
    // what a form field shows back: no currency sign, read back to the same centavos
    expect(centsToInput(5000)).toBe('50,00');
    for (const cents of [0, 7, 123456, 99999999999]) expect(parseBrl(centsToInput(cents))).toBe(cents);
  });

  it('shows dates, rates and documents the Brazilian way', () => {
    expect(dateBR('2026-11-23')).toBe('23/11/2026');
    expect(percent('0.1234', 1)).toBe('12,3 %');
    expect(percent('0.12345', 2)).toBe('12,35 %');
    expect(percent('0.02', 0)).toBe('2 %');
    expect(percent('1', 1)).toBe('100,0 %');
    expect(percent('0.0005', 1)).toBe('0,1 %');
    expect(percent('0', 1)).toBe('0,0 %');
    expect(cpfCnpj('21474358055')).toBe('214.743.580-55');
    expect(cpfCnpj('11222333000181')).toBe('11.222.333/0001-81');
    expect(maskDocument('214.743.580-55')).toBe('***.743.580-**');
  });
});

import { csvMoney, toCsv } from './csv.ts';

describe('CSV export', () => {
  it('quotes what needs quoting and writes centavos as pt-BR decimals', () => {
    expect(toCsv(['a', 'b'], [['x;y', 'say "hi"'], [1, null]])).toBe('\uFEFFa;b\r\n"x;y";"say ""hi"""\r\n1;\r\n');
    expect(csvMoney(123405)).toBe('1234,05');
    expect(csvMoney(-5)).toBe('-0,05');
    expect(csvMoney(0)).toBe('0,00');
  });
});

import { fractionToPercentInput, percentInputToFraction } from './format.ts';

describe('rates typed as percentages', () => {
  it('round-trips the API fractions through what the user types, exactly', () => {
    expect(fractionToPercentInput('0.0199')).toBe('1,99');
    expect(fractionToPercentInput('0.3')).toBe('30');
    expect(fractionToPercentInput('1')).toBe('100');
    expect(fractionToPercentInput('0')).toBe('0');
    expect(percentInputToFraction('1,99')).toBe('0.0199');
    expect(percentInputToFraction('30 %')).toBe('0.3');
    expect(percentInputToFraction('100')).toBe('1');
    expect(percentInputToFraction('0')).toBe('0');
    for (const bad of ['', 'x', '100,01', '-1', '1,2,3']) expect(percentInputToFraction(bad), bad).toBeNull();
    for (const rate of ['0.0199', '0.5', '0.123456', '1', '0']) expect(percentInputToFraction(fractionToPercentInput(rate))).toBe(rate);
  });
});
