import { randomUUID } from 'node:crypto';
import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { updatedBalance } from '../../domain/balance/updated-balance.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { applyToInstallment, nextStatus } from '../../domain/negotiation/agreement-lifecycle.ts';
import { formatBRL } from '../../domain/money.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Agreement, PaymentMethod, PaymentRow, PaymentSource } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { settleInstallmentCharges } from '../payments/charges.ts';
import { NEGOTIATION_BALANCE_POLICY } from './negotiation.ts';

export const paymentInput = z
  .object({
    installmentId: zUuid.optional().describe('Parcela de um acordo'),
    debtId: zUuid.optional().describe('Ou um título fora de acordo'),
    amountCents: z.number().int('valor em centavos deve ser inteiro').min(1),
    paidOn: zIsoDate,
    method: z.enum(['pix', 'boleto', 'transfer', 'cash', 'card', 'other']),
    externalId: z.string().trim().min(1).max(120).optional().describe('Identificador do pagamento na origem (E2E do PIX, nosso número…): o mesmo pagamento informado de novo não conta duas vezes'),
  })
  .refine((p) => (p.installmentId === undefined) !== (p.debtId === undefined), { message: 'informe installmentId ou debtId (um dos dois)', path: ['installmentId'] });

export const paymentOutput = z.object({
  id: z.uuid(),
  debtorId: z.uuid(),
  agreementId: z.uuid().nullable(),
  installmentId: z.uuid().nullable(),
  debtId: z.uuid().nullable(),
  amountCents: z.number().int(),
  appliedCents: z.number().int(),
  excessCents: z.number().int().describe('Pago além do devido: a devolver ou aplicar, nunca retido em silêncio'),
  paidOn: z.string(),
  method: z.string(),
  source: z.string(),
  externalId: z.string(),
  replayed: z.boolean().describe('true: este pagamento já tinha sido registrado; nada mudou'),
  installmentPaid: z.boolean().describe('A parcela ficou quitada'),
  agreementStatus: z.string().nullable(),
});

export interface IncomingPayment {
  installmentId?: string | undefined;
  /** The boleto or PIX charge the money came through, when known (bank file, PSP webhook). */
  chargeId?: string | undefined;
  debtId?: string | undefined;
  amountCents: number;
  paidOn: IsoDate;
  method: PaymentMethod;
  source: PaymentSource;
  externalId: string;
}

/** Manual registration of a payment (baixa manual) by staff; the payments issue adds CNAB and PIX. */
export async function registerPayment(db: Database, actor: Actor, input: z.infer<typeof paymentInput>, today: IsoDate) {
  requirePermission(actor, 'payments.write');
  if (input.paidOn > today) throw new AppError('validation', 'Data do pagamento no futuro.', { field: 'paidOn' });
  return db.scoped(scopeOf(actor), (tx) => applyPayment(tx, actor, { ...input, source: 'api', externalId: input.externalId ?? randomUUID() }));
}

/**
 * Applies one payment, in the caller's transaction, exactly once: a payment already recorded
 * under the same (source, external id) changes nothing and is returned as a replay.
 *  - On an installment: it pays the installment (the excess is recorded, not absorbed); the
 *    first payment activates the agreement, the last fulfils it (its debts become paid).
 *  - On a debt outside any agreement: it is credited to the debt (interest first, CC art. 354)
 *    and a debt paid in full is closed.
 */
export async function applyPayment(tx: Tx, actor: Actor | null, payment: IncomingPayment): Promise<z.infer<typeof paymentOutput>> {
  // Each path checks for a replay under its own lock (the agreement, or the debt): a bank file applies
  // thousands of new payments in a row, and a check before the lock would only repeat that one.
  return payment.installmentId ? payInstallment(tx, actor, payment, payment.installmentId) : payDebt(tx, actor, payment, payment.debtId!);
}

async function replayOf(tx: Tx, payment: IncomingPayment): Promise<z.infer<typeof paymentOutput> | null> {
  const row = await tx.db.selectFrom('payments').selectAll().where('source', '=', payment.source).where('external_id', '=', payment.externalId).executeTakeFirst();
  if (!row) return null;
  const installment = row.installment_id ? await tx.db.selectFrom('installments').select('status').where('id', '=', row.installment_id).executeTakeFirst() : undefined;
  return { ...toOutput(row, await agreementStatusOf(tx, row.agreement_id)), replayed: true, installmentPaid: installment?.status === 'paid' };
}

