import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, importFile, newCpf, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, startServer } from '../../../test/support/server.ts';
import type { App } from '../../api/context.ts';
import { verifyPayload } from '../../shared/signed-payload.ts';
import { startSmtpServer } from '../../../test/support/smtp.ts';
import { DEFAULT_OFFER_POLICY } from '../../domain/negotiation/offer-policy.ts';
import { smtpChannel } from '../dunning/channels/email.ts';
import { runDaily } from '../dunning/daily-run.ts';
import { dispatchDue } from '../dunning/dispatch.ts';
import { createSchedule, saveTemplate } from '../dunning/schedules.ts';
import { acceptAgreement, createAgreement } from '../negotiation/agreements.ts';
import { saveOfferPolicy } from '../negotiation/offer-policies.ts';
import { runImport } from '../imports/run-import.ts';
import { registerPayment } from '../negotiation/payments.ts';
import { deliverDueWebhooks } from './deliver.ts';
import { httpPoster } from './post-webhook.ts';
import { createSubscription, deleteSubscription, listDeliveries, listSubscriptions, replayDelivery, replayRange, rotateSecret, updateSubscription } from './subscriptions.ts';

/**
 * A real receiver, as an ERP would write one: it checks the signature over the raw body, answers
 * 500 to the first `failFirst` requests of each event, and processes each event id once.
 */
