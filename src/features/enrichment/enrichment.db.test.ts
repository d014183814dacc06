import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, newCnpj, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, NOW, startServer } from '../../../test/support/server.ts';
import { loadConfig } from '../../shared/config.ts';
import type { StaffActor } from '../auth/permissions.ts';
import { enrichmentSetupOf, lookupDocument, type EnrichmentContext } from './enrichment.ts';
import { startStandInBrasilApi, type StandInBrasilApiServer } from './stand-in-brasilapi.ts';

/**
 * Enrichment through the real server and a BrasilAPI stand-in on a local port, on PGlite and
 * PostgreSQL: the preview, the cache and its expiry, the daily budget, applying a result to a
 * debtor without touching verified contacts, the provider's failures, the log with its legal basis.
 */
let t: TestDatabase;
let app: App;
let a: TenantFixture;
let brasilapi: StandInBrasilApiServer;
let admin: string;
let analyst: string;
const LEGAL_BASIS = 'LGPD art. 7º X — proteção do crédito';

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers: bearer(token), ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, json: response.json(), body: response.body };
}

const lookups = () => t.db.system(({ db }) => db.selectFrom('enrichment_lookups').selectAll().where('tenant_id', '=', a.tenantId).orderBy('at').orderBy('id').execute());

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'enr-a');
  brasilapi = await startStandInBrasilApi();
  ({ app } = await startServer(t.db, { ENRICHMENT_BRASILAPI_URL: brasilapi.url, ENRICHMENT_TIMEOUT_MS: '300' }));
  admin = await loginAs(app, a.users.admin.email);
  analyst = await loginAs(app, a.users.analyst.email);
});

afterAll(async () => {
  await app.close();
  await brasilapi.close();
  await t.drop();
});

