import type { Database } from '../../store/database.ts';
import type { DeliveryStatus } from '../../store/schema.ts';
import { insertEvents } from './dispatch.ts';

/**
 * Delivery receipts from providers (SMS and WhatsApp status callbacks, the dialer's call
 * results). A receipt only moves a delivery forward — sent → delivered → read, or to
 * undelivered — so receipts that arrive twice or out of order change nothing; each real change
 * is an event on the case timeline.
 */
export interface Receipt {
  channel: 'sms' | 'whatsapp' | 'voice';
  providerId: string;
  status: DeliveryStatus;
  /** The provider's own word for it (Twilio's MessageStatus, Meta's status, the dialer's result). */
  providerStatus: string;
  at: Date;
  error?: string | null;
  details?: Record<string, unknown>;
}

export type ReceiptResult = 'recorded' | 'unchanged' | 'unknown_message';

const PROGRESS: Record<DeliveryStatus, number> = { sending: 0, failed: 0, unknown: 0, sent: 1, delivered: 2, undelivered: 2, read: 3 };

export async function recordReceipt(db: Database, receipt: Receipt): Promise<ReceiptResult> {
  // The provider knows only its message id; the delivery it names tells the tenant.
  return db.system(async ({ sql }) => {
    const { rows } = await sql.query<{ tenant_id: string; action_id: string; debtor_id: string; creditor_id: string; debt_id: string; status: DeliveryStatus }>(
      `select d.tenant_id, d.action_id, d.debtor_id, d.creditor_id, a.debt_id, d.status
       from deliveries d join actions a on a.tenant_id = d.tenant_id and a.id = d.action_id
       where d.channel = $1 and d.provider_id = $2
       for update of d`,
      [receipt.channel, receipt.providerId],
    );
    const delivery = rows[0];
    if (!delivery) return 'unknown_message';
    if (PROGRESS[receipt.status] <= PROGRESS[delivery.status]) return 'unchanged';
    await sql.query(
      `update deliveries set status = $3, provider_status = $4, status_at = $5, error = coalesce($6, error) where tenant_id = $1 and action_id = $2`,
      [delivery.tenant_id, delivery.action_id, receipt.status, receipt.providerStatus, receipt.at, receipt.error ?? null],
    );
    // A call's result is also its task's: closed in the same transaction as the delivery.
    if (receipt.channel === 'voice') {
      await sql.query(`update collector_tasks set status = 'done', outcome = $3, closed_at = $4 where tenant_id = $1 and id = $2 and status = 'open'`, [delivery.tenant_id, receipt.providerId, receipt.providerStatus, receipt.at]);
    }
    await insertEvents(sql, delivery.tenant_id, [
      {
        debtor_id: delivery.debtor_id, creditor_id: delivery.creditor_id, debt_id: delivery.debt_id, type: `action.${receipt.status}`,
        data: { actionId: delivery.action_id, channel: receipt.channel, providerStatus: receipt.providerStatus, at: receipt.at.toISOString(), ...(receipt.error ? { error: receipt.error } : {}), ...receipt.details },
      },
    ]);
    return 'recorded';
  });
}
