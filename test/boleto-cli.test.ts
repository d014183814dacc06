import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `recupera boleto …` as an integrator runs it: no database, JSON out. */
function boleto(args: string[], input?: unknown) {
  const result = spawnSync(process.execPath, ['bin/recupera.js', 'boleto', ...args], {
    input: input === undefined ? undefined : typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: result.status, json: result.status === 0 ? JSON.parse(result.stdout) : null, stdout: result.stdout, stderr: result.stderr };
}

// OpenBoleto's Itaú example (carteira 112, nosso número 12345678-8, R$ 10,50, due 01/01/2013)
const ITAU_LINE = '34191.12127 34567.881726 41234.580003 1 55650000001050';
const ITAU = {
  bankCode: '341',
  currency: '9',
  amount: 1050,
  dueDate: '2013-01-01',
  barcode: '34191556500000010501121234567881724123458000',
  line: '34191121273456788172641234580003155650000001050',
  freeField: '1121234567881724123458000',
};

describe('recupera boleto decode', () => {
  it('prints exactly the Boleto fields for a typeable line and for its barcode', () => {
    const fromLine = boleto(['decode', ITAU_LINE, '--as-of', '2013-01-01']);
    expect(fromLine.code).toBe(0);
    expect(fromLine.json).toStrictEqual(ITAU);
    expect(Object.keys(fromLine.json)).toEqual(['bankCode', 'currency', 'amount', 'dueDate', 'barcode', 'line', 'freeField']);
    expect(boleto(['decode', ITAU.barcode, '--as-of', '2013-01-01']).json).toStrictEqual(ITAU);
  });

  it('reads the due factor in the FEBRABAN window around --as-of (default today): 5565 is 2013 or, after the reset, 2037', () => {
    expect(boleto(['decode', ITAU_LINE, '--as-of', '2030-06-01']).json.dueDate).toBe('2037-08-23');
    const today = boleto(['decode', ITAU_LINE]);
    expect(today.code).toBe(0);
    expect(['2013-01-01', '2037-08-23']).toContain(today.json.dueDate);
  });

  it('prints dueDate null for factor 0000', () => {
    const encoded = boleto(['encode'], { bankCode: '001', amount: 0, dueDate: null, freeField: '0000001234567000000000118' });
    expect(encoded.code).toBe(0);
    expect(encoded.json.line.slice(33, 37)).toBe('0000');
    expect(boleto(['decode', encoded.json.line]).json).toStrictEqual(encoded.json);
  });

  it('exits non-zero naming the field whose check digit is wrong, in Portuguese', () => {
    const wrongField2 = boleto(['decode', '34191.12127 34567.881727 41234.580003 1 55650000001050', '--as-of', '2013-01-01']);
    expect(wrongField2.code).toBe(2);
    expect(wrongField2.stderr).toMatch(/campo2/);
    expect(wrongField2.stderr).toMatch(/é 7, deveria ser 6/);
    const wrongGeneral = boleto(['decode', '34191.12127 34567.881726 41234.580003 2 55650000001050', '--as-of', '2013-01-01']);
    expect(wrongGeneral.code).toBe(2);
    expect(wrongGeneral.stderr).toMatch(/dvGeral/);
    const wrongBarcode = boleto(['decode', '34192556500000010501121234567881724123458000', '--as-of', '2013-01-01']);
    expect(wrongBarcode.stderr).toMatch(/codigoBarras/);
    expect(boleto(['decode', '123', '--as-of', '2013-01-01']).stderr).toMatch(/47 dígitos/);
    expect(boleto(['decode', ITAU_LINE, '--as-of', '01/01/2013']).stderr).toMatch(/asOf/);
  });
});

describe('recupera boleto encode', () => {
  it('gives back what decode printed: encode(decode(x)) === decode(x), from stdin and from a file', () => {
    const decoded = boleto(['decode', ITAU_LINE, '--as-of', '2013-01-01']).json;
    expect(boleto(['encode'], decoded).json).toStrictEqual(decoded);
    const file = path.join(os.tmpdir(), `boleto-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(decoded));
    expect(boleto(['encode', file]).json).toStrictEqual(decoded);
    fs.rmSync(file);
  });

  it('builds barcode and line from the fields alone, currency defaulting to 9', () => {
    const { bankCode, amount, dueDate, freeField } = ITAU;
    expect(boleto(['encode'], { bankCode, amount, dueDate, freeField }).json).toStrictEqual(ITAU);
  });

  it('refuses a barcode or line that disagrees with the fields, and bad fields, naming them', () => {
    const stale = boleto(['encode'], { ...ITAU, amount: 1051 });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/barcode/);
    const bad = boleto(['encode'], { bankCode: '34', amount: 10.5, dueDate: '2013-02-30', freeField: '1' });
    expect(bad.code).toBe(2);
    for (const field of ['bankCode', 'amount', 'dueDate', 'freeField']) expect(bad.stderr).toContain(field);
    expect(boleto(['encode'], '{ not json').stderr).toContain('JSON inválido');
    expect(boleto(['encode'], { bankCode: '341', amount: 1, freeField: '1'.repeat(25) }).stderr).toMatch(/dueDate/);
  });
});