async function payInstallment(tx: Tx, actor: Actor | null, payment: IncomingPayment, installmentId: string) {
  // The agreement row is the lock (found through the installment in the same statement): payments of one
  // agreement are applied one at a time, and a notice of the same payment that waited for it finds the first one recorded.
  const agreement = await tx.db
    .selectFrom('agreements')
    .selectAll()
    .where('id', '=', (eb) => eb.selectFrom('installments').select('agreement_id').where('id', '=', installmentId))
    .forUpdate()
    .executeTakeFirst();
  if (!agreement) throw notFound('Parcela');
  const replay = await replayOf(tx, payment);
  if (replay) return replay;
  if (agreement.status !== 'accepted' && agreement.status !== 'active') {
    throw new AppError('conflict', `O acordo ${agreement.number} não está vigente (situação: ${agreement.status}); registre o pagamento no título ou deixe-o para conciliação.`, { field: 'installmentId' });
  }
  const installment = await tx.db.selectFrom('installments').selectAll().where('id', '=', installmentId).executeTakeFirstOrThrow();
  const { appliedCents, excessCents, paidInFull } = applyToInstallment(
    { number: installment.number, dueDate: installment.due_date, amountCents: installment.amount_cents, paidCents: installment.paid_cents, status: installment.status },
    payment.amountCents,
  );
  const row = await insertPayment(tx, actor, payment, { tenant_id: agreement.tenant_id, debtor_id: agreement.debtor_id, creditor_id: agreement.creditor_id, agreement_id: agreement.id, installment_id: installmentId, debt_id: null, applied_cents: appliedCents, excess_cents: excessCents });
  if (!row) return applyPayment(tx, actor, payment); // a concurrent notice of the same payment won: answer as a replay
  await tx.db
    .updateTable('installments')
    .set({ paid_cents: installment.paid_cents + appliedCents, ...(paidInFull ? { status: 'paid' as const, paid_on: payment.paidOn } : {}) })
    .where('id', '=', installmentId)
    .execute();
  await settleInstallmentCharges(tx, installmentId, payment.chargeId ?? null, appliedCents, paidInFull, payment.paidOn);
  await appendEvent(tx, actor, {
    tenantId: agreement.tenant_id, debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: 'payment.received',
    data: { paymentId: row.id, agreementId: agreement.id, number: agreement.number, installment: installment.number, amountCents: payment.amountCents, appliedCents, excessCents, paidOn: payment.paidOn, method: payment.method, source: payment.source },
  });
  let status: Agreement['status'] = agreement.status;
  const open = await tx.db.selectFrom('installments').select('id').where('agreement_id', '=', agreement.id).where('status', '=', 'open').execute();
  if (open.length === 0) {
    status = nextStatus(status, 'fulfil');
    const links = await tx.db.selectFrom('agreement_debts').select('debt_id').where('agreement_id', '=', agreement.id).execute();
    await tx.db.updateTable('debts').set({ status: 'paid', status_changed_at: new Date(), updated_at: new Date() }).where('id', 'in', links.map((l) => l.debt_id)).execute();
    await tx.db.updateTable('agreement_debts').set({ binding: false }).where('agreement_id', '=', agreement.id).execute();
    await tx.db.updateTable('agreements').set({ status, closed_at: new Date(), close_reason: 'quitado', updated_at: new Date(), ...(agreement.activated_at ? {} : { activated_at: new Date() }) }).where('id', '=', agreement.id).execute();
    await appendEvent(tx, actor, { debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: 'agreement.fulfilled', data: { agreementId: agreement.id, number: agreement.number, paidOn: payment.paidOn, debtIds: links.map((l) => l.debt_id) } });
  } else if (status === 'accepted') {
    status = nextStatus(status, 'activate');
    await tx.db.updateTable('agreements').set({ status, activated_at: new Date(), updated_at: new Date() }).where('id', '=', agreement.id).execute();
    await appendEvent(tx, actor, { debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: 'agreement.activated', data: { agreementId: agreement.id, number: agreement.number, paidOn: payment.paidOn } });
  }
  return { ...toOutput(row, status), replayed: false, installmentPaid: paidInFull };
}

