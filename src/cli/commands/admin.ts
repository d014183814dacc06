import { randomBytes } from 'node:crypto';
import { seedDemo } from '../../features/demo/seed-demo.ts';
import { insertUser, userInput } from '../../features/users/users.ts';
import { AppError } from '../../shared/errors.ts';
import { migrate } from '../../store/migrate.ts';
import { today, withDatabase } from '../context.ts';
import { printJson } from '../output.ts';
import { loadConfig } from '../../shared/config.ts';
import { openDatabase } from '../../store/open-database.ts';

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config, 'recupera migrate');
  try {
    const applied = await migrate(db);
    process.stdout.write(applied.length ? `migrações aplicadas: ${applied.join(', ')}\n` : 'banco já está na versão mais recente\n');
  } finally {
    await db.close();
  }
}

export async function seedDemoCommand(options: { asOf?: string; seed?: string }): Promise<void> {
  await withDatabase('seed-demo', async (db) => {
    const result = await seedDemo(db, {
      asOf: options.asOf ?? today(),
      ...(options.seed ? { seed: options.seed } : {}),
      onProgress: (m) => process.stderr.write(`${m}\n`),
    });
    if (!result.created) {
      process.stdout.write('A assessoria de demonstração já existe; nada foi alterado.\n');
      return;
    }
    const debts = result.imports.reduce((s, i) => s + i.createdRows, 0);
    const debtors = result.imports.reduce((s, i) => s + i.debtorsCreated, 0);
    process.stdout.write(`Demonstração criada: ${debtors} devedores, ${debts} títulos.\nUsuários (senha ${result.password}):\n`);
    for (const u of result.users) process.stdout.write(`  ${u}\n`);
  });
}

export async function createTenantCommand(options: { slug: string; name: string }): Promise<void> {
  await withDatabase('tenants create', async (db) => {
    const row = await db
      .system(({ db: q }) => q.insertInto('tenants').values({ slug: options.slug, name: options.name }).returningAll().executeTakeFirstOrThrow())
      .catch((error: { code?: string }) => {
        if (error.code === '23505') throw new AppError('conflict', `Já existe uma assessoria com o identificador ${options.slug}.`);
        if (error.code === '23514') throw new AppError('validation', 'O identificador deve ter letras minúsculas, números e hífens.', { field: 'slug' });
        throw error;
      });
    printJson({ id: row.id, slug: row.slug, name: row.name });
  });
}

export async function createUserCommand(options: { tenant: string; email: string; name: string; role: string; creditor?: string; password?: string }): Promise<void> {
  const generated = !options.password && !process.env.RECUPERA_PASSWORD;
  const password = options.password ?? process.env.RECUPERA_PASSWORD ?? randomBytes(12).toString('base64url');
  const parsed = userInput.safeParse({ email: options.email, name: options.name, role: options.role, creditorId: options.creditor ?? null, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('validation', `${issue.path.join('.') || 'dados'}: ${issue.message}`, { field: String(issue.path[0] ?? '') });
  }
  await withDatabase('users create', async (db) => {
    const tenant = await db.system(({ db: q }) => q.selectFrom('tenants').select('id').where('slug', '=', options.tenant).executeTakeFirst());
    if (!tenant) throw new AppError('not_found', `Assessoria ${options.tenant} não encontrada; crie com: npx recupera tenants create`);
    const user = await db.scoped({ tenantId: tenant.id }, (tx) => insertUser(tx, tenant.id, parsed.data));
    printJson({ id: user.id, email: user.email, role: user.role, ...(generated ? { password } : {}) });
    if (generated) process.stderr.write('Senha gerada acima: guarde-a agora, ela não é armazenada em texto.\n');
  });
}

export async function listCreditorsCommand(): Promise<void> {
  await withDatabase('creditors list', async (db) => {
    const rows = await db.system(({ db: q }) =>
      q
        .selectFrom('creditors as c')
        .innerJoin('tenants as t', 't.id', 'c.tenant_id')
        .leftJoin('portfolios as p', 'p.creditor_id', 'c.id')
        .select(['t.slug as tenant', 'c.id as creditorId', 'c.legal_name as creditor', 'c.document', 'p.id as portfolioId', 'p.name as portfolio'])
        .orderBy('t.slug')
        .orderBy('c.legal_name')
        .orderBy('p.name')
        .execute(),
    );
    printJson(rows);
  });
}
