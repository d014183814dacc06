import { Readable } from 'node:stream';
import { cnpjCheckDigits, cpfCheckDigits } from '../../src/brazil/documents.ts';
import type { Actor } from '../../src/features/auth/permissions.ts';
import { runImport, type ImportReport } from '../../src/features/imports/run-import.ts';
import { insertUser } from '../../src/features/users/users.ts';
import type { Database } from '../../src/store/database.ts';
import type { Role } from '../../src/store/schema.ts';

export const TEST_PASSWORD = 'senha-de-teste-123';
export const AS_OF = '2026-11-23';

let counter = 0;
/** A fresh valid CPF (or CNPJ) for each call, different across test files too. */
export function newCpf(): string {
  const body = String(100_000_000 + ((process.pid * 7919 + ++counter * 104_729) % 899_999_999)).slice(0, 9);
  return body + cpfCheckDigits(body);
}
export function newCnpj(): string {
  const body = String(10_000_000 + ((process.pid * 31 + ++counter * 7_919) % 89_999_999)).slice(0, 8) + '0001';
  return body + cnpjCheckDigits(body);
}

export function importFile(text: string): AsyncIterable<Uint8Array> {
  return Readable.from([Buffer.from(text)]);
}

export interface TenantFixture {
  tenantId: string;
  slug: string;
  creditors: Array<{ id: string; document: string; portfolioId: string; debtorDocuments: string[] }>;
  users: Record<Role, { id: string; email: string; actor: Actor }>;
  imports: ImportReport[];
}

/**
 * A tenant with two creditors (one portfolio each), three debtors per creditor (one shared by
 * both creditors), debts imported through the importer, and one user per role.
 */
export async function createTenant(db: Database, slug: string): Promise<TenantFixture> {
  const base = await db.system(async (tx) => {
    const tenant = await tx.db.insertInto('tenants').values({ slug, name: `Assessoria ${slug}` }).returning('id').executeTakeFirstOrThrow();
    const creditors = [];
    for (const [i, kind] of (['consumer', 'b2b'] as const).entries()) {
      const document = newCnpj();
      const c = await tx.db
        .insertInto('creditors')
        .values({
          tenant_id: tenant.id, legal_name: `Credor ${slug} ${i + 1} Ltda`, document, document_kind: 'cnpj', business_kind: kind,
          street: 'Avenida Paulista', number: '1000', city: 'São Paulo', uf: 'SP', cep: '01310100',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const p = await tx.db.insertInto('portfolios').values({ tenant_id: tenant.id, creditor_id: c.id, name: `Carteira ${i + 1}` }).returning('id').executeTakeFirstOrThrow();
      creditors.push({ id: c.id, document, portfolioId: p.id, debtorDocuments: [] as string[] });
    }
    return { tenantId: tenant.id, creditors };
  });
  const shared = newCpf();
  const nameOf = (doc: string) => `Pessoa ${slug} ${doc.slice(-4)}`;
  const imports: ImportReport[] = [];
  for (const [i, creditor] of base.creditors.entries()) {
    const documents = [shared, newCpf(), newCpf()];
    creditor.debtorDocuments = documents;
    const rows = documents.flatMap((doc, d) => [
      `${slug}-${i}-${d}-1;${doc};${nameOf(doc)};pessoa${d}.${slug}.${i}@exemplo.test;(11) 9${String(8000 + d * 10 + i).padStart(4, '0')}-${String(1000 + counter).slice(-4)};Rua A;${d + 1};São Paulo;SP;01310-100;100,00;10/01/2026`,
      `${slug}-${i}-${d}-2;${doc};${nameOf(doc)};;;;;;;;250,50;10/02/2026`,
    ]);
    imports.push(
      await runImport({
        db, scope: { tenantId: base.tenantId }, creditorId: creditor.id, portfolioId: creditor.portfolioId, fileName: `${slug}-${i}.csv`,
        // One invalid row, so every import has a row report to read.
        input: importFile(['id_titulo;cpf_cnpj;nome;email;telefone;logradouro;numero;cidade;uf;cep;valor;vencimento', ...rows, `${slug}-${i}-bad;123;Sem CPF;;;;;;;;1,00;10/01/2026`].join('\n') + '\n'),
        asOf: AS_OF, via: 'cli',
      }),
    );
  }
  const users = {} as TenantFixture['users'];
  await db.system(async (tx) => {
    for (const role of ['admin', 'supervisor', 'analyst', 'collector', 'creditor_viewer', 'auditor'] as const) {
      const email = `${role}@${slug}.test`;
      const creditorId = role === 'creditor_viewer' ? base.creditors[0]!.id : null;
      const user = await insertUser(tx, base.tenantId, { email, name: `${role} ${slug}`, role, creditorId, password: TEST_PASSWORD });
      users[role] = { id: user.id, email, actor: { userId: user.id, tenantId: base.tenantId, role, creditorId } };
    }
  });
  return { ...base, slug, users, imports };
}
