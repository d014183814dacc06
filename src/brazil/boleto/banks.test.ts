import { createRequire } from 'node:module';
import boletoUtils from '@mrmgomes/boleto-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDayNumber, toDayNumber } from '../../domain/dates.ts';
import { decodeBoleto, encodeBoleto, formatLine } from './barcode.ts';
import { freeFieldFor, issueBoleto, nossoNumeroFor, nossoNumeroKey, validateAccount, type BeneficiaryAccount } from './banks.ts';
import { bancoDoBrasilDigit } from './banks/banco-do-brasil.ts';
import { bradescoDigit } from './banks/bradesco.ts';
import { caixaDigit } from './banks/caixa.ts';
import { santanderDigit } from './banks/santander.ts';
import { sicoobDigit } from './banks/sicoob.ts';
import { errorOf } from '../../../test/support/errors.ts';

const require = createRequire(import.meta.url);
// boleto-brasileiro-validator ships no types: boletoBancario(code, true) checks the three mod-10 fields and the mod-11 DV
const { boletoBancario } = require('boleto-brasileiro-validator') as { boletoBancario(code: string, checkFields?: boolean): boolean };
// gerar-boletos builds the free field of each bank independently (it predates the 2025 factor reset, so only free fields are compared)
const gerarBoletos = require('gerar-boletos');
const { Datas, Beneficiario, Boleto: GbBoleto } = require('gerar-boletos/lib/utils/functions/boletoUtils.js');

/** A published slip: account and sequence in, nosso número and line out. */
function published(account: BeneficiaryAccount, sequence: number, amount: number, dueDate: string) {
  const boleto = issueBoleto({ account, sequence, amount, dueDate });
  return { printed: boleto.nossoNumero.printed, line: formatLine(boleto.line), boleto };
}

describe('Banco do Brasil (001)', () => {
  const base = { bankCode: '001', agency: '1545', account: '10403005', wallet: '18' } as const;

  it('matches the OpenBoleto examples for convênios of 7, 6 and 4 digits', () => {
    expect(published({ ...base, agreement: '1234567' }, 1, 1050, '2013-01-01')).toMatchObject({
      printed: '12345670000000001',
      line: '00190.00009 01234.567004 00000.001180 7 55650000001050',
    });
    expect(published({ ...base, agreement: '123456' }, 1, 1050, '2013-01-01')).toMatchObject({
      printed: '12345600001-7',
      line: '00191.23454 60000.115455 10403.005183 1 55650000001050',
    });
    expect(published({ ...base, agreement: '1234' }, 1, 1050, '2013-01-01')).toMatchObject({
      printed: '12340000001-1',
      line: '00191.23405 00000.115451 10403.005183 5 55650000001050',
    });
  });

  it('prints X for remainder 10 and 0 for remainder 0 (módulo 11, weights 9 to 2)', () => {
    // 0000001: 1 × 9 = 9 → DV 9; 0000005 → 45 mod 11 = 1 → DV 1; a remainder of 10 shows as X
    expect(bancoDoBrasilDigit('0000001')).toBe('9');
    const sample = Array.from({ length: 200 }, (_, i) => bancoDoBrasilDigit(String(i).padStart(11, '0')));
    expect(sample).toContain('X');
    expect(sample).toContain('0');
  });
});

describe('Santander (033)', () => {
  it('matches the OpenBoleto example', () => {
    expect(published({ bankCode: '033', agency: '1234', account: '1', wallet: '102', agreement: '1234567' }, 12345678901, 2300, '2013-01-01')).toMatchObject({
      printed: '012345678901-0',
      line: '03399.12347 56701.234561 78901.001020 2 55650000002300',
    });
  });

  it('maps remainder 10 to 1 and remainders 0 and 1 to 0', () => {
    for (let n = 0; n < 300; n++) {
      const digits = String(n).padStart(12, '0');
      let sum = 0;
      for (let i = 0; i < 12; i++) sum += Number(digits[11 - i]) * (2 + (i % 8));
      const remainder = sum % 11;
      expect(santanderDigit(digits)).toBe(remainder === 10 ? '1' : remainder <= 1 ? '0' : String(11 - remainder));
    }
  });
});

