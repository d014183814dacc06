import { createRequire } from 'node:module';
import boletoUtils from '@mrmgomes/boleto-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '../../domain/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { barcodeFromLine, decodeBoleto, encodeBoleto, formatLine, lineFromBarcode, MAX_BOLETO_AMOUNT } from './barcode.ts';
import { barcodeCheckDigit, mod10 } from './check-digits.ts';

// boleto-brasileiro-validator ships no types: boletoBancario(code, true) checks the three mod-10 fields and the mod-11 DV
const { boletoBancario } = createRequire(import.meta.url)('boleto-brasileiro-validator') as { boletoBancario(code: string, checkFields?: boolean): boolean };

function errorOf(fn: () => unknown): AppError | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error;
  }
}

/** Published lines (and barcodes) with what they carry, from the bank manuals' worked examples as the reference implementations test them. */
const PUBLISHED: { source: string; line: string; barcode?: string; bankCode: string; amount: number; dueDate: string; freeField: string }[] = [
  { source: 'OpenBoleto BancoDoBrasilTest, convênio 7', line: '00190.00009 01234.567004 00000.001180 7 55650000001050', bankCode: '001', amount: 1050, dueDate: '2013-01-01', freeField: '0000001234567000000000118' },
  { source: 'OpenBoleto SantanderTest', line: '03399.12347 56701.234561 78901.001020 2 55650000002300', bankCode: '033', amount: 2300, dueDate: '2013-01-01', freeField: '9123456701234567890100102' },
  { source: 'OpenBoleto CaixaTest (SIGCB)', line: '10494.33756 65000.200546 00000.006106 8 60060000081094', bankCode: '104', amount: 81094, dueDate: '2014-03-18', freeField: '4337565000200540000000610' },
  {
    source: 'pyboleto test_banco_bradesco',
    line: '23790.27804 60000.212559 25003.923205 4 48690000828000',
    barcode: '23794486900008280000278060000212552500392320',
    bankCode: '237', amount: 828000, dueDate: '2011-02-05', freeField: '0278060000212552500392320',
  },
  {
    source: 'brcobranca bradesco_spec',
    line: '23794.04201 30077.770011 68006.190000 1 37700000013500',
    barcode: '23791377000000135004042030077770016800619000',
    bankCode: '237', amount: 13500, dueDate: '2008-02-02', freeField: '4042030077770016800619000',
  },
  { source: 'boleto-brasileiro-validator README', line: '23793.38128 60007.827136 95000.063305 9 75520000370000', bankCode: '237', amount: 370000, dueDate: '2018-06-11', freeField: '3381260007827139500006330' },
  { source: '@mrmgomes/boleto-utils README', line: '23790448095616862379336011058009740430000124020', bankCode: '237', amount: 124020, dueDate: '2008-11-01', freeField: '0448056168623793601105800' },
];

describe('decodeBoleto: published examples', () => {
  for (const example of PUBLISHED) {
    it(`reads ${example.source}`, () => {
      const decoded = decodeBoleto(example.line, { asOf: example.dueDate });
      expect(decoded).toMatchObject({ bankCode: example.bankCode, currency: '9', amount: example.amount, dueDate: example.dueDate, freeField: example.freeField });
      expect(formatLine(decoded.line)).toBe(formatLine(example.line.replace(/\D/g, '')));
      if (example.barcode) expect(decoded.barcode).toBe(example.barcode);
      // the barcode reads the same, and both agree with boleto-utils' conversions
      expect(decodeBoleto(decoded.barcode, { asOf: example.dueDate })).toEqual(decoded);
      expect(boletoUtils.linhaDigitavel2CodBarras(decoded.line)).toBe(decoded.barcode);
      expect(boletoUtils.codBarras2LinhaDigitavel(decoded.barcode, false)).toBe(decoded.line);
      expect(boletoBancario(decoded.line, true)).toBe(true);
      // encoding the fields gives the published line back
      expect(encodeBoleto({ bankCode: decoded.bankCode, amount: decoded.amount, dueDate: decoded.dueDate, freeField: decoded.freeField })).toEqual(decoded);
    });
  }

  it('formats the line in five groups', () => {
    expect(formatLine('34191121273456788172641234580003155650000001050')).toBe('34191.12127 34567.881726 41234.580003 1 55650000001050');
  });

  it('computes the DVs printed on the published slips', () => {
    // pyboleto's Bradesco barcode carries general DV 4 at position 5; boleto-utils' line has 9 closing field 1.
    expect(barcodeCheckDigit('2379' + '486900008280000278060000212552500392320')).toBe(4);
    expect(mod10('237904480')).toBe(9);
    // FEBRABAN's módulo 10 is the Luhn algorithm: the textbook payload 7992739871 takes check digit 3
    expect(mod10('7992739871')).toBe(3);
  });
});