describe('lookup by CNPJ', () => {
  it('previews the company, then serves it from the cache for free; both recorded with the legal basis', async () => {
    const before = brasilapi.requests.length;
    const first = await call('POST', '/api/enrichment/lookup', analyst, { document: '11.222.333/0001-81' });
    expect(first.status, first.body).toBe(200);
    expect(first.json).toMatchObject({ found: true, cached: false, costCents: 10, provider: 'brasilapi' });
    expect(first.json.result.names[0]).toMatchObject({ value: 'PADARIA PAO DOURADO LTDA', role: 'legal_name', source: 'brasilapi' });
    expect(first.json.result.addresses[0]).toMatchObject({ cep: '01310100', uf: 'SP', number: '1578' });
    expect(first.json.result.phones.map((p: { value: string }) => p.value)).toEqual(['1132851234', '11987654321']);
    expect(first.json.result.company.partners).toHaveLength(2);
    const second = await call('POST', '/api/enrichment/lookup', analyst, { document: '11222333000181' });
    expect(second.json).toMatchObject({ found: true, cached: true, costCents: 0 });
    expect(brasilapi.requests.length).toBe(before + 1);
    const rows = (await lookups()).filter((r) => r.document === '11222333000181');
    expect(rows.map((r) => [r.cached, r.outcome, Number(r.cost_cents), r.legal_basis, r.user_id])).toEqual([
      [false, 'found', 10, LEGAL_BASIS, a.users.analyst.id],
      [true, 'found', 0, LEGAL_BASIS, a.users.analyst.id],
    ]);
    const audit = await t.db.system(({ db }) => db.selectFrom('audit_log').select(['resource', 'user_id']).where('tenant_id', '=', a.tenantId).where('resource', '=', 'enrichment').execute());
    expect(audit).toHaveLength(2);
  });

  it('asks the provider again after the cache expires; a "not found" is kept for hours, not days', async () => {
    let clock = new Date(NOW);
    const ctx: EnrichmentContext = { db: t.db, setup: enrichmentSetupOf(loadConfig({ ENRICHMENT_BRASILAPI_URL: brasilapi.url }), () => clock), now: () => clock };
    const actor = a.users.admin.actor as StaffActor;
    const cnpj = newCnpj();
    expect((await lookupDocument(ctx, actor, cnpj)).cached).toBe(false);
    clock = new Date(NOW.getTime() + 29 * 86_400_000);
    expect((await lookupDocument(ctx, actor, cnpj)).cached).toBe(true);
    clock = new Date(NOW.getTime() + 31 * 86_400_000);
    const again = await lookupDocument(ctx, actor, cnpj);
    expect(again).toMatchObject({ cached: false, found: true });

    clock = new Date(NOW);
    const unknown = '12345404000104';
    expect(await lookupDocument(ctx, actor, unknown)).toMatchObject({ found: false, cached: false, result: null });
    clock = new Date(NOW.getTime() + 23 * 3_600_000);
    expect(await lookupDocument(ctx, actor, unknown)).toMatchObject({ found: false, cached: true });
    clock = new Date(NOW.getTime() + 25 * 3_600_000);
    expect(await lookupDocument(ctx, actor, unknown)).toMatchObject({ found: false, cached: false });
  });

  it('refuses a CPF (no provider for people) and a CNPJ with wrong check digits before calling anyone', async () => {
    const before = brasilapi.requests.length;
    const cpf = await call('POST', '/api/enrichment/lookup', analyst, { document: a.creditors[0]!.debtorDocuments[0] });
    expect(cpf.status).toBe(400);
    expect(cpf.json.detail).toMatch(/CPF/);
    expect((await call('POST', '/api/enrichment/lookup', analyst, { document: '11222333000182' })).status).toBe(400);
    expect(brasilapi.requests.length).toBe(before);
  });

  it("maps the provider's failures to clear errors, records them, and charges nothing for them", async () => {
    brasilapi.failNext(429);
    const limited = await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() });
    expect(limited.status).toBe(429);
    expect(limited.json.detail).toMatch(/limitou as consultas/);
    brasilapi.failNext(503);
    const down = await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() });
    expect(down.status).toBe(500);
    expect(down.json.detail).toMatch(/falha \(HTTP 503\)/);
    brasilapi.delay(3_000);
    try {
      const slow = await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() });
      expect(slow.status).toBe(500);
      expect(slow.json.detail).toMatch(/não respondeu/);
    } finally {
      brasilapi.delay(0);
    }
    const errors = (await lookups()).filter((r) => r.outcome === 'error');
    expect(errors).toHaveLength(3);
    expect(errors.every((r) => Number(r.cost_cents) === 0 && r.legal_basis === LEGAL_BASIS)).toBe(true);
  });

  it('fills an address from a CEP', async () => {
    const r = await call('GET', '/api/enrichment/cep?cep=01310-100', analyst);
    expect(r.json).toMatchObject({ found: true, result: { street: 'Avenida Paulista', city: 'São Paulo', uf: 'SP', district: 'Bela Vista' } });
    expect((await call('GET', '/api/enrichment/cep?cep=01310999', analyst)).json).toMatchObject({ found: false, result: null });
    expect((await call('GET', '/api/enrichment/cep?cep=123', analyst)).status).toBe(400);
  });
});

