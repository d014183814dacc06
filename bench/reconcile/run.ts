import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRetorno240, parseCnabReturn } from '../../src/brazil/cnab/index.ts';
import { importReturnFile } from '../../src/features/payments/payment-files.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import type { Database } from '../../src/store/database.ts';
import { recreateDatabase, seedBenchAgency } from '../support.ts';

/**
 * Reconciliation benchmark (issue 6 names no goal; a bank's daily return for a large agency is
 * tens of thousands of payments). N active agreements with an open installment and its boleto;
 * the bank's CNAB 240 return paying every one. Measured in the same run:
 *   - parsing the file alone (the CPU floor);
 *   - the physical limit of the writes: the same payments, installment and charge updates done
 *     set-based in three SQL statements (then rolled back);
 *   - `importReturnFile`: parse, match by nosso número, apply each payment to its installment
 *     under the agreement's lock, charges, timeline — one transaction — and then the same file
 *     again (recognised by its hash: nothing written).
 * Usage: node bench/reconcile/run.ts [--payments 20000] [--backend postgres|pglite]
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const N = Number(args.get('payments') ?? 20_000);
const BACKEND = args.get('backend') ?? 'postgres';
const DUE = '2026-11-20';
const PAID = '2026-11-23';

async function openDatabase(): Promise<Database> {
  if (BACKEND === 'pglite') {
    const dir = path.join(os.tmpdir(), 'recupera-bench-reconcile');
    fs.rmSync(dir, { recursive: true, force: true });
    return PgliteDatabase.open(path.join(dir, 'pglite'), { command: 'bench' });
  }
  return new PostgresDatabase(await recreateDatabase('recupera_bench_reconcile'));
}

const db = await openDatabase();
await migrate(db);
const seedStarted = performance.now();
const tenantId = await db.system(async ({ sql }) => {
  await seedBenchAgency(sql);
  await sql.query(
    `insert into debtors (tenant_id, kind, document, name, search_name, uf, city)
     select t.id, 'pf', lpad(i::text, 11, '0'), 'Pessoa Bench ' || i, 'pessoa bench ' || i, 'SP', 'São Paulo' from tenants t, generate_series(1, $1) i`,
    [N],
  );
  await sql.query(
    `insert into debts (tenant_id, creditor_id, portfolio_id, debtor_id, external_id, document_kind, original_amount_cents, due_date, relationship, status)
     select p.tenant_id, p.creditor_id, p.id, d.id, 'B' || d.document, 'contract', 30000, date '2026-06-10', 'consumer', 'in_agreement' from debtors d cross join portfolios p`,
  );
  await sql.query(
    `insert into agreements (tenant_id, creditor_id, portfolio_id, debtor_id, status, as_of, valid_until, terms, balance_cents, discount_cents, total_cents, installment_count, grace_days, payment_method, within_policy, approval_status, activated_at)
     select tenant_id, creditor_id, portfolio_id, debtor_id, 'active', date '2026-10-20', date '2026-10-25', '{}'::jsonb, 30000, 0, 30000, 2, 5, 'boleto', true, 'not_needed', now() from debts`,
  );
  await sql.query(`insert into agreement_debts (tenant_id, agreement_id, debt_id, balance_cents, discount_cents, binding) select a.tenant_id, a.id, d.id, 30000, 0, true from agreements a join debts d on d.debtor_id = a.debtor_id`);
  // installment 0 paid at acceptance; installment 1 open, due DUE; installment 2 open next month
  await sql.query(
    `insert into installments (tenant_id, agreement_id, debtor_id, creditor_id, number, due_date, amount_cents, paid_cents, status, paid_on, payment_method)
     select tenant_id, id, debtor_id, creditor_id, n, (date '${DUE}' + (n - 1) * 30), 10000, case when n = 0 then 10000 else 0 end, case when n = 0 then 'paid' else 'open' end,
            case when n = 0 then date '2026-10-20' end, 'boleto'
       from agreements, generate_series(0, 2) n`,
  );
  await sql.query(
    `insert into collection_accounts (tenant_id, creditor_id, name, bank_code, agency, account, account_digit, wallet, next_sequence)
     select tenant_id, id, 'Itaú', '341', '1234', '12345', '7', '109', $1 + 1 from creditors`,
    [N],
  );
  await sql.query(
    `insert into charges (tenant_id, creditor_id, debtor_id, account_id, installment_id, kind, amount_cents, due_date, nosso_numero, nosso_numero_digit, nosso_numero_key, barcode, line, registration)
     select i.tenant_id, i.creditor_id, i.debtor_id, a.id, i.id, 'boleto', i.amount_cents, i.due_date, lpad(row_number() over (order by i.id)::text, 8, '0'), '0',
            (row_number() over (order by i.id))::text, repeat('0', 44), repeat('0', 47), 'registered'
       from installments i cross join collection_accounts a where i.number = 1`,
  );
  await sql.query('analyze');
  return (await sql.query<{ id: string }>('select id from tenants')).rows[0]!.id;
});
const seedSeconds = (performance.now() - seedStarted) / 1000;

const numbers = await db.system(async ({ sql }) => (await sql.query<{ nosso_numero: string }>(`select nosso_numero from charges order by nosso_numero`)).rows.map((r) => r.nosso_numero));
const file = buildRetorno240({
  account: { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' },
  beneficiary: { name: 'Credor Bench Ltda', document: '11222333000181' },
  generatedOn: PAID,
  fileSequence: 1,
  payments: numbers.map((nossoNumero) => ({ nossoNumero, faceValue: 10_000, amountPaid: 10_000, fees: 180, paymentDate: PAID, creditDate: PAID })),
});
const content = Buffer.from(file, 'latin1');

let t = performance.now();
const parsed = parseCnabReturn(content);
const parseSeconds = (performance.now() - t) / 1000;
if (parsed.details.length !== N) throw new Error(`parsed ${parsed.details.length} details, expected ${N}`);

// The writes, set-based: what the reconciliation must at least do to the same rows.
t = performance.now();
await db.system(async ({ sql }) => {
  await sql.query('begin');
  await sql.query(
    `insert into payments (tenant_id, debtor_id, creditor_id, agreement_id, installment_id, amount_cents, applied_cents, paid_on, method, source, external_id)
     select c.tenant_id, c.debtor_id, c.creditor_id, i.agreement_id, i.id, c.amount_cents, c.amount_cents, date '${PAID}', 'boleto', 'cnab', 'raw:' || c.nosso_numero
       from charges c join installments i on i.id = c.installment_id`,
  );
  await sql.query(`update installments set paid_cents = amount_cents, status = 'paid', paid_on = date '${PAID}' where number = 1`);
  await sql.query(`update charges set paid_cents = amount_cents, status = 'paid', paid_on = date '${PAID}'`);
  await sql.query('rollback');
});
const rawSeconds = (performance.now() - t) / 1000;

t = performance.now();
const summary = await importReturnFile(db, { tenantId }, null, { fileName: 'bench.ret', content });
const importSeconds = (performance.now() - t) / 1000;
t = performance.now();
const again = await importReturnFile(db, { tenantId }, null, { fileName: 'bench-again.ret', content });
const againSeconds = (performance.now() - t) / 1000;
const check = await db.system(async ({ sql }) => (await sql.query<{ payments: number; paid: number }>(
  `select (select count(*)::int from payments where source = 'cnab') as payments, (select count(*)::int from installments where number = 1 and status = 'paid') as paid`)).rows[0]!);
if (summary.applied !== N || check.payments !== N || check.paid !== N || !again.replayed) throw new Error(`check failed: ${JSON.stringify({ applied: summary.applied, ...check, replayed: again.replayed })}`);

const rate = (seconds: number) => Math.round(N / seconds).toLocaleString('en-US');
console.log(`payments ${N.toLocaleString('en-US')} in one CNAB 240 return (${BACKEND}; seed ${seedSeconds.toFixed(1)} s, file ${(content.length / 1048576).toFixed(1)} MB)`);
console.log(`parse only:                          ${parseSeconds.toFixed(2)} s = ${rate(parseSeconds)} payments/s`);
console.log(`physical limit, set-based writes:    ${rawSeconds.toFixed(2)} s = ${rate(rawSeconds)} payments/s`);
console.log(`importReturnFile (match + apply):    ${importSeconds.toFixed(2)} s = ${rate(importSeconds)} payments/s  (${(rawSeconds / importSeconds * 100).toFixed(1)}% of the set-based limit)`);
console.log(`the same file again (replay):        ${againSeconds.toFixed(2)} s, nothing written`);
console.log(`checked: ${check.payments} payments recorded once, ${check.paid} installments paid`);
await db.close();
