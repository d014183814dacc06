import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { breachDate } from '../../domain/negotiation/agreement-lifecycle.ts';
import { judgePromise } from '../../domain/negotiation/promises.ts';
import type { Database } from '../../store/database.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { closeProposal, lockAgreement, releaseDebts } from './agreements.ts';

export interface FollowUpSummary {
  asOf: IsoDate;
  expired: number;
  broken: number;
  promisesKept: number;
  promisesBroken: number;
}

/**
 * The daily follow-up of agreements and promises, before the schedule is planned: proposals
 * past their validity expire; an agreement whose earliest unpaid installment is past the grace
 * period breaks (on the day the grace ended, whatever day this runs); promises are judged from
 * the payments. Each agreement and promise is settled in its own transaction, under the
 * agreement's row lock, so a rerun — or a run beside a payment — finds nothing left to do.
 */
export async function followUpAgreements(db: Database, asOf: IsoDate): Promise<FollowUpSummary> {
  const summary: FollowUpSummary = { asOf, expired: 0, broken: 0, promisesKept: 0, promisesBroken: 0 };
  const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id));
  for (const tenantId of tenants) {
    const scope = { tenantId };
    const candidates = await db.scoped(scope, async (tx) => {
      const expiring = await tx.db.selectFrom('agreements').select('id').where('status', '=', 'proposed').where('valid_until', '<', asOf).execute();
      // Held agreements with an open installment that is already past any grace.
      const { rows: overdue } = await tx.sql.query<{ id: string }>(
        `select distinct a.id from agreements a join installments i on i.tenant_id = a.tenant_id and i.agreement_id = a.id
         where a.status in ('accepted', 'active') and i.status = 'open' and i.due_date + a.grace_days < $1::date`,
        [asOf],
      );
      return { expiring: expiring.map((r) => r.id), overdue: overdue.map((r) => r.id) };
    });
    for (const id of candidates.expiring) {
      await db.scoped(scope, async (tx) => {
        const agreement = await lockAgreement(tx, id);
        if (agreement.status !== 'proposed' || agreement.valid_until >= asOf) return;
        await closeProposal(tx, null, agreement, 'expire', `proposta válida até ${formatDateBR(agreement.valid_until)}`);
        summary.expired++;
      });
    }
    for (const id of candidates.overdue) {
      await db.scoped(scope, async (tx) => {
        const agreement = await lockAgreement(tx, id);
        if (agreement.status !== 'accepted' && agreement.status !== 'active') return;
        const installments = await tx.db.selectFrom('installments').selectAll().where('agreement_id', '=', id).execute();
        const on = breachDate(
          installments.map((i) => ({ number: i.number, dueDate: i.due_date, amountCents: i.amount_cents, paidCents: i.paid_cents, status: i.status })),
          agreement.grace_days,
          asOf,
        );
        if (!on) return;
        const late = installments.filter((i) => i.status === 'open').sort((a, b) => a.number - b.number)[0]!;
        await releaseDebts(tx, null, agreement, { event: 'break', on, reason: `parcela ${late.number === 0 ? 'de entrada' : late.number} vencida em ${formatDateBR(late.due_date)} sem pagamento após ${agreement.grace_days} dia(s) de tolerância` });
        summary.broken++;
      });
    }
    await db.scoped(scope, async (tx) => {
      const pending = await tx.db.selectFrom('promises').selectAll().where('status', '=', 'pending').where('created_on', '<=', asOf).forUpdate().execute();
      // The payments of every debtor with a pending promise, in one statement.
      const payments = pending.length
        ? await tx.db.selectFrom('payments').select(['debtor_id', 'creditor_id', 'paid_on', 'applied_cents']).where('debtor_id', 'in', [...new Set(pending.map((p) => p.debtor_id))]).execute()
        : [];
      for (const promise of pending) {
        const verdict = judgePromise(
          { amountCents: promise.amount_cents, createdOn: promise.created_on, promisedFor: promise.promised_for },
          payments.filter((p) => p.debtor_id === promise.debtor_id && p.creditor_id === promise.creditor_id).map((p) => ({ paidOn: p.paid_on, amountCents: p.applied_cents })),
          asOf,
        );
        if (verdict.status === 'pending') continue;
        await tx.db.updateTable('promises').set({ status: verdict.status, resolved_on: verdict.on }).where('id', '=', promise.id).execute();
        await appendEvent(tx, null, {
          debtorId: promise.debtor_id, creditorId: promise.creditor_id, type: `promise.${verdict.status}`,
          data: { promiseId: promise.id, amountCents: promise.amount_cents, promisedFor: promise.promised_for, on: verdict.on, debtIds: promise.debt_ids },
        });
        if (verdict.status === 'kept') summary.promisesKept++;
        else summary.promisesBroken++;
      }
    });
  }
  return summary;
}
