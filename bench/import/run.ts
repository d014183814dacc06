import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import type { Database } from '../../src/store/database.ts';
import { generate, HEADER } from './generate.ts';
import { BENCH_CREDITOR_CNPJ, recreateDatabase, runSampled, seedBenchAgency } from '../support.ts';

/**
 * Import benchmark (issue 2): the real `recupera import` of a synthetic file, against two physical
 * limits measured in the same run on the same database:
 *   A. raw COPY of the file into a table shaped like the file (text columns, no index): the cost
 *      of getting the bytes into PostgreSQL at all;
 *   B. raw COPY of exactly the rows the import wrote (debtors, contacts, debts, events) into empty
 *      tables of the same shape as ours: same columns, indexes and constraints.
 * Peak memory of the import process is sampled from /proc at two file sizes.
 *
 * Usage: node bench/import/run.ts [--rows 1000000] [--debtors 300000] [--small 250000] [--backends postgres,pglite]
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); the bench creates
 * and drops its own database recupera_bench.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const ROWS = Number(args.get('rows') ?? 1_000_000);
const DEBTORS = Number(args.get('debtors') ?? Math.round(ROWS * 0.3));
const SMALL = Number(args.get('small') ?? Math.round(ROWS / 4));
const BACKENDS = (args.get('backends') ?? 'postgres,pglite').split(',');
const OUT = 'bench/.out';

const FILE_COLUMNS = HEADER.split(';');
const TABLES = ['debtors', 'contact_points', 'debts', 'events'] as const;

interface Result {
  backend: string;
  rows: number;
  fileMB: number;
  rawCopySeconds: number;
  sameShapeCopySeconds: number;
  importSeconds: number;
  importPeakMB: number;
  smallRows: number;
  smallImportPeakMB: number;
  phases: Record<string, number>;
}

async function ensureFile(rows: number, debtors: number): Promise<string> {
  const file = path.join(OUT, `debts-${rows}.csv`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`gerando ${file}…\n`);
    await generate(file, rows, debtors);
  }
  return file;
}

/** Runs `recupera import` as its own process, sampling its resident memory; returns seconds, peak MB and phase timings. */
async function runImportProcess(file: string, env: Record<string, string>): Promise<{ seconds: number; peakMB: number; phases: Record<string, number>; report: string }> {
  const run = await runSampled(['--max-semi-space-size=16', 'bin/recupera.js', 'import', file, '--creditor', BENCH_CREDITOR_CNPJ, '--portfolio', 'Bench', '--json'], { ...env, RECUPERA_IMPORT_TIMING: '1' });
  const phases: Record<string, number> = {};
  for (const m of run.stderr.matchAll(/\[import\] ([^:]+): (\d+) ms/g)) phases[m[1]!] = Number(m[2]) / 1000;
  return { seconds: run.seconds, peakMB: run.peakMB, phases, report: run.stdout };
}

/** A fresh database with one tenant, creditor and portfolio. */
async function freshDatabase(backend: string, dir: string): Promise<{ open: () => Promise<Database>; env: Record<string, string>; url?: string }> {
  if (backend === 'postgres') {
    const url = await recreateDatabase('recupera_bench');
    return { open: async () => new PostgresDatabase(url), env: { DATABASE_URL: url }, url };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { open: () => PgliteDatabase.open(path.join(dir, 'pglite'), { command: 'bench' }), env: { DATA_DIR: dir, DATABASE_URL: '' } };
}

async function setUp(db: Database): Promise<void> {
  await migrate(db);
  await db.system(({ sql }) => seedBenchAgency(sql));
}

/** A. The file itself, COPY'd into a table with its own columns as text: no parsing beyond CSV, no index. */
async function rawCopy(db: Database, file: string, url?: string): Promise<number> {
  await db.system(({ sql }) => sql.exec(`create table bench_raw (${FILE_COLUMNS.map((c) => `${c} text`).join(', ')})`));
  const started = performance.now();
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), client.query(copyFrom(`copy bench_raw from stdin with (format csv, header, delimiter ';')`)));
    await client.end();
  } else {
    // PGlite reads COPY data from a virtual file: send the file in 32 MB pieces cut at line ends.
    await db.system(async ({ sql }) => {
      const fd = fs.openSync(file, 'r');
      const buffer = Buffer.alloc(32 << 20);
      let carry = Buffer.alloc(0);
      let first = true;
      for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) {
        const data = Buffer.concat([carry, buffer.subarray(0, n)]);
        const cut = data.lastIndexOf(10) + 1;
        carry = Buffer.from(data.subarray(cut));
        await sql.copyIn(`bench_raw`, FILE_COLUMNS, data.subarray(0, cut).toString('utf8'), { format: 'csv', header: first, delimiter: ';' });
        first = false;
      }
      fs.closeSync(fd);
    });
  }
  return (performance.now() - started) / 1000;
}

