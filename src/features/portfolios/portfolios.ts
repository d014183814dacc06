import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { Portfolio } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

export const portfolioInput = z.object({
  creditorId: zUuid,
  name: z.string().trim().min(2).max(120),
  description: z.string().trim().max(1000).nullish(),
});
export const portfolioPatch = portfolioInput.omit({ creditorId: true }).partial();

export const portfolioOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  openDebts: z.number().int(),
  openAmountCents: z.number().int(),
  createdAt: z.date(),
});

type PortfolioWithTotals = Portfolio & { open_debts: number; open_amount_cents: number };

export function toPortfolioOutput(row: PortfolioWithTotals): z.infer<typeof portfolioOutput> {
  return {
    id: row.id,
    creditorId: row.creditor_id,
    name: row.name,
    description: row.description,
    openDebts: row.open_debts,
    openAmountCents: row.open_amount_cents,
    createdAt: row.created_at,
  };
}

function conflictOnName(error: unknown): never {
  if ((error as { code?: string }).code === '23505') {
    throw new AppError('conflict', 'Este credor já tem uma carteira com este nome.', { field: 'name' });
  }
  throw error;
}

async function withTotals(q: import('kysely').Kysely<import('../../store/schema.ts').Schema>, filter: { id?: string; creditorId?: string }) {
  let query = q
    .selectFrom('portfolios as p')
    .selectAll('p')
    .select((eb) => [
      eb
        .selectFrom('debts as d')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('d.portfolio_id', '=', 'p.id')
        .where('d.status', '=', 'open')
        .as('open_debts'),
      eb
        .selectFrom('debts as d')
        .select((e) => e.fn.coalesce(e.fn.sum<number>('d.original_amount_cents'), e.lit(0)).as('s'))
        .whereRef('d.portfolio_id', '=', 'p.id')
        .where('d.status', '=', 'open')
        .as('open_amount_cents'),
    ]);
  if (filter.id) query = query.where('p.id', '=', filter.id);
  if (filter.creditorId) query = query.where('p.creditor_id', '=', filter.creditorId);
  const rows = await query.orderBy('p.name').execute();
  return rows.map((r) => ({ ...r, open_debts: Number(r.open_debts ?? 0), open_amount_cents: Number(r.open_amount_cents ?? 0) }));
}

export async function listPortfolios(db: Database, actor: Actor, filter: { creditorId?: string | undefined }) {
  requirePermission(actor, 'portfolios.read');
  return db.scoped(scopeOf(actor), ({ db: q }) => withTotals(q, { ...(filter.creditorId ? { creditorId: filter.creditorId } : {}) }));
}

export async function getPortfolio(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'portfolios.read');
  const [row] = await db.scoped(scopeOf(actor), ({ db: q }) => withTotals(q, { id }));
  if (!row) throw notFound('Carteira');
  return row;
}

export async function createPortfolio(db: Database, actor: Actor, input: z.infer<typeof portfolioInput>) {
  requirePermission(actor, 'portfolios.write');
  return db
    .scoped(scopeOf(actor), async ({ db: q }) => {
      const creditor = await q.selectFrom('creditors').select('id').where('id', '=', input.creditorId).executeTakeFirst();
      if (!creditor) throw notFound('Credor');
      const row = await q
        .insertInto('portfolios')
        .values({ tenant_id: actor.tenantId, creditor_id: input.creditorId, name: input.name, description: input.description ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ...row, open_debts: 0, open_amount_cents: 0 };
    })
    .catch(conflictOnName);
}

export async function updatePortfolio(db: Database, actor: Actor, id: string, patch: z.infer<typeof portfolioPatch>) {
  requirePermission(actor, 'portfolios.write');
  const rows = await db
    .scoped(scopeOf(actor), async ({ db: q }) => {
      const updated = await q
        .updateTable('portfolios')
        .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}), updated_at: new Date() })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return updated ? withTotals(q, { id }) : [];
    })
    .catch(conflictOnName);
  if (!rows[0]) throw notFound('Carteira');
  return rows[0];
}
