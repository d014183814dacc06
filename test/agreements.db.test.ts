import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/api/context.ts';
import { addDays } from '../src/domain/dates.ts';
import { smtpChannel } from '../src/features/dunning/channels/email.ts';
import { runDaily } from '../src/features/dunning/daily-run.ts';
import { dispatchDue } from '../src/features/dunning/dispatch.ts';
import { seedDemoDunning } from '../src/features/demo/demo-dunning.ts';
import { followUpAgreements } from '../src/features/negotiation/follow-up.ts';
import { openTestDatabase, type TestDatabase } from './support/databases.ts';
import { AS_OF, createTenant, type TenantFixture } from './support/factories.ts';
import { bearer, loginAs, startServer } from './support/server.ts';
import { quotedPrintable, startSmtpServer } from './support/smtp.ts';

/**
 * The walk, through the real server: a debtor with three overdue debts and a title not
 * yet due; offers; an agreement; its PDF by e-mail; two installments paid; the third missed; the
 * breach restores each debt at its principal less what was imputed to it — checked against the
 * closed form (these debts carry no charges, so balance = principal − payments, exactly).
 */
let t: TestDatabase;
let app: App;
let tenant: TenantFixture;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let analyst: string;
let supervisor: string;
let debtorId: string;
const debtIds: Record<string, string> = {};

const PLAIN = { correction_index: 'none', interest_rate: '0', interest_kind: 'simple' as const, fine_rate: null, fees_rate: null };

async function api(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers: bearer(token), ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, body: /json/.test(String(response.headers['content-type'])) ? response.json() : response.body, raw: response };
}

const debtStatuses = () =>
  t.db.system(async ({ db }) => Object.fromEntries((await db.selectFrom('debts').select(['external_id', 'status']).where('debtor_id', '=', debtorId).execute()).map((d) => [d.external_id, d.status])));

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'acordo');
  const creditor = tenant.creditors[0]!;
  // A debtor of its own with three overdue debts and one title not yet due, all without contract charges.
  await t.db.system(async ({ db }) => {
    const debtor = await db
      .insertInto('debtors')
      .values({ tenant_id: tenant.tenantId, kind: 'pf', document: '52998224725', name: 'Maria da Silva Souza', search_name: 'maria da silva souza', uf: 'SP', city: 'São Paulo', declared_income_cents: 450_000 })
      .returning('id')
      .executeTakeFirstOrThrow();
    debtorId = debtor.id;
    await db.insertInto('contact_points').values([
      { tenant_id: tenant.tenantId, debtor_id: debtorId, channel: 'email', value: 'maria.souza@exemplo.test', source: 'teste' },
      { tenant_id: tenant.tenantId, debtor_id: debtorId, channel: 'address', value: 'Rua das Flores, 10, São Paulo/SP', address: JSON.stringify({ street: 'Rua das Flores', number: '10', city: 'São Paulo', uf: 'SP', cep: '01310100' }), source: 'teste' },
    ]).execute();
    const rows = [
      ['M-1', '2026-01-10', 100_000],
      ['M-2', '2026-03-10', 60_000],
      ['M-3', '2026-06-10', 45_000],
      ['M-4', '2026-12-20', 30_000], // not yet due on 2026-11-23
    ] as const;
    for (const [external, due, cents] of rows) {
      const debt = await db
        .insertInto('debts')
        .values({ tenant_id: tenant.tenantId, creditor_id: creditor.id, portfolio_id: creditor.portfolioId, debtor_id: debtorId, external_id: external, document_kind: 'contract', original_amount_cents: cents, due_date: due, relationship: 'consumer', ...PLAIN })
        .returning('id')
        .executeTakeFirstOrThrow();
      debtIds[external] = debt.id;
    }
  });
  await t.db.system((tx) => seedDemoDunning(tx, tenant.tenantId, tenant.creditors.map((c) => ({ id: c.portfolioId, creditorId: c.id }))));
  ({ app } = await startServer(t.db, { SMTP_URL: smtp.url, MAIL_FROM: 'Cobrança <cobranca@recupera.test>' }));
  analyst = await loginAs(app, tenant.users.analyst.email);
  supervisor = await loginAs(app, tenant.users.supervisor.email);
});
afterAll(async () => {
  await app.close();
  await t.drop();
  await smtp.close();
});