describe('decodeBoleto: the field at fault', () => {
  const line = '34191121273456788172641234580003155650000001050'; // OpenBoleto ItauTest
  const change = (text: string, position: number, digit: string) => text.slice(0, position) + digit + text.slice(position + 1);

  it('names the mod-10 field whose digit was mistyped, with the DV found and the one expected', () => {
    const e1 = errorOf(() => decodeBoleto(change(line, 6, '9'), { asOf: '2013-01-01' }))!;
    expect(e1.field).toBe('campo1');
    expect(e1.message).toMatch(/campo 1 \(módulo 10\) é 7, deveria ser \d/);
    expect(errorOf(() => decodeBoleto(change(line, 12, '0'), { asOf: '2013-01-01' }))!.field).toBe('campo2');
    const e3 = errorOf(() => decodeBoleto(change(line, 31, '9'), { asOf: '2013-01-01' }))!;
    expect(e3.field).toBe('campo3');
    expect(e3.message).toContain('é 9, deveria ser 3');
  });

  it('lists every wrong field, the first one as the field', () => {
    const error = errorOf(() => decodeBoleto(change(change(line, 9, '0'), 20, '0'), { asOf: '2013-01-01' }))!;
    expect(error.problems.map((p) => p.field)).toEqual(['campo1', 'campo2']);
    expect(error.field).toBe('campo1');
  });

  it('names the general DV of a line and of a barcode', () => {
    const error = errorOf(() => decodeBoleto(change(line, 32, '2'), { asOf: '2013-01-01' }))!;
    expect(error.field).toBe('dvGeral');
    expect(error.message).toContain('é 2, deveria ser 1');
    const barcode = barcodeFromLine(line);
    const wrong = errorOf(() => decodeBoleto(change(barcode, 4, '5'), { asOf: '2013-01-01' }))!;
    expect(wrong.field).toBe('codigoBarras');
    expect(wrong.message).toContain('é 5, deveria ser 1');
  });

  it('refuses lengths, characters, collection slips, currencies and factors that no boleto has', () => {
    expect(errorOf(() => decodeBoleto('1234'))!.field).toBe('codigo');
    expect(errorOf(() => decodeBoleto(line.replace('7', 'x')))!.message).toContain('"x"');
    expect(errorOf(() => decodeBoleto('836200000005 667800481000 180975657313 001589636081'))!.message).toContain('arrecadação');
    const euro = encodeBoleto({ bankCode: '341', currency: '0', amount: 100, dueDate: null, freeField: '1'.repeat(25) });
    expect(decodeBoleto(euro.line).currency).toBe('0');
    const currency5 = euro.barcode.slice(0, 3) + '5' + euro.barcode.slice(4);
    const fixed = currency5.slice(0, 4) + barcodeCheckDigit(currency5.slice(0, 4) + currency5.slice(5)) + currency5.slice(5);
    expect(errorOf(() => decodeBoleto(fixed))!.field).toBe('moeda');
    const factor999 = fixed.slice(0, 3) + '9' + 'X' + '0999' + fixed.slice(9);
    const withDv = factor999.slice(0, 4) + barcodeCheckDigit(factor999.slice(0, 4) + factor999.slice(5)) + factor999.slice(5);
    expect(errorOf(() => decodeBoleto(withDv, { asOf: '2025-01-01' }))!.field).toBe('fatorVencimento');
  });

  it('needs a reference date only when there is a due factor', () => {
    expect(errorOf(() => decodeBoleto(line))!.field).toBe('asOf');
    const noDue = encodeBoleto({ bankCode: '341', amount: 5000, dueDate: null, freeField: '1'.repeat(25) });
    expect(decodeBoleto(noDue.line)).toMatchObject({ dueDate: null, amount: 5000 });
    expect(noDue.barcode.slice(5, 9)).toBe('0000');
  });
});