describe('Caixa (104, SIGCB)', () => {
  const account = { bankCode: '104', agency: '0501', account: '1', wallet: 'RG', agreement: '433756' } as const;

  it('matches the OpenBoleto example (a "sem registro" 24… nosso número, laid out the same way)', () => {
    expect(caixaDigit('24000005000000061')).toBe('2');
    expect(caixaDigit('433756')).toBe('5');
    const freeField = freeFieldFor(account, { number: '24000005000000061', checkDigit: '2', printed: '24000005000000061-2' });
    const boleto = encodeBoleto({ bankCode: '104', amount: 81094, dueDate: '2014-03-18', freeField });
    expect(formatLine(boleto.line)).toBe('10494.33756 65000.200546 00000.006106 8 60060000081094');
  });

  it('agrees with the digits gerar-boletos prints for code 290274-5 and nosso número 24900000000000132-3', () => {
    expect(caixaDigit('290274')).toBe('5');
    expect(caixaDigit('24900000000000132')).toBe('3');
  });

  it('issues registered boletos with nosso número 14 + 15 digits, and 7-digit codes without DV', () => {
    const boleto = issueBoleto({ account, sequence: 42, amount: 12345, dueDate: '2026-03-10' });
    expect(boleto.nossoNumero.number).toBe('14000000000000042');
    expect(boleto.nossoNumero.printed).toBe(`14000000000000042-${caixaDigit('14000000000000042')}`);
    expect(boleto.freeField.slice(0, 7)).toBe('4337565');
    const seven = issueBoleto({ account: { ...account, agreement: '1242669' }, sequence: 42, amount: 12345, dueDate: '2026-03-10' });
    expect(seven.freeField.slice(0, 7)).toBe('1242669');
    expect(seven.freeField.slice(7, 24)).toBe('000' + '1' + '000' + '4' + '000000042');
    expect(errorOf(() => validateAccount({ ...account, agreement: '1000000' })).field).toBe('agreement');
    expect(errorOf(() => validateAccount({ ...account, wallet: 'SR' })).field).toBe('wallet');
  });
});

describe('Bradesco (237)', () => {
  it('matches the OpenBoleto, pyboleto and brcobranca examples', () => {
    expect(published({ bankCode: '237', agency: '1172', account: '403005', wallet: '6' }, 123456789, 1050, '2013-01-01').line).toBe(
      '23791.17209 60012.345678 89040.300504 8 55650000001050',
    );
    expect(published({ bankCode: '237', agency: '278', account: '39232', wallet: '06' }, 2125525, 828000, '2011-02-05').line).toBe(
      '23790.27804 60000.212559 25003.923205 4 48690000828000',
    );
    expect(published({ bankCode: '237', agency: '4042', account: '61900', wallet: '03' }, 777700168, 13500, '2008-02-02').line).toBe(
      '23794.04201 30077.770011 68006.190000 1 37700000013500',
    );
  });

  it('computes the auto-conference digit of the manual’s examples (brcobranca bradesco_spec)', () => {
    expect(bradescoDigit('19', '00000000002')).toBe('8'); // the manual's worked example
    expect(bradescoDigit('06', '00000000525')).toBe('P');
    expect(bradescoDigit('09', '00000000001')).toBe('1');
    expect(bradescoDigit('19', '00000000006')).toBe('0');
    expect(bradescoDigit('19', '00000000001')).toBe('P');
    expect(nossoNumeroFor({ bankCode: '237', agency: '1', account: '1', wallet: '19' }, 2).printed).toBe('19/00000000002-8');
  });
});

describe('Itaú (341)', () => {
  it('matches the OpenBoleto and gerar-boletos examples', () => {
    expect(published({ bankCode: '341', agency: '1724', account: '12345', wallet: '112' }, 12345678, 1050, '2013-01-01')).toMatchObject({
      printed: '112/12345678-8',
      line: '34191.12127 34567.881726 41234.580003 1 55650000001050',
    });
    expect(published({ bankCode: '341', agency: '167', account: '45145', wallet: '157' }, 21897666, 268016, '2013-04-01')).toMatchObject({
      printed: '157/21897666-6',
      line: '34191.57213 89766.660164 74514.590004 6 56550000268016',
    });
    expect(published({ bankCode: '341', agency: '8462', account: '05825', wallet: '174' }, 15135, 268016, '2014-04-10')).toMatchObject({
      printed: '174/00015135-6',
      line: '34191.74002 01513.568467 20582.590004 6 60290000268016',
    });
  });

  it('takes only carteira + nosso número for the DAC of carteiras 126, 131, 146, 150 and 168, and refuses the 15-position carteiras', () => {
    const special = nossoNumeroFor({ bankCode: '341', agency: '1724', account: '12345', wallet: '126' }, 12345678);
    const other = nossoNumeroFor({ bankCode: '341', agency: '9999', account: '99999', wallet: '126' }, 12345678);
    expect(special.checkDigit).toBe(other.checkDigit);
    expect(errorOf(() => validateAccount({ bankCode: '341', agency: '1724', account: '12345', wallet: '198' })).field).toBe('wallet');
  });
});

