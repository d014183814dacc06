import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bradescoDigit, santanderDigit } from './check-digits.ts';
import { isPaidOccurrence, occurrenceText, parseCnabReturn, type CnabReturn } from './index.ts';
import { errorOf } from '../../../test/support/errors.ts';

/**
 * The six real return files of test/fixtures/cnab (copied from CnabPHP, MIT) must give every
 * value their README lists — the values CnabPHP's own tests assert. Where our nosso número
 * differs from the README by rule (a check digit stripped, or a prefix the README's reader
 * drops), the test says so and checks the README's digits inside ours.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/cnab');
const SHARED = path.resolve(import.meta.dirname, '../../../../shared/fixtures/cnab');
const read = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const parse = (name: string): CnabReturn => parseCnabReturn(read(name));
const lineOf = (name: string, line: number): string => read(name).toString('latin1').split(/\r?\n/)[line - 1]!;

describe('the fixtures', () => {
  it('are byte-identical copies of the shared originals, with their licence and README', () => {
    const names = fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.ret'));
    expect(names).toHaveLength(6);
    expect(fs.existsSync(path.join(FIXTURES, 'LICENSE'))).toBe(true);
    expect(fs.existsSync(path.join(FIXTURES, 'README.md'))).toBe(true);
    if (!fs.existsSync(SHARED)) return; // the repo alone: the copies are the reference
    for (const name of names) expect(read(name).equals(fs.readFileSync(path.join(SHARED, name))), name).toBe(true);
  });
});

describe('CNAB 240, real files', () => {
  it('CAIXA SIGCB: every README value of the first detail', () => {
    const file = parse('retorno_cnab240_caixa.ret');
    expect(file).toMatchObject({ layout: 'cnab240', bankCode: '104', bankName: 'Caixa Econômica Federal', generatedOn: '2014-01-06' });
    expect(file.details).toHaveLength(9);
    const first = file.details[0]!;
    expect(first).toMatchObject({
      line: 3,
      occurrence: '06',
      occurrenceText: 'Liquidação',
      paid: true,
      amountPaid: 8000, // "amount received 80.00"
      faceValue: 8000,
      fees: 125,
      dueDate: '2014-01-02',
      creditDate: '2014-01-07',
      occurrenceDate: '2014-01-06',
      paymentDate: '2014-01-06',
      collectingAgency: '1086-0', // README "1086"; CnabPHP asserts its DV 0 apart
      interest: 0,
      discount: 0,
      iof: 0,
      rebate: 0,
      otherCredits: 0,
      documentNumber: null, // all zeros: CnabPHP asserts null too
    });
    // README: nosso número 11136997, which CnabPHP reads from 42–56. SIGCB's "identificação do
    // título" is 40–56: modalidade (24) + 15 digits — the 17 digits the boleto prints and the
    // boleto module issues (14…), so that is our number; the README's is its tail.
    expect(first.nossoNumero).toBe('24000000011136997');
    expect(first.nossoNumero.slice(2).replace(/^0+/, '')).toBe('11136997');
    expect(file.details.every((d) => d.paid && d.occurrence === '06')).toBe(true);
  });

  it('Banco do Brasil: account, convênio, generation date, face value and nosso número', () => {
    const file = parse('retorno_bb.ret');
    expect(file).toMatchObject({ bankCode: '001', generatedOn: '2011-03-21', beneficiary: { account: '7536-7', agreement: '3294860', agency: '328-6', document: '02659953000176' } });
    expect(file.details).toHaveLength(5);
    const first = file.details[0]!;
    expect(first).toMatchObject({ faceValue: 4000, amountPaid: 4000, fees: 500, occurrence: '06', paid: true, dueDate: '2011-03-23', creditDate: '2011-03-23' });
    // README: nosso número 196. BB's field (38–57) is convênio (7) + sequence (10), no DV; the
    // convênio is part of the nosso número the boleto prints, so it stays; 196 is the sequence.
    expect(first.nossoNumero).toBe('32948600000000196');
    expect(first.nossoNumero).toBe(file.beneficiary.agreement + '196'.padStart(10, '0'));
  });

  it('Santander: account, nosso número and face value', () => {
    const file = parse('retorno_santander.ret');
    expect(file).toMatchObject({ bankCode: '033', bankName: 'Santander', generatedOn: '2014-06-04', beneficiary: { account: '11111111-9', agency: '4567-5' } });
    expect(file.details).toHaveLength(1);
    const [detail] = file.details;
    expect(detail).toMatchObject({ faceValue: 1000, amountPaid: 1100, otherCredits: 100, fees: 324, occurrence: '17', paid: true, paymentDate: '2014-06-04', creditDate: '2014-06-05', dueDate: '2014-06-04' });
    // README: nosso número 1040 — the field 41–53 is 12 digits + DV; 1040 is 104 followed by its DV 0.
    expect(detail!.nossoNumero).toBe('104');
    expect(santanderDigit('104'.padStart(12, '0'))).toBe('0');
  });
});

describe('CNAB 400, real files', () => {
  it('Itaú: every README value of the first detail, the DDA second, the BL third', () => {
    const file = parse('retorno-cnab400-itau.ret');
    expect(file).toMatchObject({ layout: 'cnab400', bankCode: '341', bankName: 'Itaú', generatedOn: '2013-08-22' });
    expect(file.details).toHaveLength(4);
    expect(file.details[0]).toMatchObject({
      line: 2,
      occurrence: '06',
      occurrenceText: 'Liquidação normal',
      paid: true,
      amountPaid: 20997,
      faceValue: 38975,
      fees: 333,
      iof: 10,
      discount: 17645,
      rebate: 19,
      otherCredits: 18,
      interest: 12312312, // "late charges 123123.12"
      documentNumber: '1A',
      wallet: '109',
      nossoNumero: '231327',
      creditDate: '2013-06-21',
      occurrenceDate: '2013-06-20',
      paymentDate: '2013-06-20',
      collectingAgency: '3027-2',
      settlementCode: 'B2',
      dda: false,
    });
    expect(file.details[1]).toMatchObject({ dda: true, occurrence: '25', paid: false, paymentDate: null });
    expect(file.details[2]!.settlementCode).toBe('BL'); // CnabPHP's test of the third detail
  });

  it('Bradesco: the README values of the second detail', () => {
    const file = parse('retorno-cb030400-bradesco.ret');
    expect(file).toMatchObject({ bankCode: '237', generatedOn: '2012-04-11', beneficiary: { agreement: '4466911', document: '04146792000168' } });
    expect(file.details).toHaveLength(7);
    const second = file.details[1]!;
    expect(second).toMatchObject({ dueDate: '2012-04-12', amountPaid: 500, documentNumber: '15', occurrenceDate: '2012-04-11', occurrence: '06', paid: true });
    // README: nosso número 97 — the field 71–82 is 11 digits + DV (módulo 11 base 7 with the
    // carteira 09); 97 is 9 followed by its DV 7.
    expect(second.nossoNumero).toBe('9');
    expect(bradescoDigit('09', '9')).toBe('7');
    expect(file.details[0]).toMatchObject({ occurrence: '02', occurrenceText: 'Entrada confirmada', paid: false, nossoNumero: '9' });
  });

  it('Banco do Brasil (CBR643, convênio 7): beneficiary, amount, nosso número, dates, a liquidation', () => {
    const file = parse('retorno-cnab400-bb.ret');
    // README: beneficiary 33448000011113 = agência 3344-8 + conta 00001111-3 (header 27–40).
    expect(lineOf('retorno-cnab400-bb.ret', 1).slice(26, 40)).toBe('33448000011113');
    expect(file).toMatchObject({ bankCode: '001', generatedOn: '2015-09-08', beneficiary: { agency: '3344-8', account: '1111-3', agreement: '1112245' } });
    expect(file.details).toHaveLength(1);
    // "a write-off": occurrence 06, liquidação normal — the payment that closes (baixa) the title.
    expect(file.details[0]).toMatchObject({
      amountPaid: 2500,
      nossoNumero: '11122450000000290',
      creditDate: '2015-09-10',
      occurrenceDate: '2015-09-08',
      occurrence: '06',
      occurrenceText: 'Liquidação normal',
      paid: true,
      fees: 900,
      dueDate: null,
    });
  });
});

describe('line handling', () => {
  const caixa = read('retorno_cnab240_caixa.ret').toString('latin1');
  const expected = parseCnabReturn(caixa);

  it('takes LF, CRLF and CR, trimmed trailing blanks, trailing blank lines and the DOS EOF mark alike', () => {
    const lines = caixa.split('\r\n').filter((l) => l !== '');
    expect(parseCnabReturn(lines.join('\n'))).toEqual(expected);
    expect(parseCnabReturn(lines.join('\r'))).toEqual(expected);
    expect(parseCnabReturn(lines.map((l) => l.trimEnd()).join('\r\n'))).toEqual(expected);
    expect(parseCnabReturn(lines.join('\r\n') + '\r\n\r\n   \r\n\u001a')).toEqual(expected);
    expect(parseCnabReturn(Buffer.from('\uFEFF' + caixa, 'utf8'))).toEqual(expected);
    // the real BB file has a 241-character line ending in a blank
    expect(lineOf('retorno_bb.ret', 2)).toHaveLength(241);
  });

  it('decodes a Buffer as UTF-8 when it is valid UTF-8, else as Latin-1', () => {
    const lines = caixa.split('\r\n');
    lines[2] = lines[2]!.slice(0, 58) + 'AÇÃO-Nº 1  ' + lines[2]!.slice(69); // número do documento, 59–69
    const text = lines.join('\r\n');
    for (const content of [text, Buffer.from(text, 'utf8'), Buffer.from(text, 'latin1')]) {
      expect(parseCnabReturn(content).details[0]!.documentNumber).toBe('AÇÃO-Nº 1');
    }
  });

  it('refuses an empty file, a blank line inside, and a line longer than the record', () => {
    expect(errorOf(() => parseCnabReturn('')).message).toBe('Linha 1: o arquivo está vazio — nenhum registro CNAB.');
    expect(errorOf(() => parseCnabReturn(Buffer.from('\r\n\u001a'))).message).toMatch(/^Linha 1:/);
    const lines = caixa.split('\r\n');
    expect(errorOf(() => parseCnabReturn([...lines.slice(0, 4), '', ...lines.slice(4)].join('\r\n'))).message).toBe('Linha 5: linha em branco no meio do arquivo.');
    const long = [...lines];
    long[6] = long[6] + 'X';
    expect(errorOf(() => parseCnabReturn(long.join('\r\n'))).message).toBe('Linha 7: tem 241 caracteres; os registros do arquivo (CNAB 240, pelo header) têm 240.');
  });
});

describe('refusals name the line, the positions and the field', () => {
  const itau = read('retorno-cnab400-itau.ret').toString('latin1');
  const caixa = read('retorno_cnab240_caixa.ret').toString('latin1');
  const put = (text: string, line: number, column: number, value: string): string => {
    const lines = text.split('\r\n');
    const l = lines[line - 1]!;
    lines[line - 1] = l.slice(0, column - 1) + value + l.slice(column - 1 + value.length);
    return lines.join('\r\n');
  };

  it('a non-numeric amount', () => {
    const error = errorOf(() => parseCnabReturn(put(itau, 2, 262, '2a')));
    expect(error.code).toBe('validation');
    expect(error.message).toBe('Linha 2, posições 254–266 (valor pago): "000000002a997" não é um número.');
    expect(error.problems).toEqual([{ field: 'linha 2, posições 254–266 (amountPaid)', message: error.message }]);
  });

  it('an impossible date, a date that is not digits', () => {
    expect(errorOf(() => parseCnabReturn(put(caixa, 4, 138, '31022014'))).message).toBe('Linha 4, posições 138–145 (data da ocorrência): "31022014" não é uma data válida (DDMMAAAA).');
    expect(errorOf(() => parseCnabReturn(put(itau, 2, 296, '21-613'))).message).toBe('Linha 2, posições 296–301 (data do crédito): "21-613" não é uma data (DDMMAA).');
  });

  it('an unknown bank, a remessa, a header that is not a header', () => {
    expect(errorOf(() => parseCnabReturn(put(caixa, 1, 1, '999'))).message).toMatch(/^Linha 1, posições 1–3 \(código do banco\): banco "999" não suportado \(suportados: 001 Banco do Brasil, 033 Santander/);
    expect(errorOf(() => parseCnabReturn(put(caixa, 1, 143, '1'))).message).toBe('Linha 1, posição 143 (código remessa/retorno): este é um arquivo de remessa (1); aqui se lê o retorno do banco (2).');
    expect(errorOf(() => parseCnabReturn(put(itau, 1, 1, '01REMESSA'))).message).toMatch(/^Linha 1, posições 1–9 .*remessa/);
    expect(errorOf(() => parseCnabReturn(put(itau, 1, 77, '999'))).message).toMatch(/^Linha 1, posições 77–79 \(código do banco\): banco "999"/);
    expect(errorOf(() => parseCnabReturn(put(itau, 1, 77, '104'))).message).toMatch(/^Linha 1, posições 77–79 .*CNAB 400 do banco 104.*CNAB 240/);
    const lines = caixa.split('\r\n');
    expect(errorOf(() => parseCnabReturn([lines[1], lines[0], ...lines.slice(2)].join('\r\n'))).message).toMatch(/^Linha 1, posições 4–8 \(tipo de registro\): a primeira linha não é o header/);
  });

  it('a T without its U, a U without its T, an unknown segment, a detail outside a lot', () => {
    const lines = caixa.split('\r\n');
    // drop the U of line 4: the T on line 3 is followed by another T; the sequence breaks first
    expect(errorOf(() => parseCnabReturn([...lines.slice(0, 3), ...lines.slice(4)].join('\r\n'))).message).toMatch(/^Linha 4, posições 9–13 \(número sequencial do registro\): esperado 00002/);
    // the same with the sequence renumbered: now the pairing speaks
    const renumbered = [...lines.slice(0, 3), ...lines.slice(4)].map((l, i) => (i >= 2 && l[7] === '3' ? l.slice(0, 8) + String(i - 1).padStart(5, '0') + l.slice(13) : l));
    expect(errorOf(() => parseCnabReturn(renumbered.join('\r\n'))).message).toBe('Linha 3: segmento T sem o segmento U correspondente (a linha seguinte, 4, é outro T).');
    expect(errorOf(() => parseCnabReturn(put(caixa, 3, 14, 'U'))).message).toBe('Linha 3: segmento U sem o segmento T que deve precedê-lo.');
    expect(errorOf(() => parseCnabReturn(put(caixa, 3, 14, 'P'))).message).toBe('Linha 3, posição 14 (código do segmento): "P" não é um segmento do retorno de cobrança (T, U, W ou Y).');
    expect(errorOf(() => parseCnabReturn([lines[0], ...lines.slice(2)].join('\r\n'))).message).toBe('Linha 2: registro tipo 3 fora de um lote (falta o header de lote, registro 1, antes dele).');
  });

  it('a truncated file (no trailer), a wrong count, a record after the trailer', () => {
    const lines = caixa.split('\r\n').filter((l) => l !== '');
    expect(errorOf(() => parseCnabReturn(lines.slice(0, -1).join('\r\n'))).message).toBe('Linha 21: o arquivo terminou sem o trailer de arquivo (registro 9) — arquivo truncado?');
    expect(errorOf(() => parseCnabReturn(lines.slice(0, -2).join('\r\n'))).message).toMatch(/^Linha 20: o arquivo terminou com o lote da linha 2 aberto/);
    expect(errorOf(() => parseCnabReturn(put(caixa, 22, 24, '000023'))).message).toBe('Linha 22, posições 24–29 (quantidade de registros do arquivo): informa 23, mas o arquivo tem 22 registros.');
    expect(errorOf(() => parseCnabReturn([...lines, lines[5]].join('\r\n'))).message).toBe('Linha 23: registro depois do trailer de arquivo (linha 22).');
    const itauLines = itau.split('\r\n').filter((l) => l !== '');
    expect(errorOf(() => parseCnabReturn(itauLines.slice(0, -1).join('\r\n'))).message).toBe('Linha 5: o arquivo terminou sem o trailer (registro 9) — arquivo truncado?');
    expect(errorOf(() => parseCnabReturn([itauLines[0], itauLines[2], itauLines[1], ...itauLines.slice(3)].join('\r\n'))).message).toBe(
      'Linha 2, posições 395–400 (número sequencial do registro): esperado 000002 (registro nº 2 do arquivo), encontrado "000003".',
    );
  });
});

describe('occurrences', () => {
  it('FEBRABAN C044 for CNAB 240; each bank its own table for CNAB 400', () => {
    expect(occurrenceText('cnab240', '104', '06')).toBe('Liquidação');
    expect(occurrenceText('cnab240', '033', '17')).toBe('Liquidação após baixa ou liquidação de título não registrado');
    expect(occurrenceText('cnab400', '341', '06')).toBe('Liquidação normal');
    expect(occurrenceText('cnab400', '237', '17')).toBe('Liquidação após baixa ou título não registrado');
    expect(occurrenceText('cnab400', '001', '05')).toBe('Liquidado sem registro');
    expect(occurrenceText('cnab400', '341', '99')).toBe('Ocorrência 99 (não descrita no manual do banco 341)');
  });

  it('liquidations are paid; registrations, rejections and write-offs are not', () => {
    for (const code of ['06', '17']) expect(isPaidOccurrence('cnab240', '001', code)).toBe(true);
    for (const code of ['02', '03', '09', '28']) expect(isPaidOccurrence('cnab240', '001', code)).toBe(false);
    expect(isPaidOccurrence('cnab400', '341', '06')).toBe(true);
    expect(isPaidOccurrence('cnab400', '341', '08')).toBe(true); // liquidação em cartório
    expect(isPaidOccurrence('cnab400', '341', '10')).toBe(false); // the write-off that follows a liquidation: not paid twice
    expect(isPaidOccurrence('cnab400', '237', '15')).toBe(true);
    expect(isPaidOccurrence('cnab400', '237', '16')).toBe(false); // cheque not yet cleared
    expect(isPaidOccurrence('cnab400', '001', '09')).toBe(false);
    expect(isPaidOccurrence('cnab400', '104', '06')).toBe(false); // no CNAB 400 table for CAIXA
  });
});
