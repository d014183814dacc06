import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { decodePix } from '../../brazil/pix/index.ts';
import { addDays } from '../../domain/dates.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, newCpf, type TenantFixture } from '../../../test/support/factories.ts';
import { twilioStandIn } from '../../../test/support/provider-stand-ins.ts';
import { bearer, loginAs, startServer } from '../../../test/support/server.ts';
import { quotedPrintable, startSmtpServer } from '../../../test/support/smtp.ts';
import { acceptAgreement, createAgreement } from '../negotiation/agreements.ts';
import { issueAgreementCharges } from '../payments/charges.ts';
import { createCollectionAccount } from '../payments/collection-accounts.ts';
import { IDENTIFICATION_FAILED } from './portal-rules.ts';

/**
 * The debtor's portal through the real server (Fastify inject), on PGlite and PostgreSQL:
 * identification (birth date; a code by e-mail through a real SMTP server and by SMS through a
 * Twilio-format API), the attempt limits, a debtor confined to their own records, the policy's
 * offers → an agreement accepted in the portal → its charges, and the LGPD form.
 */
let t: TestDatabase;
let app: App;
let a: TenantFixture;
let b: TenantFixture;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let twilio: Awaited<ReturnType<typeof twilioStandIn>>;
let admin: string;

/** The debtors of tenant A: X (only creditor 0, with a birth date), S (both creditors, with one), Z (no birth date), C (creditor 1, for the codes). */
const people = { X: { document: '', id: '', birthDate: '1980-05-17' }, S: { document: '', id: '', birthDate: '1975-01-02' }, Z: { document: '', id: '' }, C: { document: '', id: '' } };
let oldDebtId = '';

let ipCounter = 0;
/** A client address of its own (the server trusts X-Forwarded-For, as behind the proxy), so each test has its own address counter. */
const newIp = () => `10.20.${Math.floor(++ipCounter / 200)}.${(ipCounter % 200) + 1}`;

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, options: { token?: string; cookie?: string; ip?: string; payload?: unknown } = {}) {
  const headers: Record<string, string> = { 'x-forwarded-for': options.ip ?? '10.99.0.1' };
  if (options.token) Object.assign(headers, bearer(options.token));
  if (options.cookie) headers.cookie = options.cookie;
  const response = await app.inject({ method, url, headers, ...(options.payload !== undefined ? { payload: options.payload as object } : {}) });
  const json = /json/.test(String(response.headers['content-type'])) ? response.json() : undefined;
  return { status: response.statusCode, json, body: response.body, raw: response };
}

async function login(document: string, birthDate: string, ip = newIp()): Promise<string> {
  const r = await call('POST', '/api/portal/portal-a/session', { ip, payload: { document, birthDate } });
  expect(r.status, r.body).toBe(200);
  return r.json.token as string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  twilio = await twilioStandIn({ accountSid: 'AC-portal', authToken: 'token-portal' });
  t = await openTestDatabase();
  a = await createTenant(t.db, 'portal-a');
  b = await createTenant(t.db, 'portal-b');
  const [c0, c1] = a.creditors;
  people.X.document = c0!.debtorDocuments[1]!;
  people.S.document = c0!.debtorDocuments[0]!;
  people.Z.document = c0!.debtorDocuments[2]!;
  people.C.document = c1!.debtorDocuments[1]!;
  await t.db.system(async ({ db }) => {
    for (const p of Object.values(people)) p.id = (await db.selectFrom('debtors').select('id').where('tenant_id', '=', a.tenantId).where('document', '=', p.document).executeTakeFirstOrThrow()).id;
    await db.updateTable('debtors').set({ birth_date: people.X.birthDate }).where('id', '=', people.X.id).execute();
    await db.updateTable('debtors').set({ birth_date: people.S.birthDate }).where('id', '=', people.S.id).execute();
    // A prescribed debt of X (due 2015): not listed in the portal, not negotiated there.
    oldDebtId = (
      await db
        .insertInto('debts')
        .values({ tenant_id: a.tenantId, creditor_id: c0!.id, portfolio_id: c0!.portfolioId, debtor_id: people.X.id, external_id: 'OLD-X', document_kind: 'contract', original_amount_cents: 70_000, due_date: '2015-03-10', relationship: 'consumer' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db.updateTable('tenants').set({ phone: '(11) 4000-1000', email: 'contato@portal-a.test', dpo_name: 'Encarregada Exemplo', dpo_email: 'dpo@portal-a.test', document: '11222333000181' }).where('id', '=', a.tenantId).execute();
  });
  for (const tenant of [a, b]) {
    for (const [i, creditor] of tenant.creditors.entries()) {
      await createCollectionAccount(t.db, tenant.users.admin.actor, { creditorId: creditor.id, name: 'Itaú', bankCode: '341', agency: '1234', account: `5432${i}`, accountDigit: '7', wallet: '109', pixKey: `pix${i}@${tenant.slug}.test`, nextSequence: 1 });
    }
  }
  ({ app } = await startServer(t.db, {
    SMTP_URL: smtp.url, MAIL_FROM: 'Portal <portal@recupera.test>',
    TWILIO_API_URL: twilio.url, TWILIO_ACCOUNT_SID: 'AC-portal', TWILIO_AUTH_TOKEN: 'token-portal', TWILIO_FROM: '+5511900000000',
  }));
  admin = await loginAs(app, a.users.admin.email);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
  await smtp?.close();
  await twilio?.close();
});

describe('the portal of an agency', () => {
  it('shows the agency, its encarregado and the privacy notice without a session; an unknown portal is 404', async () => {
    const r = await call('GET', '/api/portal/portal-a');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ slug: 'portal-a', name: 'Assessoria portal-a', phone: '(11) 4000-1000', dpo: { name: 'Encarregada Exemplo', email: 'dpo@portal-a.test' } });
    expect(r.json.identification.codeChannels).toEqual(['email', 'sms']);
    expect(r.json.privacy.responseDays).toBe(15);
    expect(r.json.privacy.rights.map((x: { kind: string }) => x.kind)).toEqual(['access', 'correction', 'deletion', 'anonymization', 'portability', 'information']);
    expect((await call('GET', '/api/portal/nao-existe')).status).toBe(404);
  });
});