describe('Sicoob (756)', () => {
  it('computes the manual’s example (cooperativa 0001, cliente 1-9, nosso número 21 → Σ 36 → DV 8) and gerar-boletos’ 4155/101060/515-8', () => {
    expect(sicoobDigit('0001', '19', '0000021')).toBe('8');
    expect(sicoobDigit('4155', '101060', '0000515')).toBe('8');
  });

  it('matches brcobranca’s table of DVs and its lines for modalidades 01 and 05', () => {
    const account = { bankCode: '756', agency: '4327', account: '417270', wallet: '01', agreement: '229385' } as const;
    const expected = [7, 4, 1, 9, 6, 3, 0, 8, 5, 3, 0, 8, 5];
    expect(expected.map((_, i) => nossoNumeroFor(account, i + 1).checkDigit)).toEqual(expected.map(String));
    expect(published(account, 2, 5000, '2016-02-18').line).toBe('75691.43279 01022.938508 00000.240010 2 67080000005000');
    expect(published({ ...account, agency: '4134', agreement: '148180', wallet: '05' }, 110, 23500, '2017-04-15').line).toBe(
      '75691.41349 05014.818008 00011.040011 4 71300000023500',
    );
  });

  it('matches the OpenBoleto example', () => {
    expect(published({ bankCode: '756', agency: '3069', account: '153850', wallet: '1', agreement: '153850' }, 203210, 157575, '2018-05-25')).toMatchObject({
      printed: '0203210-1',
      line: '75691.30698 01015.385006 20321.010017 9 75350000157575',
    });
  });
});

const ASOF = '2025-11-23';
const digitsArb = (max: number) => fc.integer({ min: 0, max: 10 ** max - 1 }).map(String);
const dueDateArb = fc.integer({ min: toDayNumber('2025-02-22'), max: toDayNumber(ASOF) + 5500 }).map(fromDayNumber);

const accountArb: fc.Arbitrary<BeneficiaryAccount> = fc.oneof(
  fc.record({ bankCode: fc.constant('001' as const), agency: digitsArb(4), account: digitsArb(8), wallet: fc.constantFrom('17', '18', '11'), agreement: fc.oneof(fc.stringMatching(/^[1-9]\d{3}$/), fc.stringMatching(/^[1-9]\d{5}$/), fc.stringMatching(/^[1-9]\d{6}$/)) }),
  fc.record({ bankCode: fc.constant('033' as const), agency: digitsArb(4), account: digitsArb(8), wallet: fc.constantFrom('101', '102', '201'), agreement: digitsArb(7) }),
  fc.record({ bankCode: fc.constant('104' as const), agency: digitsArb(4), account: digitsArb(8), wallet: fc.constant('RG'), agreement: digitsArb(6) }),
  fc.record({ bankCode: fc.constant('237' as const), agency: digitsArb(4), account: digitsArb(7), wallet: fc.constantFrom('09', '06', '02', '19') }),
  fc.record({ bankCode: fc.constant('341' as const), agency: digitsArb(4), account: digitsArb(5), wallet: fc.constantFrom('109', '112', '157', '175') }),
  fc.record({ bankCode: fc.constant('756' as const), agency: digitsArb(4), account: digitsArb(8), wallet: fc.constant('1'), agreement: digitsArb(7) }),
);

/** The free field gerar-boletos builds from the same account and nosso número. */
function gerarBoletosFreeField(account: BeneficiaryAccount, number: string, checkDigit: string | null): string {
  const banks: Record<string, () => unknown> = {
    '001': () => new gerarBoletos.Bancos.BancoBrasil(),
    '033': () => new gerarBoletos.Bancos.Santander(),
    '104': () => new gerarBoletos.Bancos.Caixa(),
    '237': () => new gerarBoletos.Bancos.Bradesco(),
    '341': () => new gerarBoletos.Bancos.Itau(),
    '756': () => new gerarBoletos.Bancos.Sicoob(),
  };
  const bank = banks[account.bankCode]!() as { geraCodigoDeBarrasPara(b: unknown): string };
  const datas = Datas.novasDatas();
  datas.comDocumento('01-02-2020');
  datas.comProcessamento('01-02-2020');
  datas.comVencimento('01-02-2020');
  const beneficiary = Beneficiario.novoBeneficiario();
  beneficiary.comAgencia(account.agency);
  let code = account.account;
  let nn = number;
  let wallet = account.wallet;
  if (account.bankCode === '033' || account.bankCode === '756') code = account.agreement!;
  if (account.bankCode === '104') {
    code = account.agreement!;
    beneficiary.comDigitoCodigoBeneficiario(caixaDigit(account.agreement!));
    wallet = '14';
    nn = number.slice(2); // gerar-boletos prefixes the carteira itself
  }
  if (account.bankCode === '756') wallet = '1';
  beneficiary.comCarteira(wallet);
  beneficiary.comCodigoBeneficiario(code);
  beneficiary.comNossoNumero(nn);
  if (checkDigit !== null) beneficiary.comDigitoNossoNumero(checkDigit);
  const slip = GbBoleto.novoBoleto();
  slip.comDatas(datas);
  slip.comBeneficiario(beneficiary);
  slip.comBanco(bank);
  slip.comValorBoleto(1);
  return bank.geraCodigoDeBarrasPara(slip).slice(19);
}

