import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, newCpf, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, NOW, startServer } from '../../../test/support/server.ts';
import { httpBureau } from '../escalation/bureau-adapter.ts';
import { followUpListings } from '../escalation/listings.ts';
import { startStandInBureau } from '../escalation/stand-in-bureau.ts';
import { createErpSource } from './erp-sources.ts';
import { pullDueErpSources, pullErpSource, type PullOptions } from './pull-erp-source.ts';

/**
 * ERP sync on PGlite and PostgreSQL: the receivables batch through the real server (create,
 * update, settle, replay, key reuse, all or nothing, what may not change), and the scheduled
 * pull from a real local HTTP server (ETag → 304) and from a folder, in CSV and JSON lines.
 */
let t: TestDatabase;
let app: App;
let a: TenantFixture;
let token: string;
let logs: string[];
let folderRoot: string;

const batch = (key: string | null, body: unknown) =>
  app.inject({ method: 'POST', url: '/api/erp/receivables/batch', headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) }, payload: body as object });

const debtRow = (externalId: string) =>
  t.db.system(({ db }) => db.selectFrom('debts').selectAll().where('creditor_id', '=', a.creditors[0]!.id).where('external_id', '=', externalId).executeTakeFirst());
const countDebts = () => t.db.system(async ({ sql }) => (await sql.query<{ n: number }>('select count(*)::int as n from debts where tenant_id = $1', [a.tenantId])).rows[0]!.n);

const upsert = (externalId: string, document: string, extra: Record<string, unknown> = {}) => ({
  op: 'upsert', externalId, debtor: { document, name: 'Maria da Silva', email: 'maria@exemplo.test', phones: ['(11) 98765-4321'] },
  amountCents: 150_000, dueDate: '2026-10-10', kind: 'duplicata', terms: { interestRate: '0.01', fineRate: '0.02' }, ...extra,
});

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'erp-a');
  ({ app, logs } = await startServer(t.db, { ERP_ALLOW_PRIVATE_URLS: 'true' }));
  token = await loginAs(app, a.users.supervisor.email);
  folderRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-erp-test-'));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
  fs.rmSync(folderRoot, { recursive: true, force: true });
});

