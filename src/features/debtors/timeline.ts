import { z } from '../../api/zod.ts';
import type { Tx } from '../../store/database.ts';
import type { TimelineEvent } from '../../store/schema.ts';
import type { Actor } from '../auth/permissions.ts';
import { TIMELINE_TO_WEBHOOK } from '../../domain/webhooks/event-types.ts';
import { publishEvent, subscribersOf } from '../webhooks/publish-event.ts';
import { timelinePayload } from '../webhooks/payloads.ts';

/** The case timeline is append-only (a trigger refuses updates and deletes); this is the one way in. */
export async function appendEvent(
  tx: Tx,
  actor: Actor | null,
  event: { debtorId: string; type: string; creditorId?: string | null; debtId?: string | null; data?: Record<string, unknown>; /** known to the caller: saves a lookup when no user acts */ tenantId?: string },
): Promise<void> {
  const tenantId = actor?.tenantId ?? event.tenantId ?? (await tenantOf(tx, event.debtorId));
  await tx.db
    .insertInto('events')
    .values({
      tenant_id: tenantId,
      debtor_id: event.debtorId,
      creditor_id: event.creditorId ?? null,
      debt_id: event.debtId ?? null,
      type: event.type,
      // A debtor in the self-service portal acts as the debtor, never as a user.
      actor_kind: !actor ? 'system' : actor.role === 'debtor' ? 'debtor' : 'user',
      actor_user_id: actor?.userId ?? null,
      data: JSON.stringify(event.data ?? {}),
    })
    .execute();
  // Outbound webhooks (issue 9): the facts receivers subscribe to go to the outbox in this same transaction.
  const webhookType = TIMELINE_TO_WEBHOOK[event.type];
  const subscribers = webhookType ? await subscribersOf(tx.sql, tenantId, webhookType, event.creditorId) : [];
  if (webhookType && subscribers.length > 0) {
    await publishEvent(tx, { tenantId, type: webhookType, creditorId: event.creditorId ?? null, data: await timelinePayload(tx, event) }, subscribers);
  }
}

async function tenantOf(tx: Tx, debtorId: string): Promise<string> {
  const row = await tx.db.selectFrom('debtors').select('tenant_id').where('id', '=', debtorId).executeTakeFirstOrThrow();
  return row.tenant_id;
}

export const eventOutput = z.object({
  id: z.number().int(),
  type: z.string(),
  occurredAt: z.date(),
  debtId: z.uuid().nullable(),
  creditorId: z.uuid().nullable(),
  actorKind: z.enum(['user', 'system', 'debtor', 'integration']),
  actorUserId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export function toEventOutput(row: TimelineEvent): z.infer<typeof eventOutput> {
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at,
    debtId: row.debt_id,
    creditorId: row.creditor_id,
    actorKind: row.actor_kind,
    actorUserId: row.actor_user_id,
    data: row.data,
  };
}
