import type { Tx } from '../../store/database.ts';
import type { WebhookEventType } from '../../domain/webhooks/event-types.ts';

export type { WebhookEventType } from '../../domain/webhooks/event-types.ts';
export { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts';

/**
 * Writes an outbound webhook event to the outbox, in the caller's transaction (so the event exists
 * if and only if the fact does), with one pending delivery per matching active subscription.
 * One statement: when the tenant has no active subscription for this type (and creditor), nothing
 * is written — tenants without webhooks pay one indexed lookup.
 *
 * `data` must carry what a receiver needs to match the fact (creditor, the ERP's external ids,
 * amounts in centavos, agreement and installment numbers) and no more personal data than that:
 * never the debtor's name or contacts; a debtor document only masked (see maskDocument).
 *
 * Already published for you (do not publish them again): every timeline event of
 * TIMELINE_TO_WEBHOOK through appendEvent (payments, agreements accepted/broken/fulfilled,
 * listings), message outcomes through dispatch's insertEvents, debt.imported at the end of runImport.
 */
export async function publishEvent(
  tx: Tx,
  event: { tenantId: string; type: WebhookEventType; data: Record<string, unknown>; creditorId?: string | null },
): Promise<void> {
  await publishEventReturningId(tx, event);
}

/** publishEvent, telling the caller the event id (null when nobody subscribed). */
export async function publishEventReturningId(
  tx: Tx,
  event: { tenantId: string; type: WebhookEventType; data: Record<string, unknown>; creditorId?: string | null },
): Promise<string | null> {
  const { rows } = await tx.sql.query<{ id: string }>(
    `with subs as (
       select id from webhook_subscriptions
        where tenant_id = $1::uuid and active and deleted_at is null and $2::text = any (event_types)
          and (creditor_id is null or creditor_id = $3::uuid)
     ), ev as (
       insert into webhook_events (tenant_id, type, creditor_id, data)
       select $1::uuid, $2::text, $3::uuid, $4::jsonb where exists (select 1 from subs)
       returning id
     ), d as (
       insert into webhook_deliveries (tenant_id, event_id, subscription_id)
       select $1::uuid, ev.id, subs.id from ev cross join subs
     )
     select id from ev`,
    [event.tenantId, event.type, event.creditorId ?? null, JSON.stringify(event.data)],
  );
  return rows[0]?.id ?? null;
}

/**
 * A debtor's CPF/CNPJ as webhook payloads carry it: enough for a person to recognise, not to
 * reuse (the middle digits of a CPF, the root of a CNPJ, which identifies a company, not a person).
 */
export function maskDocument(document: string): string {
  if (document.length === 11) return `***.${document.slice(3, 6)}.${document.slice(6, 9)}-**`;
  return document; // a CNPJ identifies a company: not personal data (LGPD art. 5 I)
}

/**
 * Whether any active subscription of the tenant wants this event (one indexed lookup): callers
 * that must query to build a payload ask first, so tenants without webhooks pay nothing more.
 */
export async function wantsEvent(tx: Tx, tenantId: string, type: WebhookEventType, creditorId: string | null | undefined): Promise<boolean> {
  const { rows } = await tx.sql.query(
    `select 1 from webhook_subscriptions
      where tenant_id = $1::uuid and active and deleted_at is null and $2::text = any (event_types)
        and (creditor_id is null or creditor_id = $3::uuid)
      limit 1`,
    [tenantId, type, creditorId ?? null],
  );
  return rows.length > 0;
}