describe('every bank, against the independent implementations', () => {
  it('gives the free field gerar-boletos builds, and barcodes both validators accept', () => {
    fc.assert(
      fc.property(accountArb, fc.integer({ min: 1, max: 9_999_999 }), fc.integer({ min: 0, max: 99_999_999 }), dueDateArb, (raw, counter, amount, dueDate) => {
        const account = validateAccount(raw);
        const sequence = account.bankCode === '001' && account.agreement!.length === 6 ? (counter % 99_999) + 1 : counter; // 5 digits there
        const boleto = issueBoleto({ account, sequence, amount, dueDate });
        expect(boleto.freeField).toBe(gerarBoletosFreeField(account, boleto.nossoNumero.number, boleto.nossoNumero.checkDigit));
        expect(boletoBancario(boleto.line, true)).toBe(true);
        expect(boletoBancario(boleto.barcode, true)).toBe(true);
        // boleto-utils checks a barcode's DV with the arrecadação mapping (remainders 0 and 1 → 0), not the bank one
        // (→ 1), so it is asked about the line, whose fields it checks with módulo 10
        expect(boletoUtils.validarBoleto(boleto.line).sucesso).toBe(true);
        expect(decodeBoleto(boleto.line, { asOf: ASOF })).toEqual({ bankCode: boleto.bankCode, currency: '9', amount, dueDate, barcode: boleto.barcode, line: boleto.line, freeField: boleto.freeField });
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses sequences beyond the nosso número and check digits that do not match', () => {
    expect(errorOf(() => nossoNumeroFor({ bankCode: '001', agency: '1', account: '1', wallet: '17', agreement: '123456' }, 100_000)).field).toBe('sequence');
    expect(errorOf(() => nossoNumeroFor({ bankCode: '341', agency: '1', account: '1', wallet: '109' }, 0)).field).toBe('sequence');
    expect(errorOf(() => nossoNumeroFor({ bankCode: '341', agency: '1', account: '1', wallet: '109' }, 1.5)).field).toBe('sequence');
    const account = { bankCode: '341', agency: '1724', account: '12345', wallet: '112' } as const;
    const nn = nossoNumeroFor(account, 12345678);
    expect(errorOf(() => freeFieldFor(account, { ...nn, checkDigit: '9' })).field).toBe('nossoNumero.checkDigit');
    expect(errorOf(() => freeFieldFor(account, { ...nn, number: '123' })).field).toBe('nossoNumero');
  });
});

describe('validateAccount', () => {
  it('normalizes and names every field at fault', () => {
    expect(validateAccount({ bankCode: '237', agency: '278', agencyDigit: 'x', account: '39232', wallet: '6' })).toEqual({
      bankCode: '237', agency: '0278', agencyDigit: 'X', account: '0039232', wallet: '06',
    });
    expect(errorOf(() => validateAccount({ bankCode: '999', agency: '1', account: '1', wallet: '1' })).field).toBe('bankCode');
    expect(errorOf(() => validateAccount(null)).field).toBe('account');
    const many = errorOf(() => validateAccount({ bankCode: '001', agency: '12345', account: 'abc', wallet: '' }));
    expect(many.problems.map((p) => p.field)).toEqual(['agency', 'account', 'wallet']);
    expect(many.message).toContain('Banco do Brasil');
    expect(errorOf(() => validateAccount({ bankCode: '001', agency: '1', account: '1', wallet: '17', agreement: '12345' })).field).toBe('agreement');
    expect(errorOf(() => validateAccount({ bankCode: '033', agency: '1', account: '1', wallet: '101' })).field).toBe('agreement');
    expect(errorOf(() => validateAccount({ bankCode: '341', agency: '1', account: '123456', wallet: '109' })).field).toBe('account');
    expect(errorOf(() => validateAccount({ bankCode: '756', agency: '1', account: '1', wallet: '9', agreement: '1' })).field).toBe('wallet');
  });
});

describe('nossoNumeroKey', () => {
  it('keeps the digits without leading zeros, so padded return files match', () => {
    expect(nossoNumeroKey('00012345')).toBe('12345');
    expect(nossoNumeroKey('0000000012345')).toBe(nossoNumeroKey('12345'));
    expect(nossoNumeroKey('12345600001-X')).toBe('12345600001');
    expect(nossoNumeroKey('14000000000000042')).toBe('14000000000000042');
    expect(nossoNumeroKey('000')).toBe('0');
  });
});
