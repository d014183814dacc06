import fc from 'fast-check';
import { createDynamicPix, createStaticPix, hasError, parsePix } from 'pix-utils';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { cnpjCheckDigits, cpfCheckDigits } from '../documents.ts';
import { decodePix, encodePix, formatPixAmount, MAX_PIX_AMOUNT_CENTS, type PixFields } from './br-code.ts';
import { crc16 } from './emv.ts';
import { errorOf } from '../../../test/support/errors.ts';

/** Published in the Manual de Padrões para Iniciação do Pix (BCB, v2.10.0): §2.6.3 static, §2.7.2 dynamic, §2.8.5 composite with amount. */
const MANUAL_STATIC =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const MANUAL_DYNAMIC =
  '00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4';
const MANUAL_COMPOSITE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406100.505802BR5913Fulano de Tal6008BRASILIA62070503***' +
  '80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac12000263042875';
/** The API Pix openapi.yaml (v2.8.1), examples recResponse6 and recResponse7: dynamic codes followed by a Pix Automático template (80). */
const API_JOURNEY_3 =
  '00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***' +
  '80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa35319489063047741';
const API_JOURNEY_4 =
  '00020101021226810014br.gov.bcb.pix2559pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e75204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***' +
  '80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/3ffa640fa4f14080adccb949fa2dc0d06304A441';
/** pix-utils' README example: static with amount and description. */
const PIX_UTILS_README =
  '00020126650014br.gov.bcb.pix0119nubank@thalesog.com0220Gerado por Pix-Utils52040000530398654041.005802BR5914Thales Ogliari6009Sao Paulo62070503***63046069';

const EVP = '123e4567-e12b-12d1-a456-426655440000';

/** The AppError a call throws (fails the test if it throws anything else or nothing). */
/** A payload with its CRC recomputed, to reach the checks that come after the CRC. */
const withCrc = (body: string) => body + '6304' + crc16(body + '6304');

// ————————————————————————————————————————— generators

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(''));
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = UPPER + UPPER.toLowerCase() + '0123456789';
/** Uppercase ASCII names, which pix-utils (it uppercases) writes unchanged. */
const upperText = (max: number) => fc.string({ unit: chars(UPPER + '0123456789 .&-'), minLength: 1, maxLength: max }).filter((s) => s.trim() !== '');
/** Any printable ASCII. */
const printable = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: max }).filter((s) => s.trim() !== '');

const cpfKey = fc.stringMatching(/^\d{9}$/).filter((b) => !/^(\d)\1+$/.test(b)).map((b) => b + cpfCheckDigits(b));
const cnpjKey = fc.stringMatching(/^\d{12}$/).filter((b) => !/^(\d)\1+$/.test(b)).map((b) => b + cnpjCheckDigits(b));
const phoneKey = fc.tuple(fc.constantFrom('11', '21', '31', '41', '51', '61', '71', '81', '91'), fc.stringMatching(/^\d{8}$/)).map(([ddd, n]) => `+55${ddd}9${n}`);
const emailKey = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,19}$/), fc.stringMatching(/^[a-z]{2,12}$/), fc.constantFrom('com', 'com.br', 'org', 'gov.br'))
  .filter(([local]) => !local.includes('..') && !/[.]$/.test(local))
  .map(([l, d, t]) => `${l}@${d}.${t}`);
const pixKey = fc.oneof(cpfKey, cnpjKey, phoneKey, emailKey, fc.uuid());
const txid = fc.oneof(fc.constant('***'), fc.string({ unit: chars(ALNUM), minLength: 1, maxLength: 25 }));
const amount = fc.option(fc.integer({ min: 1, max: MAX_PIX_AMOUNT_CENTS }), { nil: null });
const url = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.constantFrom('com', 'com.br', 'io'), fc.stringMatching(/^[a-zA-Z0-9/_-]{1,40}$/))
  .map(([host, tld, path]) => `${host}.${tld}/${path}`);

