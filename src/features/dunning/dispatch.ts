import { createHash } from 'node:crypto';
import { isUf, type Uf } from '../../brazil/uf.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalancePolicy } from '../../domain/balance/updated-balance.ts';
import { checkAction, type Channel, type CompliancePolicy, DEFAULT_COMPLIANCE_POLICY } from '../../domain/compliance/rules.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import { renderTemplate, type MessageContext } from '../../domain/dunning/templates.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import type { Database } from '../../store/database.ts';
import type { Debt } from '../../store/schema.ts';
import { indexSetOf, termsOf } from '../balances/balances.ts';
import type { ChannelAdapter } from './channels/channel.ts';

/**
 * Dispatch: planned actions whose day has come go out through their channel — after the full
 * compliance guard at the moment of sending (contact hours in the debtor's time zone, holidays,
 * frequency caps over what was really sent). A delivery row is committed before the message
 * leaves, under a unique key per action: two dispatchers, or a crash and a retry, never send
 * the same action twice (at most once; a delivery stuck in 'sending' is for a person to check).
 */
export interface DispatchOptions {
  now: Date;
  channels: readonly ChannelAdapter[];
  publicUrl: string;
  agency?: { name: string; phone: string };
  batchSize?: number;
  policy?: CompliancePolicy;
  /** Overrides of the balance policy used to itemize messages (the simulation allows longer provisional spans). */
  balancePolicy?: Partial<BalancePolicy>;
  /** Test hook: stop (as a crash would) after the deliveries are claimed, before sending. */
  crashAfterClaim?: boolean;
}

export interface DispatchSummary {
  sent: number;
  failed: number;
  deferred: number;
  blocked: number;
}

interface Claimed {
  tenantId: string;
  actionId: string;
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  debtorId: string;
  creditorId: string;
  debtId: string;
}

const STAGE_SUBJECT: Record<string, string> = { aviso: 'Aviso de débito', alerta: 'Débito em atraso', acao: 'Comunicado de cobrança' };

export async function dispatchDue(db: Database, options: DispatchOptions): Promise<DispatchSummary> {
  const summary: DispatchSummary = { sent: 0, failed: 0, deferred: 0, blocked: 0 };
  const enabled = options.channels.map((c) => c.channel);
  if (enabled.length === 0) return summary;
  const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string; name: string }>('select id, name from tenants order by id')).rows);
  for (const tenant of tenants) {
    for (;;) {
      const claimed = await claimBatch(db, tenant, enabled, options, summary);
      if (claimed === null) break;
      if (options.crashAfterClaim) throw new Error('simulated crash');
      for (const message of claimed) await deliver(db, message, options, summary);
    }
  }
  return summary;
}

