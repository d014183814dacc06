import { randomUUID } from 'node:crypto';
import type { Database } from '../../store/database.ts';
import { DEFAULT_WEBHOOK_MAX_ATTEMPTS, isDelivered, nextWebhookAttempt } from '../../domain/webhooks/retry.ts';
import { signPayload } from '../../shared/signed-payload.ts';
import { httpPoster, type WebhookPoster } from './post-webhook.ts';
import { SUBSCRIPTION_MATCHES_SQL } from './publish-event.ts';

export interface DeliverOptions {
  /** The instant that decides what is due and when the next attempt is (a parameter for tests and the CLI). */
  now?: Date;
  /** The HTTP client (default: httpPoster with the SSRF guard). */
  post?: WebhookPoster;
  maxAttempts?: number;
  timeoutMs?: number;
  allowPrivate?: boolean;
  /** Deliveries claimed per call. */
  limit?: number;
  /** Parallel requests. */
  concurrency?: number;
  /** Only these deliveries (the "test" button), when due. */
  deliveryIds?: readonly string[];
}

export interface DeliverSummary {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  tenant_id: string;
  id: string;
  event_id: string;
  attempts: number;
  type: string;
  creditor_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
  url: string;
  secret: string;
  usable: boolean;
  matches: boolean;
}

/**
 * The JSON body of an event: built only from the stored event, so every attempt and every replay
 * of the same event sends the same bytes (jsonb keeps its keys in a fixed order).
 */
export function webhookBody(event: { id: string; type: string; occurred_at: Date; tenant_id: string; creditor_id: string | null; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurred_at.toISOString(), tenantId: event.tenant_id, creditorId: event.creditor_id, data: event.data });
}

/**
 * Sends the due webhook deliveries of every tenant. A batch is claimed in a short transaction with
 * FOR UPDATE SKIP LOCKED (many workers on PostgreSQL never take the same row) and leased by moving
 * next_attempt_at past the timeout, so a worker that dies mid-request leaves it to be retried; the
 * HTTP requests run outside any transaction, and each outcome is written on its own.
 */
export async function deliverDueWebhooks(db: Database, options: DeliverOptions = {}): Promise<DeliverSummary> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS;
  const post = options.post ?? httpPoster({ allowPrivate: options.allowPrivate ?? false });
  const leaseUntil = new Date(now.getTime() + 2 * timeoutMs + 60_000);
  const claimed = await db.system(async ({ sql }) => {
    const { rows } = await sql.query<Claimed>(
      `with due as (
         select tenant_id, id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= $1 and ($4::uuid[] is null or id = any ($4::uuid[]))
          order by next_attempt_at
          limit $2
          for update skip locked
       ), claimed as (
         update webhook_deliveries d
            set attempts = d.attempts + 1, last_attempt_at = $1, next_attempt_at = $3
           from due where d.tenant_id = due.tenant_id and d.id = due.id
         returning d.tenant_id, d.id, d.event_id, d.subscription_id, d.attempts
       )
       select c.tenant_id, c.id, c.event_id, c.attempts, e.type, e.creditor_id, e.data, e.occurred_at, s.url, s.secret,
              (s.active and s.deleted_at is null) as usable,
              -- the subscription's filter as it is now (an admin may have narrowed it since the event was queued)
              ${SUBSCRIPTION_MATCHES_SQL} as matches
         from claimed c
         join webhook_events e on e.tenant_id = c.tenant_id and e.id = c.event_id
         join webhook_subscriptions s on s.tenant_id = c.tenant_id and s.id = c.subscription_id`,
      [now, options.limit ?? 100, leaseUntil, options.deliveryIds ? [...options.deliveryIds] : null],
    );
    return rows;
  });
  const summary: DeliverSummary = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  // Outcomes are written in groups (one statement each) rather than one transaction per request:
  // the write, not HTTP, bounded delivery. A worker that dies before a group is written leaves
  // those deliveries leased, then sent again — at least once, as receivers are told.
  const pending: Outcome[] = [];
  const flush = async () => {
    const group = pending.splice(0);
    if (group.length > 0) await writeOutcomes(db, group);
  };
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const d = claimed[next++]!;
      const outcome = await attempt(d, post, timeoutMs);
      const delivered = outcome.status !== null && isDelivered(outcome.status);
      const retryAt = delivered || !d.usable || !d.matches ? null : nextWebhookAttempt(d.attempts, now, maxAttempts);
      const status = delivered ? 'delivered' : retryAt ? 'pending' : 'failed';
      summary[status === 'pending' ? 'retrying' : status]++;
      pending.push({ tenantId: d.tenant_id, id: d.id, status, httpStatus: outcome.status, error: outcome.error, durationMs: outcome.durationMs, deliveredAt: delivered ? new Date() : null, retryAt });
      if (pending.length >= OUTCOME_GROUP) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, claimed.length)) }, worker));
  await flush();
  return summary;
}

