import { formatDocument, normalizeDocument } from '../../brazil/documents.ts';
import { formatPhone } from '../../brazil/phones.ts';
import { searchableText } from '../../domain/text.ts';
import { z, zCents, zIsoDate, zUf, zUuid, zPage } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { ContactPoint, Debtor, PostalAddress } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { debtOutput, toDebtOutput } from '../debts/debts.ts';
import { normalizeContact } from './normalize-contact.ts';
import { appendEvent, eventOutput, toEventOutput } from './timeline.ts';

export const debtorSearchQuery = z.object({
  q: z.string().trim().min(2).max(100).optional().describe('Nome (parte dele) ou CPF/CNPJ'),
  document: z.string().trim().max(20).optional().describe('CPF/CNPJ exato, com ou sem pontuação'),
  creditorId: zUuid.optional(),
  portfolioId: zUuid.optional(),
  uf: zUf.optional(),
  ...zPage,
});

export const debtorOutput = z.object({
  id: z.uuid(),
  kind: z.enum(['pf', 'pj']),
  document: z.string(),
  documentFormatted: z.string(),
  name: z.string(),
  birthDate: z.string().nullable(),
  uf: z.string().nullable(),
  city: z.string().nullable(),
  declaredIncomeCents: z.number().int().nullable(),
  overIndebtedSince: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const debtorSummaryOutput = debtorOutput.extend({
  openDebts: z.number().int(),
  openAmountCents: z.number().int(),
  oldestDueDate: z.string().nullable(),
});

export const contactOutput = z.object({
  id: z.uuid(),
  channel: z.enum(['phone', 'email', 'address']),
  value: z.string(),
  display: z.string(),
  address: z
    .object({ street: z.string(), number: z.string().nullable(), complement: z.string().nullable(), district: z.string().nullable(), city: z.string(), uf: z.string(), cep: z.string() })
    .nullable(),
  phoneKind: z.enum(['mobile', 'landline']).nullable(),
  label: z.string().nullable(),
  source: z.string(),
  verified: z.boolean(),
  isReference: z.boolean(),
  referenceName: z.string().nullable(),
  referenceRelation: z.string().nullable(),
  optedOutChannels: z.array(z.string()),
  whatsappOptInAt: z.date().nullable(),
  invalidAt: z.date().nullable(),
  createdAt: z.date(),
});

export function toDebtorOutput(row: Debtor): z.infer<typeof debtorOutput> {
  return {
    id: row.id,
    kind: row.kind,
    document: row.document,
    documentFormatted: formatDocument(row.document),
    name: row.name,
    birthDate: row.birth_date,
    uf: row.uf,
    city: row.city,
    declaredIncomeCents: row.declared_income_cents,
    overIndebtedSince: row.over_indebted_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toContactOutput(row: ContactPoint): z.infer<typeof contactOutput> {
  return {
    id: row.id,
    channel: row.channel,
    value: row.value,
    display: row.channel === 'phone' ? formatPhone(row.value) : row.value,
    address: row.address as PostalAddress | null,
    phoneKind: row.phone_kind,
    label: row.label,
    source: row.source,
    verified: row.verified,
    isReference: row.is_reference,
    referenceName: row.reference_name,
    referenceRelation: row.reference_relation,
    optedOutChannels: row.opted_out_channels,
    whatsappOptInAt: row.whatsapp_opt_in_at,
    invalidAt: row.invalid_at,
    createdAt: row.created_at,
  };
}

/** Debtors by name fragment or document, with their open totals; every listed person is audited as read. */
export async function searchDebtors(db: Database, actor: Actor, query: z.infer<typeof debtorSearchQuery>, route?: string) {
  requirePermission(actor, 'debtors.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db
      .selectFrom('debtors as d')
      .leftJoin('debts as t', (join) => join.onRef('t.tenant_id', '=', 'd.tenant_id').onRef('t.debtor_id', '=', 'd.id'))
      .selectAll('d')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('t.status', '=', 'open').as('open_debts'),
        eb.fn.coalesce(eb.fn.sum<number>('t.original_amount_cents').filterWhere('t.status', '=', 'open'), eb.lit(0)).as('open_amount_cents'),
        eb.fn.min<string>('t.due_date').filterWhere('t.status', '=', 'open').as('oldest_due_date'),
      ])
      .groupBy(['d.tenant_id', 'd.id']); // the primary key, so d.* may be selected
    const term = query.q;
    const documentTerm = query.document ?? (term && /^[\d.\-/\s]+$/.test(term) ? term : undefined);
    if (documentTerm) {
      q = q.where('d.document', '=', normalizeDocument(documentTerm));
    } else if (term) {
      q = q.where('d.search_name', 'like', `%${searchableText(term).replace(/[%_\\]/g, '\\$&')}%`);
    }
    if (query.uf) q = q.where('d.uf', '=', query.uf);
    if (query.creditorId || query.portfolioId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('debts as f')
            .select(eb.lit(1).as('one'))
            .whereRef('f.debtor_id', '=', 'd.id')
            .$if(!!query.creditorId, (s) => s.where('f.creditor_id', '=', query.creditorId!))
            .$if(!!query.portfolioId, (s) => s.where('f.portfolio_id', '=', query.portfolioId!)),
        ),
      );
    }
    const rows = await q.orderBy('d.name').orderBy('d.id').limit(query.limit + 1).offset(query.offset).execute();
    const page = rows.slice(0, query.limit);
    await recordAccess(tx, actor, {
      action: 'read',
      resource: 'debtors',
      subjectIds: page.map((r) => r.id),
      ...(route ? { route } : {}),
      details: { filters: { hasName: !!term && !documentTerm, byDocument: !!documentTerm, uf: query.uf ?? null } },
    });
    return {
      items: page.map((r) => ({
        ...toDebtorOutput(r),
        openDebts: Number(r.open_debts),
        openAmountCents: Number(r.open_amount_cents),
        oldestDueDate: r.oldest_due_date,
      })),
      limit: query.limit,
      offset: query.offset,
      hasMore: rows.length > query.limit,
    };
  });
}

