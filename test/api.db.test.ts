import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/api/context.ts';
import { openTestDatabase, type TestDatabase } from './support/databases.ts';
import { createTenant, newCnpj, type TenantFixture } from './support/factories.ts';
import { bearer, loginAs, startServer } from './support/server.ts';

let t: TestDatabase;
let app: App;
let logs: string[];
let tenant: TenantFixture;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'api');
  ({ app, logs } = await startServer(t.db));
  for (const role of ['admin', 'analyst', 'collector', 'creditor_viewer', 'auditor', 'supervisor'] as const) {
    tokens[role] = await loginAs(app, tenant.users[role].email);
  }
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

const get = (url: string, role = 'admin') => app.inject({ method: 'GET', url, headers: bearer(tokens[role]!) });
const send = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown, role = 'admin') =>
  app.inject({ method, url, headers: bearer(tokens[role]!), payload: payload as Record<string, unknown> });

describe('service', () => {
  it('answers /health, /openapi.json and /docs without a session', async () => {
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', database: t.db.kind, version: '0.1.0', demo: true });
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/debtors', '/api/debtors/{debtorId}/case', '/api/imports']));
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers /health with 503 when the database does not respond', async () => {
    const unreachable = Object.create(t.db, { system: { value: () => Promise.reject(new Error('connection refused')) } }) as typeof t.db;
    const { app: broken } = await startServer(unreachable);
    const health = await broken.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(health.json().detail).toBe('O banco de dados não responde.');
    await broken.close();
  });

  it('answers unknown routes and bad input with problem+json in Portuguese, naming the field', async () => {
    const missing = await get('/api/nada');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const creditor = { legalName: 'X Ltda', document: '11.222.333/0001-82', businessKind: 'b2b', street: 'Rua', number: '1', city: 'Rio', uf: 'RJ', cep: '20040-002' };
    const bad = await send('POST', '/api/creditors', creditor);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation', title: 'Dados inválidos', field: 'document', detail: 'Campo document: dígitos verificadores não conferem' });
    const wrongCep = await send('POST', '/api/creditors', { ...creditor, document: '11.222.333/0001-81', cep: '01310-100' });
    expect(wrongCep.json()).toMatchObject({ status: 400, field: 'cep', errors: [{ field: 'cep', message: 'CEP não pertence à UF informada' }] });
    const json = await send('POST', `/api/imports?creditorId=${tenant.creditors[0]!.id}&portfolioId=${tenant.creditors[0]!.portfolioId}`, { a: 1 });
    expect(json.json()).toMatchObject({ status: 400, field: 'body' });
  });
});

describe('authentication', () => {
  it('refuses wrong passwords and unknown e-mails alike, and requests without a session', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: tenant.users.admin.email, password: 'errada-123456' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ninguem@x.test', password: 'errada-123456' } });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect((await app.inject({ method: 'GET', url: '/api/debtors' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/debtors', headers: bearer('inventado') })).statusCode).toBe(401);
  });

  it('accepts the session cookie and ends the session on logout', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: tenant.users.analyst.email, password: 'senha-de-teste-123' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^recupera_session=/);
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json()).toMatchObject({ role: 'analyst' });
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('expires sessions and rate-limits login attempts', async () => {
    const short = await startServer(t.db, { SESSION_TTL_HOURS: '0.0002', LOGIN_RATE_PER_MINUTE: '3' });
    const token = await loginAs(short.app, tenant.users.auditor.email);
    await new Promise((r) => setTimeout(r, 900));
    const expired = await short.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    expect(expired.json()).toMatchObject({ status: 401, detail: 'Sessão expirada; entre novamente.' });
    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push((await short.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@x.test', password: 'errada-123456' } })).statusCode);
    expect(attempts).toEqual([401, 401, 429, 429]); // one attempt was spent by the login above
    await short.app.close();
  });
});

