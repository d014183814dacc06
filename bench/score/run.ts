import fs from 'node:fs';
import { recreateDatabase, seedBenchAgency } from '../support.ts';
import { FEATURE_COLUMNS } from '../../src/domain/scoring/features.ts';
import { SeededRandom } from '../../src/domain/random.ts';
import { createDataset, logisticLinear, trainModel, type DataRow } from '../../src/domain/scoring/model/index.ts';
import { runScoring } from '../../src/features/scoring/score-run.ts';
import { distributeCases } from '../../src/features/workspace/distribution.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';

/**
 * Score benchmark (issue 7), on PostgreSQL:
 *  1. scoring N debtors (1.5 debts each, a mobile and an e-mail each, a payment history for a
 *     tenth) as the daily run does it — first run (every row written), second run (nothing
 *     changed) — against the physical limit measured in the same run: one grouped scan of the same
 *     debts and contacts (what any per-debtor score must read at least);
 *  2. training on R synthetic rows of the score's 16 features (logistic regression, GBM), against
 *     one pass of the logistic predictor over the same matrix.
 * Usage: node bench/score/run.ts [--debtors 1000000] [--rows 100000] [--chunk 5000]
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const DEBTORS = Number(args.get('debtors') ?? 1_000_000);
const ROWS = Number(args.get('rows') ?? 100_000);
const CHUNK = Number(args.get('chunk') ?? 5_000);
const AS_OF = '2026-11-23';
const secs = (t: number) => (performance.now() - t) / 1000;

const db = new PostgresDatabase(await recreateDatabase('recupera_bench_score'));
await migrate(db);
let t = performance.now();
const tenantId = await db.system(async ({ sql }) => {
  await seedBenchAgency(sql);
  await sql.query(
    `insert into debtors (tenant_id, kind, document, name, search_name, uf, city)
     select t.id, case when i % 10 = 0 then 'pj' else 'pf' end, lpad(i::text, 11, '0'), 'Pessoa ' || i, 'pessoa ' || i, (array['SP','RJ','MG','BA','PR'])[1 + i % 5], 'Cidade'
     from tenants t, generate_series(1, $1) i`,
    [DEBTORS],
  );
  await sql.query(`insert into contact_points (tenant_id, debtor_id, channel, value, source) select tenant_id, id, 'email', 'p' || document || '@bench.test', 'bench' from debtors`);
  await sql.query(`insert into contact_points (tenant_id, debtor_id, channel, value, phone_kind, source) select tenant_id, id, 'phone', '+55119' || right(document, 8), 'mobile', 'bench' from debtors`);
  await sql.query(
    `with d as (select id, row_number() over (order by id) as n from debtors), p as (select tenant_id, creditor_id, id from portfolios limit 1)
     insert into debts (tenant_id, creditor_id, portfolio_id, debtor_id, external_id, document_kind, original_amount_cents, due_date, relationship, status)
     select p.tenant_id, p.creditor_id, p.id, d.id, 'S' || i, 'contract', 5000 + (i::bigint * 7919) % 2000000,
            date '${AS_OF}' - ((i::bigint * 104729) % 900)::int, 'consumer', case when i % 7 = 0 then 'paid' else 'open' end
     from generate_series(1, ($1 * 3) / 2) i join d on d.n = 1 + (i::bigint * 7) % $1 cross join p`,
    [DEBTORS],
  );
  await sql.query(
    `insert into payments (tenant_id, debtor_id, creditor_id, debt_id, amount_cents, applied_cents, paid_on, method, source, external_id)
     select d.tenant_id, d.debtor_id, d.creditor_id, d.id, 1000, 1000, date '${AS_OF}' - (d.original_amount_cents % 300)::int, 'pix', 'api', 'h' || d.external_id
     from debts d where d.status = 'paid' and d.original_amount_cents % 10 < 7`,
  );
  await sql.query('analyze');
  return (await sql.query<{ id: string }>('select id from tenants')).rows[0]!.id;
});
const seedSeconds = secs(t);

// The limit: one grouped pass over the debts and one over the contacts, materialized (best of 3).
let limit = Infinity;
for (let i = 0; i < 3; i++) {
  t = performance.now();
  await db.system(async ({ sql }) => {
    await sql.query(`create temp table lim_d as select debtor_id, count(*) filter (where status = 'open') as open, sum(original_amount_cents) as amount, min(due_date) as oldest from debts group by debtor_id`);
    await sql.query(`create temp table lim_c as select debtor_id, count(*) filter (where channel = 'phone') as phones, count(*) filter (where channel = 'email') as emails from contact_points group by debtor_id`);
    await sql.query('drop table lim_d; drop table lim_c');
  });
  limit = Math.min(limit, secs(t));
}

t = performance.now();
const first = await runScoring(db, AS_OF, { chunkSize: CHUNK, tenantIds: [tenantId] });
const firstSeconds = secs(t);
t = performance.now();
const second = await runScoring(db, AS_OF, { chunkSize: CHUNK, tenantIds: [tenantId] });
const secondSeconds = secs(t);
await db.system(async ({ sql }) => {
  await sql.query(`insert into users (tenant_id, email, name, role, password_hash) select id, 'op' || g || '@bench.test', 'Operador ' || g, 'collector', 'x' from tenants, generate_series(1, 50) g`);
});
t = performance.now();
const distribution = await distributeCases(db, tenantId, AS_OF, { strategy: 'balanced' });
const distributionSeconds = secs(t);
await db.close();

// Training: synthetic rows of the 16 features with a known logistic truth plus an interaction.
const random = new SeededRandom('bench-score');
const rows: DataRow[] = [];
for (let i = 0; i < ROWS; i++) {
  const row = {} as Record<(typeof FEATURE_COLUMNS)[number] | 'pagou', number>;
  for (const c of FEATURE_COLUMNS) row[c] = Math.floor(random.next() * 10);
  row.dias_atraso_max = Math.floor(random.next() * 720);
  row.valor_aberto_reais = Math.round(random.next() * 20_000);
  const z = 1.2 - row.dias_atraso_max / 200 + 0.15 * row.titulos_pagos - 0.3 * row.acordos_quebrados + (row.celulares_validos > 5 && row.emails_validos > 5 ? 0.8 : 0);
  row.pagou = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  rows.push(row);
}
const dataset = createDataset(rows, { outcome: 'pagou' });
const timed = (kind: 'logistic' | 'gbm') => {
  const t0 = performance.now();
  const { report } = trainModel(dataset, { kind, holdout: 0.3, seed: 'bench' });
  return { seconds: secs(t0), auc: report.auc };
};
const logistic = timed('logistic');
const gbm = timed('gbm');
// one pass of a linear predictor over the encoded rows: the least any training must do
const width = FEATURE_COLUMNS.length;
const matrix = new Float64Array(ROWS * width);
rows.forEach((r, i) => FEATURE_COLUMNS.forEach((c, j) => (matrix[i * width + j] = r[c] as number)));
t = performance.now();
let sink = 0;
for (let i = 0; i < ROWS; i++) sink += logisticLinear({ intercept: 0, weights: new Array<number>(width).fill(0.01) }, matrix, i * width);
const pass = secs(t);

const result = {
  debtors: DEBTORS, chunk: CHUNK, seedSeconds, limitSeconds: limit,
  scoring: { firstSeconds, secondSeconds, perSecond: Math.round(first.scored / firstSeconds), first, second },
  distribution: { seconds: distributionSeconds, ...distribution },
  training: { rows: ROWS, logistic, gbm, onePassSeconds: pass, sink },
};
fs.mkdirSync('bench/.out', { recursive: true });
fs.writeFileSync(`bench/.out/score-${DEBTORS}.json`, JSON.stringify(result, null, 2));
console.log(`debtors ${DEBTORS.toLocaleString('en-US')} (seed ${seedSeconds.toFixed(1)} s); limit: grouped scan of debts and contacts ${limit.toFixed(2)} s`);
console.log(`scoring, first run: ${firstSeconds.toFixed(1)} s = ${result.scoring.perSecond.toLocaleString('en-US')} debtors/s = ${(firstSeconds / limit).toFixed(1)}× the scan (read ${first.timings.read} ms, score ${first.timings.score} ms, write ${first.timings.write} ms); ${first.scored} scored`);
console.log(`scoring, nothing changed: ${secondSeconds.toFixed(1)} s = ${(secondSeconds / limit).toFixed(1)}× the scan; ${second.changed} rows written`);
console.log(`distribution of ${distribution?.assigned} cases to 50 collectors (balanced): ${distributionSeconds.toFixed(1)} s`);
console.log(`training on ${ROWS.toLocaleString('en-US')} rows: logistic ${logistic.seconds.toFixed(2)} s (AUC ${logistic.auc.toFixed(3)}), GBM ${gbm.seconds.toFixed(2)} s (AUC ${gbm.auc.toFixed(3)}); one predictor pass ${(pass * 1000).toFixed(1)} ms`);
