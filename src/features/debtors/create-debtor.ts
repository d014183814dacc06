import { z, zDocument, zIsoDate, zUf } from '../../api/zod.ts';
import { searchableText } from '../../domain/text.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { ContactPoint, Debtor } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type StaffActor } from '../auth/permissions.ts';
import { debtorNameProblem } from '../imports/validate-row.ts';
import { contactInput, contactValues } from './debtors.ts';
import { normalizeContact } from './normalize-contact.ts';
import { appendEvent } from './timeline.ts';

/**
 * A debtor entered by hand in the back office (the importer creates the rest). The same checks
 * as an import row: the CPF/CNPJ's check digits, a name with letters (2–200 characters), a birth
 * date not in the future, and each contact normalized as the importer and POST …/contacts do.
 */
export const debtorInput = z.object({
  document: zDocument.describe('CPF ou CNPJ, com ou sem pontuação'),
  name: z
    .string()
    .transform((v) => v.replace(/\s+/g, ' ').trim())
    .superRefine((v, ctx) => {
      const problem = debtorNameProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('Nome ou razão social'),
  birthDate: zIsoDate.nullish().describe('Data de nascimento (pessoa física)'),
  uf: zUf.nullish(),
  city: z.string().trim().min(2).max(100).nullish(),
  contacts: z.array(contactInput).max(20).default([]).describe('Telefones, e-mails e endereços; os vindos do enriquecimento com source "enrichment:<provedor>"'),
});

export async function createDebtor(db: Database, actor: StaffActor, input: z.infer<typeof debtorInput>, asOf: string, route?: string): Promise<{ debtor: Debtor; contacts: ContactPoint[] }> {
  requirePermission(actor, 'debtors.write');
  const kind = input.document.length === 11 ? 'pf' : 'pj';
  if (input.birthDate && input.birthDate > asOf) throw new AppError('validation', 'data de nascimento no futuro', { field: 'birthDate' });
  if (kind === 'pj' && input.birthDate) throw new AppError('validation', 'empresa (CNPJ) não tem data de nascimento', { field: 'birthDate' });
  // Normalized before the transaction: a bad contact refuses the whole debtor, naming the line.
  const contacts = input.contacts.map((c, i) => {
    try {
      return { input: c, normalized: normalizeContact(c) };
    } catch (error) {
      if (error instanceof AppError) throw new AppError('validation', `contato ${i + 1}: ${error.message}`, { field: `contacts.${i}.${error.field ?? 'value'}` });
      throw error;
    }
  });
  const firstAddress = contacts.find((c) => c.normalized.address)?.normalized.address ?? null;
  return db
    .scoped(scopeOf(actor), async (tx) => {
      const debtor = await tx.db
        .insertInto('debtors')
        .values({
          tenant_id: actor.tenantId, kind, document: input.document, name: input.name, search_name: searchableText(input.name),
          birth_date: input.birthDate ?? null, uf: input.uf ?? firstAddress?.uf ?? null, city: input.city ?? firstAddress?.city ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // One statement; a contact given twice is kept once.
      const rows: ContactPoint[] = contacts.length
        ? await tx.db
            .insertInto('contact_points')
            .values(contacts.map(({ input: c, normalized }) => contactValues(actor.tenantId, debtor.id, c, normalized)))
            .onConflict((oc) => oc.columns(['debtor_id', 'channel', 'value']).doNothing())
            .returningAll()
            .execute()
        : [];
      await appendEvent(tx, actor, { debtorId: debtor.id, type: 'debtor.created', data: { via: 'back_office', contacts: rows.map((r) => ({ contactId: r.id, channel: r.channel, source: r.source })) } });
      await recordAccess(tx, actor, { action: 'create', resource: 'debtor', subjectIds: [debtor.id], ...(route ? { route } : {}) });
      return { debtor, contacts: rows };
    })
    .catch((error: unknown) => {
      if ((error as { code?: string; constraint?: string }).code === '23505') throw new AppError('conflict', 'Já existe um devedor com este CPF/CNPJ nesta assessoria; busque-o em Devedores.', { field: 'document' });
      throw error;
    });
}