describe('roles', () => {
  it('lets each role do what the permission matrix says, and no more', async () => {
    const creditor = {
      legalName: 'Novo Credor Ltda', document: newCnpj(), businessKind: 'consumer', street: 'Rua Augusta', number: '10', city: 'São Paulo', uf: 'SP', cep: '01305-000',
    };
    expect((await send('POST', '/api/creditors', creditor, 'collector')).statusCode).toBe(403);
    expect((await send('POST', '/api/creditors', creditor, 'analyst')).statusCode).toBe(403);
    const created = await send('POST', '/api/creditors', creditor, 'supervisor');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ legalName: 'Novo Credor Ltda', address: { cep: '01305000', uf: 'SP' } });
    expect((await send('POST', '/api/creditors', creditor, 'admin')).json()).toMatchObject({ status: 409, field: 'document' });
    expect((await get('/api/audit-log', 'collector')).statusCode).toBe(403);
    expect((await get('/api/audit-log', 'auditor')).statusCode).toBe(200);
    expect((await get('/api/users', 'analyst')).statusCode).toBe(403);
    const forbidden = await app.inject({
      method: 'POST', url: `/api/imports?creditorId=${tenant.creditors[0]!.id}&portfolioId=${tenant.creditors[0]!.portfolioId}`,
      headers: { ...bearer(tokens.collector!), 'content-type': 'text/csv' }, payload: 'x',
    });
    expect(forbidden.json()).toMatchObject({ status: 403, detail: expect.stringContaining('Operador de cobrança') });
  });

  it('shows a creditor viewer only its creditor', async () => {
    const creditors = (await get('/api/creditors', 'creditor_viewer')).json().items;
    expect(creditors.map((c: { id: string }) => c.id)).toEqual([tenant.creditors[0]!.id]);
    const debts = (await get('/api/debts?limit=200', 'creditor_viewer')).json().items;
    expect(new Set(debts.map((d: { creditorId: string }) => d.creditorId))).toEqual(new Set([tenant.creditors[0]!.id]));
    expect((await get(`/api/creditors/${tenant.creditors[1]!.id}`, 'creditor_viewer')).statusCode).toBe(404);
    expect((await send('PATCH', `/api/creditors/${tenant.creditors[0]!.id}`, { city: 'Santos' }, 'creditor_viewer')).statusCode).toBe(403);
  });

  it('manages users: creation rules, and deactivation ends the sessions', async () => {
    const bad = await send('POST', '/api/users', { email: 'v@api.test', name: 'Visor', role: 'creditor_viewer', password: 'uma-senha-longa' });
    expect(bad.json()).toMatchObject({ status: 400, field: 'creditorId' });
    const user = await send('POST', '/api/users', { email: 'Novo.Operador@API.test', name: 'Novo Operador', role: 'collector', password: 'uma-senha-longa' });
    expect(user.statusCode).toBe(201);
    expect(user.json()).toMatchObject({ email: 'novo.operador@api.test', role: 'collector', active: true });
    expect(JSON.stringify(user.json())).not.toContain('argon2');
    const token = await loginAs(app, 'novo.operador@api.test', 'uma-senha-longa');
    expect((await send('PATCH', `/api/users/${user.json().id}`, { active: false })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
    expect((await send('PATCH', `/api/users/${tenant.users.admin.id}`, { active: false })).statusCode).toBe(409);
  });
});