/** B. What the import wrote, COPY'd again into empty tables with the same columns, indexes and constraints. */
async function sameShapeCopy(db: Database, dir: string, url?: string): Promise<number> {
  const dumps: Record<string, string> = {};
  await db.system(async ({ sql }) => {
    for (const table of TABLES) {
      await sql.exec(`create table bench_${table} (like ${table} including all)`);
    }
    await sql.exec(`
      alter table bench_contact_points add foreign key (tenant_id, debtor_id) references bench_debtors (tenant_id, id);
      alter table bench_debts add foreign key (tenant_id, debtor_id) references bench_debtors (tenant_id, id);
      alter table bench_debts add foreign key (tenant_id, creditor_id, portfolio_id) references portfolios (tenant_id, creditor_id, id);`);
  });
  const columnsOf = async (table: string) =>
    (await db.system(({ sql }) => sql.query<{ c: string }>(
      `select column_name as c from information_schema.columns where table_name = $1 and not (table_name = 'events' and column_name = 'id') order by ordinal_position`, [table],
    ))).rows.map((r) => r.c);
  for (const table of TABLES) {
    const columns = await columnsOf(table);
    const target = path.join(dir, `${table}.copy`);
    if (url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await pipeline(client.query(copyTo(`copy ${table} (${columns.join(', ')}) to stdout`)), fs.createWriteStream(target));
      await client.end();
    } else {
      const blob = await db.system(({ sql }) => sql.copyOut(`copy ${table} (${columns.join(', ')}) to '/dev/blob'`));
      fs.writeFileSync(target, Buffer.from(await blob.arrayBuffer()));
    }
    dumps[table] = target;
  }
  const started = performance.now();
  await db.system(async ({ sql }) => {
    for (const table of TABLES) {
      const columns = await columnsOf(table);
      const data = fs.readFileSync(dumps[table]!, 'utf8');
      // One transaction, like the import; split so PGlite's virtual file stays small.
      const lines = data.split('\n');
      for (let i = 0; i < lines.length; i += 200_000) {
        const piece = lines.slice(i, i + 200_000).filter(Boolean).join('\n');
        if (piece) await sql.copyIn(`bench_${table}`, columns, piece + '\n');
      }
    }
  });
  return (performance.now() - started) / 1000;
}

async function benchBackend(backend: string, file: string, smallFile: string): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `recupera-bench-${backend}-`));
  try {
    // Memory at a smaller size first, to show it does not grow with the file.
    const small = await freshDatabase(backend, dir);
    let db = await small.open();
    await setUp(db);
    await db.close();
    const smallRun = await runImportProcess(smallFile, small.env);

    const fresh = await freshDatabase(backend, dir);
    db = await fresh.open();
    await setUp(db);
    const rawCopySeconds = await rawCopy(db, file, fresh.url);
    await db.close();
    process.stderr.write(`${backend}: COPY bruto ${rawCopySeconds.toFixed(1)} s; importando…\n`);
    const run = await runImportProcess(file, fresh.env);
    process.stderr.write(`${backend}: importação ${run.seconds.toFixed(1)} s, pico ${run.peakMB.toFixed(0)} MB; COPY da mesma forma…\n`);
    // PGlite keeps a COPY's data in WASM memory; dumping and reloading 1,000,000 rows there
    // exhausts it (the process stops without an error), so baseline B is measured on PostgreSQL only.
    let sameShapeCopySeconds = NaN;
    if (backend === 'postgres') {
      db = await fresh.open();
      sameShapeCopySeconds = await sameShapeCopy(db, dir, fresh.url);
      await db.close();
    }
    return {
      backend, rows: ROWS, fileMB: fs.statSync(file).size / 1e6, rawCopySeconds, sameShapeCopySeconds, importSeconds: run.seconds,
      importPeakMB: run.peakMB, smallRows: SMALL, smallImportPeakMB: smallRun.peakMB, phases: run.phases,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const file = await ensureFile(ROWS, DEBTORS);
const smallFile = await ensureFile(SMALL, Math.round(SMALL * 0.3));
const results: Result[] = [];
for (const backend of BACKENDS) {
  const result = await benchBackend(backend, file, smallFile);
  results.push(result);
  fs.writeFileSync(path.join(OUT, `import-${backend}.json`), JSON.stringify(result, null, 2));
}
const f = (n: number, d = 1) => Number.isNaN(n) ? '—' : n.toLocaleString('pt-BR', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\n| banco | títulos | COPY bruto (A) | COPY mesma forma (B) | importação | vs A | vs B | pico de memória (${SMALL.toLocaleString('pt-BR')} / ${ROWS.toLocaleString('pt-BR')}) |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.backend} | ${r.rows.toLocaleString('pt-BR')} | ${f(r.rawCopySeconds)} s | ${f(r.sameShapeCopySeconds)} s | ${f(r.importSeconds)} s | ` +
      `${f((r.rawCopySeconds / r.importSeconds) * 100)}% | ${f((r.sameShapeCopySeconds / r.importSeconds) * 100)}% | ${f(r.smallImportPeakMB, 0)} / ${f(r.importPeakMB, 0)} MB |`,
  );
}
for (const r of results) console.log(`${r.backend} fases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${f(v)} s`).join(', ')}`);
console.log('\nRazão = vazão da importação ÷ vazão do COPY (maior é melhor; a meta do issue 2 é ≥ 50% contra A no PostgreSQL).');
