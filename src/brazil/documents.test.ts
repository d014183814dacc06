import { isValidCnpj as refIsValidCnpj, isValidCpf as refIsValidCpf } from '@brazilian-utils/brazilian-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnpjCheckDigits, cpfCheckDigits, formatDocument, isValidCnpj, isValidCpf, maskDocument, parseDocument } from './documents.ts';

describe('CPF', () => {
  it('accepts the textbook example and computes its check digits by hand', () => {
    // 529.982.247: sum with weights 10..2 = 295, 295 mod 11 = 9 → 11 − 9 = 2; then weights 11..2 over 5299822472 = 347, mod 11 = 6 → 5.
    expect(cpfCheckDigits('529982247')).toBe('25');
    expect(isValidCpf('529.982.247-25')).toBe(true);
    expect(isValidCpf('529.982.247-26')).toBe(false);
  });

  it('refuses repeated digits even though their check digits match', () => {
    expect(isValidCpf('111.111.111-11')).toBe(false);
    expect(parseDocument('00000000000')).toEqual({ ok: false, problem: 'repeated' });
  });

  it('agrees with an independent implementation on random numbers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (digits) => {
        expect(isValidCpf(digits)).toBe(refIsValidCpf(digits));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (body) => {
        const cpf = body + cpfCheckDigits(body);
        expect(refIsValidCpf(cpf)).toBe(!/^(\d)\1+$/.test(cpf));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('CNPJ', () => {
  it('computes numeric check digits as the reference does', () => {
    expect(cnpjCheckDigits('112223330001')).toBe('81');
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (body) => {
        const cnpj = body + cnpjCheckDigits(body);
        expect(refIsValidCnpj(cnpj)).toBe(!/^(\d)\1+$/.test(cnpj));
        expect(isValidCnpj(cnpj)).toBe(!/^(\d)\1+$/.test(cnpj));
      }),
      { numRuns: 5000 },
    );
  });

  it('validates the alphanumeric CNPJ of the Receita Federal worked example (12.ABC.345/01DE-35)', () => {
    // Nota Técnica COCAD/SUARA/RFB 49/2024: letters weigh ASCII − 48 (A = 17 … E = 21); first DV sum 459 → 11 − 8 = 3.
    expect(cnpjCheckDigits('12ABC34501DE')).toBe('35');
    expect(isValidCnpj('12.ABC.345/01DE-35')).toBe(true);
    expect(isValidCnpj('12.abc.345/01de-35')).toBe(true);
    expect(isValidCnpj('12.ABC.345/01DE-36')).toBe(false);
    expect(parseDocument('12ABC34501DEAB')).toEqual({ ok: false, problem: 'characters' });
  });

  it('formats and masks', () => {
    expect(formatDocument('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
    expect(formatDocument('52998224725')).toBe('529.982.247-25');
    expect(maskDocument('52998224725')).toBe('***.982.247-**');
  });
});

describe('parseDocument', () => {
  it('decides the kind by length and reports the problem', () => {
    expect(parseDocument('529.982.247-25')).toEqual({ ok: true, document: { kind: 'cpf', value: '52998224725' } });
    expect(parseDocument('11.222.333/0001-81')).toEqual({ ok: true, document: { kind: 'cnpj', value: '11222333000181' } });
    expect(parseDocument('123')).toEqual({ ok: false, problem: 'length' });
    expect(parseDocument('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseDocument('529.982.247-2x')).toEqual({ ok: false, problem: 'characters' });
    expect(parseDocument('52998224724')).toEqual({ ok: false, problem: 'check_digits' });
  });

  it('restores leading zeros dropped by a spreadsheet only when asked', () => {
    expect(parseDocument('1585513890').ok).toBe(false);
    expect(parseDocument('1585513890', { padLeadingZeros: true })).toEqual({ ok: true, document: { kind: 'cpf', value: '01585513890' } });
  });
});
