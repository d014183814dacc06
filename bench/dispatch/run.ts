import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import nodemailer from 'nodemailer';
import { smtpChannel } from '../../src/features/dunning/channels/email.ts';
import { runDaily } from '../../src/features/dunning/daily-run.ts';
import { dispatchDue, type DispatchSummary } from '../../src/features/dunning/dispatch.ts';
import { seedShippedSeries } from '../../src/features/indices/shipped-series.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import type { Database } from '../../src/store/database.ts';
import { recreateDatabase, rssOf, runSampled, seedBenchAgency } from '../support.ts';

/**
 * E-mail dispatch benchmark (issue 4; goal ≥ 1,000 e-mails per second into a local SMTP server).
 * N planned e-mail actions (one per debtor, from the daily run), a mail server in its own process
 * counting distinct Message-IDs. Measured in the same run:
 *   - the physical limit: the same number of ready-made messages pushed straight through the
 *     same SMTP client and pool to the same server, with no database, no guard and no rendering;
 *   - dispatch: claim with the compliance guard, balance and rendering, delivery rows, SMTP,
 *     outcomes and timeline — and a check that every action reached the server exactly once.
 * On PostgreSQL the dispatchers are separate processes (--workers, as `recupera serve` scales
 * out), sharing the outbox; on PGlite one, in process.
 * Usage: node bench/dispatch/run.ts [--emails 50000] [--backend postgres|pglite] [--workers 1] [--connections 8] [--batch 500]
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const N = Number(args.get('emails') ?? 50_000);
const BACKEND = args.get('backend') ?? 'postgres';
const CONNECTIONS = Number(args.get('connections') ?? 8);
const BATCH = Number(args.get('batch') ?? 500);
const WORKERS = Number(args.get('workers') ?? 1);
const NOW = new Date('2026-11-23T13:00:00Z'); // Monday, 10:00 in Brasília
const BODY = 'Olá, {{primeiroNome debtor.name}}.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}}.\n{{agency.name}}';

let databaseUrl = '';
async function openDatabase(): Promise<Database> {
  if (BACKEND === 'pglite') {
    const dir = path.join(os.tmpdir(), 'recupera-bench-dispatch');
    fs.rmSync(dir, { recursive: true, force: true });
    return PgliteDatabase.open(path.join(dir, 'pglite'), { command: 'bench' });
  }
  databaseUrl = await recreateDatabase('recupera_bench_dispatch');
  return new PostgresDatabase(databaseUrl);
}

async function seed(db: Database): Promise<void> {
  await migrate(db);
  await seedShippedSeries(db);
  await db.system(async ({ sql }) => {
    await seedBenchAgency(sql);
    await sql.query(
      `insert into debtors (tenant_id, kind, document, name, search_name, uf, city)
       select t.id, 'pf', lpad(i::text, 11, '0'), 'Pessoa Bench ' || i, 'pessoa bench ' || i, 'SP', 'São Paulo' from tenants t, generate_series(1, $1) i`,
      [N],
    );
    await sql.query(`insert into contact_points (tenant_id, debtor_id, channel, value, source) select tenant_id, id, 'email', 'p' || document || '@bench.test', 'bench' from debtors`);
    await sql.query(
      `insert into debts (tenant_id, creditor_id, portfolio_id, debtor_id, external_id, document_kind, original_amount_cents, due_date, relationship, correction_index, fine_rate, interest_rate)
       select p.tenant_id, p.creditor_id, p.id, d.id, 'B' || d.document, 'contract', 5000 + (d.document::bigint * 7919) % 200000, date '2026-11-13', 'consumer', 'ipca', '0.02', '0.01'
       from debtors d cross join portfolios p`,
    );
    await sql.query(`insert into message_templates (tenant_id, key, channel, body) select id, 'email', 'email', $1 from tenants`, [BODY]);
    await sql.query(`insert into schedules (tenant_id, creditor_id, portfolio_id, name) select tenant_id, creditor_id, id, 'E-mail' from portfolios`);
    await sql.query(
      `insert into schedule_versions (tenant_id, schedule_id, creditor_id, version, steps, stop_conditions) select tenant_id, id, creditor_id, 1, $1::jsonb, '{paid}' from schedules`,
      [JSON.stringify([{ id: 'd10-email', offsetDays: 10, anchor: 'due_date', stage: 'alerta', action: 'email', template: 'email' }])],
    );
    await sql.query('analyze');
  });
}

const sink = spawn(process.execPath, ['bench/dispatch/smtp-sink.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: sink.stdout! })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse((await lines.next()).value as string);
const { port } = (await nextLine()) as { port: number };
const counts = async (reset = false) => {
  sink.stdin!.write(reset ? 'reset\n' : 'count\n');
  return (await nextLine()) as { messages: number; distinct: number };
};
const url = `smtp://127.0.0.1:${port}`;

// The physical limit: ready-made messages through the same client and pool, no database.
const transport = nodemailer.createTransport({ url, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
const text = 'Olá, Pessoa.\nValor original: R$ 1.234,56\nCorreção monetária: R$ 12,34\nJuros de mora: R$ 12,34\nMulta: R$ 24,69\nTotal em 23/11/2026: R$ 1.283,93\nCredor: Credor Bench Ltda, CNPJ 11.222.333/0001-81, Avenida Paulista, 1000, São Paulo/SP, CEP 01310-100.\nNegocie em http://localhost:3000/portal.\nAssessoria Bench';
let rawSeconds = Infinity;
if (!args.has('skip-raw')) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS * 4 }, async () => {
      while (next < N) {
        const i = next++;
        await transport.sendMail({ from: 'cobranca@bench.test', to: `p${i}@bench.test`, subject: 'Débito em atraso — Credor Bench', text, messageId: `<raw-${i}@recupera>` });
      }
    }),
  );
  rawSeconds = (performance.now() - started) / 1000;
  transport.close();
}
const raw = await counts();
await counts(true);

const db = await openDatabase();
let started = performance.now();
await seed(db);
const run = await runDaily(db, { asOf: '2026-11-23' });
process.stderr.write(`seed and daily run (${run.newActions} actions): ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

let peak = 0;
let summary: DispatchSummary;
started = performance.now();
if (BACKEND === 'pglite') {
  const channel = smtpChannel({ url, from: 'Cobrança <cobranca@bench.test>', connections: CONNECTIONS });
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(process.pid))), 50);
  summary = await dispatchDue(db, { now: NOW, channels: [channel], publicUrl: 'http://localhost:3000', batchSize: BATCH });
  clearInterval(sampler);
  channel.close();
} else {
  const runs = await Promise.all(
    Array.from({ length: WORKERS }, () => runSampled(['bench/dispatch/worker.ts', databaseUrl, url, NOW.toISOString(), String(CONNECTIONS), String(BATCH)], {})),
  );
  peak = Math.max(...runs.map((r) => r.peakMB)) * 1024;
  const parts = runs.map((r) => JSON.parse(r.stdout) as DispatchSummary);
  summary = { sent: 0, failed: 0, retrying: 0, unknown: 0, deferred: 0, blocked: 0, stopped: 0 };
  for (const part of parts) for (const key of Object.keys(summary) as Array<keyof DispatchSummary>) summary[key] += part[key];
}
const dispatchSeconds = (performance.now() - started) / 1000;
const received = await counts();
const stored = await db.system(async ({ sql }) => (await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from deliveries group by 1`)).rows);
await db.close();
sink.stdin!.end();

const result = {
  backend: BACKEND, emails: N, workers: BACKEND === 'pglite' ? 1 : WORKERS, connections: CONNECTIONS, batch: BATCH,
  raw: { seconds: rawSeconds, perSecond: N / rawSeconds, received: raw },
  dispatch: { seconds: dispatchSeconds, perSecond: summary.sent / dispatchSeconds, summary, received, deliveries: stored, peakMB: peak / 1024 },
};
fs.mkdirSync('bench/.out', { recursive: true });
fs.writeFileSync(`bench/.out/dispatch-${BACKEND}-${N}.json`, JSON.stringify(result, null, 2));
console.log(`e-mails ${N.toLocaleString('en-US')} (${BACKEND}, ${result.workers} dispatcher process(es) with ${CONNECTIONS} SMTP connections each, batches of ${BATCH})`);
console.log(`physical limit, ready-made messages straight to SMTP: ${rawSeconds.toFixed(2)} s = ${Math.round(N / rawSeconds).toLocaleString('en-US')} e-mails/s (${raw.distinct} distinct received)`);
console.log(
  `dispatch (guard, balance, rendering, delivery rows, SMTP, outcomes, timeline): ${dispatchSeconds.toFixed(2)} s = ${Math.round(summary.sent / dispatchSeconds).toLocaleString('en-US')} e-mails/s ` +
    `(${(dispatchSeconds / rawSeconds).toFixed(2)}× the limit's time), ${received.distinct} distinct of ${received.messages} received, peak ${(peak / 1024).toFixed(0)} MB per dispatcher`,
);
if (received.distinct !== N || received.messages !== N) throw new Error(`expected ${N} distinct messages, got ${JSON.stringify(received)}`);
