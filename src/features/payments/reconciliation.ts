import { z, zUuid } from '../../api/zod.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Charge } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { applyPayment } from '../negotiation/payments.ts';

/**
 * Reconciliation: money that arrived through a bank (CNAB return) or the PIX rail (PSP webhook)
 * is matched to the charge it names — by nosso número or by txid — and applied to that charge's
 * installment exactly once. The notice's own identity (the bank's occurrence, the PIX end-to-end
 * id) is the payment's external id, so a file or a webhook received twice changes nothing.
 * Money that names nothing payable goes to a queue for an analyst; it is never dropped.
 */
export interface PaymentNotice {
  source: 'cnab' | 'pix_webhook';
  externalId: string;
  method: 'boleto' | 'pix';
  /** What the money carried back: the boleto's nosso número (matching key) and bank, or the PIX txid. */
  nossoNumeroKey?: string | null;
  bankCode?: string | null;
  txid?: string | null;
  /** The collection accounts the notice came through (the return file's header, the webhook's token): only their charges match. */
  accountIds?: readonly string[] | null;
  amountCents: number;
  paidOn: IsoDate;
  payer?: { name?: string | null; document?: string | null };
  file?: { id: string; line: number };
}

export type ReconcileStatus = 'applied' | 'replayed' | 'unmatched' | 'unmatched_replayed';

export interface ReconcileOutcome {
  status: ReconcileStatus;
  chargeId: string | null;
  paymentId: string | null;
  unmatchedId: string | null;
  agreementStatus: string | null;
  /** Less than the installment still owed: it stays open for the rest. */
  partial: boolean;
  /** More than owed: recorded on the payment, to refund or apply (CDC art. 42 parágrafo único). */
  excessCents: number;
  reason: string | null;
}

export async function reconcile(tx: Tx, notice: PaymentNotice): Promise<ReconcileOutcome> {
  const none = { chargeId: null, paymentId: null, unmatchedId: null, agreementStatus: null, partial: false, excessCents: 0, reason: null };
  // Seen before, applied or queued (one round trip: this runs once per payment of a file).
  const { rows: seen } = await tx.sql.query<{ kind: 'payment' | 'queued'; id: string; excess_cents: number; reason: string | null }>(
    `select 'payment' as kind, id, excess_cents, null as reason from payments where source = $1 and external_id = $2
     union all select 'queued', id, 0, reason from unmatched_payments where source = $1 and external_id = $2`,
    [notice.source, notice.externalId],
  );
  const known = seen.find((r) => r.kind === 'payment') ?? seen[0];
  if (known?.kind === 'payment') return { ...none, status: 'replayed', paymentId: known.id, excessCents: Number(known.excess_cents) };
  if (known) return { ...none, status: 'unmatched_replayed', unmatchedId: known.id, reason: known.reason };

  const found = await findCharge(tx, notice);
  if ('reason' in found) return { ...none, ...(await queueNotice(tx, notice, found.reason)) };
  const { charge } = found;
  if (!charge.installment_id) return { ...none, ...(await queueNotice(tx, notice, 'Cobrança sem parcela vinculada.')) };
  let applied;
  try {
    applied = await applyPayment(tx, null, { installmentId: charge.installment_id, chargeId: charge.id, amountCents: notice.amountCents, paidOn: notice.paidOn, method: notice.method, source: notice.source, externalId: notice.externalId });
  } catch (error) {
    // The agreement broke or was cancelled, or the installment was already paid: the money is real, its place is for a person to decide.
    if (error instanceof AppError && error.code === 'conflict') return { ...none, chargeId: charge.id, ...(await queueNotice(tx, notice, error.message)) };
    throw error;
  }
  if (applied.replayed) return { ...none, status: 'replayed', chargeId: charge.id, paymentId: applied.id, agreementStatus: applied.agreementStatus, excessCents: applied.excessCents };
  return { ...none, status: 'applied', chargeId: charge.id, paymentId: applied.id, agreementStatus: applied.agreementStatus, partial: !applied.installmentPaid, excessCents: applied.excessCents };
}

async function findCharge(tx: Tx, notice: PaymentNotice): Promise<{ charge: Charge } | { reason: string }> {
  const accounts = notice.accountIds?.length ? notice.accountIds : null;
  if (notice.txid) {
    let q = tx.db.selectFrom('charges').selectAll().where('txid', '=', notice.txid);
    if (accounts) q = q.where('account_id', 'in', [...accounts]);
    const charge = await q.executeTakeFirst();
    return charge ? { charge } : { reason: `Nenhuma cobrança PIX com o txid ${notice.txid}.` };
  }
  if (notice.nossoNumeroKey) {
    let q = tx.db.selectFrom('charges').innerJoin('collection_accounts as a', 'a.id', 'charges.account_id').selectAll('charges').where('charges.nosso_numero_key', '=', notice.nossoNumeroKey);
    if (notice.bankCode) q = q.where('a.bank_code', '=', notice.bankCode as never);
    if (accounts) q = q.where('charges.account_id', 'in', [...accounts]);
    const rows = await q.execute();
    if (rows.length === 1) return { charge: rows[0]! };
    return { reason: rows.length === 0 ? `Nenhum boleto com o nosso número ${notice.nossoNumeroKey}.` : `Nosso número ${notice.nossoNumeroKey} ambíguo: ${rows.length} boletos em contas diferentes.` };
  }
  return { reason: notice.method === 'pix' ? 'PIX recebido sem txid.' : 'Pagamento sem nosso número.' };
}

