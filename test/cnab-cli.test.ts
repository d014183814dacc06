import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `recupera cnab parse FILE` as an integrator runs it: NDJSON out, one object per detail record. */
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/cnab');
const KEYS = ['line', 'bankCode', 'nossoNumero', 'occurrence', 'amountPaid', 'paymentDate', 'creditDate', 'fees'];

function cnab(file: string) {
  const result = spawnSync(process.execPath, ['bin/recupera.js', 'cnab', 'parse', file], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const records = (stdout: string) => stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('recupera cnab parse', () => {
  it('prints one JSON object per detail record of each real file, with exactly the agreed keys in order', () => {
    const counts: Record<string, number> = {
      'retorno_cnab240_caixa.ret': 9,
      'retorno_bb.ret': 5,
      'retorno_santander.ret': 1,
      'retorno-cnab400-itau.ret': 4,
      'retorno-cb030400-bradesco.ret': 7,
      'retorno-cnab400-bb.ret': 1,
    };
    for (const [name, count] of Object.entries(counts)) {
      const { code, stdout, stderr } = cnab(path.join(FIXTURES, name));
      expect(code, stderr).toBe(0);
      expect(stderr).toBe('');
      const lines = records(stdout);
      expect(lines, name).toHaveLength(count);
      for (const line of lines) expect(Object.keys(line)).toEqual(KEYS);
    }
  });

  it('gives the README values: Itaú CNAB 400 first detail, CAIXA CNAB 240 first detail (T line)', () => {
    expect(records(cnab(path.join(FIXTURES, 'retorno-cnab400-itau.ret')).stdout)[0]).toEqual({
      line: 2, bankCode: '341', nossoNumero: '231327', occurrence: '06', amountPaid: 20997, paymentDate: '2013-06-20', creditDate: '2013-06-21', fees: 333,
    });
    expect(records(cnab(path.join(FIXTURES, 'retorno_cnab240_caixa.ret')).stdout)[0]).toEqual({
      line: 3, bankCode: '104', nossoNumero: '24000000011136997', occurrence: '06', amountPaid: 8000, paymentDate: '2014-01-06', creditDate: '2014-01-07', fees: 125,
    });
    const bradesco = records(cnab(path.join(FIXTURES, 'retorno-cb030400-bradesco.ret')).stdout);
    expect(bradesco[1]).toMatchObject({ line: 3, nossoNumero: '9', amountPaid: 500, paymentDate: '2012-04-11' });
    expect(bradesco[0]).toMatchObject({ occurrence: '02', paymentDate: null, amountPaid: 0 }); // not a payment
  });

  it('refuses a bad file with exit code 2, the line, positions and field on stderr, nothing on stdout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnab-cli-'));
    const lines = fs.readFileSync(path.join(FIXTURES, 'retorno_bb.ret'), 'latin1').split('\n');
    lines[3] = lines[3]!.slice(0, 80) + 'Z' + lines[3]!.slice(81); // U, valor pago 78–92
    const bad = path.join(dir, 'bad.ret');
    fs.writeFileSync(bad, lines.join('\n'), 'latin1');
    const result = cnab(bad);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('erro: Linha 4, posições 78–92 (valor pago): "000Z00000004000" não é um número.\n');
    const missing = cnab(path.join(dir, 'nao-existe.ret'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('não encontrado');
    fs.rmSync(dir, { recursive: true });
  });
});