describe('encodeBoleto', () => {
  it('refuses what the layout cannot carry, naming every field', () => {
    const error = errorOf(() => encodeBoleto({ bankCode: '12', currency: '1', amount: -1, dueDate: '2025-13-01', freeField: '123' }))!;
    expect(error.problems.map((p) => p.field)).toEqual(['bankCode', 'currency', 'amount', 'dueDate', 'freeField']);
    expect(errorOf(() => encodeBoleto({ bankCode: '341', amount: 10.5, dueDate: null, freeField: '0'.repeat(25) }))!.field).toBe('amount');
    expect(errorOf(() => encodeBoleto({ bankCode: '341', amount: MAX_BOLETO_AMOUNT + 1, dueDate: null, freeField: '0'.repeat(25) }))!.field).toBe('amount');
    expect(errorOf(() => encodeBoleto({ bankCode: '836', amount: 1, dueDate: null, freeField: '0'.repeat(25) }))!.field).toBe('bankCode');
    expect(errorOf(() => encodeBoleto({ bankCode: '341', amount: 1, dueDate: '2000-07-02', freeField: '0'.repeat(25) }))!.field).toBe('dueDate');
    expect(encodeBoleto({ bankCode: '341', amount: MAX_BOLETO_AMOUNT, dueDate: '2000-07-03', freeField: '0'.repeat(25) }).line.slice(33)).toBe('10009999999999');
  });
});

const ASOF = '2025-11-23';
const bankCodeArb = fc.stringMatching(/^[0-79]\d{2}$/);
const dueDateArb = fc.option(fc.integer({ min: toDayNumber(ASOF) - 3000, max: toDayNumber(ASOF) + 5500 }).map(fromDayNumber), { nil: null });
const fieldsArb = fc.record({
  bankCode: bankCodeArb,
  currency: fc.constantFrom('9', '0'),
  amount: fc.integer({ min: 0, max: MAX_BOLETO_AMOUNT }),
  dueDate: dueDateArb,
  freeField: fc.stringMatching(/^\d{25}$/),
});

