import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { PromiseRow } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';

export const promiseInput = z.object({
  debtIds: z.array(zUuid).min(1).max(500).optional().describe('Títulos da promessa; sem eles, os títulos em aberto do devedor com o credor'),
  creditorId: zUuid.optional(),
  amountCents: z.number().int('valor em centavos deve ser inteiro').min(1),
  promisedFor: zIsoDate.describe('Data em que o devedor promete pagar'),
  channel: z.enum(['phone', 'whatsapp', 'email', 'sms', 'portal', 'in_person']),
  note: z.string().trim().max(1000).optional(),
});

export const promiseOutput = z.object({
  id: z.uuid(),
  debtorId: z.uuid(),
  creditorId: z.uuid(),
  debtIds: z.array(z.uuid()),
  amountCents: z.number().int(),
  promisedFor: z.string(),
  channel: z.string(),
  takenBy: z.uuid().nullable(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'kept', 'broken', 'cancelled']),
  resolvedOn: z.string().nullable(),
  createdOn: z.string(),
});

const toOutput = (p: PromiseRow): z.infer<typeof promiseOutput> => ({
  id: p.id, debtorId: p.debtor_id, creditorId: p.creditor_id, debtIds: p.debt_ids, amountCents: p.amount_cents, promisedFor: p.promised_for,
  channel: p.channel, takenBy: p.taken_by, note: p.note, status: p.status, resolvedOn: p.resolved_on, createdOn: p.created_on,
});

/** A promise to pay, taken by a collector or analyst; the daily follow-up judges it from the payments. */
export async function createPromise(db: Database, actor: Actor, debtorId: string, input: z.infer<typeof promiseInput>, today: IsoDate) {
  requirePermission(actor, 'promises.write');
  return db.scoped(scopeOf(actor), (tx) => insertPromise(tx, actor, debtorId, input, today));
}

/** The promise inside the caller's transaction (a collector's disposition records it with the call's outcome). */
export async function insertPromise(tx: Tx, actor: Actor, debtorId: string, input: z.infer<typeof promiseInput>, today: IsoDate) {
  requirePermission(actor, 'promises.write');
  if (input.promisedFor < today) throw new AppError('validation', 'A data prometida já passou.', { field: 'promisedFor' });
  await requireDebtor(tx, debtorId);
  let query = tx.db.selectFrom('debts').select(['id', 'creditor_id', 'status', 'external_id']).where('debtor_id', '=', debtorId);
  query = input.debtIds ? query.where('id', 'in', input.debtIds) : query.where('status', '=', 'open');
  if (input.creditorId) query = query.where('creditor_id', '=', input.creditorId);
  const debts = await query.execute();
  if (debts.length === 0 || (input.debtIds && debts.length !== input.debtIds.length)) throw new AppError('validation', 'Títulos não encontrados em aberto para este devedor.', { field: 'debtIds' });
  const closed = debts.find((d) => d.status !== 'open');
  if (closed) throw new AppError('conflict', `O título ${closed.external_id} não está em aberto (situação: ${closed.status}).`, { field: 'debtIds' });
  const creditors = new Set(debts.map((d) => d.creditor_id));
  if (creditors.size > 1) throw new AppError('validation', 'Os títulos são de credores diferentes: informe creditorId.', { field: 'creditorId' });
  const row = await tx.db
    .insertInto('promises')
    .values({
      tenant_id: actor.tenantId, debtor_id: debtorId, creditor_id: debts[0]!.creditor_id, debt_ids: debts.map((d) => d.id), amount_cents: input.amountCents,
      promised_for: input.promisedFor, channel: input.channel, taken_by: actor.userId, note: input.note ?? null, created_on: today,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(tx, actor, { debtorId, creditorId: row.creditor_id, type: 'promise.made', data: { promiseId: row.id, amountCents: row.amount_cents, promisedFor: row.promised_for, channel: row.channel, debtIds: row.debt_ids } });
  return toOutput(row);
}

async function requireDebtor(tx: Tx, debtorId: string): Promise<void> {
  if (!(await tx.db.selectFrom('debtors').select('id').where('id', '=', debtorId).executeTakeFirst())) throw notFound('Devedor');
}

export async function listPromises(db: Database, actor: Actor, debtorId: string) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    await requireDebtor(tx, debtorId);
    const rows = await tx.db.selectFrom('promises').selectAll().where('debtor_id', '=', debtorId).orderBy('created_at', 'desc').execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'promises', subjectIds: [debtorId] });
    return rows.map(toOutput);
  });
}

export async function cancelPromise(db: Database, actor: Actor, promiseId: string, reason: string) {
  requirePermission(actor, 'promises.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const promise = await tx.db.selectFrom('promises').selectAll().where('id', '=', promiseId).forUpdate().executeTakeFirst();
    if (!promise) throw notFound('Promessa');
    if (promise.status !== 'pending') throw new AppError('conflict', `Só uma promessa pendente pode ser cancelada (esta está ${promise.status}).`, { field: 'status' });
    const row = await tx.db.updateTable('promises').set({ status: 'cancelled' }).where('id', '=', promiseId).returningAll().executeTakeFirstOrThrow();
    await appendEvent(tx, actor, { debtorId: promise.debtor_id, creditorId: promise.creditor_id, type: 'promise.cancelled', data: { promiseId, reason } });
    return toOutput(row);
  });
}
