import { createHash } from 'node:crypto';
import { isUf, type Uf } from '../../brazil/uf.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalancePolicy } from '../../domain/balance/updated-balance.ts';
import { checkAction, type Channel, type CompliancePolicy, DEFAULT_COMPLIANCE_POLICY } from '../../domain/compliance/rules.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import type { IndexSet } from '../../domain/indices/series.ts';
import { renderTemplate, templateParameters, type MessageContext } from '../../domain/dunning/templates.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import type { Database, SqlClient } from '../../store/database.ts';
import type { ContactPoint, Creditor, Debt, Debtor } from '../../store/schema.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { addressLine } from '../debtors/normalize-contact.ts';
import type { ChannelAdapter, DispatchChannel, OutgoingMessage, SendOutcome } from './channels/channel.ts';
import { groupBy } from '../../shared/group-by.ts';
import { publishMessageEvents } from '../webhooks/publish-batch.ts';

/**
 * Dispatch: planned actions whose day has come go out through their channel, in batches —
 * after the full compliance guard at the moment of sending (contact hours in the debtor's time
 * zone, holidays, frequency caps over what was really sent).
 *
 * Exactly once in effect: a delivery row is committed, under a unique key per action, before
 * the message leaves. Two dispatchers, or a crash and a rerun, never send the same action twice:
 * a delivery stuck in 'sending' becomes 'unknown' for a person to check, never a resend. Only a
 * definite refusal by the provider is retried, with exponential backoff.
 *
 * Each batch costs a fixed number of statements (lock, read the cases, write the verdicts and
 * the deliveries; after sending, write the outcomes), whatever its size. The bulk updates also
 * name their ids in an array: the planner then walks the primary key even when the table's
 * statistics still say it is empty (an outbox filled since the last analyze).
 */
export interface DispatchOptions {
  now: Date;
  channels: readonly ChannelAdapter[];
  publicUrl: string;
  agency?: { name: string; phone: string };
  batchSize?: number;
  policy?: CompliancePolicy;
  retry?: RetryPolicy;
  /** A delivery still 'sending' this long after its attempt is marked 'unknown' (the process died mid-send). */
  stuckAfterMs?: number;
  /** Overrides of the balance policy used to itemize messages (the simulation allows longer provisional spans). */
  balancePolicy?: Partial<BalancePolicy>;
  /** Test hook: stop (as a crash would) after the deliveries are claimed, before sending. */
  crashAfterClaim?: boolean;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the 2nd attempt; each later one waits 4 times longer (1, 4, 16 minutes by default). */
  baseDelayMs: number;
}
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 60_000 };

export interface DispatchSummary {
  sent: number;
  failed: number;
  retrying: number;
  unknown: number;
  deferred: number;
  blocked: number;
  /** Planned before the case changed (paid, or now under an agreement): not sent. */
  stopped: number;
}

/** The schedule actions dispatch can deliver. Credit-bureau, protest and legal steps wait for their own workflows. */
export const DISPATCH_CHANNELS: readonly DispatchChannel[] = ['email', 'sms', 'whatsapp', 'letter', 'voice', 'task'];

interface Claim extends OutgoingMessage {
  channel: DispatchChannel;
  attempts: number;
}

interface PlannedAction {
  id: string;
  debt_id: string;
  installment_id: string | null;
  debtor_id: string;
  creditor_id: string;
  channel: DispatchChannel;
  stage: string;
  template: string;
  attempts: number;
}

/** An event for the case timeline, written in bulk. */
interface TimelineEvent {
  debtor_id: string;
  creditor_id: string;
  debt_id: string;
  type: string;
  data: Record<string, unknown>;
}

/** What each channel needs, in the words of the reason users read. */
const CONTACT_NEEDED: Record<DispatchChannel, string> = {
  email: 'e-mail', sms: 'SMS (celular)', whatsapp: 'WhatsApp (celular com opt-in)', letter: 'carta (endereço postal)', voice: 'ligação (telefone)', task: 'tarefa',
};
const STAGE_SUBJECT: Record<string, string> = { aviso: 'Aviso de débito', alerta: 'Débito em atraso', acao: 'Comunicado de cobrança' };
const DAY_MS = 86_400_000;