describe('round trips and independent validators', () => {
  it('decode(encode(x).line) and decode(encode(x).barcode) give x back, and both oracles accept them', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const boleto = encodeBoleto(fields);
        expect(decodeBoleto(boleto.line, { asOf: ASOF })).toEqual(boleto);
        expect(decodeBoleto(formatLine(boleto.line), { asOf: ASOF })).toEqual(boleto);
        expect(decodeBoleto(boleto.barcode, { asOf: ASOF })).toEqual(boleto);
        expect(boleto).toMatchObject(fields);
        expect(boletoBancario(boleto.line, true)).toBe(true);
        expect(boletoBancario(boleto.barcode, true)).toBe(true);
        // its type declarations lag behind the code (which returns vencimentoComNovoFator2025 as a Date)
        const reference = boletoUtils.validarBoleto(boleto.line) as unknown as { sucesso: boolean; codigoBarras: string; valor: number; vencimento: Date; vencimentoComNovoFator2025: Date };
        expect(reference.sucesso).toBe(true);
        expect(reference.codigoBarras).toBe(boleto.barcode);
        // boleto-utils strips leading zeros by looking one character ahead, so an amount like 70000000,00 loses its first digit there
        const padded = String(boleto.amount).padStart(10, '0');
        if (padded[0] === '0' || padded[1] !== '0') expect(Math.round(reference.valor * 100)).toBe(boleto.amount);
        if (boleto.dueDate !== null) {
          const dates = [reference.vencimento, reference.vencimentoComNovoFator2025].map((d: Date) => d.toISOString().slice(0, 10));
          expect(dates).toContain(boleto.dueDate);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz', () => {
  const DV_FIELDS = ['campo1', 'campo2', 'campo3', 'dvGeral', 'codigoBarras'];

  it('never crashes on arbitrary text: a boleto or an AppError with a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[\d .\-]{0,60}$/), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        const error = errorOf(() => decodeBoleto(text, { asOf: ASOF }));
        if (error) expect(error.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts a random 44 or 47-digit string exactly when the independent validator finds its check digits right', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-79]\d{43}$/), fc.stringMatching(/^[0-79]\d{46}$/)), (digits) => {
        const error = errorOf(() => decodeBoleto(digits, { asOf: ASOF }));
        const dvsRight = error === null || !DV_FIELDS.includes(error.field!);
        expect(dvsRight).toBe(boletoBancario(digits, true));
      }),
      { numRuns: 20000 },
    );
  });

  it('catches every single-digit change of a line in the mod-10 fields and the general DV; the mod-11 blind spots are only valid slips whose DV is 1', () => {
    let mutations = 0;
    let unnoticed = 0;
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const boleto = encodeBoleto(fields);
        for (let position = 0; position < 47; position++) {
          for (let digit = 0; digit <= 9; digit++) {
            if (String(digit) === boleto.line[position]) continue;
            mutations++;
            const mutated = boleto.line.slice(0, position) + digit + boleto.line.slice(position + 1);
            const error = errorOf(() => decodeBoleto(mutated, { asOf: ASOF }));
            if (position <= 31) {
              // campo 1 = positions 0–9, campo 2 = 10–20, campo 3 = 21–31: Luhn catches every substitution
              expect(error?.field).toBe(position <= 9 ? 'campo1' : position <= 20 ? 'campo2' : 'campo3');
            } else if (position === 32) {
              expect(error?.field).toBe('dvGeral');
            } else if (error === null || !DV_FIELDS.includes(error.field!)) {
              // factor or amount changed and the mod-11 DV still holds: only possible when 11 − remainder
              // collapses to 1 (remainders 0, 1 and 10 all give DV 1), and then the mutated line is a valid slip
              unnoticed++;
              expect(boleto.line[32]).toBe('1');
              expect(boletoBancario(mutated, true)).toBe(true);
            } else {
              expect(error.field).toBe('dvGeral');
            }
          }
        }
      }),
      { numRuns: 150 },
    );
    // Expected share: 14 of 47 positions are guarded by the mod-11 DV alone, the DV is 1 for 3 of the 11
    // remainders, and a change then lands on one of the 2 other collapsing remainders in about 2 of 10 cases:
    // 14/47 × 3/11 × 2/10 ≈ 1.6 %. Every one of them is a well-formed slip that no reader can tell apart.
    expect(unnoticed).toBeGreaterThan(0);
    expect(unnoticed / mutations).toBeLessThan(0.03);
  });

  it('catches every single-digit change of a barcode unless the mod-11 DV collapses to 1', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const boleto = encodeBoleto(fields);
        for (let position = 0; position < 44; position++) {
          const digit = String((Number(boleto.barcode[position]) + 1 + (position % 9)) % 10);
          const mutated = boleto.barcode.slice(0, position) + digit + boleto.barcode.slice(position + 1);
          const error = errorOf(() => decodeBoleto(mutated, { asOf: ASOF }));
          if (position === 4 || boleto.barcode[4] !== '1') {
            // weights 2–9 times a change of 1–9 are never a multiple of 11: the remainder always moves
            expect(error === null ? null : DV_FIELDS.includes(error.field!) || error.field === 'codigo' ? 'dv' : error.field).toBe('dv');
          } else if (error === null) {
            expect(boletoBancario(mutated, true)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lineFromBarcode and barcodeFromLine are inverse', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const { barcode, line } = encodeBoleto(fields);
        expect(barcodeFromLine(lineFromBarcode(barcode))).toBe(barcode);
        expect(lineFromBarcode(barcodeFromLine(line))).toBe(line);
      }),
    );
  });

  it('reads a slip of the first cycle as such while inside the window', () => {
    const old = encodeBoleto({ bankCode: '001', amount: 100, dueDate: '2018-01-10', freeField: '0'.repeat(25) });
    expect(decodeBoleto(old.line, { asOf: addDays('2018-01-10', 2999) }).dueDate).toBe('2018-01-10');
  });
});