/** Static fields whose template 26 fits in 99 characters. */
const staticFields = fc
  .record(
    {
      key: pixKey,
      amount,
      merchantName: printable(25),
      merchantCity: printable(15),
      txid,
      description: printable(60),
      postalCode: fc.stringMatching(/^\d{8}$/),
    },
    { requiredKeys: ['key', 'amount', 'merchantName', 'merchantCity', 'txid'] },
  )
  .filter((f) => 18 + 4 + f.key.length + (f.description ? 4 + f.description.length : 0) <= 99) as fc.Arbitrary<PixFields>;

const dynamicFields = fc.record(
  { key: fc.constant(null), amount: fc.constant(null), merchantName: printable(25), merchantCity: printable(15), txid: fc.constant('***'), url, postalCode: fc.stringMatching(/^\d{8}$/) },
  { requiredKeys: ['key', 'amount', 'merchantName', 'merchantCity', 'txid', 'url'] },
) as fc.Arbitrary<PixFields>;

// ————————————————————————————————————————— tests

describe('the BCB published examples', () => {
  it('§2.6.3 static code: decoded and re-encoded to the identical string', () => {
    const fields = decodePix(MANUAL_STATIC);
    expect(fields).toEqual({ key: EVP, amount: null, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***' });
    expect(encodePix(fields)).toBe(MANUAL_STATIC);
  });

  it('§2.7.2 dynamic code: decoded and re-encoded to the identical string', () => {
    const fields = decodePix(MANUAL_DYNAMIC);
    expect(fields).toEqual({ key: null, amount: null, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***', url: 'pix.example.com/8b3da2f39a4140d1a91abd93113bd441' });
    expect(encodePix(fields)).toBe(MANUAL_DYNAMIC);
  });

  it('§2.8.5 composite code with amount: read (the recurrence template 80 is skipped); re-encoded as pix-utils writes the static part', () => {
    const fields = decodePix(MANUAL_COMPOSITE);
    expect(fields).toEqual({ key: EVP, amount: 10050, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***' });
    const oracle = createStaticPix({ merchantName: 'FULANO DE TAL', merchantCity: 'BRASILIA', pixKey: EVP, transactionAmount: 100.5 });
    if (hasError(oracle)) throw new Error(oracle.message);
    expect(encodePix({ ...fields, merchantName: 'FULANO DE TAL' })).toBe(oracle.toBRCode());
  });

  it('the API Pix examples of dynamic codes with a Pix Automático template', () => {
    expect(decodePix(API_JOURNEY_3)).toMatchObject({ key: null, url: 'pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441', txid: '***', amount: null });
    const journey4 = decodePix(API_JOURNEY_4);
    expect(journey4.url).toBe('pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e7');
    const oracle = createDynamicPix({ merchantName: 'FULANO DE TAL', merchantCity: 'BRASILIA', url: journey4.url!, oneTime: true });
    if (hasError(oracle)) throw new Error(oracle.message);
    expect(encodePix({ ...journey4, merchantName: 'FULANO DE TAL' })).toBe(oracle.toBRCode());
  });

  it("pix-utils' README example with amount and description", () => {
    const fields = decodePix(PIX_UTILS_README);
    expect(fields).toEqual({ key: 'nubank@thalesog.com', amount: 100, merchantName: 'Thales Ogliari', merchantCity: 'Sao Paulo', txid: '***', description: 'Gerado por Pix-Utils' });
    expect(encodePix(fields)).toBe(PIX_UTILS_README);
  });

  it('the CRC16 is CRC-16/CCITT-FALSE (catalogue check value of "123456789" is 29B1)', () => {
    expect(crc16('123456789')).toBe('29B1');
    expect(crc16('')).toBe('FFFF');
  });
});

describe('variants found in the wild', () => {
  it('reads an uppercase GUI, point of initiation 11, a postal code and surrounding whitespace', () => {
    const payload = withCrc('00020101021126360014BR.GOV.BCB.PIX0114+551199999999952040000530398654041.505802BR5907EMPRESA6009SAO PAULO61080100100062100506PED123');
    expect(decodePix(`  ${payload}\n`)).toEqual({ key: '+5511999999999', amount: 150, merchantName: 'EMPRESA', merchantCity: 'SAO PAULO', txid: 'PED123', postalCode: '01001000' });
  });

  it('reads amounts without decimals or with one, as EMV allows', () => {
    expect(decodePix(withCrc(`000201${'26580014br.gov.bcb.pix0136' + EVP}5204000053039865402105802BR5901X6001Y62070503***`)).amount).toBe(1000);
    expect(decodePix(withCrc(`000201${'26580014br.gov.bcb.pix0136' + EVP}52040000530398654041.505802BR5901X6001Y62070503***`)).amount).toBe(150);
  });
});

describe('decoding errors name the field', () => {
  const body = MANUAL_STATIC.slice(0, -8);
  const replace = (from: string, to: string) => withCrc(body.replace(from, to));

  it('a bad CRC says expected and found', () => {
    const error = errorOf(() => decodePix(MANUAL_STATIC.slice(0, -4) + '1D3E'));
    expect(error.field).toBe('crc');
    expect(error.message).toBe('CRC do BR Code não confere: esperado 1D3D, encontrado 1D3E. O código foi copiado incompleto ou alterado.');
    expect(errorOf(() => decodePix(MANUAL_STATIC.slice(0, -4) + '1d3d')).field).toBe('crc'); // the CRC is uppercase hex
  });

  it('structure: truncated, trailing garbage, garbage inside, repeated fields', () => {
    expect(errorOf(() => decodePix(MANUAL_STATIC.slice(0, 60))).message).toMatch(/campo 63 \(CRC\)/);
    expect(errorOf(() => decodePix(MANUAL_STATIC + 'X')).message).toMatch(/campo 63/);
    expect(errorOf(() => decodePix(withCrc(body + 'ZZ'))).message).toBe(
      `BR Code malformado na posição ${body.length + 1}: esperado um identificador e um tamanho de 2 dígitos cada, encontrado "ZZ63".`,
    );
    expect(errorOf(() => decodePix(withCrc(body + '5802BR'))).message).toBe('campo 58 (país): aparece mais de uma vez.');
    expect(errorOf(() => decodePix(withCrc(body.replace('5913', '5999')))).message).toMatch(/campo 59 \(nome do recebedor\): declara 99 caracteres/);
    expect(errorOf(() => decodePix(withCrc(body + '6300'))).message).toMatch(/campo 63 \(CRC\): tamanho 00/);
  });

  it('mandatory fields, GUI, currency, country', () => {
    expect(errorOf(() => decodePix(replace('5913Fulano de Tal', ''))).message).toBe('campo 59 (nome do recebedor): obrigatório e ausente.');
    expect(errorOf(() => decodePix(replace('6008BRASILIA', ''))).message).toBe('campo 60 (cidade do recebedor): obrigatório e ausente.');
    expect(errorOf(() => decodePix(replace('62070503***', ''))).message).toBe('campo 62 (dados adicionais): obrigatório e ausente.');
    expect(errorOf(() => decodePix(replace('62070503***', '62070703***'))).message).toBe('campo 62.05 (txid): obrigatório e ausente.');
    expect(errorOf(() => decodePix(replace('0014br.gov.bcb.pix', '0014br.gov.bcb.pax'))).message).toBe('campo 26.00 (GUI do arranjo): "br.gov.bcb.pax" não é o GUI do Pix (br.gov.bcb.pix).');
    expect(errorOf(() => decodePix(replace('5303986', '5303840'))).message).toBe('campo 53 (moeda): moeda "840" não é o real (986).');
    expect(errorOf(() => decodePix(replace('5802BR', '5802US'))).message).toBe('campo 58 (país): país "US" não é BR.');
    expect(errorOf(() => decodePix(replace('26580014br.gov.bcb.pix0136' + EVP, '26180014br.gov.bcb.pix'))).message).toBe('campo 26 (conta Pix do recebedor): não traz chave (01) nem URL (25).');
    expect(errorOf(() => decodePix(withCrc('10' + body.slice(2)))).message).toBe('campo 00 (indicador de formato): o BR Code deve começar com 000201.');
    expect(errorOf(() => decodePix('')).message).toBe('BR Code vazio.');
  });

  it('amount format', () => {
    const withAmount = (text: string) => withCrc(body.replace('5802BR', `54${String(text.length).padStart(2, '0')}${text}5802BR`));
    for (const bad of ['10,00', '1.234', '-5.00', '1e3', '.50', '12345678901.00']) {
      const error = errorOf(() => decodePix(withAmount(bad)));
      expect(error.field).toBe('54');
      expect(error.message).toMatch(/^campo 54 \(valor\)/);
    }
    expect(errorOf(() => decodePix(withAmount('0.00'))).message).toBe('campo 54 (valor): o valor, quando presente, deve ser maior que zero.');
  });
});

describe('encoding', () => {
  const base: PixFields = { key: EVP, amount: null, merchantName: 'Fulano de Tal', merchantCity: 'BRASILIA', txid: '***' };

  it('writes the amount by integer arithmetic', () => {
    expect(formatPixAmount(1)).toBe('0.01');
    expect(formatPixAmount(10)).toBe('0.10');
    expect(formatPixAmount(123456)).toBe('1234.56');
    expect(formatPixAmount(MAX_PIX_AMOUNT_CENTS)).toBe('9999999999.99');
    expect(encodePix({ ...base, amount: 10050 })).toContain('5406100.50');
  });

  it('removes accents from name, city and description, and refuses what is not ASCII', () => {
    const decoded = decodePix(encodePix({ ...base, merchantName: 'João Açaí Ltda', merchantCity: 'São Paulo', description: 'Parcela nº 2 - março' }));
    expect(decoded).toMatchObject({ merchantName: 'Joao Acai Ltda', merchantCity: 'Sao Paulo', description: 'Parcela no 2 - marco' });
    const emoji = errorOf(() => encodePix({ ...base, merchantName: 'Loja 😀' }));
    expect(emoji.field).toBe('merchantName');
    expect(emoji.message).toMatch(/^campo 59 \(nome do recebedor\): caractere/);
    expect(errorOf(() => encodePix({ ...base, merchantCity: 'Ufa\u0000' })).field).toBe('merchantCity');
  });

  it('validates lengths instead of cutting', () => {
    expect(errorOf(() => encodePix({ ...base, merchantName: 'A'.repeat(26) })).message).toBe('campo 59 (nome do recebedor): 26 caracteres, o máximo é 25.');
    expect(errorOf(() => encodePix({ ...base, merchantCity: 'São José dos Campos' })).message).toBe('campo 60 (cidade do recebedor): 19 caracteres, o máximo é 15.');
    expect(errorOf(() => encodePix({ ...base, merchantName: '   ' })).field).toBe('merchantName');
    expect(errorOf(() => encodePix({ ...base, description: 'x'.repeat(40) })).field).toBe('description'); // 18 + 40 + 44 > 99
    expect(errorOf(() => encodePix({ ...base, postalCode: '01001-000' })).field).toBe('postalCode');
  });

  it('checks the key formats of the DICT', () => {
    for (const key of ['52998224725', '11222333000181', '+5511987654321', 'fulano@example.com.br', EVP, 'ABCDEFGHIJKL80']) {
      expect(() => encodePix({ ...base, key })).not.toThrow();
    }
    const bad: Array<[string, RegExp]> = [
      ['52998224726', /CPF inválida: dígitos verificadores/],
      ['529.982.247-25', /só com dígitos/],
      ['11987654321', /CPF inválida/], // a phone without +55 reads as a CPF
      ['+5500987654321', /DDD ou número inexistente/],
      ['+1 415 555 0100', /\+55, DDD e número/],
      ['fulano@', /e-mail inválida/],
      ['chave qualquer', /formato desconhecido/],
      ['a'.repeat(72) + '@x.com', /78 caracteres \(máximo 77\)/],
    ];
    for (const [key, message] of bad) {
      const error = errorOf(() => encodePix({ ...base, key }));
      expect(error.field).toBe('key');
      expect(error.message).toMatch(message);
    }
    expect(errorOf(() => encodePix({ ...base, key: null })).message).toMatch(/informe a chave Pix/);
  });

  it('txid rules of the static code', () => {
    expect(encodePix({ ...base, txid: 'A'.repeat(25) })).toContain('0525' + 'A'.repeat(25));
    for (const bad of ['A'.repeat(26), 'PED-123', 'mês', '', '**']) expect(errorOf(() => encodePix({ ...base, txid: bad })).field).toBe('txid');
  });

  it('amount rules', () => {
    for (const bad of [0, -100, 1.5, MAX_PIX_AMOUNT_CENTS + 1, Number.NaN]) expect(errorOf(() => encodePix({ ...base, amount: bad })).field).toBe('amount');
  });

  it('dynamic codes: URL without scheme, no key, no amount, txid ***', () => {
    const dyn: PixFields = { key: null, amount: null, merchantName: 'X', merchantCity: 'Y', txid: '***', url: 'psp.example.com/qr/v2/abc' };
    expect(encodePix(dyn)).toMatch(/^000201010212/);
    expect(errorOf(() => encodePix({ ...dyn, url: 'https://psp.example.com/qr/v2/abc' })).message).toMatch(/sem "https:\/\/"/);
    expect(errorOf(() => encodePix({ ...dyn, url: 'psp.example.com/a b' })).field).toBe('url');
    expect(errorOf(() => encodePix({ ...dyn, url: 'a.io/' + 'x'.repeat(73) })).field).toBe('url');
    expect(errorOf(() => encodePix({ ...dyn, key: EVP })).message).toMatch(/não as duas/);
    expect(errorOf(() => encodePix({ ...dyn, amount: 100 })).field).toBe('amount');
    expect(errorOf(() => encodePix({ ...dyn, txid: 'ABC' })).field).toBe('txid');
    expect(errorOf(() => encodePix({ ...dyn, description: 'oi' })).field).toBe('description');
  });
});

describe('properties', () => {
  it('decode(encode(fields)) gives the fields back, and encode(decode(payload)) the payload', () => {
    fc.assert(
      fc.property(fc.oneof(staticFields, dynamicFields), (fields) => {
        const payload = encodePix(fields);
        expect(payload.length).toBeLessThanOrEqual(512);
        expect(decodePix(payload)).toEqual(fields);
        expect(encodePix(decodePix(payload))).toBe(payload);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('against pix-utils (an independent implementation)', () => {
  it('our static codes are parsed by pix-utils to the same fields', () => {
    fc.assert(
      fc.property(staticFields, (fields) => {
        const parsed = parsePix(encodePix(fields));
        if (hasError(parsed) || parsed.type !== 'STATIC') throw new Error(`pix-utils refused: ${JSON.stringify(parsed)}`);
        expect(parsed.pixKey).toBe(fields.key);
        expect(parsed.merchantName).toBe(fields.merchantName);
        expect(parsed.merchantCity).toBe(fields.merchantCity);
        expect(parsed.txid).toBe(fields.txid);
        expect(parsed.infoAdicional).toBe(fields.description);
        expect(Math.round((parsed.transactionAmount ?? 0) * 100)).toBe(fields.amount ?? 0);
      }),
      { numRuns: 500 },
    );
  });

  it('our dynamic codes are parsed by pix-utils to the same URL', () => {
    fc.assert(
      fc.property(dynamicFields, (fields) => {
        const parsed = parsePix(encodePix(fields));
        if (hasError(parsed) || parsed.type !== 'DYNAMIC') throw new Error(`pix-utils refused: ${JSON.stringify(parsed)}`);
        expect(parsed.url).toBe(fields.url);
        expect(parsed.merchantName).toBe(fields.merchantName);
      }),
      { numRuns: 300 },
    );
  });

  it('codes pix-utils creates are decoded by us, and we encode the same fields to the same string', () => {
    const upperStatic = fc.record({
      key: pixKey,
      amount,
      merchantName: upperText(25),
      merchantCity: upperText(15),
      txid,
      description: fc.option(printable(30), { nil: undefined }),
    });
    fc.assert(
      fc.property(upperStatic, ({ description, ...fields }) => {
        const theirs = createStaticPix({
          merchantName: fields.merchantName,
          merchantCity: fields.merchantCity,
          pixKey: fields.key,
          transactionAmount: fields.amount === null ? 0 : fields.amount / 100,
          txid: fields.txid,
          ...(description === undefined ? {} : { infoAdicional: description }),
        });
        if (hasError(theirs)) throw new Error(theirs.message);
        const expected: PixFields = description === undefined ? fields : { ...fields, description };
        expect(decodePix(theirs.toBRCode())).toEqual(expected);
        expect(encodePix(expected)).toBe(theirs.toBRCode());
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(upperText(25), upperText(15), url, (merchantName, merchantCity, location) => {
        const theirs = createDynamicPix({ merchantName, merchantCity, url: location, oneTime: true });
        if (hasError(theirs)) throw new Error(theirs.message);
        const fields: PixFields = { key: null, amount: null, merchantName, merchantCity, txid: '***', url: location };
        expect(decodePix(theirs.toBRCode())).toEqual(fields);
        expect(encodePix(fields)).toBe(theirs.toBRCode());
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: decode never fails with anything but an AppError', () => {
  const onlyAppErrors = (payload: string) => {
    try {
      decodePix(payload);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      expect(error.code).toBe('validation');
      expect(error.message.length).toBeGreaterThan(10);
    }
  };

  it('random text, ASCII and Unicode', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), onlyAppErrors), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), onlyAppErrors), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }).map((s) => `000201${s}`), onlyAppErrors), { numRuns: 1000 });
  });

  it('random TLV streams with a valid CRC reach the structure checks and never crash', () => {
    const element = fc.tuple(fc.stringMatching(/^\d{2}$/), fc.string({ maxLength: 30 }), fc.boolean()).map(([id, value, honest]) => {
      const length = honest ? value.length : (value.length + 7) % 100;
      return `${id}${String(length).padStart(2, '0')}${value}`;
    });
    const known = fc.constantFrom('000201', '010212', '26580014br.gov.bcb.pix0136' + EVP, '52040000', '5303986', '5802BR', '5901X', '6001Y', '62070503***', '54041.00');
    fc.assert(
      fc.property(fc.array(fc.oneof(element, known), { maxLength: 14 }), (parts) => {
        const payload = withCrc(parts.join(''));
        onlyAppErrors(payload);
      }),
      { numRuns: 3000 },
    );
  });

  it('one character changed in a valid code: the CRC catches it', () => {
    fc.assert(
      fc.property(fc.oneof(staticFields, dynamicFields), fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (fields, at, code) => {
        const payload = encodePix(fields);
        const i = at % payload.length;
        const replacement = String.fromCharCode(code);
        fc.pre(payload[i] !== replacement && !(i === payload.length - 1 && replacement === ' '));
        const mutated = payload.slice(0, i) + replacement + payload.slice(i + 1);
        const error = errorOf(() => decodePix(mutated));
        // Changing the "6304" itself is a structural error; anywhere else the CRC no longer matches.
        if (i >= payload.length - 8 && i < payload.length - 4) expect(error.field).toBe('63');
        else expect(error.field).toBe('crc');
      }),
      { numRuns: 3000 },
    );
  });

  it('every prefix of a valid code is refused with an AppError', () => {
    for (let n = 0; n < MANUAL_DYNAMIC.length; n++) errorOf(() => decodePix(MANUAL_DYNAMIC.slice(0, n)));
  });
});
