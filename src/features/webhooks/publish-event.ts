import { maskDocument } from '../../brazil/documents.ts';
import type { SqlClient, Tx } from '../../store/database.ts';
import type { WebhookEventType } from '../../domain/webhooks/event-types.ts';

export type { WebhookEventType } from '../../domain/webhooks/event-types.ts';
export { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts';

/**
 * Which subscriptions get an event, written once: in SQL over a subscription `s` and an event `e`
 * (type, creditor_id) — for the worker's claim and the replays, which re-check it as it is now —
 * and in code for the bulk publisher. A `webhook.test` goes to the one subscription it tests.
 */
export const SUBSCRIPTION_MATCHES_SQL = `(e.type = 'webhook.test' or (e.type = any (s.event_types) and (s.creditor_id is null or s.creditor_id = e.creditor_id)))`;

export function subscriptionMatches(s: { event_types: readonly string[]; creditor_id: string | null }, type: string, creditorId: string | null | undefined): boolean {
  return type === 'webhook.test' || (s.event_types.includes(type) && (s.creditor_id === null || s.creditor_id === (creditorId ?? null)));
}

/**
 * The active subscriptions that want this event (one indexed lookup): callers that must query to
 * build a payload ask first, so tenants without webhooks pay nothing more.
 */
export async function subscribersOf(sql: SqlClient, tenantId: string, type: WebhookEventType, creditorId: string | null | undefined): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `select s.id from webhook_subscriptions s, (select $2::text as type, $3::uuid as creditor_id) e
      where s.tenant_id = $1::uuid and s.active and s.deleted_at is null and ${SUBSCRIPTION_MATCHES_SQL}`,
    [tenantId, type, creditorId ?? null],
  );
  return rows.map((r) => r.id);
}

/**
 * Writes an outbound webhook event to the outbox, in the caller's transaction (so the event exists
 * if and only if the fact does), with one pending delivery per subscriber (`subscribersOf`, asked
 * here when the caller has not). Nothing is written when nobody subscribed.
 *
 * `data` must carry what a receiver needs to match the fact (creditor, the ERP's external ids,
 * amounts in centavos, agreement and installment numbers) and no more personal data than that:
 * never the debtor's name or contacts; a debtor document only masked (see documentInPayload).
 *
 * Already published for you (do not publish them again): every timeline event of
 * TIMELINE_TO_WEBHOOK through appendEvent (payments, agreements accepted/broken/fulfilled,
 * listings), message outcomes through dispatch's insertEvents, debt.imported at the end of runImport.
 */
export async function publishEvent(
  tx: Tx,
  event: { tenantId: string; type: WebhookEventType; data: Record<string, unknown>; creditorId?: string | null },
  subscribers?: readonly string[],
): Promise<void> {
  const to = subscribers ?? (await subscribersOf(tx.sql, event.tenantId, event.type, event.creditorId));
  if (to.length === 0) return;
  await tx.sql.query(
    `with ev as (
       insert into webhook_events (tenant_id, type, creditor_id, data) values ($1::uuid, $2::text, $3::uuid, $4::jsonb) returning id
     )
     insert into webhook_deliveries (tenant_id, event_id, subscription_id)
     select $1::uuid, ev.id, s from ev, unnest($5::uuid[]) as s`,
    [event.tenantId, event.type, event.creditorId ?? null, JSON.stringify(event.data), [...to]],
  );
}

/**
 * A debtor's CPF/CNPJ as webhook payloads carry it: a CPF masked as everywhere else (enough for a
 * person to recognise, not to reuse); a CNPJ, which identifies a company, not a person (LGPD art.
 * 5 I), as its bare digits, as the ERP keeps it.
 */
export function documentInPayload(document: string): string {
  return document.length === 11 ? maskDocument(document) : document;
}