describe('debtors, the case and the audit log', () => {
  it('finds debtors by name fragment or formatted CPF, pages, and shows the case with its timeline', async () => {
    const byName = (await get('/api/debtors?q=pessoa%20api&limit=2')).json();
    expect(byName.items).toHaveLength(2);
    expect(byName.hasMore).toBe(true);
    const document = tenant.creditors[0]!.debtorDocuments[0]!;
    const formatted = `${document.slice(0, 3)}.${document.slice(3, 6)}.${document.slice(6, 9)}-${document.slice(9)}`;
    const byDocument = (await get(`/api/debtors?q=${encodeURIComponent(formatted)}`)).json();
    expect(byDocument.items).toHaveLength(1);
    const debtor = byDocument.items[0];
    expect(debtor).toMatchObject({ document, openDebts: 4, openAmountCents: 2 * (10000 + 25050) });
    const view = (await get(`/api/debtors/${debtor.id}/case`)).json();
    expect(view.debts).toHaveLength(4);
    expect(view.summary.creditors).toHaveLength(2);
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['debts.imported', 'debts.imported']);
    expect(view.contacts.map((c: { channel: string }) => c.channel).sort()).toEqual(['address', 'email', 'email', 'phone', 'phone']);
  });

  it('records who read which debtor, and the auditor can query it', async () => {
    const debtorId = (await get('/api/debtors?limit=1', 'collector')).json().items[0].id;
    await get(`/api/debtors/${debtorId}`, 'collector');
    const audit = (await get(`/api/audit-log?subjectId=${debtorId}&userId=${tenant.users.collector.id}`, 'auditor')).json().items;
    expect(audit.map((a: { resource: string }) => a.resource)).toEqual(['debtor', 'debtors']);
    expect(audit[0]).toMatchObject({ action: 'read', route: 'GET /api/debtors/:debtorId', subjectIds: [debtorId] });
  });

  it('keeps personal data out of the logs', () => {
    const document = tenant.creditors[0]!.debtorDocuments[0]!;
    const text = logs.join('');
    expect(text).toContain('/api/debtors');
    expect(text).not.toContain(document);
    expect(text).not.toContain(document.slice(0, 3) + '.' + document.slice(3, 6));
    expect(text).not.toMatch(/pessoa\d\.api/);
  });

  it('edits a debtor and its contacts, each change on the timeline', async () => {
    const debtorId = (await get('/api/debtors?limit=1')).json().items[0].id;
    expect((await send('PATCH', `/api/debtors/${debtorId}`, { declaredIncomeCents: 250000, overIndebtedSince: '2026-10-01' }, 'analyst')).json())
      .toMatchObject({ declaredIncomeCents: 250000, overIndebtedSince: '2026-10-01' });
    const contact = await send('POST', `/api/debtors/${debtorId}/contacts`, { channel: 'phone', value: '(21) 3333-4444', isReference: true, referenceName: 'Tia Joana', referenceRelation: 'tia' }, 'analyst');
    expect(contact.json()).toMatchObject({ value: '+552133334444', display: '(21) 3333-4444', isReference: true, verified: false, phoneKind: 'landline' });
    expect((await send('POST', `/api/debtors/${debtorId}/contacts`, { channel: 'phone', value: '(21) 3333-4444' }, 'analyst')).statusCode).toBe(409);
    expect((await send('POST', `/api/debtors/${debtorId}/contacts`, { channel: 'phone', value: '(21) 1' }, 'analyst')).json()).toMatchObject({ status: 400, field: 'value' });
    const optOut = await send('PATCH', `/api/contacts/${contact.json().id}`, { optedOutChannels: ['sms', 'voice'], invalid: true }, 'analyst');
    expect(optOut.json()).toMatchObject({ optedOutChannels: ['sms', 'voice'], invalidAt: expect.any(String) });
    const events = (await get(`/api/debtors/${debtorId}/events?limit=3`)).json().items.map((e: { type: string }) => e.type);
    expect(events).toEqual(['contact.updated', 'contact.added', 'debtor.updated']);
  });

  it('flags a debt as disputed with a reason, and refuses a manual status the debt cannot take', async () => {
    const debt = (await get('/api/debts?limit=1&status=open')).json().items[0];
    const disputed = await send('PATCH', `/api/debts/${debt.id}`, { disputed: true, reason: 'Devedor alega pagamento em loja' }, 'analyst');
    expect(disputed.json().disputedAt).not.toBeNull();
    expect((await send('PATCH', `/api/debts/${debt.id}`, { disputed: false }, 'analyst')).json()).toMatchObject({ status: 400, field: 'reason' });
    const events = (await get(`/api/debtors/${debt.debtorId}/events?limit=1`)).json().items;
    expect(events[0]).toMatchObject({ type: 'debt.updated', debtId: debt.id, data: { reason: 'Devedor alega pagamento em loja', changes: { disputed: [false, true] } } });
  });
});