/** One transaction: lock a batch of due actions, run the guard, and commit a delivery for each allowed one. Null when none is left. */
async function claimBatch(db: Database, tenant: { id: string; name: string }, enabled: Channel[], options: DispatchOptions, summary: DispatchSummary): Promise<Claimed[] | null> {
  const today = localTime(options.now, 'America/Sao_Paulo').date;
  return db.scoped({ tenantId: tenant.id }, async (tx) => {
    const { rows } = await tx.sql.query<{ id: string; debt_id: string; debtor_id: string; creditor_id: string; channel: Channel; stage: string; template: string }>(
      `select id, debt_id, debtor_id, creditor_id, channel, stage, template from actions
       where tenant_id = $1 and status = 'planned' and channel = any($2::text[]) and due_on <= $3::date
         and (deliver_after is null or deliver_after <= $4)
       order by due_on, id
       limit $5
       for update skip locked`,
      [tenant.id, enabled, today, options.now, options.batchSize ?? 200],
    );
    if (rows.length === 0) return null;
    const indices = await indexSetOf(tx);
    const claimed: Claimed[] = [];
    for (const action of rows) {
      const debt = (await tx.db.selectFrom('debts').selectAll().where('id', '=', action.debt_id).executeTakeFirstOrThrow()) as Debt;
      const debtor = await tx.db.selectFrom('debtors').selectAll().where('id', '=', action.debtor_id).executeTakeFirstOrThrow();
      const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', action.creditor_id).executeTakeFirstOrThrow();
      const template = await tx.db.selectFrom('message_templates').select('body').where('key', '=', action.template).executeTakeFirst();
      const contacts = await tx.db.selectFrom('contact_points').selectAll().where('debtor_id', '=', debtor.id).where('invalid_at', 'is', null).where('is_reference', '=', false).execute();
      const history = await tx.db
        .selectFrom('deliveries')
        .select(['attempted_at', 'channel'])
        .where('debtor_id', '=', debtor.id)
        .where('status', 'in', ['sending', 'sent'])
        .where('attempted_at', '>', new Date(options.now.getTime() - 8 * 86_400_000))
        .execute();
      // E-mail to an e-mail address; SMS and WhatsApp to a mobile phone; never to a channel the person refused.
      const address = contacts.find((c) =>
        action.channel === 'email' ? c.channel === 'email' : c.channel === 'phone' && c.phone_kind === 'mobile' && (action.channel !== 'whatsapp' || c.whatsapp_opt_in_at),
      );
      const uf: Uf | null = debtor.uf && isUf(debtor.uf) ? debtor.uf : null;
      const verdict = checkAction(
        {
          at: options.now,
          channel: action.channel,
          purpose: 'collect',
          recipient: {
            kind: 'debtor', uf, city: debtor.city,
            optedOutChannels: [...new Set(contacts.flatMap((c) => c.opted_out_channels))] as Channel[],
            whatsappOptIn: contacts.some((c) => c.whatsapp_opt_in_at),
          },
          debt: { prescriptionDate: prescriptionOf({ kind: storedDebtKind(debt.document_kind), dueDate: debt.due_date, interruptedOn: debt.prescription_interrupted_on }).prescriptionDate, disputed: !!debt.disputed_at },
          debtor: { overIndebted: !!debtor.over_indebted_since },
          history: history.map((h) => ({ at: h.attempted_at, channel: h.channel as Channel })),
        },
        options.policy ?? DEFAULT_COMPLIANCE_POLICY,
      );
      const event = (type: string, data: Record<string, unknown>) =>
        tx.db.insertInto('events').values({ tenant_id: tenant.id, debtor_id: debtor.id, creditor_id: creditor.id, debt_id: debt.id, type, actor_kind: 'system', data: JSON.stringify({ actionId: action.id, channel: action.channel, ...data }) }).execute();
      if (!verdict.allowed) {
        if (verdict.deferTo) {
          await tx.db.updateTable('actions').set({ deliver_after: verdict.deferTo, rule: verdict.rule, reason: verdict.reason }).where('id', '=', action.id).execute();
          await event('action.deferred', { rule: verdict.rule, reason: verdict.reason, source: verdict.source, until: verdict.deferTo.toISOString() });
          summary.deferred++;
        } else {
          await tx.db.updateTable('actions').set({ status: 'blocked', rule: verdict.rule, reason: `${verdict.reason} (${verdict.source})` }).where('id', '=', action.id).execute();
          await event('action.blocked', { rule: verdict.rule, reason: verdict.reason, source: verdict.source });
          summary.blocked++;
        }
        continue;
      }
      if (!address || !template) {
        const reason = !template ? `modelo ${action.template} inexistente` : `sem contato válido para ${action.channel}`;
        await tx.db.updateTable('actions').set({ status: 'failed', reason }).where('id', '=', action.id).execute();
        await event('action.failed', { reason });
        summary.failed++;
        continue;
      }
      let balance;
      try {
        balance = updatedBalance(termsOf(debt), [], today, indices, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known', ...options.balancePolicy });
      } catch (error) {
        // No message without a correct itemized amount (e.g. an index month missing): fail this one, clearly.
        const reason = (error as Error).message;
        await tx.db.updateTable('actions').set({ status: 'failed', reason }).where('id', '=', action.id).execute();
        await event('action.failed', { reason });
        summary.failed++;
        continue;
      }
      const context: MessageContext = {
        asOf: today,
        debtor: { name: debtor.name, document: debtor.document, kind: debtor.kind },
        creditor: {
          legalName: creditor.legal_name, tradeName: creditor.trade_name, document: creditor.document,
          address: creditorAddress(creditor),
        },
        debts: [{ externalId: debt.external_id, dueDate: debt.due_date, originalCents: debt.original_amount_cents }],
        balance: { total: balance.total, ...balance.components },
        portalUrl: `${options.publicUrl.replace(/\/$/, '')}/portal`,
        agency: options.agency ?? { name: tenant.name, phone: '' },
      };
      const text = renderTemplate(template.body, context);
      const subject = `${STAGE_SUBJECT[action.stage] ?? 'Comunicado'} — ${creditor.trade_name ?? creditor.legal_name}`;
      await tx.db
        .insertInto('deliveries')
        .values({ tenant_id: tenant.id, action_id: action.id, debtor_id: debtor.id, creditor_id: creditor.id, channel: action.channel, recipient: address.value, content_sha256: createHash('sha256').update(`${subject}\n${text}`).digest('hex'), status: 'sending' })
        .execute();
      await tx.db.updateTable('actions').set({ status: 'sending' }).where('id', '=', action.id).execute();
      claimed.push({ tenantId: tenant.id, actionId: action.id, channel: action.channel, to: address.value, subject, text, debtorId: debtor.id, creditorId: creditor.id, debtId: debt.id });
    }
    return claimed;
  });
}

async function deliver(db: Database, message: Claimed, options: DispatchOptions, summary: DispatchSummary): Promise<void> {
  const adapter = options.channels.find((c) => c.channel === message.channel)!;
  let outcome: { status: 'sent'; providerId: string } | { status: 'failed'; error: string };
  try {
    outcome = { status: 'sent', ...(await adapter.send({ actionId: message.actionId, to: message.to, subject: message.subject, text: message.text })) };
  } catch (error) {
    outcome = { status: 'failed', error: (error as Error).message.slice(0, 500) };
  }
  await db.scoped({ tenantId: message.tenantId }, async (tx) => {
    await tx.db
      .updateTable('deliveries')
      .set({ status: outcome.status, provider_id: outcome.status === 'sent' ? outcome.providerId : null, error: outcome.status === 'failed' ? outcome.error : null, finished_at: new Date() })
      .where('action_id', '=', message.actionId)
      .execute();
    await tx.db.updateTable('actions').set({ status: outcome.status }).where('id', '=', message.actionId).execute();
    await tx.db
      .insertInto('events')
      .values({
        tenant_id: message.tenantId, debtor_id: message.debtorId, creditor_id: message.creditorId, debt_id: message.debtId, type: `action.${outcome.status}`, actor_kind: 'system',
        data: JSON.stringify({ actionId: message.actionId, channel: message.channel, subject: message.subject, content: message.text, ...(outcome.status === 'failed' ? { error: outcome.error } : { providerId: outcome.providerId }) }),
      })
      .execute();
  });
  summary[outcome.status === 'sent' ? 'sent' : 'failed']++;
}
