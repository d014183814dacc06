import type { Tx } from '../../store/database.ts';
import { documentInPayload } from './publish-event.ts';

/**
 * What a receiver (usually the creditor's ERP) needs to match a fact to its own records: the
 * creditor and its CNPJ, the debts by the ERP's own title numbers (externalId), the agreement
 * number and installment numbers, amounts in centavos. Personal data is kept to the minimum: the
 * debtor by our id and a masked CPF, never a name, address, phone or e-mail.
 */
export interface MatchContext {
  creditor: { id: string; document: string; name: string } | null;
  debtor: { id: string; kind: string; document: string } | null;
}

export async function matchContext(tx: Tx, debtorId: string | null, creditorId: string | null): Promise<MatchContext> {
  const creditor = creditorId
    ? await tx.db.selectFrom('creditors').select(['id', 'document', 'legal_name']).where('id', '=', creditorId).executeTakeFirst()
    : undefined;
  const debtor = debtorId ? await tx.db.selectFrom('debtors').select(['id', 'kind', 'document']).where('id', '=', debtorId).executeTakeFirst() : undefined;
  return {
    creditor: creditor ? { id: creditor.id, document: creditor.document, name: creditor.legal_name } : null,
    debtor: debtor ? { id: debtor.id, kind: debtor.kind, document: documentInPayload(debtor.document) } : null,
  };
}

async function debtsByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await tx.db
    .selectFrom('debts')
    .select(['id', 'external_id', 'original_amount_cents', 'due_date', 'status'])
    .where('id', 'in', ids)
    .orderBy('external_id')
    .execute();
  return rows.map((d) => ({ id: d.id, externalId: d.external_id, originalAmountCents: d.original_amount_cents, dueDate: d.due_date, status: d.status }));
}

async function agreementSummary(tx: Tx, agreementId: string) {
  const a = await tx.db
    .selectFrom('agreements')
    .select(['id', 'number', 'status', 'balance_cents', 'discount_cents', 'total_cents', 'installment_count', 'payment_method'])
    .where('id', '=', agreementId)
    .executeTakeFirst();
  if (!a) return null;
  const links = await tx.db.selectFrom('agreement_debts').select('debt_id').where('agreement_id', '=', agreementId).execute();
  const installments = await tx.db
    .selectFrom('installments')
    .select(['number', 'due_date', 'amount_cents', 'paid_cents', 'status'])
    .where('agreement_id', '=', agreementId)
    .orderBy('number')
    .execute();
  return {
    agreement: {
      id: a.id, number: a.number, status: a.status, balanceCents: Number(a.balance_cents), discountCents: Number(a.discount_cents), totalCents: Number(a.total_cents),
      installmentCount: a.installment_count, paymentMethod: a.payment_method,
      installments: installments.map((i) => ({ number: i.number, dueDate: i.due_date, amountCents: Number(i.amount_cents), paidCents: Number(i.paid_cents), status: i.status })),
    },
    debts: await debtsByIds(tx, links.map((l) => l.debt_id)),
  };
}

/** Timeline data fields that may travel in a webhook (ids, amounts, numbers, dates, reasons). */
const PASS_THROUGH = [
  'paymentId', 'installment', 'amountCents', 'appliedCents', 'excessCents', 'owedCents', 'paidInFull', 'paidOn', 'method', 'source',
  'on', 'reason', 'paidCents', 'channel', 'byDebtor', 'termsSha256', 'totalCents',
  'listingId', 'bureau', 'protocol', 'expiresOn', 'removedOn',
] as const;

/**
 * The webhook payload for a timeline event (appendEvent): the event's own figures plus the
 * match context. `restored` of a broken agreement keeps only the per-debt figures.
 */
export async function timelinePayload(
  tx: Tx,
  event: { debtorId: string; creditorId?: string | null; debtId?: string | null; data?: Record<string, unknown> },
): Promise<Record<string, unknown>> {
  const data = event.data ?? {};
  const out: Record<string, unknown> = { ...(await matchContext(tx, event.debtorId, event.creditorId ?? null)) };
  for (const key of PASS_THROUGH) if (data[key] !== undefined) out[key] = data[key];
  if (Array.isArray(data.restored)) {
    out.restored = (data.restored as Array<Record<string, unknown>>).map((r) => ({ debtId: r.debtId, externalId: r.externalId, imputedCents: r.imputedCents, balanceCents: r.balanceCents, status: r.status }));
  }
  if (typeof data.agreementId === 'string') {
    const summary = await agreementSummary(tx, data.agreementId);
    if (summary) Object.assign(out, summary);
  }
  if (event.debtId) out.debts = await debtsByIds(tx, [event.debtId]);
  return out;
}