async function payDebt(tx: Tx, actor: Actor | null, payment: IncomingPayment, debtId: string) {
  const debt = await tx.db.selectFrom('debts').selectAll().where('id', '=', debtId).forUpdate().executeTakeFirst();
  if (!debt) throw notFound('Título');
  const replay = await replayOf(tx, payment);
  if (replay) return replay;
  if (debt.status === 'in_agreement') throw new AppError('conflict', `O título ${debt.external_id} está em acordo: registre o pagamento na parcela do acordo.`, { field: 'debtId' });
  if (debt.status !== 'open') throw new AppError('conflict', `O título ${debt.external_id} não está em aberto (situação: ${debt.status}).`, { field: 'debtId' });
  const credits = (await creditsOf(tx, [debtId])).get(debtId) ?? [];
  // The balance on the payment day must already count every credit: one dated later would be left out of it.
  const latest = credits.at(-1)?.date;
  if (latest && latest > payment.paidOn) {
    throw new AppError('validation', `O título ${debt.external_id} já tem pagamento registrado em ${formatDateBR(latest)}; um pagamento de data anterior deve ser conciliado por um analista.`, { field: 'paidOn' });
  }
  const indices = await indexSetOf(tx);
  const owed = updatedBalance(termsOf(debt), credits, payment.paidOn, indices, NEGOTIATION_BALANCE_POLICY).total;
  const applied = Math.min(owed, payment.amountCents);
  if (applied <= 0) throw new AppError('conflict', `O título ${debt.external_id} não tem saldo em ${formatDateBR(payment.paidOn)}.`, { field: 'debtId' });
  const row = await insertPayment(tx, actor, payment, { tenant_id: debt.tenant_id, debtor_id: debt.debtor_id, creditor_id: debt.creditor_id, agreement_id: null, installment_id: null, debt_id: debtId, applied_cents: applied, excess_cents: payment.amountCents - applied });
  if (!row) return applyPayment(tx, actor, payment);
  await tx.db.insertInto('debt_credits').values({ tenant_id: debt.tenant_id, debt_id: debtId, payment_id: row.id, paid_on: payment.paidOn, amount_cents: applied, reason: 'payment' }).execute();
  const paidInFull = applied === owed;
  if (paidInFull) await tx.db.updateTable('debts').set({ status: 'paid', status_changed_at: new Date(), updated_at: new Date() }).where('id', '=', debtId).execute();
  await appendEvent(tx, actor, {
    tenantId: debt.tenant_id, debtorId: debt.debtor_id, creditorId: debt.creditor_id, debtId, type: 'payment.received',
    data: { paymentId: row.id, amountCents: payment.amountCents, appliedCents: applied, excessCents: payment.amountCents - applied, owedCents: owed, paidInFull, paidOn: payment.paidOn, method: payment.method, source: payment.source, note: paidInFull ? `Título quitado com ${formatBRL(applied)}` : undefined },
  });
  return { ...toOutput(row, null), replayed: false, installmentPaid: false };
}

async function insertPayment(
  tx: Tx,
  actor: Actor | null,
  payment: IncomingPayment,
  target: { tenant_id: string; debtor_id: string; creditor_id: string; agreement_id: string | null; installment_id: string | null; debt_id: string | null; applied_cents: number; excess_cents: number },
): Promise<PaymentRow | undefined> {
  return tx.db
    .insertInto('payments')
    .values({ ...target, amount_cents: payment.amountCents, paid_on: payment.paidOn, method: payment.method, source: payment.source, external_id: payment.externalId, created_by: actor?.userId ?? null })
    .onConflict((oc) => oc.columns(['tenant_id', 'source', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

async function agreementStatusOf(tx: Tx, agreementId: string | null): Promise<string | null> {
  if (!agreementId) return null;
  return (await tx.db.selectFrom('agreements').select('status').where('id', '=', agreementId).executeTakeFirst())?.status ?? null;
}

function toOutput(row: PaymentRow, agreementStatus: string | null): Omit<z.infer<typeof paymentOutput>, 'replayed' | 'installmentPaid'> {
  return {
    id: row.id, debtorId: row.debtor_id, agreementId: row.agreement_id, installmentId: row.installment_id, debtId: row.debt_id, amountCents: row.amount_cents,
    appliedCents: row.applied_cents, excessCents: row.excess_cents, paidOn: row.paid_on, method: row.method, source: row.source, externalId: row.external_id, agreementStatus,
  };
}