class Receiver {
  server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  secret = '';
  failFirst = 0;
  alwaysFail = false;
  requests: Array<{ eventId: string; type: string; deliveryId: string; body: string; signatureOk: boolean }> = [];
  processed = new Map<string, Record<string, unknown>>();
  duplicates = 0;
  private seen = new Map<string, number>();

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/recupera`;
  }
  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const eventId = String(req.headers['x-recupera-event-id']);
      const signatureOk = verifyPayload(this.secret, req.headers['x-recupera-signature'] as string | undefined, body);
      this.requests.push({ eventId, type: String(req.headers['x-recupera-event-type']), deliveryId: String(req.headers['x-recupera-delivery-id']), body, signatureOk });
      const n = (this.seen.get(eventId) ?? 0) + 1;
      this.seen.set(eventId, n);
      if (!signatureOk) return res.writeHead(401).end();
      if (this.alwaysFail || n <= this.failFirst) return res.writeHead(500).end('erro interno');
      if (this.processed.has(eventId)) this.duplicates++;
      else this.processed.set(eventId, JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  }
}

let t: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;
const receiver = new Receiver();
// The worker's `now`: deliveries are due from their creation (real clock), so T0 lies an hour ahead of it.
const T0 = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000);
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const allowPrivate = { allowPrivate: true };
const deliver = (now: Date, extra: Parameters<typeof deliverDueWebhooks>[1] = {}) => deliverDueWebhooks(t.db, { now, allowPrivate: true, maxAttempts: 10, ...extra });

async function deliveriesOf(tenantId: string) {
  return t.db.system(async ({ sql }) =>
    (await sql.query<{ id: string; event_id: string; type: string; status: string; attempts: number; next_attempt_at: Date; last_status: number | null; last_error: string | null; replay_of: string | null }>(
      `select d.id, d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.replay_of
         from webhook_deliveries d join webhook_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
        where d.tenant_id = $1 order by d.created_at, d.id`,
      [tenantId],
    )).rows,
  );
}

async function outboxCount(tenantId: string) {
  return t.db.system(async ({ sql }) => (await sql.query<{ n: number }>('select count(*)::int as n from webhook_events where tenant_id = $1', [tenantId])).rows[0]!.n);
}

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'wh-a');
  b = await createTenant(t.db, 'wh-b');
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await t.drop();
});

describe('outbound webhooks', () => {
  let subscriptionId = '';

  it('writes nothing to the outbox for a tenant without subscriptions', async () => {
    const creditor = b.creditors[0]!;
    const report = await runImport({
      db: t.db, scope: { tenantId: b.tenantId }, creditorId: creditor.id, portfolioId: creditor.portfolioId, fileName: 'sem-webhook.csv', asOf: AS_OF, via: 'cli',
      input: importFile(`id_titulo;cpf_cnpj;nome;valor;vencimento\nNW-1;${newCpf()};Pessoa Sem Webhook;10,00;10/01/2026\n`),
    });
    expect(report.createdRows).toBe(1);
    expect(await outboxCount(b.tenantId)).toBe(0);
  });

  it('creates a subscription whose secret is shown once and never listed', async () => {
    const created = await createSubscription(t.db, a.users.admin.actor, { url: receiver.url, eventTypes: ['debt.imported', 'payment.received', 'agreement.accepted'], description: 'ERP do credor' }, allowPrivate);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    receiver.secret = created.secret;
    subscriptionId = created.id;
    const listed = await listSubscriptions(t.db, a.users.supervisor.actor);
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('refuses bad URLs, foreign creditors, and anyone but an admin', async () => {
    await expect(createSubscription(t.db, a.users.admin.actor, { url: receiver.url, eventTypes: ['payment.received'] }, { allowPrivate: false })).rejects.toMatchObject({ code: 'validation', field: 'url' });
    await expect(createSubscription(t.db, a.users.admin.actor, { url: 'ftp://erp.exemplo.com.br/', eventTypes: ['payment.received'] }, allowPrivate)).rejects.toMatchObject({ code: 'validation', field: 'url' });
    await expect(createSubscription(t.db, a.users.admin.actor, { url: receiver.url, eventTypes: ['payment.received'], creditorId: b.creditors[0]!.id }, allowPrivate)).rejects.toMatchObject({ code: 'validation', field: 'creditorId' });
    await expect(createSubscription(t.db, a.users.supervisor.actor, { url: receiver.url, eventTypes: ['payment.received'] }, allowPrivate)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listSubscriptions(t.db, a.users.collector.actor)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('publishes one debt.imported per import batch, in the import transaction, with the ERP title numbers', async () => {
    const creditor = a.creditors[0]!;
    const [d1, d2] = [newCpf(), newCpf()];
    const report = await runImport({
      db: t.db, scope: { tenantId: a.tenantId }, creditorId: creditor.id, portfolioId: creditor.portfolioId, fileName: 'lote-7.csv', asOf: AS_OF, via: 'api',
      input: importFile(`id_titulo;cpf_cnpj;nome;valor;vencimento\nERP-7001;${d1};Pessoa Um;150,00;10/01/2026\nERP-7002;${d2};Pessoa Dois;99,90;10/02/2026\nERP-7003;${d2};Pessoa Dois;1,00;10/03/2026\n`),
    });
    expect(report.createdRows).toBe(3);
    const events = await t.db.system(async ({ sql }) => (await sql.query<{ type: string; data: Record<string, any> }>(`select type, data from webhook_events where tenant_id = $1`, [a.tenantId])).rows);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('debt.imported');
    expect(events[0]!.data).toMatchObject({
      creditor: { id: creditor.id, document: creditor.document },
      import: { id: report.importId, fileName: 'lote-7.csv', portfolioId: creditor.portfolioId },
      counts: { created: 3, updated: 0, settled: 0, rejected: 0 },
      debts: [{ externalId: 'ERP-7001' }, { externalId: 'ERP-7002' }, { externalId: 'ERP-7003' }],
      debtsTruncated: false,
    });
    // No name of a debtor travels in it.
    expect(JSON.stringify(events[0]!.data)).not.toMatch(/Pessoa/);
    expect(JSON.stringify(events[0]!.data)).not.toContain(d1);
    expect(JSON.stringify(events[0]!.data)).not.toContain(d2);
  });

  it('publishes payment.received with the debt external id, amounts in centavos and the masked debtor document', async () => {
    const debt = await t.db.system(async ({ db }) =>
      db.selectFrom('debts').innerJoin('debtors', 'debtors.id', 'debts.debtor_id').select(['debts.id', 'debts.external_id', 'debtors.document', 'debtors.name']).where('debts.tenant_id', '=', a.tenantId).where('debts.external_id', '=', 'ERP-7001').executeTakeFirstOrThrow(),
    );
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 5_000, paidOn: AS_OF, method: 'pix', externalId: 'E2E-1' }, AS_OF);
    // the same payment reported again changes nothing and publishes nothing
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 5_000, paidOn: AS_OF, method: 'pix', externalId: 'E2E-1' }, AS_OF);
    const events = await t.db.system(async ({ sql }) => (await sql.query<{ data: Record<string, any> }>(`select data from webhook_events where tenant_id = $1 and type = 'payment.received'`, [a.tenantId])).rows);
    expect(events).toHaveLength(1);
    const data = events[0]!.data;
    expect(data).toMatchObject({ amountCents: 5_000, appliedCents: 5_000, paidOn: AS_OF, method: 'pix', debts: [{ id: debt.id, externalId: 'ERP-7001', originalAmountCents: 15_000 }] });
    expect(data.debtor.document).toBe(`***.${debt.document.slice(3, 6)}.${debt.document.slice(6, 9)}-**`);
    expect(JSON.stringify(data)).not.toContain(debt.name);
    expect(JSON.stringify(data)).not.toContain(debt.document);
  });

  it('retries with backoff until the receiver accepts, signing every attempt', async () => {
    receiver.failFirst = 2;
    expect(await deliver(T0)).toEqual({ claimed: 2, delivered: 0, retrying: 2, failed: 0 });
    let rows = await deliveriesOf(a.tenantId);
    expect(rows.map((r) => [r.status, r.attempts, r.last_status, r.last_error])).toEqual([['pending', 1, 500, 'HTTP 500'], ['pending', 1, 500, 'HTTP 500']]);
    expect(rows.every((r) => r.next_attempt_at.getTime() === minutes(1).getTime())).toBe(true);
    // not due yet: nothing is sent
    expect((await deliver(minutes(0.5))).claimed).toBe(0);
    expect((await deliver(minutes(1))).retrying).toBe(2);
    rows = await deliveriesOf(a.tenantId);
    expect(rows.every((r) => r.attempts === 2 && r.next_attempt_at.getTime() === minutes(1 + 5).getTime())).toBe(true);
    expect(await deliver(minutes(6))).toEqual({ claimed: 2, delivered: 2, retrying: 0, failed: 0 });
    rows = await deliveriesOf(a.tenantId);
    expect(rows.map((r) => [r.status, r.attempts, r.last_status, r.last_error])).toEqual([['delivered', 3, 204, null], ['delivered', 3, 204, null]]);
    expect(receiver.requests).toHaveLength(6);
    expect(receiver.requests.every((r) => r.signatureOk)).toBe(true);
    // each attempt of an event carried the same id and the same bytes
    for (const id of new Set(receiver.requests.map((r) => r.eventId))) expect(new Set(receiver.requests.filter((r) => r.eventId === id).map((r) => r.body)).size).toBe(1);
    expect([...receiver.processed.values()].map((e) => e.type).sort()).toEqual(['debt.imported', 'payment.received']);
    expect((await deliver(minutes(60))).claimed).toBe(0);
  });

  it('replays the same event id and payload; the receiver de-duplicates it', async () => {
    const payment = (await deliveriesOf(a.tenantId)).find((r) => r.type === 'payment.received')!;
    const original = receiver.requests.find((r) => r.eventId === payment.event_id)!;
    const replay = await replayDelivery(t.db, a.users.admin.actor, payment.id);
    expect(replay).toMatchObject({ eventId: payment.event_id, replayOf: payment.id, status: 'pending', attempts: 0 });
    receiver.failFirst = 0;
    expect((await deliver(minutes(61))).delivered).toBe(1);
    const last = receiver.requests.at(-1)!;
    expect(last.eventId).toBe(payment.event_id);
    expect(last.body).toBe(original.body);
    expect(last.deliveryId).toBe(replay.id);
    expect(receiver.duplicates).toBe(1);
    expect(receiver.processed.size).toBe(2);
    // the log shows it
    const log = await listDeliveries(t.db, a.users.supervisor.actor, { eventId: payment.event_id, limit: 10 });
    expect(log.map((d) => [d.status, d.replayOf])).toEqual([['delivered', payment.id], ['delivered', null]]);
    // a supervisor reads the log but may not replay
    await expect(replayDelivery(t.db, a.users.supervisor.actor, payment.id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('replays a time range to a subscription', async () => {
    const before = receiver.requests.length;
    expect(await replayRange(t.db, a.users.admin.actor, { subscriptionId, since: minutes(-24 * 60 * 365), until: new Date(Date.now() + 60_000) })).toEqual({ replayed: 2 });
    expect((await deliver(minutes(62))).delivered).toBe(2);
    expect(receiver.requests.length - before).toBe(2);
    expect(receiver.processed.size).toBe(2);
    expect(receiver.duplicates).toBe(3);
    await expect(replayRange(t.db, a.users.admin.actor, { subscriptionId, since: minutes(10), until: minutes(5) })).rejects.toMatchObject({ field: 'until' });
  });

  it('marks a delivery failed after the maximum attempts', async () => {
    receiver.alwaysFail = true;
    const debt = await t.db.system(async ({ db }) => db.selectFrom('debts').select('id').where('tenant_id', '=', a.tenantId).where('external_id', '=', 'ERP-7002').executeTakeFirstOrThrow());
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 1_000, paidOn: AS_OF, method: 'boleto' }, AS_OF);
    let now = minutes(100);
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await deliver(now, { maxAttempts: 3 }));
      now = new Date(now.getTime() + 24 * 3600_000);
    }
    expect(results.map((r) => [r.retrying, r.failed])).toEqual([[1, 0], [1, 0], [0, 1]]);
    const failed = (await listDeliveries(t.db, a.users.admin.actor, { status: 'failed', limit: 10 }));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ eventType: 'payment.received', attempts: 3, lastStatus: 500, nextAttemptAt: null });
    receiver.alwaysFail = false;
  });

  it('keeps subscriptions, events and deliveries of one tenant out of another', async () => {
    const [delivery] = await listDeliveries(t.db, a.users.admin.actor, { limit: 1 });
    expect(await listSubscriptions(t.db, b.users.admin.actor)).toEqual([]);
    expect(await listDeliveries(t.db, b.users.admin.actor, { limit: 100 })).toEqual([]);
    await expect(replayDelivery(t.db, b.users.admin.actor, delivery!.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(updateSubscription(t.db, b.users.admin.actor, subscriptionId, { active: false }, allowPrivate)).rejects.toMatchObject({ code: 'not_found' });
    await expect(rotateSecret(t.db, b.users.admin.actor, subscriptionId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteSubscription(t.db, b.users.admin.actor, subscriptionId)).rejects.toMatchObject({ code: 'not_found' });
    const seen = await t.db.scoped({ tenantId: b.tenantId }, async ({ sql }) => ({
      subs: (await sql.query('select 1 from webhook_subscriptions')).rows.length,
      events: (await sql.query('select 1 from webhook_events')).rows.length,
      deliveries: (await sql.query('select 1 from webhook_deliveries')).rows.length,
    }));
    expect(seen).toEqual({ subs: 0, events: 0, deliveries: 0 });
    // a creditor viewer of tenant A sees none of the agency's integration settings
    const viewer = await t.db.scoped({ tenantId: a.tenantId, creditorId: a.creditors[0]!.id }, async ({ sql }) => (await sql.query('select secret from webhook_subscriptions')).rows);
    expect(viewer).toEqual([]);
  });

  it('signs with the new secret after a rotation; a creditor filter narrows the events', async () => {
    const rotated = await rotateSecret(t.db, a.users.admin.actor, subscriptionId);
    expect(rotated.secret).not.toBe(receiver.secret);
    const debtOf = (external: string) => t.db.system(async ({ db }) => db.selectFrom('debts').select('id').where('tenant_id', '=', a.tenantId).where('external_id', '=', external).executeTakeFirstOrThrow());
    // queued for creditor 1 while the subscription still took every creditor
    await registerPayment(t.db, a.users.analyst.actor, { debtId: (await debtOf('ERP-7003')).id, amountCents: 50, paidOn: AS_OF, method: 'pix' }, AS_OF);
    const queuedBefore = (await deliveriesOf(a.tenantId)).at(-1)!;
    expect(queuedBefore.status).toBe('pending');
    // only creditor 2's events from now on
    await updateSubscription(t.db, a.users.admin.actor, subscriptionId, { creditorId: a.creditors[1]!.id }, allowPrivate);
    // …so creditor 1's events are not replayed to it any more
    await expect(replayDelivery(t.db, a.users.admin.actor, queuedBefore.id)).rejects.toMatchObject({ code: 'conflict' });
    const before = await outboxCount(a.tenantId);
    await registerPayment(t.db, a.users.analyst.actor, { debtId: (await debtOf('ERP-7003')).id, amountCents: 100, paidOn: AS_OF, method: 'pix' }, AS_OF); // creditor 1
    expect(await outboxCount(a.tenantId)).toBe(before);
    await registerPayment(t.db, a.users.analyst.actor, { debtId: (await debtOf('wh-a-1-1-1')).id, amountCents: 100, paidOn: AS_OF, method: 'pix' }, AS_OF); // creditor 2
    expect(await outboxCount(a.tenantId)).toBe(before + 1);
    const requests = receiver.requests.length;
    expect((await deliver(minutes(5000))).delivered).toBe(0); // the old secret no longer verifies: 401
    expect(receiver.requests.at(-1)!.signatureOk).toBe(false);
    receiver.secret = rotated.secret;
    expect((await deliver(minutes(5001))).delivered).toBe(1);
    expect(receiver.requests.length - requests).toBe(2);
    expect(receiver.requests.at(-1)!.signatureOk).toBe(true);
    // the delivery queued under the old filter failed at the worker, without a request
    const queued = (await deliveriesOf(a.tenantId)).find((r) => r.id === queuedBefore.id)!;
    expect(queued).toMatchObject({ status: 'failed', last_status: null });
    expect(queued.last_error).toMatch(/fora do filtro/);
    expect(receiver.requests.some((r) => r.deliveryId === queuedBefore.id)).toBe(false);
  });

  it('never sends twice when several workers run at once (FOR UPDATE SKIP LOCKED)', async () => {
    const debt = await t.db.system(async ({ db }) => db.selectFrom('debts').select('id').where('tenant_id', '=', a.tenantId).where('external_id', '=', 'wh-a-1-2-1').executeTakeFirstOrThrow());
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 100, paidOn: AS_OF, method: 'pix' }, AS_OF);
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 100, paidOn: AS_OF, method: 'pix' }, AS_OF);
    const before = receiver.requests.length;
    const results = await Promise.all([deliver(minutes(6000), { limit: 1 }), deliver(minutes(6000), { limit: 1 }), deliver(minutes(6000), { limit: 1 }), deliver(minutes(6000))]);
    expect(results.reduce((s, r) => s + r.delivered, 0)).toBe(2);
    expect(receiver.requests.length - before).toBe(2);
  });

  it('refuses at connect time a name that resolves to a private address when the switch is off', async () => {
    const post = httpPoster({ allowPrivate: false });
    const port = new URL(receiver.url).port;
    expect(await post({ url: `http://localhost:${port}/recupera`, headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ error: 'endereço privado recusado (WEBHOOK_ALLOW_PRIVATE_URLS=false)' });
    expect(await post({ url: `http://127.0.0.1:${port}/recupera`, headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ error: 'endereço privado recusado' });
    const allowed = httpPoster({ allowPrivate: true });
    expect(await allowed({ url: `http://localhost:${port}/recupera`, headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ status: 401 });
  });