describe('negotiation and agreement, end to end through the API', () => {
  let agreementId: string;
  let installments: Array<{ id: string; number: number; dueDate: string; amountCents: number }>;

  it('simulates offers on the consolidated balance, equal to the debtor balance endpoint', async () => {
    const balance = await api(analyst, 'GET', `/api/debtors/${debtorId}/balance?asOf=${AS_OF}`);
    const offers = await api(analyst, 'POST', `/api/debtors/${debtorId}/offers`, { includeNotYetDue: true });
    expect(offers.status).toBe(200);
    expect(offers.body.debts).toHaveLength(4);
    expect(offers.body.balanceCents).toBe(balance.body.total);
    expect(offers.body.balanceCents).toBe(235_000);
    const cash = offers.body.offers[0];
    expect(cash.kind).toBe('cash');
    // M-1 is 317 days late (band 181+: 10% of principal); M-4 is not yet due: no discount
    expect(cash.breakdown.find((l: { externalId: string }) => l.externalId === 'M-1').discountCents).toBe(10_000);
    expect(cash.breakdown.find((l: { externalId: string }) => l.externalId === 'M-4').discountCents).toBe(0);
    expect(offers.body.offers.length).toBeGreaterThan(3);
    // overdue only, by default
    expect((await api(analyst, 'POST', `/api/debtors/${debtorId}/offers`, {})).body.debts).toHaveLength(3);
  });

  it('creates the agreement, shows its term, records the acceptance and binds the debts', async () => {
    const created = await api(analyst, 'POST', '/api/agreements', { debtorId, includeNotYetDue: true, installments: 4 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'proposed', withinPolicy: true, installmentCount: 4, approval: { status: 'not_needed' } });
    agreementId = created.body.id;
    const term = await api(analyst, 'GET', `/api/agreements/${agreementId}/documents/term?format=txt`);
    expect(term.raw.body).toContain('Termo de acordo e confissão de dívida');
    expect(term.raw.body).toMatch(/CNPJ \d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}/);
    const sha = (await import('node:crypto')).createHash('sha256').update(term.raw.body).digest('hex');
    // a stale hash is refused and nothing changes
    const stale = await api(analyst, 'POST', `/api/agreements/${agreementId}/accept`, { channel: 'phone', termsSha256: '0'.repeat(64) });
    expect(stale.status).toBe(409);
    expect((await debtStatuses())['M-1']).toBe('open');
    const accepted = await api(analyst, 'POST', `/api/agreements/${agreementId}/accept`, { channel: 'phone', termsSha256: sha });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    expect(accepted.body.acceptance).toMatchObject({ channel: 'phone', termsSha256: sha, byUser: tenant.users.analyst.id });
    installments = accepted.body.installments;
    expect(installments.map((i) => i.number)).toEqual([0, 1, 2, 3]);
    expect(installments.reduce((s, i) => s + i.amountCents, 0)).toBe(accepted.body.totalCents);
    expect(Object.values(await debtStatuses())).toEqual(['in_agreement', 'in_agreement', 'in_agreement', 'in_agreement']);
    // accepting twice is an invalid transition: a clear error, nothing changed
    const again = await api(analyst, 'POST', `/api/agreements/${agreementId}/accept`, { channel: 'phone' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/aceito não pode ser aceito/);
  });

  it('e-mails the term as a PDF attachment from the case, on the timeline', async () => {
    const sent = await api(analyst, 'POST', `/api/agreements/${agreementId}/documents/term/send`, {});
    expect(sent.status).toBe(200);
    expect(sent.body.to).toBe('maria.souza@exemplo.test');
    const mail = smtp.received.at(-1)!;
    expect(mail.to).toBe('maria.souza@exemplo.test');
    expect(mail.raw).toMatch(/Content-Type: application\/pdf; name=termo-de-acordo-/);
    const pdf = Buffer.from(/Content-Transfer-Encoding: base64\r?\n(?:.*\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(mail.raw.split('application/pdf')[1]!)![1]!.replace(/\s/g, ''), 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await import('node:crypto')).createHash('sha256').update(pdf).digest('hex')).toBe(sent.body.pdfSha256);
    // only to the debtor's own e-mails
    expect((await api(analyst, 'POST', `/api/agreements/${agreementId}/documents/term/send`, { to: 'vizinho@exemplo.test' })).status).toBe(400);
  });

  it('takes two installments, once each, and activates the agreement', async () => {
    const pay = (i: number, externalId: string) => api(analyst, 'POST', '/api/payments', { installmentId: installments[i]!.id, amountCents: installments[i]!.amountCents, paidOn: AS_OF, method: 'pix', externalId });
    const first = await pay(0, 'E2E-0001');
    expect(first.body).toMatchObject({ replayed: false, appliedCents: installments[0]!.amountCents, excessCents: 0, agreementStatus: 'active' });
    const replay = await pay(0, 'E2E-0001');
    expect(replay.body).toMatchObject({ replayed: true, id: first.body.id });
    expect((await pay(1, 'E2E-0002')).body.agreementStatus).toBe('active');
    const agreement = (await api(analyst, 'GET', `/api/agreements/${agreementId}`)).body;
    expect(agreement.installments.map((i: { status: string }) => i.status)).toEqual(['paid', 'paid', 'open', 'open']);
    const receipt = await api(analyst, 'GET', `/api/payments/${first.body.id}/receipt?format=txt`);
    expect(receipt.raw.body).toContain('referente à parcela de entrada');
  });

  it('reminds before an installment through the schedule, itemizing the installment', async () => {
    const due = installments[2]!.dueDate;
    await runDaily(t.db, { asOf: addDays(due, -4) });
    const summary = await runDaily(t.db, { asOf: addDays(due, -3) });
    expect(summary.byStatus.planned).toBeGreaterThanOrEqual(1);
    const reminder = await t.db.system(async ({ db }) => db.selectFrom('actions').selectAll().where('installment_id', '=', installments[2]!.id).executeTakeFirstOrThrow());
    expect(reminder).toMatchObject({ step_id: 'installment-d-3-email', due_on: addDays(due, -3), status: 'planned' });
    const channel = smtpChannel({ url: smtp.url, from: 'Cobrança <cobranca@recupera.test>' });
    try {
      await dispatchDue(t.db, { now: new Date(`${addDays(due, -3)}T13:00:00Z`), channels: [channel], publicUrl: 'https://portal.test' });
    } finally {
      channel.close();
    }
    const mail = smtp.received.find((m) => m.messageId === `<${reminder.id}@recupera>`)!;
    expect(quotedPrintable(mail.raw)).toContain(`Parcela 2 de 3 do acordo nº`);
  });

  it('breaks after the grace period of the missed third payment and restores each debt exactly', async () => {
    const missed = installments[2]!;
    expect((await followUpAgreements(t.db, addDays(missed.dueDate, 5))).broken).toBe(0); // still in grace
    const breach = addDays(missed.dueDate, 6);
    expect((await followUpAgreements(t.db, addDays(breach, 3))).broken).toBe(1); // a late run breaks it on the grace's end
    expect((await followUpAgreements(t.db, addDays(breach, 3))).broken).toBe(0); // and only once
    const agreement = (await api(analyst, 'GET', `/api/agreements/${agreementId}`)).body;
    expect(agreement).toMatchObject({ status: 'broken', brokenOn: breach });
    expect(agreement.installments.map((i: { status: string }) => i.status)).toEqual(['paid', 'paid', 'cancelled', 'cancelled']);
    const paid = installments[0]!.amountCents + installments[1]!.amountCents;
    // Oldest first (CC art. 355), each at its balance: these debts carry no charges, so balance = principal − imputed.
    const principal = { 'M-1': 100_000, 'M-2': 60_000, 'M-3': 45_000, 'M-4': 30_000 } as Record<string, number>;
    let left = paid;
    const expected: Record<string, number> = {};
    for (const id of ['M-1', 'M-2', 'M-3', 'M-4']) {
      const take = Math.min(left, principal[id]!);
      expected[id] = principal[id]! - take;
      left -= take;
    }
    for (const id of Object.keys(principal)) {
      const balance = await api(analyst, 'GET', `/api/debts/${debtIds[id]}/balance?asOf=${breach}`);
      expect(balance.body.total, id).toBe(expected[id]);
    }
    const statuses = await debtStatuses();
    for (const id of Object.keys(principal)) expect(statuses[id]).toBe(expected[id] === 0 ? 'paid' : 'open');
    // the schedule resumes from the breach: the breach step of the example schedule, the day after
    await runDaily(t.db, { asOf: addDays(breach, 1) });
    const resumed = await t.db.system(async ({ db }) => db.selectFrom('actions').select(['debt_id', 'due_on']).where('step_id', '=', 'breach-sms').execute());
    expect(resumed.map((a) => a.due_on)).toContain(addDays(breach, 1));
    expect(new Set(resumed.map((a) => a.debt_id))).toEqual(new Set(Object.keys(expected).filter((id) => expected[id]! > 0).map((id) => debtIds[id])));
    // and the whole story is on the timeline
    const events = (await api(analyst, 'GET', `/api/debtors/${debtorId}/events`)).body.items.map((e: { type: string }) => e.type);
    for (const type of ['agreement.proposed', 'agreement.accepted', 'document.sent', 'payment.received', 'agreement.activated', 'agreement.broken', 'debt.restored', 'action.planned']) expect(events).toContain(type);
    // a broken agreement takes no more payments nor transitions
    expect((await api(analyst, 'POST', '/api/payments', { installmentId: missed.id, amountCents: 100, paidOn: AS_OF, method: 'pix' })).status).toBe(409);
    expect((await api(analyst, 'POST', `/api/agreements/${agreementId}/cancel`, { reason: 'teste de transição inválida' })).status).toBe(409);
  });
});