async function writeOutcomes(db: Database, outcomes: readonly Outcome[]): Promise<void> {
  const column = <T>(pick: (o: Outcome) => T) => outcomes.map(pick);
  await db.system(({ sql }) =>
    sql.query(
      `update webhook_deliveries d
          set status = o.status, last_status = o.http_status, last_error = o.error, duration_ms = o.duration_ms,
              delivered_at = o.delivered_at, next_attempt_at = coalesce(o.retry_at, d.next_attempt_at)
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[], $8::timestamptz[])
              as o (tenant_id, id, status, http_status, error, duration_ms, delivered_at, retry_at)
        where d.tenant_id = o.tenant_id and d.id = o.id`,
      [
        column((o) => o.tenantId), column((o) => o.id), column((o) => o.status), column((o) => o.httpStatus),
        column((o) => o.error), column((o) => o.durationMs), column((o) => o.deliveredAt), column((o) => o.retryAt),
      ],
    ),
  );
}

/** Outcomes written per statement. */
const OUTCOME_GROUP = 25;

interface Outcome {
  tenantId: string;
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
  deliveredAt: Date | null;
  retryAt: Date | null;
}

async function attempt(d: Claimed, post: WebhookPoster, timeoutMs: number): Promise<{ status: number | null; error: string | null; durationMs: number | null }> {
  if (!d.usable) return { status: null, error: 'assinatura desativada ou excluída', durationMs: null };
  if (!d.matches) return { status: null, error: 'evento fora do filtro atual da assinatura (tipos ou credor)', durationMs: null };
  const body = webhookBody({ id: d.event_id, type: d.type, occurred_at: d.occurred_at, tenant_id: d.tenant_id, creditor_id: d.creditor_id, data: d.data });
  const started = performance.now();
  const response = await post({
    url: d.url,
    body,
    timeoutMs,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Recupera-Webhooks/1',
      'x-recupera-event-id': d.event_id,
      'x-recupera-event-type': d.type,
      'x-recupera-delivery-id': d.id,
      'x-recupera-attempt': String(d.attempts),
      // Signed with the real clock (not `now`): the receiver checks the timestamp against its own.
      'x-recupera-signature': signPayload(d.secret, body, new Date()),
      'x-request-id': randomUUID(),
    },
  });
  const durationMs = Math.round(performance.now() - started);
  if ('error' in response) return { status: null, error: response.error, durationMs };
  return { status: response.status, error: isDelivered(response.status) ? null : `HTTP ${response.status}`, durationMs };
}

/** The worker's settings from the configuration (WEBHOOK_* keys, docs/operations.md). */
export function webhookDeliverOptions(config: { WEBHOOK_MAX_ATTEMPTS: number; WEBHOOK_TIMEOUT_MS: number; WEBHOOK_ALLOW_PRIVATE_URLS: boolean }): DeliverOptions {
  return { maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS };
}

/** One run of the job: batches until nothing is due (at most `batches` of them, so a run stays under a minute or so). */
export async function deliverWebhooksNow(db: Database, options: DeliverOptions & { batches?: number } = {}): Promise<DeliverSummary> {
  const total: DeliverSummary = { claimed: 0, delivered: 0, retrying: 0, failed: 0 };
  const limit = options.limit ?? 100;
  for (let i = 0; i < (options.batches ?? 20); i++) {
    const s = await deliverDueWebhooks(db, { ...options, limit, now: options.now ?? new Date() });
    for (const k of Object.keys(total) as Array<keyof DeliverSummary>) total[k] += s[k];
    if (s.claimed < limit) break;
  }
  return total;
}
