import { SIGNATURE_HEADER, signPayload } from '../../../shared/signed-payload.ts';
import type { Database } from '../../../store/database.ts';
import { errorText, mapWithConcurrency, type ChannelAdapter, type OutgoingMessage, type SendOutcome } from './channel.ts';

/**
 * Calls and tasks go to people: each becomes a task in the collectors' queue (the call script is
 * the rendered template). For calls, when a dialer is configured, the task is also posted to the
 * dialer's webhook, signed (X-Recupera-Signature); the dialer reports the call's result to
 * POST /api/webhooks/dialer. The task id is the delivery's provider id; a dialer that does not
 * answer leaves the task in the queue for a collector to dial by hand.
 */
export interface DialerOptions {
  url: string;
  secret: string;
  /** Where the dialer posts results (PUBLIC_URL + /api/webhooks/dialer). */
  callbackUrl: string;
}

/** The request a dialer receives for each call. */
export interface DialerCallRequest {
  callId: string;
  actionId: string;
  to: string;
  name: string;
  script: string;
  callbackUrl: string;
}

export function collectorQueueChannel(db: Database, channel: 'voice' | 'task', dialer?: DialerOptions): ChannelAdapter {
  return {
    channel,
    async send(messages) {
      const taskIds = await createTasks(db, channel, messages);
      if (channel !== 'voice' || !dialer) return messages.map((m) => ({ status: 'sent' as const, providerId: taskIds.get(m.actionId)! }));
      return mapWithConcurrency(messages, 8, async (message): Promise<SendOutcome> => {
        const callId = taskIds.get(message.actionId)!;
        const body = JSON.stringify({ callId, actionId: message.actionId, to: message.to, name: message.recipientName, script: message.text, callbackUrl: dialer.callbackUrl } satisfies DialerCallRequest);
        try {
          const response = await fetch(dialer.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(dialer.secret, body) }, body, signal: AbortSignal.timeout(10_000) });
          if (!response.ok) await markTask(db, message, `discador recusou (HTTP ${response.status}); ligar manualmente`);
        } catch (error) {
          await markTask(db, message, `discador inacessível (${errorText(error)}); ligar manualmente`);
        }
        return { status: 'sent', providerId: callId };
      });
    },
  };
}

/** One task per action (a retried dispatch finds the task it already created). */
async function createTasks(db: Database, channel: 'voice' | 'task', messages: readonly OutgoingMessage[]): Promise<Map<string, string>> {
  const tenantId = messages[0]!.tenantId;
  return db.scoped({ tenantId }, async ({ sql }) => {
    await sql.query(
      `insert into collector_tasks (tenant_id, action_id, debtor_id, creditor_id, debt_id, kind, phone, script, due_at)
       select $1, x.action_id, x.debtor_id, x.creditor_id, x.debt_id, $3, x.phone, x.script, x.due_at
       from jsonb_to_recordset($2::jsonb) as x(action_id uuid, debtor_id uuid, creditor_id uuid, debt_id uuid, phone text, script text, due_at timestamptz)
       on conflict (tenant_id, action_id) do nothing`,
      [tenantId, JSON.stringify(messages.map((m) => ({ action_id: m.actionId, debtor_id: m.debtorId, creditor_id: m.creditorId, debt_id: m.debtId, phone: channel === 'voice' ? m.to : null, script: m.text, due_at: m.at }))), channel === 'voice' ? 'call' : 'task'],
    );
    const { rows } = await sql.query<{ id: string; action_id: string }>('select id, action_id from collector_tasks where tenant_id = $1 and action_id = any($2::uuid[])', [tenantId, messages.map((m) => m.actionId)]);
    return new Map(rows.map((r) => [r.action_id, r.id]));
  });
}

async function markTask(db: Database, message: OutgoingMessage, outcome: string): Promise<void> {
  await db.scoped({ tenantId: message.tenantId }, ({ sql }) => sql.query(`update collector_tasks set outcome = $3 where tenant_id = $1 and action_id = $2`, [message.tenantId, message.actionId, outcome]));
}