describe('applying a result to a debtor', () => {
  it('adds the new contacts unverified, never touching or duplicating a verified one, with a timeline event', async () => {
    const created = await call('POST', '/api/debtors', analyst, {
      document: '11222333000181',
      name: 'Padaria Pão Dourado Ltda',
      contacts: [{ channel: 'phone', value: '(11) 3285-1234', verified: true, source: 'manual' }],
    });
    expect(created.status, created.body).toBe(201);
    const debtorId = created.json.id as string;
    expect((await call('POST', '/api/debtors', analyst, { document: '11222333000181', name: 'Outra' })).status).toBe(409);
    // A client cannot declare a provider's contact verified.
    const claimed = await call('POST', '/api/debtors', analyst, {
      document: newCnpj(),
      name: 'Outra Ltda',
      contacts: [{ channel: 'phone', value: '(11) 3285-9999', verified: true, source: 'enrichment:brasilapi' }],
    });
    expect(claimed.status).toBe(400);
    expect(claimed.body).toMatch(/não verificado/);

    const first = await call('POST', `/api/debtors/${debtorId}/enrich`, analyst);
    expect(first.status, first.body).toBe(200);
    expect(first.json.nameMatches).toBe(true);
    expect(first.json.added.map((c: { channel: string; value: string; verified: boolean; source: string }) => [c.channel, c.value, c.verified, c.source])).toEqual([
      ['phone', '+5511987654321', false, 'enrichment:brasilapi'],
      ['email', 'financeiro@paodourado.exemplo.test', false, 'enrichment:brasilapi'],
      ['address', 'AVENIDA PAULISTA, 1578 - LOJA 2, BELA VISTA, SAO PAULO/SP, CEP 01310-100', false, 'enrichment:brasilapi'],
    ]);
    expect(first.json.skipped).toEqual([{ channel: 'phone', display: '(11) 3285-1234', reason: 'verified_exists', reasonLabel: 'já cadastrado e verificado' }]);

    const second = await call('POST', `/api/debtors/${debtorId}/enrich`, analyst);
    expect(second.json.added).toEqual([]);
    expect(second.json.lookup.cached).toBe(true);

    const contacts = await t.db.system(({ db }) => db.selectFrom('contact_points').selectAll().where('debtor_id', '=', debtorId).execute());
    expect(contacts).toHaveLength(4);
    const verified = contacts.find((c) => c.value === '+551132851234')!;
    expect([verified.verified, verified.source]).toEqual([true, 'manual']);
    const events = await t.db.system(({ db }) => db.selectFrom('events').select(['type', 'data']).where('debtor_id', '=', debtorId).orderBy('id').execute());
    expect(events.map((e) => e.type)).toEqual(['debtor.created', 'debtor.enriched', 'debtor.enriched']);
    expect(events[1]!.data).toMatchObject({ provider: 'brasilapi', legalBasis: LEGAL_BASIS, found: true });
    const logged = (await lookups()).filter((r) => r.debtor_id === debtorId);
    expect(logged).toHaveLength(2);
  });

  it('answers 404 for a debtor of another tenant before any lookup', async () => {
    const other = await createTenant(t.db, 'enr-b');
    const debtorId = await t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', other.tenantId).executeTakeFirstOrThrow()).id);
    const before = brasilapi.requests.length;
    expect((await call('POST', `/api/debtors/${debtorId}/enrich`, analyst)).status).toBe(404);
    expect(brasilapi.requests.length).toBe(before);
  });
});

describe('budget and permissions', () => {
  it("refuses paid lookups over the tenant's daily budget, keeps cache hits free, and shows the day's use", async () => {
    expect((await call('PUT', '/api/enrichment/budget', analyst, { dailyBudgetCents: 1, dailyMaxLookups: 1 })).status).toBe(403);
    const spent = (await call('GET', '/api/enrichment/lookups', admin)).json.today.spentCents as number;
    const set = await call('PUT', '/api/enrichment/budget', admin, { dailyBudgetCents: spent + 20, dailyMaxLookups: 100 });
    expect(set.json).toMatchObject({ budgetSource: 'tenant', remainingCents: 20 });
    expect((await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() })).status).toBe(200);
    expect((await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() })).status).toBe(200);
    const refused = await call('POST', '/api/enrichment/lookup', analyst, { document: newCnpj() });
    expect(refused.status).toBe(429);
    expect(refused.json.detail).toMatch(/Orçamento diário de enriquecimento esgotado/);
    expect((await call('POST', '/api/enrichment/lookup', analyst, { document: '11222333000181' })).json.cached).toBe(true);
    const log = await call('GET', '/api/enrichment/lookups?limit=200', admin);
    expect(log.json.today).toMatchObject({ remainingCents: 0, budgetCents: spent + 20 });
    expect(log.json.items.some((i: { outcome: string }) => i.outcome === 'budget_exceeded')).toBe(true);
  });

  it('lets the auditor read the log but not look up; the collector neither', async () => {
    const auditor = await loginAs(app, a.users.auditor.email);
    const collector = await loginAs(app, a.users.collector.email);
    expect((await call('GET', '/api/enrichment/lookups', auditor)).status).toBe(200);
    expect((await call('POST', '/api/enrichment/lookup', auditor, { document: newCnpj() })).status).toBe(403);
    expect((await call('GET', '/api/enrichment/lookups', collector)).status).toBe(403);
    expect((await call('POST', '/api/enrichment/lookup', collector, { document: newCnpj() })).status).toBe(403);
  });

  it('serves the stand-in on the demo server’s own origin, without a session', async () => {
    const r = await app.inject({ method: 'GET', url: '/stand-in/brasilapi/api/cnpj/v1/11222333000181' });
    expect(r.statusCode).toBe(200);
    expect(r.json().razao_social).toBe('PADARIA PAO DOURADO LTDA');
  });
});