describe('approval, fulfilment, concurrency and promises', () => {
  const debtorOf = async (index: number) =>
    t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', tenant.creditors[0]!.debtorDocuments[index]!).executeTakeFirstOrThrow()).id);

  it('holds an outside-policy proposal for a supervisor, who approves it with an audited reason', async () => {
    const id = await debtorOf(1);
    const created = await api(analyst, 'POST', '/api/agreements', { debtorId: id, creditorId: tenant.creditors[0]!.id, installments: 1, discountRates: { principal: '0.9' } });
    expect(created.body).toMatchObject({ withinPolicy: false, approval: { status: 'pending' } });
    expect((await api(analyst, 'POST', `/api/agreements/${created.body.id}/accept`, { channel: 'phone' })).status).toBe(409);
    expect((await api(analyst, 'POST', `/api/agreements/${created.body.id}/approve`, { reason: 'desemprego comprovado' })).status).toBe(403);
    const approved = await api(supervisor, 'POST', `/api/agreements/${created.body.id}/approve`, { reason: 'desemprego comprovado' });
    expect(approved.body.approval).toMatchObject({ status: 'approved', by: tenant.users.supervisor.id, reason: 'desemprego comprovado' });
    const audit = await t.db.system(async ({ db }) => db.selectFrom('audit_log').selectAll().where('resource', '=', 'agreement_approval').execute());
    expect(audit.some((a) => (a.details as { agreementId?: string }).agreementId === created.body.id)).toBe(true);
    // à vista, paid in one go: fulfilled, debts paid, discharge letter issued
    const accepted = await api(analyst, 'POST', `/api/agreements/${created.body.id}/accept`, { channel: 'whatsapp' });
    const only = accepted.body.installments[0];
    const payment = await api(analyst, 'POST', '/api/payments', { installmentId: only.id, amountCents: only.amountCents + 500, paidOn: AS_OF, method: 'boleto', externalId: 'NN-77' });
    expect(payment.body).toMatchObject({ agreementStatus: 'fulfilled', excessCents: 500 });
    const letter = await api(analyst, 'GET', `/api/agreements/${created.body.id}/documents/discharge`);
    expect(letter.raw.headers['content-type']).toBe('application/pdf');
    expect(letter.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await api(analyst, 'GET', `/api/agreements/${created.body.id}/documents/discharge?format=txt`);
    expect(text.raw.body).toContain('plena, geral e irrevogável quitação');
  });

  it('accepts one of two concurrent acceptances for the same debt and refuses the other', async () => {
    const id = await debtorOf(2);
    const body = { debtorId: id, creditorId: tenant.creditors[0]!.id, installments: 1 };
    const [a, b] = [(await api(analyst, 'POST', '/api/agreements', body)).body.id, (await api(analyst, 'POST', '/api/agreements', body)).body.id];
    const results = await Promise.all([a, b].map((x) => api(analyst, 'POST', `/api/agreements/${x}/accept`, { channel: 'phone' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.detail).toMatch(/já estão em outro acordo/);
    const held = await t.db.system(async ({ db }) => db.selectFrom('agreement_debts').select('debt_id').where('binding', '=', true).where('agreement_id', 'in', [a, b]).execute());
    expect(held.length).toBe(2); // both debts of this debtor, by one agreement only
    const statuses = await t.db.system(async ({ db }) => db.selectFrom('agreements').select('status').where('id', 'in', [a, b]).execute());
    expect(statuses.map((s) => s.status).sort()).toEqual(['accepted', 'proposed']);
  });

  it('judges promises from the payments: kept when paid in time, broken the day after otherwise', async () => {
    const id = await debtorOf(0);
    const debt = await t.db.system(async ({ db }) => db.selectFrom('debts').select('id').where('debtor_id', '=', id).where('creditor_id', '=', tenant.creditors[0]!.id).orderBy('due_date').executeTakeFirstOrThrow());
    const kept = await api(analyst, 'POST', `/api/debtors/${id}/promises`, { debtIds: [debt.id], amountCents: 5_000, promisedFor: addDays(AS_OF, 2), channel: 'phone' });
    expect(kept.status).toBe(201);
    const broken = await api(analyst, 'POST', `/api/debtors/${id}/promises`, { debtIds: [debt.id], amountCents: 999_999, promisedFor: addDays(AS_OF, 1), channel: 'phone' });
    await api(analyst, 'POST', '/api/payments', { debtId: debt.id, amountCents: 5_000, paidOn: AS_OF, method: 'pix', externalId: 'PIX-PROMESSA' });
    const summary = await followUpAgreements(t.db, addDays(AS_OF, 2));
    expect(summary).toMatchObject({ promisesKept: 1, promisesBroken: 1 });
    const list = (await api(analyst, 'GET', `/api/debtors/${id}/promises`)).body.items;
    expect(list.find((p: { id: string }) => p.id === kept.body.id)).toMatchObject({ status: 'kept', resolvedOn: AS_OF });
    expect(list.find((p: { id: string }) => p.id === broken.body.id)).toMatchObject({ status: 'broken', resolvedOn: addDays(AS_OF, 2) });
    // the broken promise feeds the schedule: the example's SMS the day after
    await runDaily(t.db, { asOf: addDays(AS_OF, 3) });
    const followed = await t.db.system(async ({ db }) => db.selectFrom('actions').select(['debt_id', 'due_on']).where('step_id', '=', 'promise-broken-sms').execute());
    expect(followed).toEqual([{ debt_id: debt.id, due_on: addDays(AS_OF, 3) }]);
    // a direct payment is credited to the debt: its balance falls by what was paid
    const before = (await api(analyst, 'GET', `/api/debts/${debt.id}/balance?asOf=${AS_OF}`)).body;
    expect(before.memory.some((m: { description: string }) => /Pagamento de R\$ 50,00/.test(m.description))).toBe(true);
  });

  it('refuses to accept terms whose balances changed since the proposal, and a payment dated before one already credited', async () => {
    const creditor = tenant.creditors[1]!;
    const id = await t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', creditor.debtorDocuments[1]!).executeTakeFirstOrThrow()).id);
    const proposal = (await api(analyst, 'POST', '/api/agreements', { debtorId: id, creditorId: creditor.id, installments: 1 })).body;
    const debt = proposal.debts[0].debtId;
    expect((await api(analyst, 'POST', '/api/payments', { debtId: debt, amountCents: 1_000, paidOn: AS_OF, method: 'pix', externalId: 'PIX-ANTES-DO-ACEITE' })).status).toBe(200);
    const refused = await api(analyst, 'POST', `/api/agreements/${proposal.id}/accept`, { channel: 'phone' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/mudou desde a proposta/);
    expect((await api(analyst, 'GET', `/api/agreements/${proposal.id}`)).body.status).toBe('proposed');
    const backdated = await api(analyst, 'POST', '/api/payments', { debtId: debt, amountCents: 1_000, paidOn: addDays(AS_OF, -10), method: 'pix' });
    expect(backdated.status).toBe(400);
    expect(backdated.body.errors[0].field).toBe('paidOn');
  });

  it('numbers agreements per year with at least six digits, never cutting the millionth', async () => {
    await t.db.system(({ sql }) => sql.query(`select setval('agreement_numbers', 999999)`));
    const creditor = tenant.creditors[1]!;
    const id = await t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', creditor.debtorDocuments[2]!).executeTakeFirstOrThrow()).id);
    const created = await api(analyst, 'POST', '/api/agreements', { debtorId: id, creditorId: creditor.id, installments: 1 });
    expect(created.body.number).toMatch(/^\d{4}-1000000$/);
  });
});
