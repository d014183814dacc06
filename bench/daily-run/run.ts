import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabaseUrl, recreateDatabase, runSampled, seedBenchAgency } from '../support.ts';
import { EXAMPLE_SCHEDULE } from '../../src/domain/dunning/schedule.ts';
import { DEMO_TEMPLATES } from '../../src/features/demo/demo-dunning.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import type { Database } from '../../src/store/database.ts';

/**
 * Daily-run benchmark (issue 4): N open debts of N×0.3 debtors on PostgreSQL, generated in SQL,
 * with the example schedule (9 steps) on their portfolio. Measured in the same run:
 *   - the physical limit: a raw aggregate scan of the same debts table (count and sum, best of 3);
 *   - `recupera run --as-of` as its own process (a one-day window), its peak resident memory;
 *   - a 30-day catch-up window, for scale.
 * Usage: node bench/daily-run/run.ts [--debts 1000000] [--backend postgres|pglite] [--reuse 1]
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const N = Number(args.get('debts') ?? 1_000_000);
const DEBTORS = Math.round(N * 0.3);
const BACKEND = args.get('backend') ?? 'postgres';
const PGLITE_DIR = path.join(os.tmpdir(), 'recupera-bench-daily-run');

/** Where the benchmark's database is: a PostgreSQL URL, or a PGlite data directory. */
type Target = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
const openTarget = (t: Target): Promise<Database> => (t.kind === 'postgres' ? Promise.resolve(new PostgresDatabase(t.url)) : PgliteDatabase.open(t.dir, { command: 'bench' }));
const envOf = (t: Target): Record<string, string> => (t.kind === 'postgres' ? { DATABASE_URL: t.url } : { DATA_DIR: path.dirname(t.dir), DATABASE_URL: '' });
const AS_OF = '2026-11-23';

async function freshDatabase(): Promise<Target> {
  if (BACKEND === 'pglite') {
    fs.rmSync(PGLITE_DIR, { recursive: true, force: true });
    return { kind: 'pglite', dir: path.join(PGLITE_DIR, 'pglite') };
  }
  return { kind: 'postgres', url: await recreateDatabase('recupera_bench_run') };
}

async function seed(target: Target): Promise<void> {
  const db = await openTarget(target);
  await migrate(db);
  await db.system(async ({ sql }) => {
    await seedBenchAgency(sql);
    const ufs = "array['SP','RJ','MG','BA','PR','RS','PE','CE','AM','AC']";
    await sql.query(
      `insert into debtors (tenant_id, kind, document, name, search_name, uf, city)
       select t.id, 'pf', lpad(i::text, 11, '0'), 'Pessoa ' || i, 'pessoa ' || i, (${ufs})[1 + i % 10], 'Cidade'
       from tenants t, generate_series(1, $1) i`,
      [DEBTORS],
    );
    await sql.query(`insert into contact_points (tenant_id, debtor_id, channel, value, source) select tenant_id, id, 'email', 'p' || document || '@bench.test', 'bench' from debtors`);
    await sql.query(`insert into contact_points (tenant_id, debtor_id, channel, value, phone_kind, source) select tenant_id, id, 'phone', '+55119' || right(document, 8), 'mobile', 'bench' from debtors`);
    await sql.query(
      `with d as (select id, row_number() over (order by id) as n from debtors), p as (select tenant_id, creditor_id, id from portfolios)
       insert into debts (tenant_id, creditor_id, portfolio_id, debtor_id, external_id, document_kind, original_amount_cents, due_date, relationship)
       select p.tenant_id, p.creditor_id, p.id, d.id, 'B' || i, 'contract', 5000 + (i::bigint * 7919) % 2000000,
              date '${AS_OF}' - ((i::bigint * 104729) % 1400)::int, 'consumer'
       from generate_series(1, $1) i
       join d on d.n = 1 + (i::bigint * 7) % $2
       cross join p`,
      [N, DEBTORS],
    );
    for (const t of DEMO_TEMPLATES) await sql.query(`insert into message_templates (tenant_id, key, channel, body) select id, $1, $2, $3 from tenants`, [t.key, t.channel, t.body]);
    await sql.query(`insert into schedules (tenant_id, creditor_id, portfolio_id, name) select tenant_id, creditor_id, id, 'Régua' from portfolios`);
    await sql.query(
      `insert into schedule_versions (tenant_id, schedule_id, creditor_id, version, steps, stop_conditions) select tenant_id, id, creditor_id, 1, $1::jsonb, $2 from schedules`,
      [JSON.stringify(EXAMPLE_SCHEDULE.steps), EXAMPLE_SCHEDULE.stopConditions],
    );
    await sql.query('analyze');
  });
  await db.close();
}

async function rawScan(target: Target): Promise<number> {
  const db = await openTarget(target);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await db.system(({ sql }) => sql.query(`select count(*), sum(original_amount_cents) from debts where status = 'open'`));
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  await db.close();
  return best;
}


async function runProcess(target: Target, asOf: string): Promise<{ seconds: number; peakMB: number; summary: { newActions: number; debtsSeen: number; timings: { read: number; plan: number; write: number; total: number } } }> {
  const run = await runSampled(['bin/recupera.js', 'run', '--as-of', asOf, '--json'], envOf(target));
  return { seconds: run.seconds, peakMB: run.peakMB, summary: JSON.parse(run.stdout) };
}

// --reuse: the PostgreSQL database of the previous run of the same size (skips the seed; clears its runs).
const target: Target = args.has('reuse') && BACKEND === 'postgres' ? { kind: 'postgres', url: benchDatabaseUrl('recupera_bench_run') } : await freshDatabase();
const started = performance.now();
if (args.has('reuse')) {
  const db = await openTarget(target);
  await db.system(async ({ sql }) => {
    await sql.query('delete from deliveries');
    await sql.query('delete from actions');
    await sql.query('delete from daily_runs');
  });
  await db.close();
} else await seed(target);
process.stderr.write(`seed of ${N.toLocaleString('en-US')} debts: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
const scan = await rawScan(target);
// A completed run the day before, so the measured run has the everyday one-day window.
await runProcess(target, '2026-11-22');
const day = await runProcess(target, AS_OF);
// A 30-day catch-up: the run of 23/12 after a month without runs.
const month = await runProcess(target, '2026-12-23');
const result = { backend: BACKEND, debts: N, rawScanSeconds: scan, day, month };
fs.mkdirSync('bench/.out', { recursive: true });
fs.writeFileSync(`bench/.out/daily-run-${BACKEND}-${N}.json`, JSON.stringify(result, null, 2));
console.log(`debts ${N.toLocaleString('en-US')} (${BACKEND})`);
console.log(`raw aggregate scan of debts: ${(scan * 1000).toFixed(0)} ms`);
const line = (label: string, r: typeof day) =>
  `${label}: ${r.summary.timings.total} ms (${(r.summary.timings.total / 1000 / scan).toFixed(1)}× the scan; read ${r.summary.timings.read}, plan ${r.summary.timings.plan}, write ${r.summary.timings.write} ms), ` +
  `${r.summary.debtsSeen} debts with steps, ${r.summary.newActions} new actions; process ${r.seconds.toFixed(2)} s with start-up, peak ${r.peakMB.toFixed(0)} MB`;
console.log(line('daily run, one day', day));
console.log(line('daily run, 30-day catch-up', month));