async function findDebtor(tx: Tx, id: string): Promise<Debtor> {
  const row = await tx.db.selectFrom('debtors').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Devedor');
  return row;
}

async function contactsOf(tx: Tx, debtorId: string) {
  return tx.db.selectFrom('contact_points').selectAll().where('debtor_id', '=', debtorId).orderBy('channel').orderBy('created_at').execute();
}

export async function getDebtor(db: Database, actor: Actor, id: string, route?: string) {
  requirePermission(actor, 'debtors.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const debtor = await findDebtor(tx, id);
    const contacts = await contactsOf(tx, id);
    await recordAccess(tx, actor, { action: 'read', resource: 'debtor', subjectIds: [id], ...(route ? { route } : {}) });
    return { debtor, contacts };
  });
}

export const caseOutput = z.object({
  debtor: debtorOutput,
  contacts: z.array(contactOutput),
  debts: z.array(debtOutput),
  events: z.array(eventOutput),
  summary: z.object({
    openDebts: z.number().int(),
    openAmountCents: z.number().int(),
    creditors: z.array(z.object({ id: z.uuid(), legalName: z.string(), openDebts: z.number().int(), openAmountCents: z.number().int() })),
  }),
});

/** The case view: the debtor, how to reach them, what they owe, and the latest of the timeline. */
export async function getCase(db: Database, actor: Actor, debtorId: string, route?: string) {
  requirePermission(actor, 'debtors.read');
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const debtor = await findDebtor(tx, debtorId);
    const contacts = await contactsOf(tx, debtorId);
    const debts = await tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', debtorId).orderBy('due_date').orderBy('external_id').execute();
    const events = await tx.db.selectFrom('events').selectAll().where('debtor_id', '=', debtorId).orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(50).execute();
    const creditorIds = [...new Set(debts.map((d) => d.creditor_id))];
    const creditors = creditorIds.length
      ? await tx.db.selectFrom('creditors').select(['id', 'legal_name']).where('id', 'in', creditorIds).execute()
      : [];
    await recordAccess(tx, actor, { action: 'read', resource: 'case', subjectIds: [debtorId], ...(route ? { route } : {}) });
    const open = debts.filter((d) => d.status === 'open');
    return {
      debtor: toDebtorOutput(debtor),
      contacts: contacts.map(toContactOutput),
      debts: debts.map(toDebtOutput),
      events: events.map(toEventOutput),
      summary: {
        openDebts: open.length,
        openAmountCents: open.reduce((sum, d) => sum + d.original_amount_cents, 0),
        creditors: creditors.map((c) => {
          const mine = open.filter((d) => d.creditor_id === c.id);
          return { id: c.id, legalName: c.legal_name, openDebts: mine.length, openAmountCents: mine.reduce((s, d) => s + d.original_amount_cents, 0) };
        }),
      },
    };
  });
}

