import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bancoDoBrasilDigit, bradescoDigit, itauAccountDigit, itauDigit, mod10, mod11Remainder, santanderDigit, sicoobDigit } from './check-digits.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/cnab');
const lines = (name: string): string[] => fs.readFileSync(path.join(FIXTURES, name), 'latin1').split(/\r?\n/).filter((l) => l !== '');

describe('nosso número check digits, against the digits banks wrote in real files', () => {
  it('Bradesco: every nosso número + DV of the real CNAB 400 return (71–82, carteira 09 at 22–24)', () => {
    const details = lines('retorno-cb030400-bradesco.ret').filter((l) => l[0] === '1');
    expect(details).toHaveLength(7);
    for (const line of details) {
      const field = line.slice(70, 82);
      expect(bradescoDigit(line.slice(22, 24), field.slice(0, 11)), field).toBe(field[11]);
    }
  });

  it('Itaú: the agência/conta DAC of the real CNAB 400 return (18–21, 24–28, DAC 29)', () => {
    // Only this DAC: the file's nosso número DACs (94) do not follow from its agência/conta —
    // the test file's account was anonymized (its first detail's amounts are edited too).
    for (const line of lines('retorno-cnab400-itau.ret').filter((l) => l[0] === '1')) {
      expect(itauAccountDigit(line.slice(17, 21), line.slice(23, 28))).toBe(line[28]);
    }
  });

  it('Santander: the real CNAB 240 return (41–53 = 12 digits + DV)', () => {
    const t = lines('retorno_santander.ret').find((l) => l[13] === 'T')!;
    expect(santanderDigit(t.slice(40, 52))).toBe(t[52]);
  });

  it("the manuals' worked examples, as quoted in brcobranca's specs", () => {
    // BB, remessa CNAB 240 spec: convênio 1234 + 0000001 → DV 1; convênio 123456 + 00001 → DV 7.
    expect(bancoDoBrasilDigit('12340000001')).toBe('1');
    expect(bancoDoBrasilDigit('12345600001')).toBe('7');
    // Itaú CNAB 240 spec: agência 1234 conta 12345 → DAC 1; carteira 175 nosso número 12345678 → 5;
    // carteira 168 (DAC without agência/conta) nosso número 7 → 0; carteira 175 nosso número 2 → 9.
    expect(itauAccountDigit('1234', '12345')).toBe('1');
    expect(itauDigit('1234', '12345', '175', '12345678')).toBe('5');
    expect(itauDigit('1234', '12345', '168', '7')).toBe('0');
    expect(itauDigit('1234', '12345', '175', '2')).toBe('9');
    // Sicoob manual (item 3.13): cooperativa 0001, cliente 1-9, nosso número 21 → Σ 36, DV 8.
    expect(sicoobDigit('0001', '19', '21')).toBe('8');
    // Santander, brcobranca remessa fixture: 000001234567 → 9.
    expect(santanderDigit('000001234567')).toBe('9');
  });

  it('Bradesco maps remainder 1 to P and 0 to 0; BB maps 10 to X', () => {
    const numbers = Array.from({ length: 200 }, (_, i) => String(i).padStart(11, '0'));
    const digits = new Set(numbers.map((n) => bradescoDigit('09', n)));
    expect(digits.has('P')).toBe(true);
    for (const n of numbers) {
      const remainder = mod11Remainder('09' + n, 7);
      expect(bradescoDigit('09', n)).toBe(remainder === 0 ? '0' : remainder === 1 ? 'P' : String(11 - remainder));
    }
    expect(Array.from({ length: 200 }, (_, i) => bancoDoBrasilDigit('1234' + String(i).padStart(7, '0')))).toContain('X');
  });
});

describe('the sums, by their closed forms', () => {
  /** Luhn validity, written independently: double every second digit from the right. */
  const luhnValid = (digits: string): boolean =>
    [...digits].reverse().reduce((sum, ch, i) => {
      const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
      return sum + (d > 9 ? d - 9 : d);
    }, 0) %
      10 ===
    0;

  it('módulo 10 is the Luhn digit', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{1,30}$/), (digits) => luhnValid(digits + mod10(digits))));
  });

  it('módulo 11 weights 2–9 (and 2–7): any single-digit change changes the remainder', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,30}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), fc.constantFrom(7, 9), (digits, at, delta, maxWeight) => {
        const i = at % digits.length;
        const changed = digits.slice(0, i) + String((Number(digits[i]) + delta) % 10) + digits.slice(i + 1);
        return mod11Remainder(changed, maxWeight) !== mod11Remainder(digits, maxWeight);
      }),
    );
  });
});
