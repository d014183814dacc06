import { Readable } from 'node:stream';
import { instantAt } from '../../domain/compliance/local-time.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import { seedShippedSeries } from '../indices/shipped-series.ts';
import { runImport, type ImportReport } from '../imports/run-import.ts';
import { insertUser } from '../users/users.ts';
import { runScoring } from '../scoring/score-run.ts';
import { distributeCases } from '../workspace/distribution.ts';
import { seedDemoRemittance } from '../remittance/demo-remittance.ts';
import { seedDemoDunning } from './demo-dunning.ts';
import { seedDemoWorkspace } from './demo-workspace.ts';
import { seedDemoHistory } from './demo-history.ts';
import { placementDays, splitByPlacement } from './demo-placement.ts';
import { DEMO_SEED, generateDemo } from './generate-demo.ts';

export interface SeedResult {
  tenantId: string;
  created: boolean;
  imports: ImportReport[];
  users: string[];
  password: string;
}

/** Creates the demo agency once (nothing happens when the tenant "demo" exists), loading its files through the importer. */
const DEMO_ACCOUNTS = [
  { name: 'Itaú — cobrança', bank_code: '341' as const, agency: '0057', agency_digit: null, account: '12345', account_digit: '7', wallet: '109', agreement: null },
  { name: 'Banco do Brasil — cobrança', bank_code: '001' as const, agency: '1234', agency_digit: '3', account: '123456', account_digit: '7', wallet: '17', agreement: '1234567' },
];