describe('updated balances', () => {
  it('gives each open debt of a debtor its updated balance and calculation memory, from the stored index series', async () => {
    const debtorId = (await get(`/api/debtors?document=${tenant.creditors[0]!.debtorDocuments[0]!}`)).json().items[0].id;
    const response = await get(`/api/debtors/${debtorId}/balance?asOf=2026-03-31`);
    expect(response.statusCode).toBe(200);
    const balance = response.json();
    expect(balance.debts).toHaveLength(4);
    expect(balance.total).toBe(balance.debts.reduce((s: number, d: { total: number }) => s + d.total, 0));
    // No contract rate or index in these debts: IPCA correction plus the taxa legal (Lei 14.905/2024)
    const first = balance.debts[0];
    expect(first.memory.filter((l: { index?: { series: string } }) => l.index).map((l: { index: { series: string; period: string } }) => `${l.index.series} ${l.index.period}`))
      .toEqual(expect.arrayContaining(['ipca 2026-01', 'taxa_legal 2026-01', 'ipca 2026-03', 'taxa_legal 2026-03']));
    expect(first.memory.reduce((s: number, l: { amountCents: number }) => s + l.amountCents, 0)).toBe(first.total);
    expect(first.total).toBeGreaterThan(first.components.principal);
    const single = (await get(`/api/debts/${first.debtId}/balance?asOf=2026-03-31`)).json();
    expect(single).toEqual(first);
    const audit = (await get(`/api/audit-log?subjectId=${debtorId}&action=read`, 'auditor')).json().items;
    expect(audit.some((a: { resource: string; route: string }) => a.resource === 'balance' && a.route === 'GET /api/debts/:debtId/balance')).toBe(true);
  });

  it('marks a month not yet published as provisional, or refuses it naming the series and the month', async () => {
    const debtId = (await get('/api/debts?limit=1')).json().items[0].id;
    const provisional = (await get(`/api/debts/${debtId}/balance?asOf=2026-11-20`)).json();
    expect(provisional.memory.some((l: { index?: { provisional?: boolean } }) => l.index?.provisional)).toBe(true);
    const refused = await get(`/api/debts/${debtId}/balance?asOf=2026-11-20&unpublished=error`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/Índice IPCA de agosto\/2026 não está cadastrado/);
  });
});

describe('dunning schedules and templates', () => {
  const EMAIL = 'Olá, {{primeiroNome debtor.name}}.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}}.';

  it('saves a template only when it identifies the creditor, itemizes the amount and uses no forbidden wording', async () => {
    const threat = await send('PUT', '/api/templates', { key: 'ameaca', channel: 'email', body: `${EMAIL}\nOu chamaremos a polícia.` }, 'supervisor');
    expect(threat.statusCode).toBe(400);
    expect(threat.json().detail).toContain('linguagem proibida (threat)');
    expect(threat.json().detail).toContain('CDC art. 71');
    const bare = await send('PUT', '/api/templates', { key: 'seco', channel: 'email', body: 'Pague {{brl balance.total}}.' }, 'supervisor');
    expect(bare.json().detail).toContain('CDC art. 42-A');
    const ok = await send('PUT', '/api/templates', { key: 'aviso-email', channel: 'email', body: EMAIL }, 'supervisor');
    expect(ok.statusCode).toBe(200);
    expect((await send('PUT', '/api/templates', { key: 'aviso-email', channel: 'email', body: EMAIL }, 'collector')).statusCode).toBe(403);
    const preview = (await send('POST', '/api/templates/preview', { channel: 'sms', body: '{{primeiroNome debtor.name}}, veja seu débito: {{portalUrl}}' }, 'supervisor')).json();
    expect(preview).toEqual({ text: 'Maria, veja seu débito: https://portal.recupera.dev/p/8fK2x', problems: [] });
    const whatsapp = (await send('POST', '/api/templates/preview', { key: 'aviso-whatsapp', channel: 'whatsapp', body: 'Oi, {{primeiroNome debtor.name}}! {{discriminacao}} {{identificacaoCredor}} Negocie: {{portalUrl}} .' }, 'supervisor')).json();
    expect(whatsapp.whatsapp).toEqual({ name: 'aviso_whatsapp', language: 'pt_BR', text: 'Oi, {{1}}! {{2}} {{3}} Negocie: {{4}} .' });
  });

  it('creates a schedule as version 1 and keeps every edit as a new version', async () => {
    await send('PUT', '/api/templates', { key: 'aviso-email', channel: 'email', body: EMAIL }, 'supervisor');
    const portfolioId = tenant.creditors[0]!.portfolioId;
    const steps = [{ id: 'd-3', offsetDays: -3, stage: 'aviso', action: 'email', template: 'aviso-email' }];
    const missing = await send('POST', '/api/schedules', { portfolioId, name: 'Régua', steps: [{ ...steps[0], template: 'nao-existe' }] }, 'supervisor');
    expect(missing.json().detail).toContain('Modelo de mensagem inexistente: nao-existe');
    const created = await send('POST', '/api/schedules', { portfolioId, name: 'Régua padrão', steps }, 'supervisor');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ version: 1, steps: [{ id: 'd-3', anchor: 'due_date' }], stopConditions: expect.arrayContaining(['paid', 'disputed', 'prescribed']) });
    expect((await send('POST', '/api/schedules', { portfolioId, name: 'Outra', steps }, 'supervisor')).statusCode).toBe(409);
    const id = created.json().id;
    const edited = await send('PUT', `/api/schedules/${id}`, { steps: [...steps, { id: 'd1', offsetDays: 1, stage: 'aviso', action: 'email', template: 'aviso-email' }], stopConditions: ['paid'] }, 'supervisor');
    expect(edited.json()).toMatchObject({ version: 2, stopConditions: ['paid'] });
    expect(edited.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await get(`/api/schedules?portfolioId=${portfolioId}`, 'collector')).json().items[0].steps).toHaveLength(2);
  });
});