  it('deleting a subscription keeps its log; its pending deliveries fail instead of being sent', async () => {
    receiver.alwaysFail = true;
    const debt = await t.db.system(async ({ db }) => db.selectFrom('debts').select('id').where('tenant_id', '=', a.tenantId).where('external_id', '=', 'wh-a-1-2-2').executeTakeFirstOrThrow());
    await registerPayment(t.db, a.users.analyst.actor, { debtId: debt.id, amountCents: 100, paidOn: AS_OF, method: 'pix' }, AS_OF);
    expect((await deliver(minutes(7000))).retrying).toBe(1);
    await deleteSubscription(t.db, a.users.admin.actor, subscriptionId);
    receiver.alwaysFail = false;
    const requests = receiver.requests.length;
    expect(await deliver(minutes(8000))).toEqual({ claimed: 1, delivered: 0, retrying: 0, failed: 1 });
    expect(receiver.requests.length).toBe(requests);
    expect(await listSubscriptions(t.db, a.users.admin.actor)).toEqual([]);
    expect((await listDeliveries(t.db, a.users.admin.actor, { limit: 500 })).length).toBeGreaterThan(5);
  });
});

describe('outbound webhooks through the API', () => {
  let app: App;
  let token: string;
  const apiReceiver = new Receiver();

  beforeAll(async () => {
    await apiReceiver.start();
    ({ app } = await startServer(t.db, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '5000' }));
    token = await loginAs(app, b.users.admin.email);
  });
  afterAll(async () => {
    await app.close();
    await apiReceiver.stop();
  });

  it('creates, tests, lists, rotates and deletes a subscription', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/webhooks/subscriptions', headers: bearer(token), payload: { url: apiReceiver.url, eventTypes: ['payment.received', 'webhook.test'] } });
    expect(created.statusCode, created.body).toBe(201);
    const sub = created.json() as { id: string; secret: string };
    apiReceiver.secret = sub.secret;
    const test = await app.inject({ method: 'POST', url: `/api/webhooks/subscriptions/${sub.id}/test`, headers: bearer(token) });
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json()).toMatchObject({ status: 'delivered', lastStatus: 204, attempts: 1, eventType: 'webhook.test' });
    expect(apiReceiver.requests).toHaveLength(1);
    expect(apiReceiver.requests[0]).toMatchObject({ type: 'webhook.test', signatureOk: true });
    const list = await app.inject({ method: 'GET', url: '/api/webhooks/subscriptions', headers: bearer(token) });
    expect(list.body).not.toContain(sub.secret);
    expect(list.body).not.toContain('"secret"');
    const log = await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=delivered&type=webhook.test', headers: bearer(token) });
    expect(log.json().items).toHaveLength(1);
    const replay = await app.inject({ method: 'POST', url: `/api/webhooks/deliveries/${test.json().id}/replay`, headers: bearer(token) });
    expect(replay.statusCode, replay.body).toBe(201);
    const refused = await app.inject({ method: 'PATCH', url: `/api/webhooks/subscriptions/${sub.id}`, headers: bearer(token), payload: { url: 'file:///etc/passwd' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('só http e https');
    const rotated = await app.inject({ method: 'POST', url: `/api/webhooks/subscriptions/${sub.id}/rotate-secret`, headers: bearer(token) });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    const catalogue = await app.inject({ method: 'GET', url: '/api/webhooks/event-types', headers: bearer(token) });
    expect(catalogue.json().items.map((i: { type: string }) => i.type)).toContain('listing.removed');
    const analyst = await loginAs(app, b.users.analyst.email);
    expect((await app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: bearer(analyst) })).statusCode).toBe(403);
    const deleted = await app.inject({ method: 'DELETE', url: `/api/webhooks/subscriptions/${sub.id}`, headers: bearer(token) });
    expect(deleted.statusCode).toBe(204);
  });
});