/** Money for a person to look at: kept once per notice, whatever the number of deliveries. */
export async function queueNotice(tx: Tx, notice: PaymentNotice, reason: string): Promise<{ status: 'unmatched' | 'unmatched_replayed'; unmatchedId: string; reason: string }> {
  const tenantId = (await tx.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow()).id;
  const row = await tx.db
    .insertInto('unmatched_payments')
    .values({
      tenant_id: tenantId, source: notice.source, external_id: notice.externalId, reference: notice.txid ?? notice.nossoNumeroKey ?? null, amount_cents: notice.amountCents,
      paid_on: notice.paidOn, method: notice.method, payer_name: notice.payer?.name ?? null, payer_document: notice.payer?.document ?? null,
      payment_file_id: notice.file?.id ?? null, file_line: notice.file?.line ?? null, reason, payment_id: null, resolved_by: null, resolved_at: null, note: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'source', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return { status: 'unmatched', unmatchedId: row.id, reason };
  const existing = await tx.db.selectFrom('unmatched_payments').select(['id', 'reason']).where('source', '=', notice.source).where('external_id', '=', notice.externalId).executeTakeFirstOrThrow();
  return { status: 'unmatched_replayed', unmatchedId: existing.id, reason: existing.reason };
}

// --- the analyst's queue -------------------------------------------------------------------

export const unmatchedOutput = z.object({
  id: z.uuid(),
  source: z.string(),
  externalId: z.string(),
  reference: z.string().nullable(),
  amountCents: z.number().int(),
  paidOn: z.string(),
  method: z.string(),
  payerName: z.string().nullable(),
  payerDocument: z.string().nullable(),
  fileLine: z.number().int().nullable(),
  reason: z.string(),
  status: z.enum(['pending', 'resolved', 'dismissed']),
  paymentId: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const resolveUnmatchedInput = z
  .object({
    installmentId: zUuid.optional().describe('A parcela que este dinheiro paga'),
    debtId: zUuid.optional().describe('Ou o título'),
    note: z.string().trim().max(1000).optional(),
  })
  .refine((p) => (p.installmentId === undefined) !== (p.debtId === undefined), { message: 'informe installmentId ou debtId (um dos dois)', path: ['installmentId'] });

export async function listUnmatched(db: Database, actor: Actor, status: 'pending' | 'resolved' | 'dismissed' = 'pending') {
  requirePermission(actor, 'payments.reconcile');
  return db.scoped(scopeOf(actor), async (tx) => {
    const rows = await tx.db.selectFrom('unmatched_payments').selectAll().where('status', '=', status).orderBy('created_at').limit(500).execute();
    // Payers' names and documents: a read of personal data (their debtors are not known yet).
    if (rows.some((r) => r.payer_name || r.payer_document)) await recordAccess(tx, actor, { action: 'read', resource: 'unmatched_payments', details: { status, rows: rows.length } });
    return rows.map(toUnmatchedOutput);
  });
}

/** The analyst says where the money goes: it is applied under its original identity, so a later replay of the notice is still a no-op. */
export async function resolveUnmatched(db: Database, actor: Actor, id: string, input: z.infer<typeof resolveUnmatchedInput>) {
  requirePermission(actor, 'payments.reconcile');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await lockPending(tx, id);
    const payment = await applyPayment(tx, actor, { installmentId: input.installmentId, debtId: input.debtId, amountCents: row.amount_cents, paidOn: row.paid_on, method: row.method, source: row.source, externalId: row.external_id });
    const updated = await tx.db.updateTable('unmatched_payments').set({ status: 'resolved', payment_id: payment.id, resolved_by: actor.userId, resolved_at: new Date(), note: input.note ?? null }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return { unmatched: toUnmatchedOutput(updated), payment };
  });
}

/** Not ours to apply (refunded, another creditor's, a duplicate): closed with the reason. */
export async function dismissUnmatched(db: Database, actor: Actor, id: string, note: string) {
  requirePermission(actor, 'payments.reconcile');
  return db.scoped(scopeOf(actor), async (tx) => {
    await lockPending(tx, id);
    return toUnmatchedOutput(await tx.db.updateTable('unmatched_payments').set({ status: 'dismissed', resolved_by: actor.userId, resolved_at: new Date(), note }).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
  });
}

async function lockPending(tx: Tx, id: string) {
  const row = await tx.db.selectFrom('unmatched_payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Pagamento não conciliado');
  if (row.status !== 'pending') throw new AppError('conflict', `Este pagamento já foi tratado (${row.status === 'resolved' ? 'conciliado' : 'descartado'}).`);
  return row;
}

function toUnmatchedOutput(r: Awaited<ReturnType<typeof lockPending>>): z.infer<typeof unmatchedOutput> {
  return {
    id: r.id, source: r.source, externalId: r.external_id, reference: r.reference, amountCents: r.amount_cents, paidOn: r.paid_on, method: r.method,
    payerName: r.payer_name, payerDocument: r.payer_document, fileLine: r.file_line, reason: r.reason, status: r.status, paymentId: r.payment_id, note: r.note,
    createdAt: r.created_at.toISOString(),
  };
}
