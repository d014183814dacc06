import { randomBytes } from 'node:crypto';
import { z, zUuid } from '../../api/zod.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Selectable } from 'kysely';
import type { WebhookSubscriptionTable } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { deliverDueWebhooks, type DeliverOptions } from './deliver.ts';
import { SUBSCRIPTION_MATCHES_SQL, subscriptionMatches } from './publish-event.ts';
import { checkWebhookUrl } from './url-guard.ts';

type SubscriptionRow = Selectable<WebhookSubscriptionTable>;

const zEventType = z.enum(WEBHOOK_EVENT_TYPES);

export const subscriptionInput = z.object({
  url: z.string().trim().min(1).max(2000),
  eventTypes: z.array(zEventType).min(1, { message: 'escolha ao menos um tipo de evento' }).max(WEBHOOK_EVENT_TYPES.length),
  creditorId: zUuid.nullable().optional(),
  description: z.string().trim().max(500).nullable().optional(),
  active: z.boolean().optional(),
});
export const subscriptionPatch = subscriptionInput.partial();

export const subscriptionOutput = z.object({
  id: z.uuid(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  creditorId: z.uuid().nullable(),
  description: z.string().nullable(),
  active: z.boolean(),
  secretRotatedAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
/** The secret appears only here: in the answer to creation and to rotation. */
export const subscriptionWithSecret = subscriptionOutput.extend({ secret: z.string().meta({ description: 'Chave HMAC; mostrada só agora — guarde-a no receptor.' }) });

export interface WebhookSettings {
  allowPrivate: boolean;
}

function toOutput(row: SubscriptionRow): z.infer<typeof subscriptionOutput> {
  return {
    id: row.id, url: row.url, eventTypes: row.event_types, creditorId: row.creditor_id, description: row.description, active: row.active,
    secretRotatedAt: row.secret_rotated_at, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

/** 32 random bytes: the receiver's HMAC key. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

async function loadSubscription(tx: Tx, id: string): Promise<SubscriptionRow> {
  const row = await tx.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('Assinatura de webhook');
  return row;
}

async function checkCreditor(tx: Tx, creditorId: string | null | undefined): Promise<void> {
  if (!creditorId) return;
  const found = await tx.db.selectFrom('creditors').select('id').where('id', '=', creditorId).executeTakeFirst();
  if (!found) throw new AppError('validation', 'Credor não encontrado nesta assessoria: o filtro creditorId deve ser um credor seu.', { field: 'creditorId' });
}

export async function listSubscriptions(db: Database, actor: Actor) {
  requirePermission(actor, 'webhooks.read');
  return db.scoped(scopeOf(actor), async (tx) =>
    (await tx.db.selectFrom('webhook_subscriptions').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute()).map(toOutput),
  );
}

export async function createSubscription(db: Database, actor: Actor, input: z.infer<typeof subscriptionInput>, settings: WebhookSettings) {
  requirePermission(actor, 'webhooks.manage');
  const url = checkWebhookUrl(input.url, settings.allowPrivate).toString();
  const secret = newSecret();
  return db.scoped(scopeOf(actor), async (tx) => {
    await checkCreditor(tx, input.creditorId);
    const row = await tx.db
      .insertInto('webhook_subscriptions')
      .values({
        tenant_id: actor.tenantId, url, event_types: [...new Set(input.eventTypes)], creditor_id: input.creditorId ?? null, description: input.description ?? null,
        active: input.active ?? true, secret, created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAccess(tx, actor, { action: 'create', resource: 'webhook_subscription', details: { subscriptionId: row.id, url: row.url, eventTypes: row.event_types } });
    return { ...toOutput(row), secret };
  });
}

export async function updateSubscription(db: Database, actor: Actor, id: string, patch: z.infer<typeof subscriptionPatch>, settings: WebhookSettings) {
  requirePermission(actor, 'webhooks.manage');
  const url = patch.url === undefined ? undefined : checkWebhookUrl(patch.url, settings.allowPrivate).toString();
  return db.scoped(scopeOf(actor), async (tx) => {
    await loadSubscription(tx, id);
    await checkCreditor(tx, patch.creditorId);
    const row = await tx.db
      .updateTable('webhook_subscriptions')
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(patch.eventTypes ? { event_types: [...new Set(patch.eventTypes)] } : {}),
        ...(patch.creditorId !== undefined ? { creditor_id: patch.creditorId } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAccess(tx, actor, { action: 'update', resource: 'webhook_subscription', details: { subscriptionId: id, changes: Object.keys(patch) } });
    return toOutput(row);
  });
}

/** Deleting keeps the row (deactivated) so the delivery log still names it; pending deliveries then fail. */
export async function deleteSubscription(db: Database, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, 'webhooks.manage');
  await db.scoped(scopeOf(actor), async (tx) => {
    await loadSubscription(tx, id);
    await tx.db.updateTable('webhook_subscriptions').set({ active: false, deleted_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    await recordAccess(tx, actor, { action: 'delete', resource: 'webhook_subscription', details: { subscriptionId: id } });
  });
}

/** A new secret, effective at once for every delivery not yet sent (also retries of older events). */
export async function rotateSecret(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'webhooks.manage');
  const secret = newSecret();
  return db.scoped(scopeOf(actor), async (tx) => {
    await loadSubscription(tx, id);
    const row = await tx.db.updateTable('webhook_subscriptions').set({ secret, secret_rotated_at: new Date(), updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAccess(tx, actor, { action: 'update', resource: 'webhook_subscription', details: { subscriptionId: id, changes: ['secret'] } });
    return { ...toOutput(row), secret };
  });
}

// ─── Deliveries ───────────────────────────────────────────────────────────────────────────────

export const deliveryOutput = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  occurredAt: z.date(),
  subscriptionId: z.uuid(),
  url: z.string(),
  replayOf: z.uuid().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.date().nullable(),
  lastAttemptAt: z.date().nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});
export type DeliveryOutput = z.infer<typeof deliveryOutput>;

export const deliveryFilter = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  type: z.enum(WEBHOOK_EVENT_TYPES).optional(),
  since: z.coerce.date().optional(),
  subscriptionId: zUuid.optional(),
  eventId: zUuid.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function deliveriesQuery(tx: Tx) {
  return tx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', (j) => j.onRef('e.tenant_id', '=', 'd.tenant_id').onRef('e.id', '=', 'd.event_id'))
    .innerJoin('webhook_subscriptions as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.subscription_id'))
    .select([
      'd.id', 'd.event_id', 'e.type', 'e.occurred_at', 'd.subscription_id', 's.url', 'd.replay_of', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_attempt_at',
      'd.last_status', 'd.last_error', 'd.duration_ms', 'd.delivered_at', 'd.created_at',
    ]);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveriesQuery>['executeTakeFirstOrThrow']>>;

function toDelivery(r: DeliveryRow): DeliveryOutput {
  return {
    id: r.id, eventId: r.event_id, eventType: r.type, occurredAt: r.occurred_at, subscriptionId: r.subscription_id, url: r.url, replayOf: r.replay_of, status: r.status,
    attempts: r.attempts, nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null, lastAttemptAt: r.last_attempt_at, lastStatus: r.last_status,
    lastError: r.last_error, durationMs: r.duration_ms, deliveredAt: r.delivered_at, createdAt: r.created_at,
  };
}

export async function listDeliveries(db: Database, actor: Actor, filter: z.infer<typeof deliveryFilter>): Promise<DeliveryOutput[]> {
  requirePermission(actor, 'webhooks.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = deliveriesQuery(tx);
    if (filter.status) q = q.where('d.status', '=', filter.status);
    if (filter.type) q = q.where('e.type', '=', filter.type);
    if (filter.since) q = q.where('d.created_at', '>=', filter.since);
    if (filter.subscriptionId) q = q.where('d.subscription_id', '=', filter.subscriptionId);
    if (filter.eventId) q = q.where('d.event_id', '=', filter.eventId);
    return (await q.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(filter.limit).execute()).map(toDelivery);
  });
}

async function loadDelivery(tx: Tx, id: string): Promise<DeliveryOutput> {
  const row = await deliveriesQuery(tx).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Entrega de webhook');
  return toDelivery(row);
}

/**
 * A replay: a new delivery of the SAME event (same id, same payload) to the same subscription,
 * due now. The receiver de-duplicates by the event id if it had processed it.
 */
export async function replayDelivery(db: Database, actor: Actor, deliveryId: string): Promise<DeliveryOutput> {
  requirePermission(actor, 'webhooks.manage');
  return db.scoped(scopeOf(actor), async (tx) => {
    const original = await loadDelivery(tx, deliveryId);
    const subscription = await loadSubscription(tx, original.subscriptionId).catch(() => {
      throw new AppError('conflict', 'A assinatura desta entrega foi excluída: não há para onde reenviar.', { field: 'deliveryId' });
    });
    const event = await tx.db.selectFrom('webhook_events').select(['type', 'creditor_id']).where('id', '=', original.eventId).executeTakeFirstOrThrow();
    if (!subscriptionMatches(subscription, event.type, event.creditor_id)) throw new AppError('conflict', 'O evento não está mais no filtro da assinatura (tipos de evento ou credor): ela não o receberia hoje.', { field: 'deliveryId' });
    const row = await tx.db
      .insertInto('webhook_deliveries')
      .values({ tenant_id: actor.tenantId, event_id: original.eventId, subscription_id: original.subscriptionId, replay_of: original.replayOf ?? original.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAccess(tx, actor, { action: 'create', resource: 'webhook_replay', details: { deliveryId, eventId: original.eventId } });
    return loadDelivery(tx, row.id);
  });
}

export const replayRangeInput = z.object({
  since: z.coerce.date(),
  until: z.coerce.date(),
  subscriptionId: zUuid,
  type: z.enum(WEBHOOK_EVENT_TYPES).optional(),
  /** only the events whose deliveries failed (default: all in the range) */
  onlyFailed: z.boolean().optional(),
});

/** Replays every event of a time range to one subscription (after a receiver's outage), at most 10,000 at a time. */
export async function replayRange(db: Database, actor: Actor, input: z.infer<typeof replayRangeInput>): Promise<{ replayed: number }> {
  requirePermission(actor, 'webhooks.manage');
  if (input.until <= input.since) throw new AppError('validation', 'O fim do período (until) deve ser posterior ao início (since).', { field: 'until' });
  return db.scoped(scopeOf(actor), async (tx) => {
    await loadSubscription(tx, input.subscriptionId);
    const { rows } = await tx.sql.query<{ n: number }>(
      `with chosen as (
         select distinct on (d.event_id) d.event_id, coalesce(d.replay_of, d.id) as original
           from webhook_deliveries d join webhook_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
           join webhook_subscriptions s on s.tenant_id = d.tenant_id and s.id = d.subscription_id
          where d.tenant_id = $1::uuid and d.subscription_id = $2::uuid and e.occurred_at >= $3 and e.occurred_at < $4
            and ($5::text is null or e.type = $5::text)
            and ${SUBSCRIPTION_MATCHES_SQL}
            and (not $6::boolean or not exists (select 1 from webhook_deliveries x where x.tenant_id = d.tenant_id and x.event_id = d.event_id and x.subscription_id = d.subscription_id and x.status <> 'failed'))
          order by d.event_id, d.created_at
          limit 10000
       ), ins as (
         insert into webhook_deliveries (tenant_id, event_id, subscription_id, replay_of)
         select $1::uuid, event_id, $2::uuid, original from chosen
         returning 1
       )
       select count(*)::int as n from ins`,
      [actor.tenantId, input.subscriptionId, input.since, input.until, input.type ?? null, input.onlyFailed ?? false],
    );
    const replayed = rows[0]?.n ?? 0;
    await recordAccess(tx, actor, { action: 'create', resource: 'webhook_replay', details: { subscriptionId: input.subscriptionId, since: input.since, until: input.until, replayed } });
    return { replayed };
  });
}

/**
 * The "test" button: a webhook.test event for this subscription alone, sent at once; the answer
 * is its delivery (status, HTTP status or error). A failed test is retried like any delivery.
 */
export async function testSubscription(db: Database, actor: Actor, id: string, deliver: DeliverOptions): Promise<DeliveryOutput> {
  requirePermission(actor, 'webhooks.manage');
  const deliveryId = await db.scoped(scopeOf(actor), async (tx) => {
    const sub = await loadSubscription(tx, id);
    const event = await tx.db
      .insertInto('webhook_events')
      .values({ tenant_id: actor.tenantId, type: 'webhook.test', creditor_id: sub.creditor_id, data: JSON.stringify({ subscriptionId: sub.id, message: 'Teste de webhook do Recupera' }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const d = await tx.db.insertInto('webhook_deliveries').values({ tenant_id: actor.tenantId, event_id: event.id, subscription_id: sub.id }).returning('id').executeTakeFirstOrThrow();
    return d.id;
  });
  await deliverDueWebhooks(db, { ...deliver, deliveryIds: [deliveryId], now: new Date() });
  return db.scoped(scopeOf(actor), (tx) => loadDelivery(tx, deliveryId));
}
