import { z } from '../../api/zod.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { creditorByRef } from '../creditors/creditors.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/** Reads for the ERP: the state of its receivables by its own ids, and what changed since a cursor. */

export const receivablesQuery = z.object({
  creditor: z.string().trim().min(1).max(40).describe('Id ou CNPJ/CPF do credor'),
  externalId: z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(100)]).describe('Um ou mais (repetido) ids do ERP'),
});

export const receivableOutput = z.object({
  debtId: z.uuid(),
  externalId: z.string(),
  creditorId: z.uuid(),
  portfolioId: z.uuid(),
  status: z.enum(['open', 'in_agreement', 'paid', 'settled', 'cancelled']),
  statusChangedAt: z.date(),
  originalAmountCents: z.number().int(),
  dueDate: z.string(),
  debtorDocument: z.string(),
  disputed: z.boolean(),
  agreement: z.object({ id: z.uuid(), number: z.string(), status: z.string() }).nullable(),
  updatedAt: z.date(),
});

async function creditorIdOf(tx: Tx, ref: string): Promise<string> {
  const rows = await creditorByRef(tx.db, ref).select('id').execute();
  if (rows.length !== 1) throw new AppError('not_found', 'Credor não encontrado nesta assessoria (informe o id ou o CNPJ/CPF).', { field: 'creditor' });
  return rows[0]!.id;
}

/** The receivables with these ERP ids; the debtor's document makes it personal data, so the read is audited. */
export async function getReceivables(db: Database, actor: Actor, query: z.infer<typeof receivablesQuery>, route?: string) {
  requirePermission(actor, 'erp.sync');
  const ids = [...new Set(Array.isArray(query.externalId) ? query.externalId : [query.externalId])];
  return db.scoped(scopeOf(actor), async (tx) => {
    const creditorId = await creditorIdOf(tx, query.creditor);
    const rows = await tx.db
      .selectFrom('debts as d')
      .innerJoin('debtors as b', (j) => j.onRef('b.tenant_id', '=', 'd.tenant_id').onRef('b.id', '=', 'd.debtor_id'))
      .leftJoin('agreement_debts as ad', (j) => j.onRef('ad.tenant_id', '=', 'd.tenant_id').onRef('ad.debt_id', '=', 'd.id').on('ad.binding', '=', true))
      .leftJoin('agreements as a', (j) => j.onRef('a.tenant_id', '=', 'ad.tenant_id').onRef('a.id', '=', 'ad.agreement_id'))
      .select([
        'd.id', 'd.external_id', 'd.creditor_id', 'd.portfolio_id', 'd.status', 'd.status_changed_at', 'd.original_amount_cents', 'd.due_date', 'd.disputed_at', 'd.updated_at',
        'd.debtor_id', 'b.document', 'a.id as agreement_id', 'a.number as agreement_number', 'a.status as agreement_status',
      ])
      .where('d.creditor_id', '=', creditorId)
      .where('d.external_id', 'in', ids)
      .orderBy('d.external_id')
      .execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'erp_receivables', subjectIds: rows.map((r) => r.debtor_id), ...(route ? { route } : {}), details: { creditorId, count: rows.length } });
    return {
      items: rows.map((r) => ({
        debtId: r.id, externalId: r.external_id, creditorId: r.creditor_id, portfolioId: r.portfolio_id, status: r.status, statusChangedAt: r.status_changed_at,
        originalAmountCents: r.original_amount_cents, dueDate: r.due_date, debtorDocument: r.document, disputed: r.disputed_at !== null,
        agreement: r.agreement_id ? { id: r.agreement_id, number: r.agreement_number!, status: r.agreement_status! } : null,
        updatedAt: r.updated_at,
      })),
      notFound: ids.filter((id) => !rows.some((r) => r.external_id === id)),
    };
  });
}

export const changesQuery = z.object({
  creditor: z.string().trim().min(1).max(40).describe('Id ou CNPJ/CPF do credor'),
  after: z
    .string()
    .regex(/^(0|\d{1,20}\.\d{1,20})$/, 'cursor inválido: use 0 ou o "next" da chamada anterior')
    .default('0')
    .describe('O cursor devolvido pela chamada anterior ("next"; 0 = desde o início)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const changeOutput = z.object({
  cursor: z.string().describe('Posição deste evento no feed'),
  type: z.string(),
  occurredAt: z.date(),
  debtId: z.uuid(),
  externalId: z.string(),
  status: z.string().describe('A situação atual do título'),
});

/**
 * The case events of the creditor's debts after a cursor, in a stable order: a pull alternative to
 * the webhooks for an ERP that cannot receive calls. Only ids, event types and the debt's status —
 * no personal data. The cursor is (writing transaction, id), and only events of transactions older
 * than every transaction still running are shown (migration 0012): an event committed late never
 * lands behind a cursor already handed out, so the ERP misses nothing and sees nothing twice.
 */
export async function listChanges(db: Database, actor: Actor, query: z.infer<typeof changesQuery>) {
  requirePermission(actor, 'erp.sync');
  const [xact, id] = query.after === '0' ? ['0', '0'] : query.after.split('.');
  return db.scoped(scopeOf(actor), async (tx) => {
    const creditorId = await creditorIdOf(tx, query.creditor);
    const { rows } = await tx.sql.query<{ id: string; xact: string; type: string; occurred_at: Date; debt_id: string; external_id: string; status: string }>(
      `select e.id::text as id, e.xact::text as xact, e.type, e.occurred_at, e.debt_id, d.external_id, d.status
         from events e join debts d on d.tenant_id = e.tenant_id and d.id = e.debt_id
        where e.creditor_id = $1 and e.debt_id is not null
          and (e.xact, e.id) > ($2::xid8, $3::bigint)
          and e.xact < pg_snapshot_xmin(pg_current_snapshot())
        order by e.xact, e.id limit $4`,
      [creditorId, xact, id, query.limit],
    );
    const items = rows.map((r) => ({ cursor: `${r.xact}.${r.id}`, type: r.type, occurredAt: r.occurred_at, debtId: r.debt_id, externalId: r.external_id, status: r.status }));
    return { items, next: items.length ? items[items.length - 1]!.cursor : query.after, hasMore: items.length === query.limit };
  });
}