describe('receivables batch', () => {
  const doc = newCpf();
  it('creates, then replays the stored answer for the same key and refuses the key with another body', async () => {
    const body = { creditor: a.creditors[0]!.document, operations: [upsert('ERP-1', doc), upsert('ERP-2', doc, { amount: '99.90', amountCents: undefined })] };
    const first = await batch('lote-1', body);
    expect(first.statusCode, first.body + logs.filter((l) => l.includes('unexpected')).join('').slice(0, 1500)).toBe(200);
    const json = first.json();
    expect(json.counts.created).toBe(2);
    expect(json.results.map((r: { result: string }) => r.result)).toEqual(['created', 'created']);
    const d1 = await debtRow('ERP-1');
    expect(d1?.original_amount_cents).toBe(150_000);
    expect(Number(d1?.interest_rate)).toBe(0.01);
    expect((await debtRow('ERP-2'))?.original_amount_cents).toBe(9_990);

    const before = await countDebts();
    const replay = await batch('lote-1', { operations: body.operations, creditor: body.creditor }); // other key order, same body
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(json);
    expect(await countDebts()).toBe(before);

    const reused = await batch('lote-1', { ...body, operations: [upsert('ERP-3', doc)] });
    expect(reused.statusCode).toBe(409);
    expect(await debtRow('ERP-3')).toBeUndefined();
  });

  it('requires the Idempotency-Key', async () => {
    const r = await batch(null, { creditor: a.creditors[0]!.document, operations: [upsert('ERP-9', doc)] });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toBe('Idempotency-Key');
  });

  it('refuses the whole batch when any item is invalid, listing every item and field, and writes nothing', async () => {
    const before = await countDebts();
    const events = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n);
    const r = await batch('lote-ruim', {
      creditor: a.creditors[0]!.document,
      operations: [upsert('ERP-10', doc), upsert('ERP-11', '123.456.789-00'), upsert('ERP-12', doc, { dueDate: '31/02/2026' }), { op: 'settle', externalId: 'NAO-EXISTE', settledOn: '2026-11-20', reason: 'paid_to_creditor' }],
    });
    expect(r.statusCode).toBe(400);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(['operations[1].debtor.document', 'operations[2].dueDate', 'operations[3].externalId']);
    expect(r.json().errors[1].message).toMatch(/data inexistente/);
    expect(await countDebts()).toBe(before);
    expect(await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n)).toBe(events);
    // nothing stored under the key: the corrected batch may reuse it
    const fixed = await batch('lote-ruim', { creditor: a.creditors[0]!.document, operations: [upsert('ERP-10', doc)] });
    expect(fixed.statusCode, fixed.body).toBe(200);
  });

  it('updates what may change and records it on the timeline; unchanged items stay unchanged', async () => {
    const r = await batch('lote-2', { creditor: a.creditors[0]!.id, operations: [upsert('ERP-1', doc, { amountCents: 160_000, dueDate: '2026-10-15' }), upsert('ERP-2', doc, { amount: '99.90', amountCents: undefined })] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().results.map((x: { result: string }) => x.result)).toEqual(['updated', 'unchanged']);
    const d1 = (await debtRow('ERP-1'))!;
    expect(d1.original_amount_cents).toBe(160_000);
    const event = await t.db.system(({ db }) => db.selectFrom('events').select(['type', 'data']).where('debt_id', '=', d1.id).where('type', '=', 'debt.updated').executeTakeFirstOrThrow());
    expect((event.data as { changes: Record<string, unknown> }).changes.originalAmountCents).toEqual([150_000, 160_000]);
  });

  it('refuses to change the amount of a debt inside an active agreement, with the reason', async () => {
    const d1 = (await debtRow('ERP-1'))!;
    await t.db.system(({ db }) => db.updateTable('debts').set({ status: 'in_agreement' }).where('id', '=', d1.id).execute());
    const r = await batch('lote-3', { creditor: a.creditors[0]!.id, operations: [upsert('ERP-1', doc, { amountCents: 1_000 })] });
    expect(r.statusCode).toBe(409);
    expect(r.json().errors[0].message).toMatch(/acordo ativo: valor/);
    const settle = await batch('lote-3b', { creditor: a.creditors[0]!.id, operations: [{ op: 'settle', externalId: 'ERP-1', settledOn: AS_OF, reason: 'paid_to_creditor' }] });
    expect(settle.statusCode).toBe(409);
    expect((await debtRow('ERP-1'))!.status).toBe('in_agreement');
    // contacts and the name may still change
    const ok = await batch('lote-3c', { creditor: a.creditors[0]!.id, operations: [upsert('ERP-1', doc, { amountCents: 160_000, dueDate: '2026-10-15', debtor: { document: doc, name: 'Maria da Silva Souza', email: 'maria.nova@exemplo.test' } })] });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('settles: closed as paid at the creditor, planned dunning stopped, bureau listing removal planned (Súmula 548)', async () => {
    const d2 = (await debtRow('ERP-2'))!;
    // A listing the (stand-in) bureau really holds, active.
    const standIn = await startStandInBureau({ noticeDelayDays: 0 });
    const bureau = httpBureau({ name: 'serasa', baseUrl: standIn.url, apiKey: standIn.apiKey });
    const placed = await bureau.requestListing({
      reference: 'erp-test', requestedOn: '2026-11-01', debtor: { document: doc, name: 'Maria da Silva', address: { street: 'Rua A', number: '1', district: null, city: 'São Paulo', uf: 'SP', cep: '01310100' } },
      creditor: { document: a.creditors[0]!.document, name: 'Credor' }, debt: { contract: 'ERP-2', kind: 'duplicata', dueDate: '2026-10-10', amountCents: 9_990 },
    });
    await bureau.confirm(placed.protocol, '2026-11-12');
    await t.db.system(async ({ db }) => {
      const schedule = await db.insertInto('schedules').values({ tenant_id: a.tenantId, creditor_id: d2.creditor_id, portfolio_id: d2.portfolio_id, name: 'Régua' }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('actions').values({ tenant_id: a.tenantId, run_date: AS_OF, debt_id: d2.id, debtor_id: d2.debtor_id, creditor_id: d2.creditor_id, schedule_id: schedule.id, schedule_version: 1, step_id: 'd5', due_on: AS_OF, stage: 'aviso', channel: 'sms', template: 'x', status: 'planned', rule: null, reason: null, deliver_after: null, installment_id: null }).execute();
      await db.insertInto('bureau_listings').values({ tenant_id: a.tenantId, debt_id: d2.id, debtor_id: d2.debtor_id, creditor_id: d2.creditor_id, amount_cents: 9_990, bureau: 'serasa', status: 'active', protocol: placed.protocol, requested_on: '2026-11-01', notified_on: '2026-11-02', confirmable_on: '2026-11-12', active_on: '2026-11-12', expires_on: '2031-10-11', settled_on: null, removal_planned_on: null, removal_deadline: null, removal_requested_on: null, removed_on: null, removal_reason: null, last_error: null, action_id: null, created_by: null }).execute();
    });
    const r = await batch('lote-4', { creditor: a.creditors[0]!.id, operations: [{ op: 'settle', externalId: 'ERP-2', settledOn: '2026-11-20', reason: 'paid_to_creditor', note: 'pago no caixa da loja' }] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().results[0]).toMatchObject({ result: 'settled', status: 'settled' });
    const after = (await debtRow('ERP-2'))!;
    expect(after.status).toBe('settled');
    const action = await t.db.system(({ db }) => db.selectFrom('actions').select(['status', 'rule']).where('debt_id', '=', d2.id).executeTakeFirstOrThrow());
    expect(action).toEqual({ status: 'stopped', rule: 'paid' });
    const listing = await t.db.system(({ db }) => db.selectFrom('bureau_listings').selectAll().where('debt_id', '=', d2.id).executeTakeFirstOrThrow());
    // counted from the day the ERP settled it (Friday 20/11, a national holiday), not the day it told us
    expect([listing.settled_on, listing.removal_planned_on]).toEqual(['2026-11-20', '2026-11-23']);
    expect(await t.db.system(async ({ sql }) => (await sql.query<{ d: string }>(`select to_char(status_changed_at at time zone 'America/Sao_Paulo', 'YYYY-MM-DD') as d from debts where id = $1`, [d2.id])).rows[0]!.d)).toBe('2026-11-20');
    expect(listing.removal_reason).toBe('título baixado pelo credor');
    expect(listing.removal_deadline! > listing.removal_planned_on!).toBe(true);
    // the daily follow-up on the planned day asks the bureau, which removes it
    const followUp = await followUpListings(t.db, a.tenantId, listing.removal_planned_on!, bureau);
    expect(followUp.removed).toBe(1);
    expect(standIn.listings.get(placed.protocol)!.status).toBe('removed');
    const removed = await t.db.system(({ db }) => db.selectFrom('bureau_listings').select(['status', 'removal_requested_on']).where('debt_id', '=', d2.id).executeTakeFirstOrThrow());
    expect(removed).toEqual({ status: 'removed', removal_requested_on: listing.removal_planned_on });
    await standIn.close();
    // a second settle of a closed debt changes nothing
    const again = await batch('lote-5', { creditor: a.creditors[0]!.id, operations: [{ op: 'settle', externalId: 'ERP-2', settledOn: '2026-11-20', reason: 'cancelled' }] });
    expect(again.json().results[0].result).toBe('already_closed');
  });

  it('answers the state by ERP id and the changes after a cursor', async () => {
    const r = await app.inject({ method: 'GET', url: `/api/erp/receivables?creditor=${a.creditors[0]!.document}&externalId=ERP-2&externalId=NOPE`, headers: bearer(token) });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items[0]).toMatchObject({ externalId: 'ERP-2', status: 'settled' });
    expect(r.json().notFound).toEqual(['NOPE']);
    const changes = await app.inject({ method: 'GET', url: `/api/erp/changes?creditor=${a.creditors[0]!.id}&after=0&limit=1000`, headers: bearer(token) });
    expect(changes.json().items.some((c: { type: string; externalId: string }) => c.type === 'debt.settled_by_creditor' && c.externalId === 'ERP-2')).toBe(true);
    const later = await app.inject({ method: 'GET', url: `/api/erp/changes?creditor=${a.creditors[0]!.id}&after=${changes.json().next}`, headers: bearer(token) });
    expect(later.json().items).toEqual([]);
  });

  it('is refused to an analyst (erp.sync)', async () => {
    const analyst = await loginAs(app, a.users.analyst.email);
    const r = await app.inject({ method: 'POST', url: '/api/erp/receivables/batch', headers: { ...bearer(analyst), 'idempotency-key': 'x' }, payload: { creditor: a.creditors[0]!.id, operations: [upsert('ERP-X', doc)] } });
    expect(r.statusCode).toBe(403);
  });
});

describe('API keys for the integrator', () => {
  it('issues a key shown once, accepts it as Bearer with its user\'s role, records its use, and refuses it once revoked or expired', async () => {
    const admin = await loginAs(app, a.users.admin.email);
    const userId = a.users.supervisor.id;
    const created = await app.inject({ method: 'POST', url: `/api/users/${userId}/api-keys`, headers: bearer(admin), payload: { name: 'ERP Protheus' } });
    expect(created.statusCode, created.body).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^rk_/);
    const stored = await t.db.system(({ db }) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    expect(stored.id).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(key);

    const r = await app.inject({ method: 'POST', url: '/api/erp/receivables/batch', headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'chave-1' }, payload: { creditor: a.creditors[0]!.id, operations: [upsert('KEY-1', newCpf())] } });
    expect(r.statusCode, r.body).toBe(200);
    const listed = await app.inject({ method: 'GET', url: `/api/users/${userId}/api-keys`, headers: bearer(admin) });
    expect(listed.json()[0]).toMatchObject({ id, name: 'ERP Protheus' });
    expect(listed.json()[0].lastUsedAt).not.toBeNull();
    expect(listed.body).not.toContain(key);
    const audit = await t.db.system(({ db }) => db.selectFrom('audit_log').select(['action', 'user_id']).where('resource', '=', 'api_key').execute());
    expect(audit).toContainEqual({ action: 'create', user_id: a.users.admin.id });

    // The key is scoped to erp.sync: its supervisor user may approve agreements and read cases, the key may not, nor issue keys.
    const withKey = { authorization: `Bearer ${key}` };
    const caseRead = await app.inject({ method: 'GET', url: '/api/debtors?limit=1', headers: withKey });
    expect(caseRead.statusCode).toBe(403);
    expect(caseRead.json().detail).toMatch(/só pode usar erp\.sync/);
    expect((await app.inject({ method: 'POST', url: `/api/users/${userId}/api-keys`, headers: withKey, payload: { name: 'outra' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/debtors?limit=1', headers: bearer(await loginAs(app, a.users.supervisor.email)) })).statusCode).toBe(200);

    const analystToken = await loginAs(app, a.users.analyst.email);
    expect((await app.inject({ method: 'POST', url: `/api/users/${userId}/api-keys`, headers: bearer(analystToken), payload: { name: 'x' } })).statusCode).toBe(403);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/users/${userId}/api-keys/${id}`, headers: bearer(admin) });
    expect(revoked.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/erp/sources', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);

    const expiring = (await app.inject({ method: 'POST', url: `/api/users/${userId}/api-keys`, headers: bearer(admin), payload: { name: 'curta', expiresAt: new Date(Date.now() + 60_000).toISOString() } })).json();
    expect((await app.inject({ method: 'GET', url: '/api/erp/sources', headers: { authorization: `Bearer ${expiring.key}` } })).statusCode).toBe(200);
    await t.db.system(({ db }) => db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expiring.id).execute());
    expect((await app.inject({ method: 'GET', url: '/api/erp/sources', headers: { authorization: `Bearer ${expiring.key}` } })).statusCode).toBe(401);
  });
});

describe('scheduled pull', () => {
  const options = (now = NOW): PullOptions => ({ now, today: AS_OF, folderRoot, allowPrivateUrls: true, timeoutMs: 5_000, maxBytes: 10 * 1024 * 1024 });
  const doc = newCpf();
  const csv = (amount: string) => `id_titulo;cpf_cnpj;nome;valor;vencimento\nPULL-1;${doc};João Pereira;${amount};10/10/2026\nPULL-2;${doc};João Pereira;20,00;11/10/2026\n`;

  it('pulls a CSV over HTTP, gets 304 for the same ETag, imports only what changed', async () => {
    let body = csv('10,00');
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers['if-none-match'] as string | undefined);
      if (req.headers.authorization !== 'Bearer segredo') return res.writeHead(401).end();
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'text/csv', etag }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export/titulos.csv`;
      const source = await createErpSource(t.db, a.users.supervisor.actor, { name: 'ERP HTTP', creditorId: a.creditors[0]!.id, portfolioId: a.creditors[0]!.portfolioId, kind: 'http', location: url, intervalMinutes: 60, httpHeaders: { Authorization: 'Bearer segredo' } }, { folderRoot, allowPrivateUrls: true }, NOW);
      expect(source.httpHeaderNames).toEqual(['Authorization']);
      expect(JSON.stringify(source)).not.toContain('segredo');

      const first = await pullErpSource(t.db, source.id, options());
      expect(first.outcome, first.message ?? '').toBe('imported');
      expect(first.files[0]!.report!.createdRows).toBe(2);

      const second = await pullErpSource(t.db, source.id, options());
      expect(second.outcome).toBe('not_modified');
      expect(seen[1]).toMatch(/^"/);

      body = csv('15,00');
      const third = await pullErpSource(t.db, source.id, options());
      expect(third.outcome).toBe('imported');
      expect(third.files[0]!.report).toMatchObject({ createdRows: 0, updatedRows: 1, unchangedRows: 1 });
      const pulls = await app.inject({ method: 'GET', url: `/api/erp/pulls?sourceId=${source.id}`, headers: bearer(token) });
      expect(pulls.json()).toHaveLength(2);
      const stored = await app.inject({ method: 'GET', url: '/api/erp/sources', headers: bearer(token) });
      expect(stored.json().find((x: { id: string }) => x.id === source.id)).toMatchObject({ lastOutcome: 'imported', httpHeaderNames: ['Authorization'] });
      expect(new Date(stored.json().find((x: { id: string }) => x.id === source.id).nextRunAt).getTime()).toBe(NOW.getTime() + 60 * 60_000);
      // the scheduler picks it again only when due
      expect(await pullDueErpSources(t.db, options())).toEqual([]);
      expect((await pullDueErpSources(t.db, options(new Date(NOW.getTime() + 61 * 60_000))))[0]!.outcome).toBe('not_modified');
    } finally {
      server.close();
    }
  });

  it('pulls JSON lines from a folder, skips files already imported (checksum), and keeps a bad file whole with its row report', async () => {
    const dir = path.join(folderRoot, a.slug, 'credor-a'); // each agency reads only its own folder, ERP_FOLDER_ROOT/<slug>
    fs.mkdirSync(dir, { recursive: true });
    const line = (id: string, amountCents: number) => JSON.stringify({ externalId: id, debtor: { document: doc, name: 'João Pereira' }, amountCents, dueDate: '2026-09-01' });
    fs.writeFileSync(path.join(dir, '2026-11-22.jsonl'), [line('JL-1', 1_000), line('JL-2', 2_000)].join('\n') + '\n');
    const source = await createErpSource(t.db, a.users.supervisor.actor, { name: 'Pasta', creditorId: a.creditors[0]!.id, portfolioId: a.creditors[0]!.portfolioId, kind: 'folder', location: 'credor-a', cron: '0 7 * * *' }, { folderRoot, allowPrivateUrls: false }, NOW);
    const first = await pullErpSource(t.db, source.id, options());
    expect(first.outcome).toBe('imported');
    expect(first.files[0]!.report!.createdRows).toBe(2);
    expect((await pullErpSource(t.db, source.id, options())).outcome).toBe('no_files');

    fs.writeFileSync(path.join(dir, '2026-11-23.jsonl'), [line('JL-3', 3_000), '{"externalId":"JL-4","debtor":{"document":"111"},"amountCents":5,"dueDate":"2026-09-01"}'].join('\n') + '\n');
    const before = await countDebts();
    const bad = await pullErpSource(t.db, source.id, options());
    expect(bad.outcome).toBe('rejected');
    expect(bad.files[0]!.report!.errors.some((e) => e.line === 2)).toBe(true);
    expect(await countDebts()).toBe(before);
    expect((await pullErpSource(t.db, source.id, options())).outcome).toBe('no_files');
  });

  it("refuses a folder outside the agency's own folder: another path, another agency's folder, a symlink out", async () => {
    const folder = (location: string) => ({ name: 'Fora', creditorId: a.creditors[0]!.id, portfolioId: a.creditors[0]!.portfolioId, kind: 'folder' as const, location, intervalMinutes: 5 });
    const rules = { folderRoot, allowPrivateUrls: false };
    await expect(createErpSource(t.db, a.users.supervisor.actor, folder('/etc'), rules, NOW)).rejects.toThrow(/fora de ERP_FOLDER_ROOT\/erp-a/);
    await expect(createErpSource(t.db, a.users.supervisor.actor, folder('../outra-assessoria'), rules, NOW)).rejects.toThrow(/fora de ERP_FOLDER_ROOT\/erp-a/);
    // A link inside the agency's folder that leads out of it: saved (the path is inside), refused at the pull, nothing read.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-erp-outside-'));
    fs.writeFileSync(path.join(outside, 'segredo.csv'), 'nada que importar\n');
    fs.mkdirSync(path.join(folderRoot, a.slug), { recursive: true });
    fs.symlinkSync(outside, path.join(folderRoot, a.slug, 'atalho'));
    fs.symlinkSync(path.join(outside, 'segredo.csv'), path.join(folderRoot, a.slug, 'credor-a', 'link.csv'));
    const linked = await createErpSource(t.db, a.users.supervisor.actor, folder('atalho'), rules, NOW);
    const pulled = await pullErpSource(t.db, linked.id, options());
    expect(pulled).toMatchObject({ outcome: 'failed', files: [] });
    expect(pulled.message).toMatch(/link simbólico/);
    // A file that is a link is never opened.
    const sameFolder = (await t.db.system(({ db }) => db.selectFrom('erp_sources').select('id').where('tenant_id', '=', a.tenantId).where('location', '=', 'credor-a').executeTakeFirstOrThrow())).id;
    expect((await pullErpSource(t.db, sameFolder, options())).outcome).toBe('no_files');
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
