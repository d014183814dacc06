import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { buildRetorno240, parseCnabReturn, type CnabAccount, type RetornoInput, type RetornoPayment } from './index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/cnab');
const realLines = (name: string): string[] => fs.readFileSync(path.join(FIXTURES, name), 'latin1').split(/\r?\n/);

const ACCOUNTS: Record<string, CnabAccount> = {
  '001': { bankCode: '001', agency: '328', agencyDigit: '6', account: '7536', accountDigit: '7', wallet: '17', agreement: '3294860' },
  '033': { bankCode: '033', agency: '4567', agencyDigit: '5', account: '11111111', accountDigit: '9', wallet: '101', agreement: '1111111' },
  '104': { bankCode: '104', agency: '1234', agencyDigit: '2', account: '0', wallet: 'RG', agreement: '43210' },
  '237': { bankCode: '237', agency: '1420', account: '16910', accountDigit: '2', wallet: '09', agreement: '4466911' },
  '341': { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' },
  '756': { bankCode: '756', agency: '4321', account: '123456', wallet: '01' },
};
const beneficiary = { name: 'Credor Ltda', document: '11222333000181' };

describe('buildRetorno240 writes where real banks write', () => {
  /** Positions of a real file's first T and U that carry the payment (1-based, inclusive). */
  const compare = (real: string[], ours: string[], t: Array<[number, number]>, u: Array<[number, number]>) => {
    const [realT, realU] = [real.find((l) => l[13] === 'T')!, real.find((l) => l[13] === 'U')!];
    const [ourT, ourU] = [ours.find((l) => l[13] === 'T')!, ours.find((l) => l[13] === 'U')!];
    for (const [s, e] of t) expect(ourT.slice(s - 1, e), `T ${s}–${e}`).toBe(realT.slice(s - 1, e));
    for (const [s, e] of u) expect(ourU.slice(s - 1, e), `U ${s}–${e}`).toBe(realU.slice(s - 1, e));
  };
  const U = [[16, 17], [18, 32], [33, 47], [78, 92], [138, 145], [146, 153]] as Array<[number, number]>;

  it('CAIXA: the first payment of the real SIGCB file, field by field', () => {
    const ours = buildRetorno240({
      account: ACCOUNTS['104']!,
      beneficiary,
      generatedOn: '2014-01-06',
      fileSequence: 5551,
      payments: [{ nossoNumero: '24000000011136997', faceValue: 8000, amountPaid: 8000, fees: 125, dueDate: '2014-01-02', paymentDate: '2014-01-06', creditDate: '2014-01-07' }],
    }).split('\r\n');
    compare(realLines('retorno_cnab240_caixa.ret'), ours, [[16, 17], [40, 56], [58, 58], [74, 81], [82, 96], [199, 213]], [...U, [93, 107]]);
  });

  it('Banco do Brasil: the first payment of the real file (convênio + sequence at 38–57)', () => {
    const ours = buildRetorno240({
      account: { ...ACCOUNTS['001']!, wallet: '11' },
      beneficiary,
      generatedOn: '2011-03-21',
      fileSequence: 25,
      payments: [{ nossoNumero: '196', faceValue: 4000, amountPaid: 4000, fees: 500, dueDate: '2011-03-23', paymentDate: '2011-03-21', creditDate: '2011-03-23' }],
    }).split('\r\n');
    compare(realLines('retorno_bb.ret'), ours, [[16, 17], [38, 57], [58, 58], [74, 81], [82, 96], [199, 213]], [...U, [93, 107]]);
    expect(ours[0]!.slice(32, 41)).toBe(realLines('retorno_bb.ret')[0]!.slice(32, 41)); // convênio in the header
  });

  it('Santander: the real file (fields shifted 4 positions left from 41)', () => {
    const ours = buildRetorno240({
      account: { ...ACCOUNTS['033']!, wallet: '1' },
      beneficiary,
      generatedOn: '2014-06-04',
      fileSequence: 77,
      payments: [{ nossoNumero: '104', faceValue: 1000, amountPaid: 1100, fees: 324, dueDate: '2014-06-04', paymentDate: '2014-06-04', creditDate: '2014-06-05', occurrence: '17' }],
    }).split('\r\n');
    compare(realLines('retorno_santander.ret'), ours, [[16, 17], [41, 53], [54, 54], [70, 77], [78, 92], [194, 208]], [...U, [93, 107]]);
    expect(ours[0]!.slice(32, 47)).toBe(realLines('retorno_santander.ret')[0]!.slice(32, 47)); // agência + conta in the header
  });
});

describe('parseCnabReturn(buildRetorno240(x)) gives the payments back (property, every bank)', () => {
  const day = fc.integer({ min: 0, max: 5000 }).map((n) => new Date(Date.UTC(2015, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const cents = fc.integer({ min: 0, max: 999_999_999_999 });
  const nossoNumero = (bank: string) => {
    const plain = (digits: number) => fc.integer({ min: 1, max: 10 ** digits - 1 }).map(String);
    if (bank === '001') return plain(10).map((n) => '3294860' + n.padStart(10, '0'));
    if (bank === '104') return plain(15).map((n) => '14' + n.padStart(15, '0'));
    return plain({ '033': 12, '237': 11, '341': 8, '756': 7 }[bank]!);
  };
  const payment = (bank: string): fc.Arbitrary<RetornoPayment> =>
    fc.record({
      nossoNumero: nossoNumero(bank),
      // all zeros is how a bank writes "no document number" (read back as null)
      documentNumber: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,8}[A-Z0-9]$/).filter((d) => !/^0+$/.test(d)),
      faceValue: cents,
      amountPaid: cents,
      fees: cents,
      interest: cents,
      discount: cents,
      dueDate: day,
      paymentDate: day,
      creditDate: day,
      occurrence: fc.constantFrom('06', '17', '02', '09', '28'),
    });

  it.each(Object.keys(ACCOUNTS))('bank %s', (bank) => {
    fc.assert(
      fc.property(fc.array(payment(bank), { maxLength: 5 }), day, fc.integer({ min: 1, max: 999_999 }), (payments, generatedOn, fileSequence) => {
        const input: RetornoInput = { account: ACCOUNTS[bank]!, beneficiary, generatedOn, fileSequence, payments };
        const parsed = parseCnabReturn(buildRetorno240(input));
        expect(parsed).toMatchObject({ layout: 'cnab240', bankCode: bank, generatedOn });
        expect(parsed.details).toHaveLength(payments.length);
        parsed.details.forEach((detail, i) => {
          const p = payments[i]!;
          const paid = p.occurrence === '06' || p.occurrence === '17';
          expect(detail).toMatchObject({
            line: 3 + 2 * i,
            nossoNumero: p.nossoNumero,
            occurrence: p.occurrence,
            paid,
            amountPaid: p.amountPaid,
            faceValue: p.faceValue,
            fees: p.fees,
            interest: p.interest,
            discount: p.discount,
            dueDate: p.dueDate,
            occurrenceDate: p.paymentDate,
            paymentDate: paid ? p.paymentDate : null,
            creditDate: p.creditDate,
            documentNumber: p.documentNumber,
          });
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('validation', () => {
  it('names the payment and the field', () => {
    let error: unknown;
    try {
      buildRetorno240({
        account: ACCOUNTS['341']!,
        beneficiary,
        generatedOn: '2026-01-15',
        fileSequence: 1,
        payments: [
          { nossoNumero: '1', faceValue: 100, amountPaid: 100, paymentDate: '2026-01-14', creditDate: '2026-01-15' },
          { nossoNumero: '123456789', faceValue: -1, amountPaid: 100, paymentDate: '2026-13-01', creditDate: '2026-01-15', occurrence: '6' },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).problems.map((p) => p.field)).toEqual(['payments[1].nossoNumero', 'payments[1].faceValue', 'payments[1].paymentDate', 'payments[1].occurrence']);
  });

  it('the default occurrence is 06 (liquidação); Sicoob without código do cliente writes DV 0', () => {
    const parsed = parseCnabReturn(
      buildRetorno240({ account: ACCOUNTS['756']!, beneficiary, generatedOn: '2026-01-15', fileSequence: 1, payments: [{ nossoNumero: '42', faceValue: 100, amountPaid: 100, paymentDate: '2026-01-14', creditDate: '2026-01-15' }] }),
    );
    expect(parsed.details[0]).toMatchObject({ occurrence: '06', paid: true, nossoNumero: '42' });
  });
});
