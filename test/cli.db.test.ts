import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from './support/databases.ts';

/** The `recupera` command as a newcomer runs it, against the database of this test project. */
let t: TestDatabase | null = null;
let env: Record<string, string>;
let dir: string;

function recupera(...args: string[]) {
  const result = spawnSync(process.execPath, ['--max-semi-space-size=16', 'bin/recupera.js', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-cli-'));
  if (TEST_DB_KIND === 'postgres') {
    t = await openTestDatabase();
    await t.db.close(); // the command opens its own connections
    env = { DATABASE_URL: t.url!, LOG_LEVEL: 'silent' };
  } else {
    env = { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
  }
  env.DATABASE_URL ??= '';
  if (!env.DATABASE_URL) delete env.DATABASE_URL;
});
afterAll(async () => {
  await t?.drop().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('recupera CLI', () => {
  it('explains itself', () => {
    const help = recupera('--help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed-demo', 'import', 'users']) expect(help.stdout).toContain(command);
    expect(recupera('import', '--help').stdout).toContain('0 tudo importado, 1 linhas rejeitadas, 2 arquivo ilegível');
  });

  it('migrates, seeds the demo once, and creates users', () => {
    expect(recupera('migrate').stdout).toMatch(/migrações aplicadas: 0001_foundation|banco já está na versão mais recente/);
    expect(recupera('migrate').stdout).toContain('banco já está na versão mais recente');
    const seeded = recupera('seed-demo', '--as-of', '2026-11-23');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/Demonstração criada: 2000 devedores, 5\d{3} títulos/);
    expect(recupera('seed-demo').stdout).toContain('já existe');
    // the demo comes with a régua: the daily run plans its steps, once
    const run = recupera('run', '--as-of', '2026-12-10');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^[1-9]\d* new actions$/);
    expect(recupera('run', '--as-of', '2026-12-10').stdout.trim().split('\n').at(-1)).toBe('0 new actions');
    const user = recupera('users', 'create', '--tenant', 'demo', '--email', 'nova@demo.test', '--name', 'Nova', '--role', 'collector');
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ email: 'nova@demo.test', role: 'collector', password: expect.any(String) });
    const bad = recupera('users', 'create', '--tenant', 'demo', '--email', 'x@demo.test', '--name', 'Xavier', '--role', 'creditor_viewer', '--password', 'uma-senha-longa');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('creditor_viewer exige creditorId');
  });

  it('imports with exit code 0, 1 or 2 and a readable report', () => {
    const creditors = JSON.parse(recupera('creditors', 'list').stdout) as Array<{ document: string; portfolio: string }>;
    const target = creditors.find((c) => c.portfolio === 'Duplicatas B2B')!;
    const good = path.join(dir, 'bons.csv');
    fs.writeFileSync(good, 'id;cnpj;razao_social;valor;vencimento\nCLI-1;11.222.333/0001-81;Comércio Exemplo Ltda;1.500,00;05/05/2025\n');
    const ok = recupera('import', good, '--creditor', target.document, '--portfolio', 'Duplicatas B2B');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/títulos novos:\s+1/);
    expect(recupera('import', good, '--creditor', target.document, '--portfolio', 'Duplicatas B2B', '--json').stdout).toContain('"unchangedRows": 1');

    const mixed = path.join(dir, 'misto.csv');
    fs.writeFileSync(mixed, 'id;cnpj;razao_social;valor;vencimento\nCLI-2;11.222.333/0001-81;Comércio;10,00;05/05/2025\nCLI-3;11.222.333/0001-82;Comércio;10,00;05/05/2025\n');
    const errorsCsv = path.join(dir, 'erros.csv');
    const partial = recupera('import', mixed, '--creditor', target.document, '--portfolio', 'Duplicatas B2B', '--errors-csv', errorsCsv);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('linha 3, cnpj = "11.222.333/0001-82": dígitos verificadores não conferem');
    expect(fs.readFileSync(errorsCsv, 'utf8')).toContain('3;cnpj;11.222.333/0001-82;dígitos verificadores não conferem');
    const refused = recupera('import', mixed, '--creditor', target.document, '--portfolio', 'Duplicatas B2B', '--all-or-nothing');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Nada foi importado');

    const unreadable = path.join(dir, 'ruim.csv');
    fs.writeFileSync(unreadable, 'a;b\n1;2\n');
    const failed = recupera('import', unreadable, '--creditor', target.document, '--portfolio', 'Duplicatas B2B');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^erro: Cabeçalho da linha 1: colunas obrigatórias ausentes/);
    expect(recupera('import', path.join(dir, 'nao-existe.csv'), '--creditor', 'x', '--portfolio', 'y').stderr).toContain('arquivo não encontrado');
    expect(recupera('import', good, '--creditor', '00.000.000/0000-00', '--portfolio', 'y')).toMatchObject({ code: 2, stderr: expect.stringContaining('não encontrado') });
  });

  it('reconciles a bank return file: payments nobody issued wait in the queue (exit 1); the same file again changes nothing', () => {
    const file = 'test/fixtures/cnab/retorno_cnab240_caixa.ret';
    const first = recupera('payments', 'import', file, '--json');
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ layout: 'cnab240', bankCode: '104', replayed: false, applied: 0 });
    expect(summary.unmatched).toBeGreaterThan(0);
    expect(summary.unmatched).toBe(summary.paid);
    const again = recupera('payments', 'import', file);
    expect(again.stdout).toContain('arquivo já importado: nada mudou');
    const bad = recupera('payments', 'import', 'test/fixtures/imports/titulos-com-erros.csv');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^erro: /);
  });

  it('imports an index series from an SGS export idempotently, and calc uses it', () => {
    // TR of 2010: before the span Recupera ships, so the months are new on every database
    const file = 'test/fixtures/indices/tr-2010-sgs.json';
    const first = recupera('indices', 'import', file, '--series', 'tr', '--source', 'teste');
    expect(first).toMatchObject({ code: 0, stdout: 'tr: 3 períodos (janeiro/2010 a março/2010): 3 novos, 0 revistos, 0 iguais\n' });
    expect(recupera('indices', 'import', file, '--series', 'tr').stdout).toContain('0 novos, 0 revistos, 3 iguais');
    const revised = path.join(dir, 'tr-revista.csv');
    fs.writeFileSync(revised, 'data;valor\n01/03/2010;0,0800\n');
    expect(recupera('indices', 'import', revised, '--series', 'tr').stdout).toContain('0 novos, 1 revistos, 0 iguais');
    expect(recupera('indices', 'list').stdout).toMatch(/tr\s+\d+ períodos\s+janeiro\/2010 a /);

    const bad = recupera('indices', 'import', 'test/fixtures/indices/ipca-com-erros.csv', '--series', 'ipca');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('linha 4, campo data ("15/03/2025"): série mensal: o dia deve ser 01');
    expect(bad.stderr).toContain('linha 5, campo valor ("x"): valor deve ser um número');
    expect(bad.stderr).toContain('nada foi importado');
    expect(recupera('indices', 'import', file, '--series', 'ipcx').stderr).toContain('série desconhecida');

    const request = path.join(dir, 'saldo.json');
    fs.writeFileSync(request, JSON.stringify({ principal: 100000, dueDate: '2010-01-10', asOf: '2010-03-20', correctionIndex: 'tr', interestRate: '0.01', fineRate: '0.02' }));
    expect(recupera('calc', 'balance', request).stderr).toContain('Índice TR de janeiro/2010 não está cadastrado'); // shipped series only
    const balance = recupera('calc', 'balance', request, '--db');
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout).memory.find((l: { index?: { period: string } }) => l.index?.period === '2010-03').index.percent).toBe('0.08');
  });

  // Only the embedded database has a single-process lock; PostgreSQL serves many processes.
  if (TEST_DB_KIND === 'pglite') it('refuses clearly to open the embedded database while the server holds it', async () => {
    const server = spawn(process.execPath, ['bin/recupera.js', 'serve', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env } });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        server.stderr.on('data', (chunk) => {
          output += String(chunk);
          if (output.includes('Recupera no ar')) resolve();
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
      });
      const busy = recupera('migrate');
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/^erro: O banco embutido em .* está em uso pelo processo \d+ \(recupera serve/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    expect(recupera('migrate').code).toBe(0); // the lock is released on shutdown
  });
});
