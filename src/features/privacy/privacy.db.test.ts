import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { addDays } from '../../domain/dates.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, newCnpj, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, startServer } from '../../../test/support/server.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { anonymizedDocument, runAnonymization } from './anonymize-debtor.ts';

/**
 * LGPD requests through the real server on PGlite and PostgreSQL: the workflow with identity
 * verification and its history, the access report (every section with source and legal basis,
 * who read it), erasure refused with the legal reason, anonymization (request and daily job), the ROPA.
 */
let t: TestDatabase;
let app: App;
let a: TenantFixture;
let b: TenantFixture;
let auditor: string;
let logs: string[] = [];
const X = { id: '', document: '' }; // open debts, data in many tables
const Y = { id: '', document: '', email: '' }; // everything paid long ago: the job anonymizes
const Z = { id: '', document: '' }; // everything paid long ago: a deletion request anonymizes
const W = { id: '' }; // no debt, registered in 2019: the job anonymizes
const V = { id: '' }; // no debt, registered today: kept

async function call(method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown) {
  const headers: Record<string, string> = { 'x-forwarded-for': '10.77.0.1', ...(token ? bearer(token) : {}) };
  const r = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: r.statusCode, json: /json/.test(String(r.headers['content-type'])) ? r.json() : undefined, body: r.body, raw: r };
}

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'lgpd-a');
  b = await createTenant(t.db, 'lgpd-b');
  const c0 = a.creditors[0]!;
  X.document = c0.debtorDocuments[1]!;
  Y.document = c0.debtorDocuments[2]!;
  Z.document = a.creditors[1]!.debtorDocuments[1]!;
  await t.db.system(async ({ db }) => {
    for (const p of [X, Y, Z]) p.id = (await db.selectFrom('debtors').select('id').where('tenant_id', '=', a.tenantId).where('document', '=', p.document).executeTakeFirstOrThrow()).id;
    Y.email = (await db.selectFrom('contact_points').select('value').where('debtor_id', '=', Y.id).where('channel', '=', 'email').executeTakeFirstOrThrow()).value;
    await db.updateTable('debtors').set({ birth_date: '1970-02-03' }).where('id', 'in', [X.id, Y.id]).execute();
    await db.updateTable('tenants').set({ dpo_name: 'Encarregada LGPD', dpo_email: 'dpo@lgpd-a.test' }).where('id', '=', a.tenantId).execute();
    // Y and Z: every debt paid in 2019 (more than 5 years before AS_OF)
    await db.updateTable('debts').set({ status: 'paid', status_changed_at: '2019-05-10T15:00:00Z' }).where('debtor_id', 'in', [Y.id, Z.id]).execute();
    const debt = await db.selectFrom('debts').selectAll().where('debtor_id', '=', X.id).orderBy('due_date').executeTakeFirstOrThrow();
    const yDebt = await db.selectFrom('debts').selectAll().where('debtor_id', '=', Y.id).orderBy('due_date').executeTakeFirstOrThrow();
    const base = { tenant_id: a.tenantId, creditor_id: c0.id };
    const agreement = await db.insertInto('agreements').values({
      ...base, portfolio_id: c0.portfolioId, debtor_id: X.id, status: 'active', as_of: AS_OF, valid_until: AS_OF, terms: JSON.stringify({ debtor: { name: 'Pessoa X' } }),
      balance_cents: 10_000, discount_cents: 0, total_cents: 10_000, installment_count: 1, grace_days: 5, within_policy: true, approval_status: 'not_needed',
      accepted_channel: 'portal', accepted_by_debtor: true, accepted_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('installments').values({ ...base, agreement_id: agreement.id, debtor_id: X.id, number: 1, due_date: AS_OF, amount_cents: 10_000 }).execute();
    await db.insertInto('payments').values({ ...base, debtor_id: X.id, debt_id: debt.id, amount_cents: 5_000, applied_cents: 5_000, paid_on: AS_OF, method: 'pix', source: 'api', external_id: 'lgpd-x-1' }).execute();
    await db.insertInto('payments').values({ ...base, debtor_id: Y.id, debt_id: yDebt.id, amount_cents: 10_000, applied_cents: 10_000, paid_on: '2019-05-10', method: 'pix', source: 'api', external_id: 'lgpd-y-1' }).execute();
    const account = await db.insertInto('collection_accounts').values({ tenant_id: a.tenantId, creditor_id: c0.id, name: 'Conta', bank_code: '341', agency: '1234', account: '99999', wallet: '109' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('charges').values({ ...base, debtor_id: X.id, account_id: account.id, debt_id: debt.id, kind: 'pix', amount_cents: 5_000, due_date: AS_OF, txid: 'lgpdtxid0001', pix_payload: '000201' }).execute();
    const action = await db.insertInto('actions').values({
      ...base, run_date: AS_OF, debt_id: debt.id, debtor_id: X.id, schedule_id: agreement.id, schedule_version: 1, step_id: 'd1', due_on: AS_OF, stage: 'aviso', channel: 'email', template: 'aviso-email', status: 'sent',
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('deliveries').values({ ...base, action_id: action.id, debtor_id: X.id, channel: 'email', recipient: 'x@exemplo.test', content_sha256: 'ab'.repeat(32), status: 'sent' }).execute();
    await db.insertInto('dispositions').values({ tenant_id: a.tenantId, debtor_id: X.id, user_id: a.users.collector.id, code: 'promise', attempt: true, answered: true, right_party: true, note: 'prometeu pagar' }).execute();
    await db.insertInto('promises').values({ ...base, debtor_id: X.id, debt_ids: [debt.id], amount_cents: 5_000, promised_for: AS_OF, channel: 'phone', created_on: AS_OF }).execute();
    await db.insertInto('bureau_listings').values({ ...base, debt_id: debt.id, debtor_id: X.id, bureau: 'serasa', status: 'active', amount_cents: 10_000, requested_on: AS_OF, expires_on: '2031-01-11' }).execute();
    await db.insertInto('protests').values({ ...base, debt_id: debt.id, debtor_id: X.id, status: 'candidate', amount_cents: 10_000 }).execute();
    await db.insertInto('debtor_scores').values({ tenant_id: a.tenantId, debtor_id: X.id, score: 640, band: 'C', open_debts: 2, open_amount_cents: 35_050, oldest_due_date: '2026-01-10', scored_on: AS_OF }).execute();
    await db.insertInto('portal_sessions').values({ id: 'lgpd-session-x', tenant_id: a.tenantId, debtor_id: X.id, method: 'birth_date', expires_at: new Date(), max_expires_at: new Date(), ip: '10.1.1.1', user_agent: 'Firefox' }).execute();
    // X's payment delivered to the creditor's ERP by webhook
    const subscription = await db.insertInto('webhook_subscriptions').values({ tenant_id: a.tenantId, url: 'https://erp.lgpd-a.test/hooks/recupera', event_types: ['payment.received'], secret: 'whsec_x' }).returning('id').executeTakeFirstOrThrow();
    const xEvent = await db.insertInto('webhook_events').values({ tenant_id: a.tenantId, type: 'payment.received', data: JSON.stringify({ debtor: { id: X.id, kind: 'pf', document: '***' }, amountCents: 5_000 }) }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('webhook_deliveries').values({ tenant_id: a.tenantId, event_id: xEvent.id, subscription_id: subscription.id, status: 'delivered', attempts: 1, last_status: 204 }).execute();
    // a webhook event about Y, not yet sent (the masked document, as payloads carry it)
    await db.insertInto('webhook_events').values({ tenant_id: a.tenantId, type: 'payment.received', data: JSON.stringify({ debtor: { id: Y.id, kind: 'pf', document: `***.${Y.document.slice(3, 6)}.${Y.document.slice(6, 9)}-**` }, amountCents: 10_000 }) }).execute();
    // W and V never had a debt (registered, enriched): W in 2019, V today
    for (const [p, created] of [[W, '2019-03-01T12:00:00Z'], [V, new Date().toISOString()]] as const) {
      p.id = (await db.insertInto('debtors').values({ tenant_id: a.tenantId, kind: 'pj', document: newCnpj(), name: `Empresa ${created.slice(0, 4)} Ltda`, search_name: 'empresa' }).returning('id').executeTakeFirstOrThrow()).id;
      await sql`update debtors set created_at = ${created} where id = ${p.id}`.execute(db);
    }
    await db.insertInto('enrichment_lookups').values({ tenant_id: a.tenantId, debtor_id: X.id, document: X.document, kind: 'document', provider: 'brasilapi', legal_basis: 'LGPD art. 7º X', cached: false, outcome: 'found' }).execute();
  });
  // personal data inside Y's timeline (the contact's value, the name)
  await t.db.scoped({ tenantId: a.tenantId }, (tx) => appendEvent(tx, a.users.admin.actor, { debtorId: Y.id, type: 'contact.added', data: { channel: 'email', value: Y.email, amountCents: 1234, note: 'ligou' } }));
  ({ app, logs } = await startServer(t.db, { SMTP_URL: 'smtp://mail.lgpd.test:2525' }));
  auditor = await loginAs(app, a.users.auditor.email);
});
afterAll(() => t.drop());

describe('LGPD request workflow', () => {
  let requestId = '';

  it('takes a portal request, lists it with its deadline, and discloses nothing before the identity is verified', async () => {
    const form = await call('POST', '/api/portal/lgpd-a/privacy-requests', null, { document: X.document, name: 'Pessoa X', email: 'x@exemplo.test', kind: 'access' });
    expect(form.status, form.body).toBe(201);
    const list = await call('GET', '/api/privacy-requests?due=open', auditor);
    expect(list.status).toBe(200);
    const item = list.json.items.find((i: { protocol: string }) => i.protocol === form.json.protocol);
    expect(item).toMatchObject({ status: 'received', identityVerified: false, debtorId: null, dueOn: addDays(AS_OF, 15), daysLeft: 15, overdue: false });
    requestId = item.id;
    expect((await call('GET', `/api/privacy-requests/${requestId}/report`, auditor)).status).toBe(409);
    expect((await call('POST', `/api/privacy-requests/${requestId}/answer`, auditor, {})).status).toBe(409);
    expect((await call('GET', '/api/privacy-requests', await loginAs(app, a.users.analyst.email))).status).toBe(403);
    expect((await call('GET', `/api/privacy-requests/${requestId}`, await loginAs(app, b.users.auditor.email))).status).toBe(404);
  });

  it('verifies the identity (linking the debtor), answers, and keeps every step in an append-only history', async () => {
    const verified = await call('POST', `/api/privacy-requests/${requestId}/verify`, auditor, { note: 'RG conferido por videochamada' });
    expect(verified.status, verified.body).toBe(200);
    expect(verified.json).toMatchObject({ status: 'in_progress', identityVerified: true, debtorId: X.id });
    const answered = await call('POST', `/api/privacy-requests/${requestId}/answer`, auditor, {});
    expect(answered.json).toMatchObject({ status: 'answered' });
    expect((await call('POST', `/api/privacy-requests/${requestId}/answer`, auditor, {})).status).toBe(409);
    const detail = await call('GET', `/api/privacy-requests/${requestId}`, auditor);
    expect(detail.json.history.map((h: { action: string }) => h.action)).toEqual(['received', 'verified', 'answered']);
    expect(detail.json.history[1]).toMatchObject({ fromStatus: 'received', toStatus: 'in_progress', note: 'RG conferido por videochamada', user: { name: 'auditor lgpd-a', role: 'Auditor / DPO' } });
    await expect(t.db.system(({ sql }) => sql.query(`update data_subject_request_history set note = 'x' where request_id = $1`, [requestId]))).rejects.toThrow(/append-only/);
  });

  it('takes a request entered by staff, and lists the overdue ones', async () => {
    const r = await call('POST', '/api/privacy-requests', auditor, { document: Z.document, name: 'Pessoa Z', phone: '(11) 98765-4321', kind: 'information', receivedOn: addDays(AS_OF, -20) });
    expect(r.status, r.body).toBe(201);
    expect(r.json).toMatchObject({ channel: 'staff', status: 'received', dueOn: addDays(AS_OF, -5), overdue: true, daysLeft: -5 });
    const overdue = await call('GET', '/api/privacy-requests?due=overdue', auditor);
    expect(overdue.json.items.map((i: { id: string }) => i.id)).toEqual([r.json.id]);
    expect((await call('GET', '/api/privacy-requests/deadlines', auditor)).json).toMatchObject({ overdue: 1, asOf: AS_OF });
  });
});

describe('access report', () => {
  it('lists every datum with its source and legal basis, and who read it; generating it is audited', async () => {
    expect((await call('GET', `/api/debtors/${X.id}`, await loginAs(app, a.users.analyst.email))).status).toBe(200);
    const form = await call('POST', '/api/privacy-requests', auditor, { document: X.document, name: 'Pessoa X', email: 'x@exemplo.test', kind: 'portability' });
    await call('POST', `/api/privacy-requests/${form.json.id}/verify`, auditor, { note: 'documento conferido presencialmente' });
    const r = await call('GET', `/api/privacy-requests/${form.json.id}/report`, auditor);
    expect(r.status, logs.filter((l) => l.includes('"err"')).join('\n').slice(0, 2000)).toBe(200);
    const report = JSON.parse(r.body);
    expect(report).toMatchObject({ format: 'recupera.lgpd.access-report/1', subject: { found: true }, controller: { dpo: { name: 'Encarregada LGPD' } } });
    const sections = Object.fromEntries(report.sections.map((s: { key: string }) => [s.key, s]));
    for (const key of ['debtor', 'contacts', 'debts', 'agreements', 'installments', 'payments', 'charges', 'messages', 'calls', 'promises', 'listings', 'protests', 'scores', 'portalSessions', 'enrichment', 'privacyRequests', 'timeline', 'whoRead']) {
      expect(sections[key], key).toBeDefined();
      expect(sections[key].rows.length, key).toBeGreaterThan(0);
      expect(sections[key].source, key).not.toBe('');
      expect(sections[key].legalBasis, key).toMatch(/LGPD art\. 7º (II|V|VI|X)/);
    }
    expect(sections.debtor.rows[0]).toMatchObject({ document: X.document, birthDate: '1970-02-03' });
    expect(sections.contacts.rows[0].source).toMatch(/^importação do arquivo lgpd-a-0\.csv/);
    expect(sections.debts.rows[0].source).toMatch(/importação do arquivo lgpd-a-0\.csv/);
    expect(sections.messages.rows[0]).toMatchObject({ channel: 'email', template: 'aviso-email', recipient: 'x@exemplo.test' });
    expect(sections.whoRead.rows).toContainEqual(expect.objectContaining({ who: 'analyst lgpd-a', role: 'Analista', action: 'read', route: 'GET /api/debtors/:debtorId' }));
    expect(report.sharedWith).toContainEqual(expect.objectContaining({ recipient: 'birô serasa' }));
    expect(report.sharedWith).toContainEqual(expect.objectContaining({ recipient: 'integração erp.lgpd-a.test' }));
    expect(report.sharedWith.map((s: { recipient: string }) => s.recipient).join()).toContain('SMTP');
    const pdf = await call('GET', `/api/privacy-requests/${form.json.id}/report?format=pdf`, auditor);
    expect(pdf.raw.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const exports = await t.db.system(({ db }) => db.selectFrom('audit_log').select(['action', 'user_id']).where('resource', '=', 'privacy_access_report').where('tenant_id', '=', a.tenantId).execute());
    expect(exports).toEqual([{ action: 'export', user_id: a.users.auditor.id }, { action: 'export', user_id: a.users.auditor.id }]);
  });
});

describe('erasure and anonymization', () => {
  it('refuses deletion while a debt is open, with the reason, the legal source and the date', async () => {
    const r = await call('POST', '/api/privacy-requests', auditor, { document: X.document, name: 'Pessoa X', email: 'x@exemplo.test', kind: 'deletion' });
    await call('POST', `/api/privacy-requests/${r.json.id}/verify`, auditor, { note: 'documento conferido presencialmente' });
    const detail = await call('GET', `/api/privacy-requests/${r.json.id}`, auditor);
    expect(detail.json.erasure).toMatchObject({ decision: 'refuse', holds: [expect.objectContaining({ code: 'debt_open' }), expect.anything()] });
    const answer = await call('POST', `/api/privacy-requests/${r.json.id}/answer`, auditor, {});
    expect(answer.status).toBe(409);
    expect(answer.json.detail).toMatch(/em aberto/);
    const refused = await call('POST', `/api/privacy-requests/${r.json.id}/refuse`, auditor, {});
    expect(refused.status, refused.body).toBe(200);
    expect(refused.json).toMatchObject({ status: 'refused', deletableFrom: detail.json.erasure.deletableFrom, legalSource: expect.stringContaining('art. 7º X') });
    expect(refused.json.answer).toMatch(/poderão ser anonimizados a partir de \d{2}\/\d{2}\/\d{4}/);
    const still = await t.db.system(({ db }) => db.selectFrom('debtors').select(['name', 'anonymized_at']).where('id', '=', X.id).executeTakeFirstOrThrow());
    expect(still.anonymized_at).toBeNull();
  });

  it('answers a deletion request by anonymizing when everything is settled and past retention', async () => {
    const r = await call('POST', '/api/privacy-requests', auditor, { document: Z.document, name: 'Pessoa Z', email: 'z@exemplo.test', kind: 'deletion' });
    await call('POST', `/api/privacy-requests/${r.json.id}/verify`, auditor, { note: 'documento conferido presencialmente' });
    const answered = await call('POST', `/api/privacy-requests/${r.json.id}/answer`, auditor, {});
    expect(answered.status, answered.body).toBe(200);
    expect(answered.json).toMatchObject({ status: 'answered', legalSource: expect.stringContaining('art. 16') });
    const z = await t.db.system(({ db }) => db.selectFrom('debtors').selectAll().where('id', '=', Z.id).executeTakeFirstOrThrow());
    expect(z).toMatchObject({ name: 'Titular anonimizado', document: anonymizedDocument(Z.id), birth_date: null });
    const request = await t.db.system(({ db }) => db.selectFrom('data_subject_requests').selectAll().where('id', '=', r.json.id).executeTakeFirstOrThrow());
    expect(request).toMatchObject({ document: anonymizedDocument(Z.id), email: null, status: 'answered' });
  });

  it('the daily job anonymizes past retention only, keeps the amounts, is idempotent, and the portal no longer knows the person', async () => {
    const before = await t.db.system(({ db }) => db.selectFrom('debts').select(['id', 'original_amount_cents', 'due_date']).where('debtor_id', '=', Y.id).orderBy('id').execute());
    const first = await runAnonymization(t.db, { asOf: AS_OF, retentionYears: 5 });
    expect(first.anonymized).toBe(2); // Y and W, never charged, registered 2019 (Z was anonymized by its request; X has open debts; V is new)
    expect((await runAnonymization(t.db, { asOf: AS_OF, retentionYears: 5 })).anonymized).toBe(0);
    const dump = await t.db.system(async ({ db }) => ({
      debtor: await db.selectFrom('debtors').selectAll().where('id', '=', Y.id).executeTakeFirstOrThrow(),
      contacts: await db.selectFrom('contact_points').selectAll().where('debtor_id', '=', Y.id).execute(),
      events: await db.selectFrom('events').select(['type', 'data']).where('debtor_id', '=', Y.id).execute(),
      debts: await db.selectFrom('debts').select(['id', 'original_amount_cents', 'due_date']).where('debtor_id', '=', Y.id).orderBy('id').execute(),
      payments: await db.selectFrom('payments').select('amount_cents').where('debtor_id', '=', Y.id).execute(),
      x: await db.selectFrom('debtors').select('anonymized_at').where('id', '=', X.id).executeTakeFirstOrThrow(),
      webhook: await db.selectFrom('webhook_events').select('data').where('tenant_id', '=', a.tenantId).where(sql<boolean>`data->'debtor'->>'id' = ${Y.id}`).executeTakeFirstOrThrow(),
      noDebts: await db.selectFrom('debtors').select(['id', 'name', 'anonymized_at']).where('id', 'in', [W.id, V.id]).execute(),
    }));
    expect(dump.debtor).toMatchObject({ name: 'Titular anonimizado', birth_date: null, city: null, anonymized_at: expect.any(Date) });
    expect(dump.contacts).toEqual([]);
    const text = JSON.stringify(dump.events);
    for (const personal of [Y.document, Y.email, `Pessoa lgpd-a ${Y.document.slice(-4)}`]) expect(text).not.toContain(personal);
    expect(dump.events.find((e) => e.type === 'contact.added')?.data).toMatchObject({ value: '[anonimizado]', amountCents: 1234, channel: 'email' });
    expect(dump.events.map((e) => e.type)).toContain('debtor.anonymized');
    expect(dump.debts).toEqual(before);
    expect(dump.payments.map((p) => Number(p.amount_cents))).toEqual([10_000]);
    expect(dump.x.anonymized_at).toBeNull();
    expect(dump.webhook.data).toEqual({ debtor: { id: Y.id, kind: 'pf', document: '[anonimizado]' }, amountCents: 10_000 });
    expect(dump.noDebts.find((d) => d.id === W.id)).toMatchObject({ name: 'Titular anonimizado', anonymized_at: expect.any(Date) });
    expect(dump.noDebts.find((d) => d.id === V.id)).toMatchObject({ name: 'Empresa 2026 Ltda', anonymized_at: null });
    const portal = await call('POST', '/api/portal/lgpd-a/session', null, { document: Y.document, birthDate: '1970-02-03' });
    expect(portal.status).toBe(401);
    // outside the anonymization the timeline is still append-only
    await expect(t.db.system(({ sql }) => sql.query(`update events set data = '{}' where debtor_id = $1`, [X.id]))).rejects.toThrow(/append-only/);
    await expect(t.db.system(async ({ sql }) => {
      await sql.query(`select set_config('app.anonymize_debtor', $1, true)`, [Y.id]);
      await sql.query(`update events set type = 'x' where debtor_id = $1`, [Y.id]);
    })).rejects.toThrow(/append-only/);
  });
});

describe('record of processing activities (LGPD art. 37)', () => {
  it('exports the activities with legal basis, recipients from the config and retention, as CSV and JSON', async () => {
    const csv = await call('GET', '/api/privacy/ropa?format=csv', auditor);
    expect(csv.status).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('atividade;finalidade;base_legal;categorias_de_dados;titulares;destinatarios_operadores;transferencia_internacional;retencao;medidas_de_seguranca;codigo');
    expect(lines.length).toBeGreaterThan(10);
    const json = (await call('GET', '/api/privacy/ropa', auditor)).json;
    expect(json.controller).toMatchObject({ name: 'Assessoria lgpd-a', dpo: { email: 'dpo@lgpd-a.test' } });
    const email = json.activities.find((x: { activity: string }) => x.activity.includes('e-mail'));
    expect(email.recipients).toContain('smtp://mail.lgpd.test:2525');
    expect(json.activities.every((x: { legalBasis: string; retention: string }) => /LGPD art\. 7º/.test(x.legalBasis) && x.retention.length > 0)).toBe(true);
    expect(JSON.stringify(json)).not.toContain('password');
    expect((await call('GET', '/api/privacy/ropa', await loginAs(app, a.users.collector.email))).status).toBe(403);
  });
});