export async function dispatchDue(db: Database, options: DispatchOptions): Promise<DispatchSummary> {
  const summary: DispatchSummary = { sent: 0, failed: 0, retrying: 0, unknown: 0, deferred: 0, blocked: 0, stopped: 0 };
  const enabled = options.channels.map((c) => c.channel);
  if (enabled.length === 0) return summary;
  const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string; name: string; slug: string }>('select id, name, slug from tenants order by id')).rows);
  let indices: IndexSet | undefined;
  for (const tenant of tenants) {
    summary.unknown += await markStuckDeliveries(db, tenant.id, options);
    const claim = () =>
      db.scoped({ tenantId: tenant.id }, async (tx) => {
        indices ??= await indexSetOf(tx);
        return claimBatch(tx.sql, tenant, enabled, indices, options, summary);
      });
    // A pipeline: the next batch is claimed, and the last one's outcomes written, while this one
    // is on the wire. Each claim starts after the previous one committed, so its guard sees
    // every delivery claimed before it.
    let next = claim();
    let recording: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const claimed = await next;
        if (claimed === null) break;
        if (options.crashAfterClaim) throw new Error('simulated crash');
        next = claim();
        next.catch(() => {}); // awaited on the next turn; this only keeps an early failure from going unhandled
        const outcomes = await send(claimed, options.channels);
        await recording;
        recording = db.scoped({ tenantId: tenant.id }, (tx) => recordOutcomes(tx.sql, tenant.id, claimed, outcomes, options, summary));
        recording.catch(() => {});
      }
    } finally {
      await recording;
    }
  }
  return summary;
}