describe('identification', () => {
  it('opens a session with the CPF and the birth date: an HttpOnly, SameSite=Strict cookie on /api/portal and the same token for API clients', async () => {
    const r = await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.X.document.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4'), birthDate: people.X.birthDate } });
    expect(r.status, r.body).toBe(200);
    const cookie = String(r.raw.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^recupera_portal=${r.json.token};`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api/portal');
    expect(cookie).not.toContain('Secure'); // plain http in the test; Secure behind https
    expect(r.json.debtor.document).toBe(`***.${people.X.document.slice(3, 6)}.${people.X.document.slice(6, 9)}-**`);
    // idle limit: about 30 minutes from now
    expect(Math.abs(new Date(r.json.expiresAt).getTime() - Date.now() - 30 * 60_000)).toBeLessThan(60_000);
    const byCookie = await call('GET', '/api/portal/portal-a/me', { cookie: `recupera_portal=${r.json.token}` });
    expect(byCookie.status, byCookie.body).toBe(200);
    expect(byCookie.json.debtor.firstName).toBe(r.json.debtor.firstName);
    expect((await call('GET', '/api/portal/portal-a/me', { token: r.json.token })).status).toBe(200);
    // the session is stored as a hash only; the login is on the timeline as the debtor's, and in the audit log
    const stored = await t.db.system(async ({ db }) => ({
      sessions: await db.selectFrom('portal_sessions').select(['id', 'method']).where('debtor_id', '=', people.X.id).execute(),
      event: await db.selectFrom('events').select(['actor_kind', 'actor_user_id']).where('debtor_id', '=', people.X.id).where('type', '=', 'portal.session_started').executeTakeFirst(),
      audit: await db.selectFrom('audit_log').select(['user_id', 'details']).where('resource', '=', 'portal_session').where('action', '=', 'login').where(sql<boolean>`${people.X.id}::uuid = any(subject_ids)`).executeTakeFirst(),
    }));
    expect(stored.sessions).toContainEqual({ id: sha256(r.json.token), method: 'birth_date' });
    expect(stored.sessions.some((s) => s.id === r.json.token)).toBe(false);
    expect(stored.event).toEqual({ actor_kind: 'debtor', actor_user_id: null });
    expect(stored.audit).toMatchObject({ user_id: null, details: { via: 'portal', debtorId: people.X.id, method: 'birth_date' } });
  });

  it('answers the same 401 for an unknown CPF, a wrong date and a debtor without a birth date', async () => {
    const unknown = await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: newCpf(), birthDate: '1980-05-17' } });
    const wrongDate = await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.X.document, birthDate: '1980-05-18' } });
    const noDate = await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.Z.document, birthDate: '1980-05-17' } });
    const otherTenant = await call('POST', '/api/portal/portal-b/session', { ip: newIp(), payload: { document: people.X.document, birthDate: people.X.birthDate } });
    for (const r of [unknown, wrongDate, noDate, otherTenant]) {
      expect(r.status).toBe(401);
      expect(r.json.detail).toBe(IDENTIFICATION_FAILED);
      expect(r.raw.headers['set-cookie']).toBeUndefined();
    }
    const bodies = [unknown, wrongDate, noDate, otherTenant].map((r) => JSON.stringify(r.json));
    expect(new Set(bodies).size).toBe(1);
    // the date or the code, exactly one
    expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.X.document } })).status).toBe(400);
    expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.X.document, birthDate: people.X.birthDate, code: '123456' } })).status).toBe(400);
  });

  it('keeps staff and portal sessions apart', async () => {
    const token = await login(people.X.document, people.X.birthDate);
    expect((await call('GET', '/api/portal/portal-a/me', { token: admin })).status).toBe(401);
    expect((await call('GET', '/api/debtors', { token })).status).toBe(401);
    expect((await call('GET', '/api/portal/portal-b/me', { token })).status).toBe(401);
  });

  it('logs out, and a session idle past its limit is over', async () => {
    const token = await login(people.X.document, people.X.birthDate);
    const out = await call('DELETE', '/api/portal/portal-a/session', { token });
    expect(out.status).toBe(204);
    expect(String(out.raw.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await call('GET', '/api/portal/portal-a/me', { token })).status).toBe(401);
    const idle = await login(people.X.document, people.X.birthDate);
    await t.db.system(({ sql }) => sql.query(`update portal_sessions set expires_at = now() - interval '1 second' where id = $1`, [sha256(idle)]));
    const expired = await call('GET', '/api/portal/portal-a/me', { token: idle });
    expect(expired.status).toBe(401);
    expect(expired.json.detail).toMatch(/Identifique-se de novo/);
  });
});

describe('one-time codes', () => {
  it('sends a code by e-mail through SMTP and opens a session with it; the answer is the same for an unknown CPF', async () => {
    const ip = newIp();
    const before = smtp.received.length;
    const asked = await call('POST', '/api/portal/portal-a/codes', { ip, payload: { document: people.C.document, channel: 'email' } });
    const unknown = await call('POST', '/api/portal/portal-a/codes', { ip, payload: { document: newCpf(), channel: 'email' } });
    expect(asked.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toBe(asked.body);
    const mail = await until(() => smtp.received.slice(before).find((m) => m.to.includes('pessoa1.portal-a.1@exemplo.test')), 'the code e-mail');
    expect(smtp.received.length - before).toBe(1); // nothing went anywhere for the unknown CPF
    const text = quotedPrintable(mail.raw);
    expect(text).toContain('Assessoria portal-a');
    expect(text).not.toMatch(/R\$|d[ée]bito|d[íi]vida/i);
    const code = /código de acesso é (\d{6})/.exec(text)![1]!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const failed = await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.C.document, code: wrong } });
    expect(failed.status).toBe(401);
    expect(failed.json.detail).toBe(IDENTIFICATION_FAILED);
    const ok = await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.C.document, code } });
    expect(ok.status, ok.body).toBe(200);
    expect((await call('GET', '/api/portal/portal-a/me', { token: ok.json.token })).json.debtor.document).toContain(people.C.document.slice(3, 6));
    // used once; stored hashed, with the wrong try counted and the sending recorded
    expect((await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.C.document, code } })).status).toBe(401);
    const row = await t.db.system(({ db }) => db.selectFrom('portal_codes').selectAll().where('debtor_id', '=', people.C.id).where('channel', '=', 'email').executeTakeFirstOrThrow());
    expect(row).toMatchObject({ send_status: 'sent', attempts: 1 });
    expect(row.used_at).not.toBeNull();
    expect(row.code_sha256).not.toContain(code);
    expect(row.provider_id).toBe(mail.messageId);
  });

  it('sends a code by SMS through the Twilio-format API to the debtor’s mobile', async () => {
    const ip = newIp();
    expect((await call('POST', '/api/portal/portal-a/codes', { ip, payload: { document: people.C.document, channel: 'sms' } })).status).toBe(202);
    const sms = await until(() => twilio.messages.at(-1), 'the code SMS');
    const mobile = await t.db.system(async ({ db }) => (await db.selectFrom('contact_points').select('value').where('debtor_id', '=', people.C.id).where('channel', '=', 'phone').executeTakeFirstOrThrow()).value);
    expect(sms.to).toBe(mobile);
    const code = /é (\d{6})\./.exec(sms.body)![1]!;
    expect((await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.C.document, code } })).status).toBe(200);
  });

  it('records a code as not sent when the channel is not configured, and still answers 202', async () => {
    const { app: bare } = await startServer(t.db);
    try {
      const r = await bare.inject({ method: 'POST', url: '/api/portal/portal-a/codes', headers: { 'x-forwarded-for': newIp() }, payload: { document: people.X.document, channel: 'email' } });
      expect(r.statusCode).toBe(202);
      const rows = await t.db.system(({ db }) => db.selectFrom('portal_codes').select(['send_status', 'send_error']).where('debtor_id', '=', people.X.id).execute());
      expect(rows).toEqual([{ send_status: 'not_configured', send_error: 'canal email não configurado' }]);
    } finally {
      await bare.close();
    }
  });
});

describe('attempt limits, counted in the database', () => {
  it('refuses a document after 5 attempts in 15 minutes (429, pt-BR, Retry-After), whatever the address and even with the right date', async () => {
    const doc = people.S.document;
    for (let i = 0; i < 5; i++) {
      expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: '2000-01-01' } })).status).toBe(401);
    }
    const refused = await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: people.S.birthDate } });
    expect(refused.status).toBe(429);
    expect(refused.json.detail).toMatch(/Muitas tentativas para este CPF\/CNPJ/);
    expect(Number(refused.raw.headers['retry-after'])).toBeGreaterThan(800);
    expect((await call('POST', '/api/portal/portal-a/codes', { ip: newIp(), payload: { document: doc, channel: 'email' } })).status).toBe(429);
    // per document: another CPF from the same address goes on
    const ip = newIp();
    expect((await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: doc, birthDate: people.S.birthDate } })).status).toBe(429);
    expect((await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.X.document, birthDate: people.X.birthDate } })).status).toBe(200);
    // the same CPF in another agency's portal has its own counter
    expect((await call('POST', '/api/portal/portal-b/session', { ip: newIp(), payload: { document: doc, birthDate: '2000-01-01' } })).status).toBe(401);
    // the window passed (the rows aged): the right date opens a session and clears the counter
    await t.db.system(({ sql }) => sql.query(`update portal_attempts set at = at - interval '16 minutes' where kind = 'document'`));
    expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: people.S.birthDate } })).status).toBe(200);
  });

  it('holds across two servers on the same database, even for attempts at the same moment', async () => {
    const { app: second } = await startServer(t.db);
    try {
      const doc = newCpf();
      const attempt = (server: App, i: number) =>
        server.inject({ method: 'POST', url: '/api/portal/portal-a/session', headers: { 'x-forwarded-for': newIp() }, payload: { document: doc, birthDate: `1990-01-${String(i + 1).padStart(2, '0')}` } });
      const statuses = (await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(i % 2 ? second : app, i)))).map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    } finally {
      await second.close();
    }
  });

  it('lets a successful identification clear the document’s counter', async () => {
    const doc = people.X.document;
    for (let i = 0; i < 4; i++) expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: '1999-09-09' } })).status).toBe(401);
    await login(doc, people.X.birthDate);
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: '1999-09-09' } })).status).toBe(401);
    expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: doc, birthDate: people.X.birthDate } })).status).toBe(429);
    await t.db.system(({ sql }) => sql.query(`delete from portal_attempts where kind = 'document'`));
  });

  it('refuses an address after 20 attempts in 15 minutes, whatever the documents', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) {
      const path = i % 2 ? 'codes' : 'session';
      const payload = i % 2 ? { document: newCpf(), channel: 'email' } : { document: newCpf(), birthDate: '1990-01-01' };
      expect((await call('POST', `/api/portal/portal-a/${path}`, { ip, payload })).status).toBe(path === 'codes' ? 202 : 401);
    }
    const refused = await call('POST', '/api/portal/portal-a/session', { ip, payload: { document: people.X.document, birthDate: people.X.birthDate } });
    expect(refused.status).toBe(429);
    expect(refused.json.detail).toMatch(/a partir desta conexão/);
    expect((await call('POST', '/api/portal/portal-a/session', { ip: newIp(), payload: { document: people.X.document, birthDate: people.X.birthDate } })).status).toBe(200);
    // the counters hold hashes, not CPFs or addresses
    const keys = await t.db.system(async ({ db }) => (await db.selectFrom('portal_attempts').select('key').execute()).map((r) => r.key));
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(keys.some((k) => k.includes(ip))).toBe(false);
  });
});

describe("a debtor's own case", () => {
  let x: string;
  let proposal: { id: string; sha: string; total: number; installments: number };

  beforeAll(async () => {
    x = await login(people.X.document, people.X.birthDate);
  });

  it("lists the debtor's debts with the creditor's identification and today's balance by component (the staff's balance), the prescribed one left out", async () => {
    const me = await call('GET', '/api/portal/portal-a/me', { token: x });
    expect(me.status, me.body).toBe(200);
    const staff = await call('GET', `/api/debtors/${people.X.id}/balance?asOf=${AS_OF}`, { token: admin });
    expect(staff.status).toBe(200);
    const creditor = await t.db.system(({ db }) => db.selectFrom('creditors').select(['id', 'legal_name', 'document']).where('id', '=', a.creditors[0]!.id).executeTakeFirstOrThrow());
    expect(me.json.asOf).toBe(AS_OF);
    expect(me.json.debts.map((d: { id: string }) => d.id)).not.toContain(oldDebtId);
    expect(me.json.debts).toHaveLength(2);
    for (const debt of me.json.debts) {
      expect(debt.creditor).toMatchObject({ id: creditor.id, legalName: creditor.legal_name, document: creditor.document, documentKind: 'cnpj' });
      const theirs = staff.json.debts.find((d: { debtId: string }) => d.debtId === debt.id);
      expect(debt.balance.total).toBe(theirs.total);
      expect(debt.balance.components).toEqual(theirs.components);
      const c = debt.balance.components;
      expect(c.principal + c.correction + c.interest + c.fine + c.fees).toBe(debt.balance.total);
      expect(c.principal).toBe(debt.originalCents); // nothing paid yet
      expect(c.fine).toBeLessThanOrEqual(Math.round(debt.originalCents * 0.02)); // CDC art. 52 §1
    }
    expect(me.json.totalCents).toBe(me.json.debts.reduce((s: number, d: { balance: { total: number } }) => s + d.balance.total, 0));
    expect(me.json.creditors).toEqual([expect.objectContaining({ id: creditor.id, negotiable: true, address: expect.stringContaining('Avenida Paulista') })]);
    expect(me.body).not.toContain(people.S.id);
    // audited as the debtor's own read
    const audit = await t.db.system(({ db }) => db.selectFrom('audit_log').select(['user_id', 'route']).where('resource', '=', 'portal_case').executeTakeFirstOrThrow());
    expect(audit).toEqual({ user_id: null, route: 'GET /api/portal/:tenant/me' });
  });

  it("offers exactly the policy's offers — the staff simulation of the same debts — and only those", async () => {
    const offers = await call('POST', '/api/portal/portal-a/offers', { token: x, payload: { creditorId: a.creditors[0]!.id } });
    expect(offers.status, offers.body).toBe(200);
    const debtIds = offers.json.debts.map((d: { debtId: string }) => d.debtId);
    expect(debtIds).toHaveLength(2);
    expect(debtIds).not.toContain(oldDebtId);
    const staff = await call('POST', `/api/debtors/${people.X.id}/offers`, { token: admin, payload: { creditorId: a.creditors[0]!.id, debtIds } });
    expect(offers.json.offers).toEqual(staff.json.offers.filter((o: { withinPolicy: boolean }) => o.withinPolicy));
    expect(offers.json.offers[0].kind).toBe('cash');
    expect(offers.json.offers.length).toBeGreaterThan(2);
    expect(offers.json.creditor.id).toBe(a.creditors[0]!.id);
    // a creditor the debtor owes nothing, and another agency's creditor, are not found
    expect((await call('POST', '/api/portal/portal-a/offers', { token: x, payload: { creditorId: a.creditors[1]!.id } })).status).toBe(404);
    expect((await call('POST', '/api/portal/portal-a/offers', { token: x, payload: { creditorId: b.creditors[0]!.id } })).status).toBe(404);
  });

  it('creates a proposal from an offer, with the term and its SHA-256; a new choice withdraws the earlier one; other counts are refused', async () => {
    const offers = (await call('POST', '/api/portal/portal-a/offers', { token: x, payload: { creditorId: a.creditors[0]!.id } })).json.offers as Array<{ installmentCount: number; totalCents: number; payments: Array<{ amountCents: number }> }>;
    const first = await call('POST', '/api/portal/portal-a/agreements', { token: x, payload: { creditorId: a.creditors[0]!.id, installments: 1, paymentMethod: 'pix' } });
    expect(first.status, first.body).toBe(201);
    const three = offers.find((o) => o.installmentCount === 3)!;
    const r = await call('POST', '/api/portal/portal-a/agreements', { token: x, payload: { creditorId: a.creditors[0]!.id, installments: 3, paymentMethod: 'pix' } });
    expect(r.status, r.body).toBe(201);
    expect(r.json.term.sha256).toBe(sha256(r.json.term.text));
    expect(r.json.term.text).toContain(r.json.agreement.number);
    expect(r.json.agreement).toMatchObject({ status: 'proposed', totalCents: three.totalCents, installmentCount: 3, paymentMethod: 'pix' });
    expect(r.json.agreement.installments.map((i: { amountCents: number; status: string }) => [i.amountCents, i.status])).toEqual(three.payments.map((p) => [p.amountCents, 'planned']));
    proposal = { id: r.json.agreement.id, sha: r.json.term.sha256, total: three.totalCents, installments: 3 };
    const statuses = await t.db.system(async ({ db }) => Object.fromEntries((await db.selectFrom('agreements').select(['id', 'status', 'within_policy', 'created_by']).where('debtor_id', '=', people.X.id).execute()).map((a) => [a.id, a])));
    expect(statuses[first.json.agreement.id]!.status).toBe('cancelled');
    expect(statuses[proposal.id]).toMatchObject({ status: 'proposed', within_policy: true, created_by: null });
    const refused = await call('POST', '/api/portal/portal-a/agreements', { token: x, payload: { creditorId: a.creditors[0]!.id, installments: 99, paymentMethod: 'pix' } });
    expect(refused.status).toBe(400);
    expect(refused.json.field).toBe('installments');
    // the term as a document: PDF, and the text whose hash the acceptance checks
    const pdf = await call('GET', `/api/portal/portal-a/agreements/${proposal.id}/documents/term`, { token: x });
    expect(pdf.status).toBe(200);
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.raw.headers['x-terms-sha256']).toBe(proposal.sha);
    const txt = await call('GET', `/api/portal/portal-a/agreements/${proposal.id}/documents/term?format=txt`, { token: x });
    expect(sha256(txt.body)).toBe(proposal.sha);
  });

  it('accepts on the term shown (channel portal, by the debtor, from the request address) and issues PIX charges that decode', async () => {
    const wrong = await call('POST', `/api/portal/portal-a/agreements/${proposal.id}/accept`, { token: x, payload: { termsSha256: '0'.repeat(64) } });
    expect(wrong.status).toBe(409);
    const ip = newIp();
    const r = await call('POST', `/api/portal/portal-a/agreements/${proposal.id}/accept`, { token: x, ip, payload: { termsSha256: proposal.sha } });
    expect(r.status, r.body).toBe(200);
    expect(r.json.chargesProblem).toBeNull();
    expect(r.json.agreement.status).toBe('accepted');
    const stored = await t.db.system(({ db }) =>
      db.selectFrom('agreements').select(['accepted_channel', 'accepted_by_debtor', 'accepted_by_user', 'accepted_ip', 'accepted_terms_sha256']).where('id', '=', proposal.id).executeTakeFirstOrThrow(),
    );
    expect(stored).toEqual({ accepted_channel: 'portal', accepted_by_debtor: true, accepted_by_user: null, accepted_ip: ip, accepted_terms_sha256: proposal.sha });
    const events = await t.db.system(({ db }) => db.selectFrom('events').select(['type', 'actor_kind']).where('debtor_id', '=', people.X.id).where('type', 'in', ['agreement.proposed', 'agreement.accepted', 'charge.issued']).execute());
    expect(events.filter((e) => e.type === 'charge.issued')).toHaveLength(proposal.installments);
    expect(events.every((e) => e.actor_kind === 'debtor')).toBe(true);
    const installments = r.json.agreement.installments as Array<{ amountCents: number; status: string; charges: Array<{ id: string; kind: string; amountCents: number; pixCopiaECola: string }> }>;
    expect(installments).toHaveLength(proposal.installments);
    expect(installments.reduce((s, i) => s + i.amountCents, 0)).toBe(proposal.total);
    for (const installment of installments) {
      expect(installment.status).toBe('open');
      expect(installment.charges).toHaveLength(1);
      const charge = installment.charges[0]!;
      expect(charge.kind).toBe('pix');
      const pix = decodePix(charge.pixCopiaECola);
      expect(pix.amount).toBe(installment.amountCents);
      expect(pix.key).toBe('pix0@portal-a.test');
      const one = await call('GET', `/api/portal/portal-a/charges/${charge.id}`, { token: x });
      expect(one.status).toBe(200);
      expect(one.json.pixCopiaECola).toBe(charge.pixCopiaECola);
      const svg = await call('GET', `/api/portal/portal-a/charges/${charge.id}/pix.svg`, { token: x });
      expect(svg.status).toBe(200);
      expect(svg.body).toMatch(/^<(\?xml|svg)/);
    }
    // the case now shows the debts held by the agreement, and the agreement with its charges
    const me = (await call('GET', '/api/portal/portal-a/me', { token: x })).json;
    expect(me.debts.every((d: { status: string; agreementId: string; balance: unknown }) => d.status === 'in_agreement' && d.agreementId === proposal.id && d.balance === null)).toBe(true);
    expect(me.agreements.find((g: { id: string }) => g.id === proposal.id).installments[0].charges[0].kind).toBe('pix');
    expect(me.creditors[0].negotiable).toBe(false);
  });

  it('negotiates by boleto too: the slip as a PDF with its typeable line', async () => {
    const s = await login(people.S.document, people.S.birthDate);
    const creditorId = a.creditors[1]!.id;
    const offers = await call('POST', '/api/portal/portal-a/offers', { token: s, payload: { creditorId } });
    expect(offers.status, offers.body).toBe(200);
    const created = await call('POST', '/api/portal/portal-a/agreements', { token: s, payload: { creditorId, installments: 1, paymentMethod: 'boleto' } });
    expect(created.status, created.body).toBe(201);
    const accepted = await call('POST', `/api/portal/portal-a/agreements/${created.json.agreement.id}/accept`, { token: s, payload: { termsSha256: created.json.term.sha256 } });
    expect(accepted.status, accepted.body).toBe(200);
    const charge = accepted.json.agreement.installments[0].charges[0];
    expect(charge).toMatchObject({ kind: 'boleto', amountCents: offers.json.offers[0].totalCents });
    expect(charge.line).toMatch(/^341\d{44}$/);
    const pdf = await call('GET', `/api/portal/portal-a/charges/${charge.id}/boleto.pdf`, { token: s });
    expect(pdf.status).toBe(200);
    expect(pdf.raw.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // asking the charges again returns the same ones
    const again = await call('POST', `/api/portal/portal-a/agreements/${created.json.agreement.id}/charges`, { token: s });
    expect(again.json.installments[0].charges.map((c: { id: string }) => c.id)).toEqual([charge.id]);
  });

  it("refuses another debtor's and another agency's agreements and charges with 404, and changes nothing", async () => {
    // S's agreement with creditor 0, made by the staff, with a PIX charge; and one of tenant B
    const staffAgreement = await createAgreement(t.db, a.users.admin.actor, { debtorId: people.S.id, creditorId: a.creditors[0]!.id, installments: 2, includeNotYetDue: false, paymentMethod: 'pix' }, AS_OF);
    const [theirs] = await issueAfterAccept(a, staffAgreement.id);
    const bDebtor = await t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', b.tenantId).where('document', '=', b.creditors[0]!.debtorDocuments[1]!).executeTakeFirstOrThrow()).id);
    const bAgreement = await createAgreement(t.db, b.users.admin.actor, { debtorId: bDebtor, creditorId: b.creditors[0]!.id, installments: 1, includeNotYetDue: false, paymentMethod: 'boleto' }, AS_OF);
    const [bCharge] = await issueAfterAccept(b, bAgreement.id);
    const before = await t.db.system(({ sql }) => sql.query(`select md5(string_agg(a::text, '|' order by a.id)) as h from agreements a where debtor_id = any($1::uuid[])`, [[people.S.id, bDebtor]]));
    for (const [agreementId, chargeId] of [[staffAgreement.id, theirs!.id], [bAgreement.id, bCharge!.id]] as const) {
      const attempts = [
        call('GET', `/api/portal/portal-a/charges/${chargeId}`, { token: x }),
        call('GET', `/api/portal/portal-a/charges/${chargeId}/pix.svg`, { token: x }),
        call('GET', `/api/portal/portal-a/charges/${chargeId}/boleto.pdf`, { token: x }),
        call('GET', `/api/portal/portal-a/agreements/${agreementId}/documents/term`, { token: x }),
        call('POST', `/api/portal/portal-a/agreements/${agreementId}/accept`, { token: x, payload: { termsSha256: '0'.repeat(64) } }),
        call('POST', `/api/portal/portal-a/agreements/${agreementId}/charges`, { token: x }),
      ];
      for (const r of await Promise.all(attempts)) {
        expect(r.status, r.body).toBe(404);
        expect(r.body).not.toContain(agreementId);
      }
    }
    const me = await call('GET', '/api/portal/portal-a/me', { token: x });
    expect(me.body).not.toContain(staffAgreement.id);
    expect(me.body).not.toContain(theirs!.id);
    const after = await t.db.system(({ sql }) => sql.query(`select md5(string_agg(a::text, '|' order by a.id)) as h from agreements a where debtor_id = any($1::uuid[])`, [[people.S.id, bDebtor]]));
    expect(after.rows).toEqual(before.rows);
  });
});

/** Accepts an agreement as the staff does (on the phone) and issues its charges. */
async function issueAfterAccept(tenant: TenantFixture, agreementId: string) {
  await acceptAgreement(t.db, tenant.users.admin.actor, agreementId, { channel: 'phone' }, AS_OF);
  return issueAgreementCharges(t.db, tenant.users.admin.actor, { psp: null }, agreementId, undefined);
}

describe('LGPD requests', () => {
  const form = (over: Record<string, unknown> = {}) => ({ document: people.X.document, name: 'Fulano de Tal', email: 'fulano@exemplo.test', kind: 'access', message: 'Quero saber que dados vocês têm.', ...over });

  it('takes a request without a session: protocol, due in 15 days (LGPD art. 19 II), the identity only as stated', async () => {
    const r = await call('POST', '/api/portal/portal-a/privacy-requests', { ip: newIp(), payload: form() });
    expect(r.status, r.body).toBe(201);
    const expected = new Date(Date.parse(`${AS_OF}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
    expect(r.json).toMatchObject({ protocol: expect.stringMatching(/^LGPD-\d{4}-\d{6}$/), kind: 'access', status: 'received', dueOn: expected });
    expect(expected).toBe(addDays(AS_OF, 15));
    expect(r.json.message).toContain(r.json.protocol);
    const row = await t.db.system(({ db }) => db.selectFrom('data_subject_requests').selectAll().where('protocol', '=', r.json.protocol).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ tenant_id: a.tenantId, debtor_id: null, identity_verified: false, document: people.X.document, kind: 'access', status: 'received', channel: 'portal', due_on: expected });
    // an unknown CPF gets the same kind of answer
    const stranger = await call('POST', '/api/portal/portal-a/privacy-requests', { ip: newIp(), payload: form({ document: newCpf(), email: undefined, phone: '(11) 98888-7777', kind: 'deletion' }) });
    expect(stranger.status).toBe(201);
    expect(Object.keys(stranger.json).sort()).toEqual(Object.keys(r.json).sort());
    expect((await call('POST', '/api/portal/portal-a/privacy-requests', { ip: newIp(), payload: form({ email: undefined }) })).status).toBe(400);
  });

  it('links the request to the debtor when made in their own session, and only for their own document', async () => {
    const token = await login(people.X.document, people.X.birthDate);
    const own = await call('POST', '/api/portal/portal-a/privacy-requests', { token, ip: newIp(), payload: form({ kind: 'correction' }) });
    const other = await call('POST', '/api/portal/portal-a/privacy-requests', { token, ip: newIp(), payload: form({ document: people.S.document, kind: 'portability' }) });
    const rows = await t.db.system(({ db }) => db.selectFrom('data_subject_requests').select(['protocol', 'debtor_id', 'identity_verified']).where('protocol', 'in', [own.json.protocol, other.json.protocol]).execute());
    expect(rows.find((r) => r.protocol === own.json.protocol)).toMatchObject({ debtor_id: people.X.id, identity_verified: true });
    expect(rows.find((r) => r.protocol === other.json.protocol)).toMatchObject({ debtor_id: null, identity_verified: false });
  });

  it('limits requests per address', async () => {
    const ip = newIp();
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/portal/portal-a/privacy-requests', { ip, payload: form({ kind: 'information' }) })).status).toBe(201);
    expect((await call('POST', '/api/portal/portal-a/privacy-requests', { ip, payload: form({ kind: 'information' }) })).status).toBe(429);
  });

  it('lists them for the auditor / DPO, newest first, within the agency only', async () => {
    const auditor = await loginAs(app, a.users.auditor.email);
    const list = await call('GET', '/api/privacy-requests?limit=200', { token: auditor });
    expect(list.status).toBe(200);
    const stored = await t.db.system(({ db }) => db.selectFrom('data_subject_requests').select(['protocol', 'received_at', 'tenant_id']).where('tenant_id', '=', a.tenantId).execute());
    expect(list.json.items).toHaveLength(stored.length);
    const times = list.json.items.map((i: { receivedAt: string }) => Date.parse(i.receivedAt));
    expect(times).toEqual([...times].sort((p: number, q: number) => q - p));
    expect(list.json.items.find((i: { debtorId: string | null }) => i.debtorId === people.X.id)).toMatchObject({ kind: 'correction', identityVerified: true, dueOn: addDays(AS_OF, 15) });
    expect((await call('GET', '/api/privacy-requests', { token: await loginAs(app, a.users.analyst.email) })).status).toBe(403);
    const other = await call('GET', '/api/privacy-requests', { token: await loginAs(app, b.users.auditor.email) });
    expect(other.json.items).toEqual([]);
  });
});