export async function seedDemo(db: Database, options: { asOf: IsoDate; seed?: string; onProgress?: (message: string) => void }): Promise<SeedResult> {
  const plan = generateDemo(options);
  const existing = await db.system(({ db: q }) => q.selectFrom('tenants').select('id').where('slug', '=', plan.tenant.slug).executeTakeFirst());
  if (existing) return { tenantId: existing.id, created: false, imports: [], users: [], password: plan.password };

  const setup = await db.system(async (tx) => {
    const tenant = await tx.db.insertInto('tenants').values(plan.tenant).returning('id').executeTakeFirstOrThrow();
    const creditors: Record<string, { id: string; portfolios: Array<{ id: string; name: string; csv: string }> }> = {};
    for (const creditor of plan.creditors) {
      const c = creditor.input;
      const row = await tx.db
        .insertInto('creditors')
        .values({
          tenant_id: tenant.id, legal_name: c.legalName, trade_name: c.tradeName ?? null, document: c.document, document_kind: 'cnpj',
          business_kind: c.businessKind, street: c.street, number: c.number, complement: c.complement ?? null, district: c.district ?? null,
          city: c.city, uf: c.uf, cep: c.cep, email: c.email ?? null, phone: c.phone ?? null, website: c.website ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const portfolios = [];
      for (const p of creditor.portfolios) {
        const pr = await tx.db
          .insertInto('portfolios')
          .values({ tenant_id: tenant.id, creditor_id: row.id, name: p.name, description: p.description })
          .returning('id')
          .executeTakeFirstOrThrow();
        portfolios.push({ id: pr.id, name: p.name, csv: p.csv });
      }
      creditors[creditor.key] = { id: row.id, portfolios };
      // Where the creditor receives: boletos and PIX of the demo agreements (fictitious bank data).
      const account = DEMO_ACCOUNTS[Object.keys(creditors).length - 1]!;
      await tx.db.insertInto('collection_accounts').values({ tenant_id: tenant.id, creditor_id: row.id, ...account, pix_key: c.document, webhook_token_sha256: null }).execute();
    }
    for (const user of plan.users) {
      await insertUser(tx, tenant.id, {
        email: user.email, name: user.name, role: user.role, password: plan.password,
        creditorId: user.creditorKey ? creditors[user.creditorKey]!.id : null,
      });
    }
    await seedDemoWorkspace(tx, tenant.id, plan.users);
    await seedDemoDunning(tx, tenant.id, Object.values(creditors).flatMap((c) => c.portfolios.map((p) => ({ id: p.id, creditorId: c.id }))));
    return { tenantId: tenant.id, creditors };
  });

  // The creditors' files, batch by batch (remessas), oldest first; each import and its debts are then
  // dated on the batch's day, so the demo has a past (docs/dashboard.md, "A demonstração").
  const days = placementDays(options.asOf);
  const batches = Object.values(setup.creditors).flatMap((creditor) =>
    creditor.portfolios.flatMap((portfolio) => splitByPlacement(portfolio.csv, days, DUE_COLUMN).map((batch) => ({ creditor, portfolio, ...batch }))),
  );
  const imports: ImportReport[] = [];
  const placed: Array<{ importId: string; day: IsoDate }> = [];
  for (const day of days) {
    const mine = batches.filter((b) => b.day === day);
    if (mine.length) options.onProgress?.(`importando as remessas de ${formatDateBR(day)}…`);
    for (const batch of mine) {
      const report = await runImport({
        db,
        scope: { tenantId: setup.tenantId },
        creditorId: batch.creditor.id,
        portfolioId: batch.portfolio.id,
        fileName: `demo-${batch.portfolio.name.toLowerCase().replace(/\W+/g, '-')}-${day}.csv`,
        input: Readable.from([Buffer.from(batch.csv, 'utf8')]),
        asOf: options.asOf,
        via: 'demo',
      });
      imports.push(report);
      placed.push({ importId: report.importId, day });
    }
  }
  await datePlacements(db, setup.tenantId, placed);
  // Six months of collection before asOf: messages, calls, promises, agreements and payments.
  // (The history's balances need the index series: loaded as `recupera serve` does, when missing.)
  await seedShippedSeries(db);
  options.onProgress?.('gerando o histórico de cobrança…');
  await seedDemoHistory(db, setup.tenantId, { asOf: options.asOf, start: days[0]!, seed: `${options.seed ?? DEMO_SEED}:historico` });
  // Scores, segments and collectors from day one: the demo's cases are in queues before the first daily run.
  options.onProgress?.('pontuando e distribuindo os casos…');
  // Planner statistics after the bulk load (PGlite has no autovacuum): scoring's grouped passes run ten times faster with them.
  await db.system(({ sql }) => sql.exec('analyze'));
  await runScoring(db, options.asOf, { tenantIds: [setup.tenantId] });
  await distributeCases(db, setup.tenantId, options.asOf);
  // Commission rules and last month's statement per creditor (docs/remittance.md).
  await seedDemoRemittance(db, setup.tenantId, options.asOf, new Date());
  return { tenantId: setup.tenantId, created: true, imports, users: plan.users.map((u) => u.email), password: plan.password };
}

/** The column of the due date (vencimento) in the demo's CSV rows. */
const DUE_COLUMN = 19;

/**
 * Dates each batch's import, debts, debtors and contacts on the day the creditor placed them (09:00
 * in Brasília): the importer wrote them with the clock of the seed. A debtor and its contacts date
 * from its first debt. (The timeline's "debts.imported" events keep the seed's clock: events are
 * append-only.)
 */
async function datePlacements(db: Database, tenantId: string, placed: ReadonlyArray<{ importId: string; day: IsoDate }>): Promise<void> {
  const at = placed.map((p) => instantAt(p.day, 9 * 60, 'America/Sao_Paulo').toISOString());
  await db.scoped({ tenantId }, async ({ sql }) => {
    const ids = placed.map((p) => p.importId);
    await sql.query(
      `update imports i set started_at = x.at, finished_at = x.at + interval '40 seconds' from unnest($1::uuid[], $2::timestamptz[]) as x (id, at) where i.id = x.id`,
      [ids, at],
    );
    await sql.query(
      `update debts d set created_at = x.at, updated_at = x.at, status_changed_at = x.at from unnest($1::uuid[], $2::timestamptz[]) as x (id, at)
       where d.tenant_id = $3 and d.import_id = x.id`,
      [ids, at, tenantId],
    );
    await sql.query(
      `update debtors r set created_at = f.at, updated_at = f.at
       from (select debtor_id, min(created_at) as at from debts where tenant_id = $1 group by debtor_id) f where r.tenant_id = $1 and r.id = f.debtor_id`,
      [tenantId],
    );
    await sql.query(
      `update contact_points c set created_at = r.created_at, updated_at = r.created_at from debtors r where c.tenant_id = $1 and r.tenant_id = $1 and r.id = c.debtor_id`,
      [tenantId],
    );
  });
}