describe('imports through the API', () => {
  it('takes a raw CSV body or a multipart upload, and serves the row report as JSON and CSV', async () => {
    const creditor = tenant.creditors[1]!;
    const query = `creditorId=${creditor.id}&portfolioId=${creditor.portfolioId}`;
    const csv = 'id;cpf;nome;valor;vencimento\nAPI-1;529.982.247-25;Maria;10,00;01/01/2025\nAPI-2;529.982.247-26;Maria;10,00;01/01/2025\n';
    const raw = await app.inject({ method: 'POST', url: `/api/imports?${query}&fileName=lote.csv`, headers: { ...bearer(tokens.analyst!), 'content-type': 'text/csv' }, payload: csv });
    expect(raw.statusCode).toBe(201);
    expect(raw.json()).toMatchObject({ fileName: 'lote.csv', createdRows: 1, rejectedRows: 1, errors: [{ line: 3, field: 'cpf', value: '529.982.247-26' }] });
    const boundary = 'limite123';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lote2.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    const multipart = await app.inject({
      method: 'POST', url: `/api/imports?${query}`, headers: { ...bearer(tokens.analyst!), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body,
    });
    expect(multipart.json()).toMatchObject({ fileName: 'lote2.csv', createdRows: 0, unchangedRows: 1, rejectedRows: 1 });
    const id = multipart.json().importId;
    expect((await get(`/api/imports/${id}/errors`)).json().items).toEqual([{ line: 3, field: 'cpf', value: '529.982.247-26', reason: 'dígitos verificadores não conferem' }]);
    const asCsv = await get(`/api/imports/${id}/errors?format=csv`);
    expect(asCsv.headers['content-type']).toMatch(/^text\/csv/);
    expect(asCsv.body).toBe('\uFEFFlinha;campo;valor;motivo\r\n3;cpf;529.982.247-26;dígitos verificadores não conferem\r\n');
    const listed = (await get('/api/imports?limit=5')).json().items;
    expect(listed[0]).toMatchObject({ id, status: 'completed', rejectedRows: 1 });
    const bad = await app.inject({ method: 'POST', url: `/api/imports?${query}`, headers: { ...bearer(tokens.analyst!), 'content-type': 'text/csv' }, payload: 'a;b\n1;2\n' });
    expect(bad.json()).toMatchObject({ status: 422, code: 'file_unreadable' });
    expect((await app.inject({ method: 'POST', url: `/api/imports?creditorId=x`, headers: bearer(tokens.analyst!) })).json()).toMatchObject({ status: 400 });
  });
});