/** One transaction: lock a batch of due actions, run the guard, and commit a delivery for each allowed one. Null when none is left. */
async function claimBatch(sql: SqlClient, tenant: { id: string; name: string; slug: string }, enabled: DispatchChannel[], indices: IndexSet, options: DispatchOptions, summary: DispatchSummary): Promise<Claim[] | null> {
  const today = localTime(options.now, 'America/Sao_Paulo').date;
  const { rows: actions } = await sql.query<PlannedAction>(
    `select id, debt_id, installment_id, debtor_id, creditor_id, channel, stage, template, attempts from actions
     where tenant_id = $1 and status = 'planned' and channel = any($2::text[]) and due_on <= $3::date
       and (deliver_after is null or deliver_after <= $4)
     order by due_on, id
     limit $5
     for update skip locked`,
    [tenant.id, enabled, today, options.now, options.batchSize ?? 500],
  );
  if (actions.length === 0) return null;

  const ids = (key: 'debt_id' | 'debtor_id' | 'creditor_id') => [...new Set(actions.map((a) => a[key]))];
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const debtorIds = ids('debtor_id');
  // One connection per transaction: the reads run one after the other, six statements per batch.
  const debts = byId((await sql.query<Debt>('select * from debts where tenant_id = $1 and id = any($2::uuid[])', [tenant.id, ids('debt_id')])).rows);
  const debtors = byId((await sql.query<Debtor>('select * from debtors where tenant_id = $1 and id = any($2::uuid[])', [tenant.id, debtorIds])).rows);
  const creditors = byId((await sql.query<Creditor>('select * from creditors where tenant_id = $1 and id = any($2::uuid[])', [tenant.id, ids('creditor_id')])).rows);
  const templates = new Map((await sql.query<{ key: string; body: string }>('select key, body from message_templates where tenant_id = $1 and key = any($2::text[])', [tenant.id, [...new Set(actions.map((a) => a.template))]])).rows.map((t) => [t.key, t.body]));
  const contacts = groupBy((await sql.query<ContactPoint>('select * from contact_points where tenant_id = $1 and debtor_id = any($2::uuid[]) and invalid_at is null and not is_reference order by created_at, id', [tenant.id, debtorIds])).rows, (c) => c.debtor_id);
  // What really reached (or may have reached) each debtor in the last week: the caps count it.
  const history = groupBy(
    (await sql.query<{ debtor_id: string; attempted_at: Date; channel: Channel; status: string }>(
      `select debtor_id, attempted_at, channel, status from deliveries
       where tenant_id = $1 and debtor_id = any($2::uuid[]) and status <> 'failed' and attempted_at > $3`,
      [tenant.id, debtorIds, new Date(options.now.getTime() - 8 * DAY_MS)],
    )).rows,
    (h) => h.debtor_id,
  );
  // Messages claimed in this batch count for the caps of the next ones to the same debtor.
  const claimedNow = new Map<string, Array<{ at: Date; channel: Channel }>>();

  // What was paid on each debt (balances are itemized net of it) and, for installment reminders, the installment.
  const credits = await creditsOf({ sql }, ids('debt_id'));
  const installmentIds = [...new Set(actions.flatMap((a) => (a.installment_id ? [a.installment_id] : [])))];
  const installments = byId(
    installmentIds.length
      ? (await sql.query<{ id: string; status: string; number: number; due_date: string; amount_cents: number; paid_cents: number; interest_cents: number; agreement_number: string; agreement_status: string; installment_count: number }>(
          `select i.id, i.status, i.number, i.due_date, i.amount_cents, i.paid_cents, i.interest_cents, a.number as agreement_number, a.status as agreement_status, a.installment_count
           from installments i join agreements a on a.tenant_id = i.tenant_id and a.id = i.agreement_id where i.tenant_id = $1 and i.id = any($2::uuid[])`,
          [tenant.id, installmentIds],
        )).rows
      : [],
  );

  const verdicts: Array<{ id: string; status: 'planned' | 'blocked' | 'failed' | 'stopped'; deliver_after: string | null; rule: string | null; reason: string }> = [];
  const events: TimelineEvent[] = [];
  const claims: Claim[] = [];
  for (const action of actions) {
    const debt = debts.get(action.debt_id)!;
    const debtor = debtors.get(action.debtor_id)!;
    const creditor = creditors.get(action.creditor_id)!;
    const own = contacts.get(debtor.id) ?? [];
    const event = (type: string, data: Record<string, unknown>) =>
      events.push({ debtor_id: debtor.id, creditor_id: creditor.id, debt_id: debt.id, type, data: { actionId: action.id, channel: action.channel, ...data } });
    const fail = (reason: string) => {
      verdicts.push({ id: action.id, status: 'failed', deliver_after: null, rule: null, reason });
      event('action.failed', { reason });
      summary.failed++;
    };
    // Never demand what is paid or under an agreement (CDC art. 42 sole paragraph): a case that changed since it was planned stops here.
    const installment = action.installment_id ? installments.get(action.installment_id) : undefined;
    const stop = installment ? (installment.status !== 'open' || !['accepted', 'active'].includes(installment.agreement_status) ? 'paid' : null) : debt.status === 'open' ? null : debt.status === 'in_agreement' ? 'active_agreement' : 'paid';
    if (stop) {
      const reason = stop === 'active_agreement' ? 'o título entrou em acordo depois do planejamento' : installment ? 'a parcela não está mais em aberto' : `o título não está mais em aberto (${debt.status})`;
      verdicts.push({ id: action.id, status: 'stopped', deliver_after: null, rule: stop, reason });
      event('action.stopped', { rule: stop, reason });
      summary.stopped++;
      continue;
    }
    const uf: Uf | null = debtor.uf && isUf(debtor.uf) ? debtor.uf : null;
    const verdict = checkAction(
      {
        at: options.now,
        channel: action.channel,
        purpose: 'collect',
        recipient: {
          kind: 'debtor', uf, city: debtor.city,
          optedOutChannels: [...new Set(own.flatMap((c) => c.opted_out_channels))] as Channel[],
          whatsappOptIn: own.some((c) => c.whatsapp_opt_in_at),
        },
        // An installment is owed under the agreement (a new obligation): the old debt's prescription and dispute do not apply to it.
        debt: installment
          ? { prescriptionDate: '9999-12-31', disputed: false }
          : { prescriptionDate: prescriptionOf({ kind: storedDebtKind(debt.document_kind), dueDate: debt.due_date, interruptedOn: debt.prescription_interrupted_on }).prescriptionDate, disputed: !!debt.disputed_at },
        debtor: { overIndebted: !!debtor.over_indebted_since },
        history: [
          ...(history.get(debtor.id) ?? []).map((h) => ({ at: h.attempted_at, channel: h.channel, answered: h.channel === 'voice' && (h.status === 'delivered' || h.status === 'read') })),
          ...(claimedNow.get(debtor.id) ?? []),
        ],
      },
      options.policy ?? DEFAULT_COMPLIANCE_POLICY,
    );
    if (!verdict.allowed) {
      if (verdict.deferTo) {
        verdicts.push({ id: action.id, status: 'planned', deliver_after: verdict.deferTo.toISOString(), rule: verdict.rule, reason: verdict.reason });
        event('action.deferred', { rule: verdict.rule, reason: verdict.reason, source: verdict.source, until: verdict.deferTo.toISOString() });
        summary.deferred++;
      } else {
        verdicts.push({ id: action.id, status: 'blocked', deliver_after: null, rule: verdict.rule, reason: `${verdict.reason} (${verdict.source})` });
        event('action.blocked', { rule: verdict.rule, reason: verdict.reason, source: verdict.source });
        summary.blocked++;
      }
      continue;
    }
    const template = templates.get(action.template);
    if (template === undefined) {
      fail(`modelo ${action.template} inexistente`);
      continue;
    }
    const recipient = recipientFor(action.channel, own, debtor);
    if (!recipient) {
      fail(`sem contato válido para ${CONTACT_NEEDED[action.channel]}`);
      continue;
    }
    let balance;
    try {
      balance = updatedBalance(termsOf(debt), credits.get(debt.id) ?? [], today, indices, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known', ...options.balancePolicy });
    } catch (error) {
      // No message without a correct itemized amount (e.g. an index month missing): fail this one, clearly.
      fail((error as Error).message);
      continue;
    }
    const context: MessageContext = {
      asOf: today,
      debtor: { name: debtor.name, document: debtor.document, kind: debtor.kind },
      creditor: { legalName: creditor.legal_name, tradeName: creditor.trade_name, document: creditor.document, address: creditorAddress(creditor) },
      debts: [{ externalId: debt.external_id, dueDate: debt.due_date, originalCents: debt.original_amount_cents }],
      balance: { total: balance.total, ...balance.components },
      ...(installment
        ? { installment: { agreementNumber: installment.agreement_number, number: installment.number, count: installment.installment_count, dueDate: installment.due_date, amountCents: installment.amount_cents - installment.paid_cents, interestCents: installment.interest_cents } }
        : {}),
      // the agency's own portal page (web/src/portal): the debtor identifies there and sees this debt
      portalUrl: `${options.publicUrl.replace(/\/$/, '')}/portal/${tenant.slug}`,
      agency: options.agency ?? { name: tenant.name, phone: '' },
    };
    let text: string;
    let parameters: string[] = [];
    try {
      text = renderTemplate(template, context);
      if (action.channel === 'whatsapp') parameters = templateParameters(template, context);
    } catch (error) {
      fail(`modelo ${action.template}: ${(error as Error).message}`);
      continue;
    }
    const subject = `${STAGE_SUBJECT[action.stage] ?? 'Comunicado'} — ${creditor.trade_name ?? creditor.legal_name}`;
    claims.push({
      tenantId: tenant.id, actionId: action.id, debtorId: debtor.id, creditorId: creditor.id, debtId: debt.id, channel: action.channel, attempts: action.attempts,
      to: recipient.to, recipientName: debtor.name, postalAddress: recipient.postalAddress, subject, text, template: { key: action.template, parameters }, at: options.now,
    });
    const sent = claimedNow.get(debtor.id) ?? [];
    sent.push({ at: options.now, channel: action.channel });
    claimedNow.set(debtor.id, sent);
  }

  if (verdicts.length) {
    await sql.query(
      `update actions a set status = x.status, deliver_after = coalesce(x.deliver_after, a.deliver_after), rule = x.rule, reason = x.reason
       from jsonb_to_recordset($2::jsonb) as x(id uuid, status text, deliver_after timestamptz, rule text, reason text)
       where a.tenant_id = $1 and a.id = any($3::uuid[]) and a.id = x.id`,
      [tenant.id, JSON.stringify(verdicts), verdicts.map((v) => v.id)],
    );
  }
  let accepted: Claim[] = [];
  if (claims.length) {
    // A retry reuses the row of a failed attempt; a row 'sending', 'sent' or 'unknown' is never claimed again.
    const { rows } = await sql.query<{ action_id: string }>(
      `insert into deliveries (tenant_id, action_id, debtor_id, creditor_id, channel, recipient, content_sha256, status, attempted_at)
       select $1, x.action_id, x.debtor_id, x.creditor_id, x.channel, x.recipient, x.content_sha256, 'sending', $3
       from jsonb_to_recordset($2::jsonb) as x(action_id uuid, debtor_id uuid, creditor_id uuid, channel text, recipient text, content_sha256 text)
       on conflict (tenant_id, action_id) do update
         set status = 'sending', attempts = deliveries.attempts + 1, recipient = excluded.recipient, content_sha256 = excluded.content_sha256,
             attempted_at = excluded.attempted_at, error = null, provider_id = null, finished_at = null
         where deliveries.status = 'failed'
       returning action_id`,
      [tenant.id, JSON.stringify(claims.map((c) => ({ action_id: c.actionId, debtor_id: c.debtorId, creditor_id: c.creditorId, channel: c.channel, recipient: c.to, content_sha256: createHash('sha256').update(`${c.subject}\n${c.text}`).digest('hex') }))), options.now],
    );
    const won = new Set(rows.map((r) => r.action_id));
    accepted = claims.filter((c) => won.has(c.actionId));
    await sql.query(`update actions set status = 'sending', attempts = attempts + 1 where tenant_id = $1 and id = any($2::uuid[])`, [tenant.id, [...won]]);
  }
  await insertEvents(sql, tenant.id, events);
  return accepted;
}

/** Where a message for this channel goes: an e-mail address, a mobile (WhatsApp only with opt-in), any phone for calls, a postal address for letters. */
function recipientFor(channel: DispatchChannel, contacts: readonly ContactPoint[], debtor: Debtor): { to: string; postalAddress: ContactPoint['address'] } | null {
  const pick = (test: (c: ContactPoint) => boolean) => contacts.find(test);
  const found =
    channel === 'email' ? pick((c) => c.channel === 'email')
    : channel === 'sms' ? pick((c) => c.channel === 'phone' && c.phone_kind === 'mobile')
    : channel === 'whatsapp' ? pick((c) => c.channel === 'phone' && c.phone_kind === 'mobile' && !!c.whatsapp_opt_in_at)
    : channel === 'voice' ? (pick((c) => c.channel === 'phone' && c.phone_kind === 'mobile') ?? pick((c) => c.channel === 'phone'))
    : channel === 'letter' ? pick((c) => c.channel === 'address' && !!c.address)
    : undefined;
  if (channel === 'task') return { to: debtor.name, postalAddress: null };
  if (!found) return null;
  return found.channel === 'address' ? { to: addressLine(found.address!), postalAddress: found.address } : { to: found.value, postalAddress: null };
}

/** Each channel's messages to its adapter, in one call per channel; an adapter that throws fails its whole batch (retryable). */
async function send(claims: readonly Claim[], adapters: readonly ChannelAdapter[]): Promise<Map<string, SendOutcome>> {
  const outcomes = new Map<string, SendOutcome>();
  await Promise.all(
    adapters.map(async (adapter) => {
      const batch = claims.filter((c) => c.channel === adapter.channel);
      if (batch.length === 0) return;
      let results: SendOutcome[];
      try {
        results = await adapter.send(batch);
      } catch (error) {
        results = batch.map(() => ({ status: 'failed', error: (error as Error).message.slice(0, 500), retryable: true }));
      }
      batch.forEach((c, i) => outcomes.set(c.actionId, results[i]!));
    }),
  );
  return outcomes;
}

/** One transaction: each delivery's outcome, its action's status (or its next attempt), and the timeline. */
async function recordOutcomes(sql: SqlClient, tenantId: string, claims: readonly Claim[], outcomes: Map<string, SendOutcome>, options: DispatchOptions, summary: DispatchSummary): Promise<void> {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const deliveries: Array<{ action_id: string; status: string; provider_id: string | null; error: string | null }> = [];
  const actions: Array<{ id: string; status: string; deliver_after: string | null; reason: string | null }> = [];
  const events: TimelineEvent[] = [];
  for (const claim of claims) {
    const outcome = outcomes.get(claim.actionId)!;
    const base = { debtor_id: claim.debtorId, creditor_id: claim.creditorId, debt_id: claim.debtId };
    const data = { actionId: claim.actionId, channel: claim.channel, attempt: claim.attempts + 1 };
    if (outcome.status === 'sent') {
      deliveries.push({ action_id: claim.actionId, status: 'sent', provider_id: outcome.providerId, error: null });
      actions.push({ id: claim.actionId, status: 'sent', deliver_after: null, reason: null });
      events.push({ ...base, type: 'action.sent', data: { ...data, subject: claim.subject, content: claim.text, recipient: claim.to, providerId: outcome.providerId } });
      summary.sent++;
    } else if (outcome.status === 'unknown') {
      deliveries.push({ action_id: claim.actionId, status: 'unknown', provider_id: null, error: outcome.error });
      actions.push({ id: claim.actionId, status: 'unknown', deliver_after: null, reason: outcome.error });
      events.push({ ...base, type: 'action.unknown', data: { ...data, error: outcome.error } });
      summary.unknown++;
    } else {
      const again = outcome.retryable && claim.attempts + 1 < retry.maxAttempts;
      const nextAt = new Date(options.now.getTime() + retry.baseDelayMs * 4 ** claim.attempts);
      deliveries.push({ action_id: claim.actionId, status: 'failed', provider_id: null, error: outcome.error });
      actions.push({ id: claim.actionId, status: again ? 'planned' : 'failed', deliver_after: again ? nextAt.toISOString() : null, reason: outcome.error });
      events.push({ ...base, type: again ? 'action.retry' : 'action.failed', data: { ...data, error: outcome.error, ...(again ? { nextAttemptAt: nextAt.toISOString() } : {}) } });
      summary[again ? 'retrying' : 'failed']++;
    }
  }
  await sql.query(
    `update deliveries d set status = x.status, provider_id = x.provider_id, error = x.error, finished_at = $3
     from jsonb_to_recordset($2::jsonb) as x(action_id uuid, status text, provider_id text, error text)
     where d.tenant_id = $1 and d.action_id = any($4::uuid[]) and d.action_id = x.action_id`,
    [tenantId, JSON.stringify(deliveries), options.now, deliveries.map((d) => d.action_id)],
  );
  await sql.query(
    `update actions a set status = x.status, deliver_after = x.deliver_after, reason = x.reason
     from jsonb_to_recordset($2::jsonb) as x(id uuid, status text, deliver_after timestamptz, reason text)
     where a.tenant_id = $1 and a.id = any($3::uuid[]) and a.id = x.id`,
    [tenantId, JSON.stringify(actions), actions.map((a) => a.id)],
  );
  await insertEvents(sql, tenantId, events);
}

/** A delivery left in 'sending' by a process that died mid-send may or may not have gone out: 'unknown', for a person to check. */
async function markStuckDeliveries(db: Database, tenantId: string, options: DispatchOptions): Promise<number> {
  const before = new Date(options.now.getTime() - (options.stuckAfterMs ?? 15 * 60_000));
  return db.scoped({ tenantId }, async ({ sql }) => {
    const { rows } = await sql.query<{ action_id: string; debtor_id: string; creditor_id: string; debt_id: string; channel: string }>(
      `with stuck as (
         update deliveries set status = 'unknown', error = 'o envio foi interrompido; confira com o provedor antes de reenviar', finished_at = $3
         where tenant_id = $1 and status = 'sending' and attempted_at < $2
         returning action_id, debtor_id, creditor_id, channel)
       update actions a set status = 'unknown' from stuck
       where a.tenant_id = $1 and a.id = stuck.action_id
       returning stuck.action_id, stuck.debtor_id, stuck.creditor_id, a.debt_id, stuck.channel`,
      [tenantId, before, options.now],
    );
    await insertEvents(sql, tenantId, rows.map((r) => ({ debtor_id: r.debtor_id, creditor_id: r.creditor_id, debt_id: r.debt_id, type: 'action.unknown', data: { actionId: r.action_id, channel: r.channel, error: 'envio interrompido' } })));
    return rows.length;
  });
}

export async function insertEvents(sql: SqlClient, tenantId: string, events: readonly TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, data)
     select $1, x.debtor_id, x.creditor_id, x.debt_id, x.type, 'system', x.data
     from jsonb_to_recordset($2::jsonb) as x(debtor_id uuid, creditor_id uuid, debt_id uuid, type text, data jsonb)`,
    [tenantId, JSON.stringify(events)],
  );
  // Outbound webhooks (issue 9): message.sent/delivered/failed to the outbox, in this same transaction.
  await publishMessageEvents(sql, tenantId, events);
}