describe('outbound webhooks from the dunning and agreement flows', () => {
  let c: TenantFixture;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    c = await createTenant(t.db, 'wh-c');
    const admin = c.users.admin.actor;
    await createSubscription(t.db, admin, { url: receiver.url, eventTypes: ['message.sent', 'agreement.accepted', 'agreement.fulfilled', 'payment.received'], creditorId: c.creditors[0]!.id }, allowPrivate);
    await saveTemplate(t.db, admin, { key: 'email', channel: 'email', body: 'Olá.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}}.' });
    await createSchedule(t.db, admin, { portfolioId: c.creditors[0]!.portfolioId, name: 'E-mails', steps: [{ id: 'd1', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'email', template: 'email' }], stopConditions: ['paid'] });
    await saveOfferPolicy(t.db, admin, { portfolioId: c.creditors[0]!.portfolioId, name: 'Política', rules: DEFAULT_OFFER_POLICY });
  });
  afterAll(() => smtp.close());

  const eventsOf = async (type: string) =>
    t.db.system(async ({ sql }) => (await sql.query<{ data: Record<string, any> }>(`select data from webhook_events where tenant_id = $1 and type = $2 order by occurred_at`, [c.tenantId, type])).rows.map((r) => r.data));

  it('publishes message.sent for each e-mail sent, without recipient or content', async () => {
    await runDaily(t.db, { asOf: '2026-01-11' });
    const channel = smtpChannel({ url: smtp.url, from: 'cobranca@recupera.test' });
    const summary = await dispatchDue(t.db, { channels: [channel], publicUrl: 'https://recupera.test', now: new Date('2026-01-12T13:00:00Z') });
    channel.close();
    expect(summary.sent).toBe(3);
    const sent = await eventsOf('message.sent');
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ creditor: { id: c.creditors[0]!.id, document: c.creditors[0]!.document }, message: { channel: 'email', status: 'sent', attempt: 1 } });
    expect(sent.map((e) => e.debts[0].externalId).sort()).toEqual(['wh-c-0-0-1', 'wh-c-0-1-1', 'wh-c-0-2-1']);
    expect(JSON.stringify(sent)).not.toMatch(/@exemplo\.test|Pessoa|Negocie/);
  });

  it('publishes agreement.accepted and, on the last payment, payment.received and agreement.fulfilled with the installment and agreement numbers', async () => {
    const admin = c.users.admin.actor;
    const debtorId = await t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', c.tenantId).where('document', '=', c.creditors[0]!.debtorDocuments[1]!).executeTakeFirstOrThrow()).id);
    const agreement = await createAgreement(t.db, admin, { debtorId, creditorId: c.creditors[0]!.id, installments: 1, includeNotYetDue: true, paymentMethod: 'pix' }, '2026-01-15');
    const accepted = await acceptAgreement(t.db, admin, agreement.id, { channel: 'phone' }, '2026-01-15');
    const [acceptedEvent] = await eventsOf('agreement.accepted');
    expect(acceptedEvent).toMatchObject({
      agreement: { id: agreement.id, number: accepted.number, installmentCount: 1, installments: [{ number: 1, amountCents: accepted.installments[0]!.amountCents, status: 'open' }] },
      debts: [{ externalId: 'wh-c-0-1-1' }, { externalId: 'wh-c-0-1-2' }],
    });
    await registerPayment(t.db, admin, { installmentId: accepted.installments[0]!.id, amountCents: accepted.installments[0]!.amountCents, paidOn: '2026-01-15', method: 'pix' }, '2026-01-15');
    const [payment] = await eventsOf('payment.received');
    expect(payment).toMatchObject({ installment: 1, amountCents: accepted.installments[0]!.amountCents, agreement: { number: accepted.number } });
    const [fulfilled] = await eventsOf('agreement.fulfilled');
    expect(fulfilled).toMatchObject({ agreement: { number: accepted.number, status: 'fulfilled', installments: [{ number: 1, status: 'paid' }] }, debts: [{ externalId: 'wh-c-0-1-1', status: 'paid' }, { externalId: 'wh-c-0-1-2', status: 'paid' }] });
  });
});
