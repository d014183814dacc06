import { Readable } from 'node:stream';
import type { IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import { runImport, type ImportReport } from '../imports/run-import.ts';
import { insertUser } from '../users/users.ts';
import { runScoring } from '../scoring/score-run.ts';
import { distributeCases } from '../workspace/distribution.ts';
import { seedDemoDunning } from './demo-dunning.ts';
import { seedDemoWorkspace } from './demo-workspace.ts';
import { generateDemo } from './generate-demo.ts';

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

  const imports: ImportReport[] = [];
  for (const creditor of Object.values(setup.creditors)) {
    for (const portfolio of creditor.portfolios) {
      options.onProgress?.(`importando ${portfolio.name}…`);
      imports.push(
        await runImport({
          db,
          scope: { tenantId: setup.tenantId },
          creditorId: creditor.id,
          portfolioId: portfolio.id,
          fileName: `demo-${portfolio.name.toLowerCase().replace(/\W+/g, '-')}.csv`,
          input: Readable.from([Buffer.from(portfolio.csv, 'utf8')]),
          asOf: options.asOf,
          via: 'demo',
        }),
      );
    }
  }
  // Scores, segments and collectors from day one: the demo's cases are in queues before the first daily run.
  options.onProgress?.('pontuando e distribuindo os casos…');
  await runScoring(db, options.asOf, { tenantIds: [setup.tenantId] });
  await distributeCases(db, setup.tenantId, options.asOf);
  return { tenantId: setup.tenantId, created: true, imports, users: plan.users.map((u) => u.email), password: plan.password };
}
