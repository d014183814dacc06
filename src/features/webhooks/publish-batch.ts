import { randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../../domain/webhooks/event-types.ts';
import type { SqlClient, Tx } from '../../store/database.ts';
import { documentInPayload, publishEvent, subscribersOf, subscriptionMatches } from './publish-event.ts';

/**
 * Message outcomes on the timeline (written in bulk by dispatch and by the providers' receipts)
 * that are webhook events. `action.read` is left out: a read receipt is no news for an ERP.
 */
const MESSAGE_EVENTS: Readonly<Record<string, WebhookEventType>> = {
  'action.sent': 'message.sent',
  'action.delivered': 'message.delivered',
  'action.undelivered': 'message.failed',
  'action.failed': 'message.failed',
};

interface BulkEvent {
  debtor_id: string;
  creditor_id: string | null;
  debt_id: string | null;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Publishes the message events among timeline events written in bulk (src/features/dunning
 * insertEvents): one subscription lookup for the whole batch, then — only if someone subscribed —
 * three lookups for the match context and two inserts, whatever the batch size. The payload keeps
 * no recipient, no content and no provider error text (they may carry personal data).
 */
export async function publishMessageEvents(sql: SqlClient, tenantId: string, events: readonly BulkEvent[]): Promise<void> {
  const mapped = events.flatMap((e) => (MESSAGE_EVENTS[e.type] ? [{ ...e, webhookType: MESSAGE_EVENTS[e.type]! }] : []));
  if (mapped.length === 0) return;
  const { rows: subs } = await sql.query<{ id: string; event_types: string[]; creditor_id: string | null }>(
    `select id, event_types, creditor_id from webhook_subscriptions
      where tenant_id = $1::uuid and active and deleted_at is null and event_types && $2::text[]`,
    [tenantId, [...new Set(mapped.map((e) => e.webhookType))]],
  );
  if (subs.length === 0) return;
  const matching = mapped
    .map((e) => ({ e, subs: subs.filter((s) => subscriptionMatches(s, e.webhookType, e.creditor_id)) }))
    .filter((m) => m.subs.length > 0);
  if (matching.length === 0) return;
  const ids = (pick: (e: BulkEvent) => string | null) => [...new Set(matching.map((m) => pick(m.e)).filter((v): v is string => !!v))];
  const creditors = new Map(
    (await sql.query<{ id: string; document: string; legal_name: string }>(`select id, document, legal_name from creditors where tenant_id = $1::uuid and id = any ($2::uuid[])`, [tenantId, ids((e) => e.creditor_id)])).rows.map((r) => [r.id, r]),
  );
  const debtors = new Map(
    (await sql.query<{ id: string; kind: string; document: string }>(`select id, kind, document from debtors where tenant_id = $1::uuid and id = any ($2::uuid[])`, [tenantId, ids((e) => e.debtor_id)])).rows.map((r) => [r.id, r]),
  );
  const debts = new Map(
    (await sql.query<{ id: string; external_id: string; original_amount_cents: number; due_date: string }>(
      `select id, external_id, original_amount_cents, due_date::text as due_date from debts where tenant_id = $1::uuid and id = any ($2::uuid[])`,
      [tenantId, ids((e) => e.debt_id)],
    )).rows.map((r) => [r.id, r]),
  );
  const outbox = [];
  const deliveries = [];
  for (const { e, subs: wanted } of matching) {
    const c = e.creditor_id ? creditors.get(e.creditor_id) : undefined;
    const d = debtors.get(e.debtor_id);
    const debt = e.debt_id ? debts.get(e.debt_id) : undefined;
    const id = randomUUID();
    const data = {
      creditor: c ? { id: c.id, document: c.document, name: c.legal_name } : null,
      debtor: d ? { id: d.id, kind: d.kind, document: documentInPayload(d.document) } : null,
      debts: debt ? [{ id: debt.id, externalId: debt.external_id, originalAmountCents: Number(debt.original_amount_cents), dueDate: debt.due_date }] : [],
      message: {
        actionId: e.data.actionId ?? null, channel: e.data.channel ?? null, attempt: e.data.attempt ?? null,
        status: e.type.replace('action.', ''), providerStatus: e.data.providerStatus ?? null, at: e.data.at ?? null,
      },
    };
    outbox.push({ id, type: e.webhookType, creditor_id: e.creditor_id, data });
    for (const s of wanted) deliveries.push({ event_id: id, subscription_id: s.id });
  }
  await sql.query(
    `insert into webhook_events (tenant_id, id, type, creditor_id, data)
     select $1::uuid, x.id, x.type, x.creditor_id, x.data from jsonb_to_recordset($2::jsonb) as x(id uuid, type text, creditor_id uuid, data jsonb)`,
    [tenantId, JSON.stringify(outbox)],
  );
  await sql.query(
    `insert into webhook_deliveries (tenant_id, event_id, subscription_id)
     select $1::uuid, x.event_id, x.subscription_id from jsonb_to_recordset($2::jsonb) as x(event_id uuid, subscription_id uuid)`,
    [tenantId, JSON.stringify(deliveries)],
  );
}

/** Up to this many title numbers travel in a debt.imported event; a larger batch sends the counts and the import id. */
export const IMPORTED_IDS_IN_EVENT = 1_000;

/**
 * One debt.imported event per import batch (never one per row: an import may have a million),
 * in the import's own transaction, when it changed anything.
 */
export async function publishImport(
  tx: Tx,
  batch: { tenantId: string; importId: string; creditorId: string; portfolioId: string; fileName: string; via: string; created: number; updated: number; settled: number; rejected: number },
): Promise<void> {
  if (batch.created + batch.updated + batch.settled === 0) return;
  const subscribers = await subscribersOf(tx.sql, batch.tenantId, 'debt.imported', batch.creditorId);
  if (subscribers.length === 0) return;
  const creditor = await tx.db.selectFrom('creditors').select(['id', 'document', 'legal_name']).where('id', '=', batch.creditorId).executeTakeFirstOrThrow();
  const { rows } = await tx.sql.query<{ external_id: string; status: string }>(
    `select external_id, status from debts where tenant_id = $1::uuid and import_id = $2::uuid order by external_id limit ${IMPORTED_IDS_IN_EVENT + 1}`,
    [batch.tenantId, batch.importId],
  );
  const complete = rows.length <= IMPORTED_IDS_IN_EVENT;
  await publishEvent(tx, {
    tenantId: batch.tenantId,
    type: 'debt.imported',
    creditorId: batch.creditorId,
    data: {
      creditor: { id: creditor.id, document: creditor.document, name: creditor.legal_name },
      import: { id: batch.importId, fileName: batch.fileName, via: batch.via, portfolioId: batch.portfolioId },
      counts: { created: batch.created, updated: batch.updated, settled: batch.settled, rejected: batch.rejected },
      // The ERP's own title numbers touched by this batch (created, updated or settled), when they fit.
      debts: complete ? rows.map((r) => ({ externalId: r.external_id, status: r.status })) : null,
      debtsTruncated: !complete,
    },
  }, subscribers);
}
