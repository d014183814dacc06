import { formatDocument } from '../../brazil/documents.ts';
import { z, zCep, zDocument, zUf, cepMatchesUf } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Kysely } from 'kysely';
import { normalizeDocument } from '../../brazil/documents.ts';
import { isUuid, type Database } from '../../store/database.ts';
import type { Creditor, Schema } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { addressLine } from '../debtors/normalize-contact.ts';

/** The identification every collection message carries (CDC art. 42-A): legal name, document, address. */
const creditorFields = z
  .object({
    legalName: z.string().trim().min(2).max(200),
    tradeName: z.string().trim().max(200).nullish(),
    document: zDocument.meta({ example: '11.222.333/0001-81' }),
    businessKind: z.enum(['consumer', 'b2b']).describe('consumer: sells to consumers (CDC applies); b2b: sells to companies'),
    street: z.string().trim().min(2).max(200),
    number: z.string().trim().min(1).max(20),
    complement: z.string().trim().max(100).nullish(),
    district: z.string().trim().max(100).nullish(),
    city: z.string().trim().min(2).max(100),
    uf: zUf.meta({ example: 'SP' }),
    cep: zCep.meta({ example: '01310-100' }),
    email: z.email().nullish(),
    phone: z.string().trim().max(30).nullish(),
    website: z.url().nullish(),
  });

export const creditorInput = creditorFields.refine(cepMatchesUf, { message: 'CEP não pertence à UF informada', path: ['cep'] });

export type CreditorInput = z.infer<typeof creditorInput>;

export const creditorPatch = creditorFields.partial();

export const creditorOutput = z.object({
  id: z.uuid(),
  legalName: z.string(),
  tradeName: z.string().nullable(),
  document: z.string(),
  documentFormatted: z.string(),
  documentKind: z.enum(['cpf', 'cnpj']),
  businessKind: z.enum(['consumer', 'b2b']),
  address: z.object({
    street: z.string(),
    number: z.string(),
    complement: z.string().nullable(),
    district: z.string().nullable(),
    city: z.string(),
    uf: z.string(),
    cep: z.string(),
  }),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  website: z.string().nullable(),
  createdAt: z.date(),
});

/** The creditor's address in one line, as every message and document identifies it (CDC art. 42-A). */
export function creditorAddress(row: Pick<Creditor, 'street' | 'number' | 'complement' | 'district' | 'city' | 'uf' | 'cep'>): string {
  return addressLine({ street: row.street, number: row.number, complement: row.complement, district: row.district, city: row.city, uf: row.uf, cep: row.cep });
}

export function toCreditorOutput(row: Creditor): z.infer<typeof creditorOutput> {
  return {
    id: row.id,
    legalName: row.legal_name,
    tradeName: row.trade_name,
    document: row.document,
    documentFormatted: formatDocument(row.document),
    documentKind: row.document_kind,
    businessKind: row.business_kind,
    address: { street: row.street, number: row.number, complement: row.complement, district: row.district, city: row.city, uf: row.uf, cep: row.cep },
    email: row.email,
    phone: row.phone,
    website: row.website,
    createdAt: row.created_at,
  };
}

function toColumns(input: Partial<CreditorInput>) {
  const columns = {
    legal_name: input.legalName,
    trade_name: input.tradeName,
    document: input.document,
    document_kind: input.document === undefined ? undefined : input.document.length === 11 ? ('cpf' as const) : ('cnpj' as const),
    business_kind: input.businessKind,
    street: input.street,
    number: input.number,
    complement: input.complement,
    district: input.district,
    city: input.city,
    uf: input.uf,
    cep: input.cep,
    email: input.email,
    phone: input.phone,
    website: input.website,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

function duplicateDocument(error: unknown): never {
  if ((error as { code?: string }).code === '23505') {
    throw new AppError('conflict', 'Já existe um credor com este CPF/CNPJ.', { field: 'document' });
  }
  throw error;
}

/**
 * The creditor a reference names — its id, or its CPF/CNPJ with or without punctuation — as a
 * query for the caller to pick columns from (the CLI, the ERP API and batch). Under RLS it finds
 * the tenant's own; without (the CLI), a document used in two agencies finds both.
 */
export function creditorByRef(q: Kysely<Schema>, ref: string) {
  return isUuid(ref) ? q.selectFrom('creditors').where('id', '=', ref) : q.selectFrom('creditors').where('document', '=', normalizeDocument(ref));
}

export async function listCreditors(db: Database, actor: Actor) {
  requirePermission(actor, 'creditors.read');
  return db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('creditors').selectAll().orderBy('legal_name').execute());
}

export async function getCreditor(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'creditors.read');
  const row = await db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('creditors').selectAll().where('id', '=', id).executeTakeFirst());
  if (!row) throw notFound('Credor');
  return row;
}

export async function createCreditor(db: Database, actor: Actor, input: CreditorInput) {
  requirePermission(actor, 'creditors.write');
  return db
    .scoped(scopeOf(actor), ({ db: q }) =>
      q
        .insertInto('creditors')
        .values({ tenant_id: actor.tenantId, ...(toColumns(input) as Required<ReturnType<typeof toColumns>>) } as never)
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    .catch(duplicateDocument);
}

export async function updateCreditor(db: Database, actor: Actor, id: string, patch: Partial<CreditorInput>) {
  requirePermission(actor, 'creditors.write');
  const row = await db
    .scoped(scopeOf(actor), async ({ db: q }) => {
      const current = await q.selectFrom('creditors').select(['cep', 'uf']).where('id', '=', id).executeTakeFirst();
      if (!current) return undefined;
      if (!cepMatchesUf({ cep: patch.cep ?? current.cep, uf: patch.uf ?? current.uf })) {
        throw new AppError('validation', 'CEP não pertence à UF informada', { field: 'cep' });
      }
      return q
        .updateTable('creditors')
        .set({ ...toColumns(patch), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    })
    .catch(duplicateDocument);
  if (!row) throw notFound('Credor');
  return row;
}
