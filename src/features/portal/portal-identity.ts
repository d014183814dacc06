import { randomBytes, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { ContactPoint, PortalCodeChannel } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import type { PortalActor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import type { OutgoingMessage, SendOutcome } from '../dunning/channels/channel.ts';
import { smtpChannel } from '../dunning/channels/email.ts';
import { twilioSmsChannel } from '../dunning/channels/sms.ts';
import {
  addressKey, attemptVerdict, codeHash, codeMatches, codeMessage, documentKey, formatCode, IDENTIFICATION_FAILED, sha256, type AttemptCounts, type AttemptVerdict,
} from './portal-rules.ts';

/**
 * Who is at the portal: identification by CPF/CNPJ and a second factor (the birth date, or a
 * one-time code sent to the debtor's own e-mail or mobile), attempt counters in the database,
 * and the portal's own sessions — never staff sessions.
 */

export type PortalConfig = Pick<
  Config,
  | 'PORTAL_SESSION_IDLE_MINUTES' | 'PORTAL_SESSION_MAX_HOURS' | 'PORTAL_RATE_WINDOW_MINUTES' | 'PORTAL_MAX_ATTEMPTS_PER_DOCUMENT' | 'PORTAL_MAX_ATTEMPTS_PER_DOCUMENT_PER_DAY'
  | 'PORTAL_MAX_ATTEMPTS_PER_IP' | 'PORTAL_MAX_PRIVACY_REQUESTS_PER_IP' | 'PORTAL_CODE_TTL_MINUTES' | 'PORTAL_CODE_MAX_TRIES' | 'PORTAL_SHOW_PRESCRIBED'
  | 'SMTP_URL' | 'MAIL_FROM' | 'TWILIO_API_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM'
>;

export interface PortalTenant {
  id: string;
  slug: string;
  name: string;
  document: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  address: string | null;
  dpo_name: string | null;
  dpo_email: string | null;
  dpo_phone: string | null;
}

/** The agency behind a portal address; an unknown slug is simply not found. */
export async function portalTenant(db: Database, slug: string): Promise<PortalTenant> {
  const tenant = await db.system(({ db: q }) =>
    q.selectFrom('tenants').select(['id', 'slug', 'name', 'document', 'phone', 'email', 'website', 'address', 'dpo_name', 'dpo_email', 'dpo_phone']).where('slug', '=', slug).executeTakeFirst(),
  );
  if (!tenant) throw new AppError('not_found', 'Portal não encontrado: confira o endereço.');
  return tenant;
}

// ─── Attempt counters ─────────────────────────────────────────────────────────────────────────

/** Lock namespaces of the counters (pg_advisory_xact_lock(namespace, key)): a document and an address never share a lock. */
const LOCK_DOCUMENT = 72_635_101;
const LOCK_ADDRESS = 72_635_102;

/**
 * Counts this attempt against the client address and, when given, the document — refused once a
 * counter is full, before anything is checked. The counters are rows, counted and written under
 * advisory locks in one transaction, so two workers cannot both let the sixth attempt through.
 */
export async function countAttempt(
  db: Database,
  config: PortalConfig,
  attempt: { purpose: 'identify' | 'privacy'; ip: string; tenantId: string; document?: string | undefined },
): Promise<AttemptVerdict> {
  const ipKind = attempt.purpose === 'privacy' ? 'privacy_ip' : 'ip';
  const ipKey = addressKey(attempt.ip);
  const docKey = attempt.document ? documentKey(attempt.tenantId, attempt.document) : null;
  const window = `${config.PORTAL_RATE_WINDOW_MINUTES} minutes`;
  return db.system(async ({ sql: q }) => {
    if (docKey) await q.query('select pg_advisory_xact_lock($1, hashtext($2))', [LOCK_DOCUMENT, docKey]);
    await q.query('select pg_advisory_xact_lock($1, hashtext($2))', [LOCK_ADDRESS, `${ipKind}:${ipKey}`]);
    const { rows } = await q.query<{
      now: Date; ip_n: number; ip_oldest: Date | null; doc_window: number; doc_window_oldest: Date | null; doc_day: number; doc_day_oldest: Date | null;
    }>(
      `select now() as now,
              count(*) filter (where kind = $1 and key = $2 and at > now() - $4::interval)::int as ip_n,
              min(at) filter (where kind = $1 and key = $2 and at > now() - $4::interval) as ip_oldest,
              count(*) filter (where kind = 'document' and key = $3 and at > now() - $4::interval)::int as doc_window,
              min(at) filter (where kind = 'document' and key = $3 and at > now() - $4::interval) as doc_window_oldest,
              count(*) filter (where kind = 'document' and key = $3)::int as doc_day,
              min(at) filter (where kind = 'document' and key = $3) as doc_day_oldest
         from portal_attempts
        where ((kind = $1 and key = $2) or (kind = 'document' and key = $3)) and at > now() - interval '1 day'`,
      [ipKind, ipKey, docKey, window],
    );
    const r = rows[0]!;
    const counts: AttemptCounts = {
      ip: { inWindow: r.ip_n, oldest: r.ip_oldest },
      document: docKey ? { inWindow: r.doc_window, oldestInWindow: r.doc_window_oldest, inDay: r.doc_day, oldestInDay: r.doc_day_oldest } : null,
    };
    const verdict = attemptVerdict(
      counts,
      {
        windowMinutes: config.PORTAL_RATE_WINDOW_MINUTES,
        perDocument: config.PORTAL_MAX_ATTEMPTS_PER_DOCUMENT,
        perDocumentPerDay: config.PORTAL_MAX_ATTEMPTS_PER_DOCUMENT_PER_DAY,
        perIp: attempt.purpose === 'privacy' ? config.PORTAL_MAX_PRIVACY_REQUESTS_PER_IP : config.PORTAL_MAX_ATTEMPTS_PER_IP,
      },
      new Date(r.now),
    );
    if (!verdict.ok) return verdict;
    // Counted before the check, so an attempt in flight is already in the next one's count; old rows of these keys go.
    await q.query(`delete from portal_attempts where kind = $1 and key = $2 and at <= now() - interval '1 day'`, [ipKind, ipKey]);
    await q.query('insert into portal_attempts (kind, key) values ($1, $2)', [ipKind, ipKey]);
    if (docKey) {
      await q.query(`delete from portal_attempts where kind = 'document' and key = $1 and at <= now() - interval '1 day'`, [docKey]);
      await q.query(`insert into portal_attempts (kind, key) values ('document', $1)`, [docKey]);
    }
    return verdict;
  });
}

/** A rate-limit refusal as the API answers it (429); the route adds Retry-After. */
export function rateLimited(verdict: Extract<AttemptVerdict, { ok: false }>): AppError {
  return new AppError('rate_limited', verdict.message);
}

// ─── Sessions ─────────────────────────────────────────────────────────────────────────────────

export interface PortalSession {
  token: string;
  expiresAt: Date;
  debtor: { id: string; name: string; kind: 'pf' | 'pj'; document: string };
}

type Factor = { birthDate: string } | { code: string };

/**
 * Opens a portal session when the document and the second factor match; any failure — unknown
 * document, wrong date, no date on file, wrong or expired code — is the same 401 with the same
 * message. The attempt was counted before (countAttempt); a success clears the document's counter.
 */
export async function openPortalSession(
  db: Database,
  config: PortalConfig,
  tenantId: string,
  input: { document: string; ip: string; userAgent?: string | undefined } & Factor,
): Promise<PortalSession> {
  const method = 'birthDate' in input ? 'birth_date' : 'code';
  const outcome = await db.system(async (tx) => {
    const debtor = await tx.db.selectFrom('debtors').select(['id', 'name', 'kind', 'document', 'birth_date']).where('tenant_id', '=', tenantId).where('document', '=', input.document).executeTakeFirst();
    if (!debtor) return null;
    const ok = 'birthDate' in input ? debtor.birth_date !== null && debtor.birth_date === input.birthDate : await useCode(tx, config, tenantId, debtor.id, input.code);
    if (!ok) return { debtor, session: null };
    const token = randomBytes(32).toString('base64url');
    const id = sha256(token);
    const { rows } = await tx.sql.query<{ expires_at: Date }>(
      `insert into portal_sessions (id, tenant_id, debtor_id, method, expires_at, max_expires_at, ip, user_agent)
       values ($1, $2, $3, $4, now() + $5::interval, now() + $6::interval, $7, $8) returning expires_at`,
      [id, tenantId, debtor.id, method, `${config.PORTAL_SESSION_IDLE_MINUTES} minutes`, `${config.PORTAL_SESSION_MAX_HOURS} hours`, input.ip, input.userAgent?.slice(0, 300) ?? null],
    );
    await tx.sql.query(`delete from portal_sessions where tenant_id = $1 and debtor_id = $2 and (expires_at <= now() or max_expires_at <= now() or revoked_at is not null)`, [tenantId, debtor.id]);
    await tx.sql.query(`delete from portal_attempts where kind = 'document' and key = $1`, [documentKey(tenantId, input.document)]);
    return { debtor, session: { token, id, expiresAt: new Date(rows[0]!.expires_at) } };
  });
  if (!outcome?.session) {
    // A failure on a known debtor is audited (the DPO sees someone trying their CPF); the answer says nothing of it.
    if (outcome) {
      await db.system((tx) =>
        tx.db.insertInto('audit_log').values({ tenant_id: tenantId, user_id: null, action: 'login_failed', resource: 'portal_session', subject_ids: [outcome.debtor.id], ip: input.ip, details: JSON.stringify({ method, via: 'portal' }) }).execute(),
      );
    }
    throw new AppError('unauthenticated', IDENTIFICATION_FAILED);
  }
  const { debtor, session } = outcome;
  const actor = portalActor(tenantId, debtor.id, session.id, input.ip);
  await db.scoped({ tenantId }, async (tx) => {
    await recordAccess(tx, actor, { action: 'login', resource: 'portal_session', subjectIds: [debtor.id], details: { method } });
    await appendEvent(tx, actor, { debtorId: debtor.id, type: 'portal.session_started', data: { method } });
  });
  return { token: session.token, expiresAt: session.expiresAt, debtor: { id: debtor.id, name: debtor.name, kind: debtor.kind, document: debtor.document } };
}

/** Checks a typed code against the debtor's live codes; a wrong one spends a try of each. */
async function useCode(tx: Tx, config: PortalConfig, tenantId: string, debtorId: string, typed: string): Promise<boolean> {
  const live = await tx.db
    .selectFrom('portal_codes')
    .select(['id', 'salt', 'code_sha256'])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('attempts', '<', config.PORTAL_CODE_MAX_TRIES)
    .forUpdate()
    .execute();
  const match = live.find((c) => codeMatches(c.salt, c.code_sha256, typed));
  if (match) {
    await tx.db.updateTable('portal_codes').set({ used_at: sql`now()` }).where('tenant_id', '=', tenantId).where('id', '=', match.id).execute();
    return true;
  }
  if (live.length) await tx.db.updateTable('portal_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('tenant_id', '=', tenantId).where('id', 'in', live.map((c) => c.id)).execute();
  return false;
}

export function portalActor(tenantId: string, debtorId: string, sessionId: string, ip: string | undefined): PortalActor {
  return { userId: null, tenantId, role: 'debtor', creditorId: null, debtorId, sessionRef: sessionId.slice(0, 16), ip };
}

/** The debtor behind a portal token on this tenant's portal, sliding the idle limit forward; anything else is a 401. */
export async function authenticatePortal(db: Database, config: PortalConfig, tenantId: string, token: string | null, ip: string | undefined): Promise<PortalActor> {
  const row = token
    ? await db.system(async ({ sql: q }) => {
        const { rows } = await q.query<{ id: string; debtor_id: string }>(
          `update portal_sessions set last_seen_at = now(), expires_at = least(now() + $3::interval, max_expires_at)
            where id = $1 and tenant_id = $2 and revoked_at is null and expires_at > now() and max_expires_at > now()
            returning id, debtor_id`,
          [sha256(token), tenantId, `${config.PORTAL_SESSION_IDLE_MINUTES} minutes`],
        );
        return rows[0];
      })
    : undefined;
  if (!row) throw new AppError('unauthenticated', 'Sua sessão no portal terminou ou não é válida. Identifique-se de novo.');
  return portalActor(tenantId, row.debtor_id, row.id, ip);
}

export async function closePortalSession(db: Database, tenantId: string, token: string): Promise<void> {
  await db.system(({ sql: q }) => q.query('update portal_sessions set revoked_at = now() where id = $1 and tenant_id = $2 and revoked_at is null', [sha256(token), tenantId]));
}

// ─── One-time codes ───────────────────────────────────────────────────────────────────────────

/** What a code request leaves to be done after the answer: the sending, so its time tells nobody anything. */
export type PendingSend = () => Promise<void>;

/**
 * A code for the debtor of this document, when one exists and has a usable contact of the
 * channel: their own (never a reference contact, CDC art. 42), not marked invalid, and not on a
 * channel they opted out of. Returns the sending to run after the answer, or null when nothing is
 * to be sent — the caller answers the same either way.
 */
export async function requestCode(
  db: Database,
  config: PortalConfig,
  tenant: Pick<PortalTenant, 'id' | 'name'>,
  input: { document: string; channel: PortalCodeChannel; ip: string },
): Promise<PendingSend | null> {
  const prepared = await db.system(async (tx) => {
    const debtor = await tx.db.selectFrom('debtors').select(['id', 'name']).where('tenant_id', '=', tenant.id).where('document', '=', input.document).executeTakeFirst();
    if (!debtor) return null;
    const contacts = await tx.db.selectFrom('contact_points').selectAll().where('tenant_id', '=', tenant.id).where('debtor_id', '=', debtor.id).where('is_reference', '=', false).execute();
    const contact = codeContact(contacts, input.channel);
    if (!contact) return null;
    const code = formatCode(randomInt(0, 1_000_000));
    const salt = randomBytes(16).toString('hex');
    const configured = input.channel === 'email' ? !!config.SMTP_URL : !!(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM);
    const row = await tx.db
      .insertInto('portal_codes')
      .values({
        tenant_id: tenant.id, debtor_id: debtor.id, channel: input.channel, contact_point_id: contact.id, salt, code_sha256: codeHash(salt, code),
        expires_at: sql<Date>`now() + ${`${config.PORTAL_CODE_TTL_MINUTES} minutes`}::interval`, send_status: configured ? 'pending' : 'not_configured',
        send_error: configured ? null : `canal ${input.channel} não configurado`, provider_id: null, used_at: null, ip: input.ip,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return configured ? { codeId: row.id, debtorId: debtor.id, name: debtor.name, to: contact.value, code } : null;
  });
  if (!prepared) return null;
  return async () => {
    const { subject, text } = codeMessage(tenant.name, prepared.code, config.PORTAL_CODE_TTL_MINUTES);
    // A code belongs to no debt and no creditor: the adapters use only the address, the text and the id.
    const message: OutgoingMessage = {
      tenantId: tenant.id, actionId: prepared.codeId, debtorId: prepared.debtorId, creditorId: '', debtId: '', to: prepared.to, recipientName: prepared.name,
      postalAddress: null, subject, text, template: { key: 'portal-code', parameters: [] }, at: new Date(),
    };
    let outcome: SendOutcome;
    try {
      outcome = (await sendThrough(config, input.channel, message)) ?? { status: 'failed', error: 'canal não configurado', retryable: false };
    } catch (error) {
      outcome = { status: 'unknown', error: error instanceof Error ? error.message : String(error) };
    }
    await db.system((tx) =>
      tx.db
        .updateTable('portal_codes')
        .set(outcome.status === 'sent' ? { send_status: 'sent', provider_id: outcome.providerId } : { send_status: 'failed', send_error: outcome.error.slice(0, 500) })
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', prepared.codeId)
        .execute(),
    );
  };
}

/** The contact a code goes to: a verified one first, then the most recent. */
export function codeContact(contacts: readonly ContactPoint[], channel: PortalCodeChannel): ContactPoint | undefined {
  const optedOut = contacts.some((c) => c.opted_out_channels.includes(channel));
  if (optedOut) return undefined;
  return contacts
    .filter((c) => !c.is_reference && c.invalid_at === null && (channel === 'email' ? c.channel === 'email' : c.channel === 'phone' && c.phone_kind === 'mobile'))
    .sort((a, b) => Number(b.verified) - Number(a.verified) || b.created_at.getTime() - a.created_at.getTime())[0];
}

/** Through the same adapters as the dunning messages: SMTP (nodemailer) and the Twilio-format SMS API. */
async function sendThrough(config: PortalConfig, channel: PortalCodeChannel, message: OutgoingMessage): Promise<SendOutcome | null> {
  if (channel === 'email') {
    if (!config.SMTP_URL) return null;
    const adapter = smtpChannel({ url: config.SMTP_URL, from: config.MAIL_FROM, connections: 1 });
    try {
      return (await adapter.send([message]))[0]!;
    } finally {
      adapter.close();
    }
  }
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM) return null;
  const adapter = twilioSmsChannel({ apiUrl: config.TWILIO_API_URL, accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM, concurrency: 1 });
  return (await adapter.send([message]))[0]!;
}