export const eventsQuery = z.object({
  before: z.coerce.number().int().positive().optional().describe('Id do evento: devolve os anteriores a ele'),
  limit: zPage.limit,
});

/** The timeline, newest first, paged by event id. */
export async function listEvents(db: Database, actor: Actor, debtorId: string, query: z.infer<typeof eventsQuery>, route?: string) {
  requirePermission(actor, 'debtors.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    await findDebtor(tx, debtorId);
    let q = tx.db.selectFrom('events').selectAll().where('debtor_id', '=', debtorId);
    if (query.before) q = q.where('id', '<', query.before);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'timeline', subjectIds: [debtorId], ...(route ? { route } : {}) });
    return { items: rows.slice(0, query.limit).map(toEventOutput), hasMore: rows.length > query.limit };
  });
}

export const debtorPatch = z.object({
  name: z.string().trim().min(2).max(200).optional(),
  birthDate: zIsoDate.nullish(),
  declaredIncomeCents: zCents.nullish().describe('Renda mensal declarada, em centavos'),
  overIndebtedSince: zIsoDate.nullish().describe('Data em que o devedor declarou superendividamento (CDC art. 104-A)'),
});

export async function updateDebtor(db: Database, actor: Actor, id: string, patch: z.infer<typeof debtorPatch>) {
  requirePermission(actor, 'debtors.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const before = await findDebtor(tx, id);
    const set: Record<string, unknown> = {};
    const changes: Record<string, [unknown, unknown]> = {};
    const apply = (key: keyof typeof patch, column: keyof Debtor) => {
      const value = patch[key];
      if (value === undefined || value === before[column]) return;
      set[column] = value;
      changes[key] = [before[column], value];
    };
    apply('name', 'name');
    apply('birthDate', 'birth_date');
    apply('declaredIncomeCents', 'declared_income_cents');
    apply('overIndebtedSince', 'over_indebted_since');
    if (patch.name && patch.name !== before.name) set.search_name = searchableText(patch.name);
    if (Object.keys(changes).length === 0) return before;
    const row = await tx.db.updateTable('debtors').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await appendEvent(tx, actor, { debtorId: id, type: 'debtor.updated', data: { changes } });
    await recordAccess(tx, actor, { action: 'update', resource: 'debtor', subjectIds: [id], details: { fields: Object.keys(changes) } });
    return row;
  });
}

export const OPT_OUT_CHANNELS = ['sms', 'whatsapp', 'voice', 'email', 'letter'] as const;

