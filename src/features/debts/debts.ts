import { formatBRL } from '../../domain/money.ts';
import { z, zIsoDate, zPage, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { DEBT_STATUSES, type Debt } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';

export const debtOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  portfolioId: z.uuid(),
  debtorId: z.uuid(),
  externalId: z.string(),
  documentKind: z.string(),
  description: z.string().nullable(),
  originalAmountCents: z.number().int(),
  originalAmountFormatted: z.string(),
  issueDate: z.string().nullable(),
  dueDate: z.string(),
  installmentNumber: z.number().int().nullable(),
  installmentCount: z.number().int().nullable(),
  terms: z.object({
    correctionIndex: z.string().nullable().describe('null: o contrato não fixa índice; aplica-se o regime legal'),
    interestRate: z.string().nullable().describe('Juros de mora ao mês, fração decimal ("0.01" = 1%)'),
    interestKind: z.enum(['simple', 'compound']).nullable(),
    fineRate: z.string().nullable(),
    feesRate: z.string().nullable().describe('null: sem cláusula de honorários'),
  }),
  relationship: z.enum(['consumer', 'b2b']),
  status: z.enum(DEBT_STATUSES),
  statusChangedAt: z.date(),
  disputedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export function toDebtOutput(row: Debt): z.infer<typeof debtOutput> {
  return {
    id: row.id,
    creditorId: row.creditor_id,
    portfolioId: row.portfolio_id,
    debtorId: row.debtor_id,
    externalId: row.external_id,
    documentKind: row.document_kind,
    description: row.description,
    originalAmountCents: row.original_amount_cents,
    originalAmountFormatted: formatBRL(row.original_amount_cents),
    issueDate: row.issue_date,
    dueDate: row.due_date,
    installmentNumber: row.installment_number,
    installmentCount: row.installment_count,
    terms: {
      correctionIndex: row.correction_index,
      interestRate: row.interest_rate,
      interestKind: row.interest_kind,
      fineRate: row.fine_rate,
      feesRate: row.fees_rate,
    },
    relationship: row.relationship,
    status: row.status,
    statusChangedAt: row.status_changed_at,
    disputedAt: row.disputed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const debtListQuery = z.object({
  debtorId: zUuid.optional(),
  creditorId: zUuid.optional(),
  portfolioId: zUuid.optional(),
  status: z.enum(DEBT_STATUSES).optional(),
  externalId: z.string().trim().max(60).optional(),
  dueFrom: zIsoDate.optional(),
  dueTo: zIsoDate.optional(),
  ...zPage,
});

export async function listDebts(db: Database, actor: Actor, query: z.infer<typeof debtListQuery>, route?: string) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('debts').selectAll();
    if (query.debtorId) q = q.where('debtor_id', '=', query.debtorId);
    if (query.creditorId) q = q.where('creditor_id', '=', query.creditorId);
    if (query.portfolioId) q = q.where('portfolio_id', '=', query.portfolioId);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.externalId) q = q.where('external_id', '=', query.externalId);
    if (query.dueFrom) q = q.where('due_date', '>=', query.dueFrom);
    if (query.dueTo) q = q.where('due_date', '<=', query.dueTo);
    const rows = await q.orderBy('due_date').orderBy('id').limit(query.limit + 1).offset(query.offset).execute();
    const page = rows.slice(0, query.limit);
    await recordAccess(tx, actor, { action: 'read', resource: 'debts', subjectIds: page.map((d) => d.debtor_id), ...(route ? { route } : {}) });
    return { items: page.map(toDebtOutput), limit: query.limit, offset: query.offset, hasMore: rows.length > query.limit };
  });
}

export async function getDebt(db: Database, actor: Actor, id: string, route?: string) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.selectFrom('debts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Título');
    await recordAccess(tx, actor, { action: 'read', resource: 'debt', subjectIds: [row.debtor_id], ...(route ? { route } : {}) });
    return row;
  });
}

export const debtPatch = z.object({
  disputed: z.boolean().optional().describe('O devedor contesta a dívida: a cobrança ativa fica suspensa'),
  status: z.enum(['open', 'cancelled']).optional().describe('Cancelar um título lançado por engano, ou reabri-lo'),
  reason: z.string().trim().min(3).max(500).describe('Motivo, registrado na linha do tempo'),
});

/** Manual changes by an analyst: dispute flag and cancellation, always with a reason on the timeline. */
export async function updateDebt(db: Database, actor: Actor, id: string, patch: z.infer<typeof debtPatch>) {
  requirePermission(actor, 'debts.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const before = await tx.db.selectFrom('debts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('Título');
    const set: Record<string, unknown> = {};
    const changes: Record<string, [unknown, unknown]> = {};
    if (patch.disputed !== undefined && patch.disputed !== (before.disputed_at !== null)) {
      set.disputed_at = patch.disputed ? new Date() : null;
      changes.disputed = [!patch.disputed, patch.disputed];
    }
    if (patch.status !== undefined && patch.status !== before.status) {
      if (!['open', 'cancelled'].includes(before.status)) {
        throw new AppError('conflict', `Um título na situação ${before.status} não pode ser alterado manualmente para ${patch.status}.`, { field: 'status' });
      }
      set.status = patch.status;
      set.status_changed_at = new Date();
      changes.status = [before.status, patch.status];
    }
    if (Object.keys(changes).length === 0) return before;
    const row = await tx.db.updateTable('debts').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await appendEvent(tx, actor, { debtorId: row.debtor_id, creditorId: row.creditor_id, debtId: row.id, type: 'debt.updated', data: { externalId: row.external_id, changes, reason: patch.reason } });
    return row;
  });
}