export const contactInput = z
  .object({
    channel: z.enum(['phone', 'email', 'address']),
    value: z.string().trim().min(3).max(300).optional().describe('Telefone ou e-mail; para endereço use address'),
    address: z
      .object({
        street: z.string().trim().min(2).max(200),
        number: z.string().trim().max(20).nullish(),
        complement: z.string().trim().max(100).nullish(),
        district: z.string().trim().max(100).nullish(),
        city: z.string().trim().min(2).max(100),
        uf: zUf,
        cep: z.string(),
      })
      .optional(),
    label: z.string().trim().max(50).nullish(),
    source: z.string().trim().min(2).max(100).default('manual'),
    verified: z.boolean().default(false),
    isReference: z.boolean().default(false).describe('Contato de referência: só para localizar o devedor, nunca para falar da dívida'),
    referenceName: z.string().trim().max(200).nullish(),
    referenceRelation: z.string().trim().max(100).nullish(),
  })
  .refine((c) => (c.channel === 'address' ? !!c.address : !!c.value), { message: 'informe value (telefone/e-mail) ou address (endereço)', path: ['value'] })
  // A provider's contact enters unverified: only a confirmed contact with the debtor verifies it (docs/enrichment.md).
  .refine((c) => !(c.verified && c.source.startsWith('enrichment')), { message: 'contato vindo de enriquecimento entra como não verificado', path: ['verified'] });

export const contactPatch = z.object({
  verified: z.boolean().optional(),
  optedOutChannels: z.array(z.enum(OPT_OUT_CHANNELS)).optional().describe('Canais em que o devedor pediu para não ser contatado'),
  whatsappOptIn: z.boolean().optional(),
  invalid: z.boolean().optional().describe('Número errado, e-mail devolvido, endereço inexistente'),
  label: z.string().trim().max(50).nullish(),
});

/** The contact_points row of a contact typed in the back office (POST …/contacts, a new debtor), once normalized. */
export function contactValues(tenantId: string, debtorId: string, input: z.infer<typeof contactInput>, normalized: ReturnType<typeof normalizeContact>) {
  return {
    tenant_id: tenantId, debtor_id: debtorId, channel: input.channel, value: normalized.value,
    address: normalized.address ? JSON.stringify(normalized.address) : null, phone_kind: normalized.phoneKind, label: input.label ?? null,
    source: input.source, verified: input.verified, is_reference: input.isReference, reference_name: input.referenceName ?? null, reference_relation: input.referenceRelation ?? null,
  };
}

export async function addContact(db: Database, actor: Actor, debtorId: string, input: z.infer<typeof contactInput>) {
  requirePermission(actor, 'debtors.write');
  const normalized = normalizeContact(input);
  return db
    .scoped(scopeOf(actor), async (tx) => {
      await findDebtor(tx, debtorId);
      const row = await tx.db
        .insertInto('contact_points')
        .values(contactValues(actor.tenantId, debtorId, input, normalized))
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(tx, actor, { debtorId, type: 'contact.added', data: { contactId: row.id, channel: row.channel, isReference: row.is_reference, source: row.source } });
      return row;
    })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'Este contato já está cadastrado para o devedor.', { field: 'value' });
      throw error;
    });
}

export async function updateContact(db: Database, actor: Actor, contactId: string, patch: z.infer<typeof contactPatch>) {
  requirePermission(actor, 'debtors.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const before = await tx.db.selectFrom('contact_points').selectAll().where('id', '=', contactId).executeTakeFirst();
    if (!before) throw notFound('Contato');
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (patch.verified !== undefined) set.verified = patch.verified;
    if (patch.optedOutChannels !== undefined) set.opted_out_channels = [...new Set(patch.optedOutChannels)].sort();
    if (patch.whatsappOptIn !== undefined) set.whatsapp_opt_in_at = patch.whatsappOptIn ? new Date() : null;
    if (patch.invalid !== undefined) set.invalid_at = patch.invalid ? (before.invalid_at ?? new Date()) : null;
    if (patch.label !== undefined) set.label = patch.label;
    const row = await tx.db.updateTable('contact_points').set(set).where('id', '=', contactId).returningAll().executeTakeFirstOrThrow();
    await appendEvent(tx, actor, {
      debtorId: row.debtor_id,
      type: 'contact.updated',
      data: {
        contactId,
        channel: row.channel,
        changes: Object.fromEntries(Object.keys(patch).map((k) => [k, (patch as Record<string, unknown>)[k]])),
      },
    });
    return row;
  });
}

