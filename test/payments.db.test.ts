import { createHash } from 'node:crypto';
import { parsePix } from 'pix-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/api/context.ts';
import { decodeBoleto } from '../src/brazil/boleto/index.ts';
import { buildRetorno240, parseRemessa240 } from '../src/brazil/cnab/index.ts';
import { decodePix } from '../src/brazil/pix/index.ts';
import { startStandInPsp, type StandInPsp } from '../src/brazil/pix/stand-in-psp.ts';
import { addDays } from '../src/domain/dates.ts';
import { runDaily } from '../src/features/dunning/daily-run.ts';
import { httpBureau } from '../src/features/escalation/bureau-adapter.ts';
import { startStandInBureau, type StandInBureau } from '../src/features/escalation/stand-in-bureau.ts';
import { applyPayment } from '../src/features/negotiation/payments.ts';
import { openTestDatabase, type TestDatabase } from './support/databases.ts';
import { AS_OF, createTenant, type TenantFixture } from './support/factories.ts';
import { NOW, bearer, loginAs, startServer } from './support/server.ts';

/**
 * The "done when", through the real server: an agreement's installments paid by a PIX
 * webhook (from a stand-in PSP speaking the BCB API over HTTP) and by a CNAB 240 return file;
 * both replayed without effect; partial, excess and unknown payments handled; a listed debt
 * paid gets its removal requested the next business day (from a stand-in bureau over HTTP);
 * a protested debt paid gets its letter of consent.
 */
let t: TestDatabase;
let app: App;
let tenant: TenantFixture;
let psp: StandInPsp;
let bureauServer: StandInBureau;
let supervisor: string;
let analyst: string;
let debtorId: string;
let plainDebtorId: string;
const debtIds: Record<string, string> = {};
const PIX_KEY = 'cobranca@horizonte.test';

const PLAIN = { correction_index: 'none', interest_rate: '0', interest_kind: 'simple' as const, fine_rate: null, fees_rate: null };

async function api(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, body: /json/.test(String(response.headers['content-type'])) ? response.json() : response.body, raw: response };
}

const count = (table: 'payments' | 'unmatched_payments' | 'payment_files' | 'debt_credits') =>
  t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenant.tenantId])).rows[0]!.n);
const installmentsOf = (agreementId: string) =>
  t.db.system(({ db }) => db.selectFrom('installments').select(['id', 'number', 'amount_cents', 'paid_cents', 'status']).where('agreement_id', '=', agreementId).orderBy('number').execute());
const agreementStatus = async (agreementId: string) => (await api(analyst, 'GET', `/api/agreements/${agreementId}`)).body.status as string;

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'pagamentos');
  const creditor = tenant.creditors[0]!;
  await t.db.system(async ({ db }) => {
    const insertDebtor = async (document: string, name: string, withAddress: boolean) => {
      const d = await db
        .insertInto('debtors')
        .values({ tenant_id: tenant.tenantId, kind: 'pf', document, name, search_name: name.toLowerCase(), uf: 'SP', city: 'São Paulo' })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (withAddress) {
        await db.insertInto('contact_points').values({ tenant_id: tenant.tenantId, debtor_id: d.id, channel: 'address', value: 'Rua das Flores, 10', address: JSON.stringify({ street: 'Rua das Flores', number: '10', district: 'Centro', city: 'São Paulo', uf: 'SP', cep: '01310100' }), source: 'teste' }).execute();
      }
      return d.id;
    };
    debtorId = await insertDebtor('52998224725', 'Maria da Silva Souza', true);
    plainDebtorId = await insertDebtor('11144477735', 'João Sem Endereço', false);
    const rows = [
      ['P-1', debtorId, '2026-06-10', 100_000],
      ['P-2', debtorId, '2026-08-10', 50_000],
      ['L-1', debtorId, '2026-09-10', 80_000], // to be listed, then paid
      ['X-1', plainDebtorId, '2026-09-10', 20_000], // no address: not listable
    ] as const;
    for (const [external, debtor, due, cents] of rows) {
      const debt = await db
        .insertInto('debts')
        .values({ tenant_id: tenant.tenantId, creditor_id: creditor.id, portfolio_id: creditor.portfolioId, debtor_id: debtor, external_id: external, document_kind: 'contract', original_amount_cents: cents, due_date: due, relationship: 'consumer', ...PLAIN })
        .returning('id')
        .executeTakeFirstOrThrow();
      debtIds[external] = debt.id;
    }
  });
  psp = await startStandInPsp({ key: PIX_KEY, merchantName: 'Lojas Horizonte', merchantCity: 'Sao Paulo', now: () => NOW }); // the PSP's clock is the server's (the tests' day), not the machine's
  bureauServer = await startStandInBureau({ noticeDelayDays: 1 });
  ({ app } = await startServer(t.db, { PIX_PSP_URL: psp.url, PIX_PSP_CLIENT_ID: psp.clientId, PIX_PSP_CLIENT_SECRET: psp.clientSecret, BUREAU_URL: bureauServer.url, BUREAU_API_KEY: bureauServer.apiKey }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  supervisor = await loginAs(app, tenant.users.supervisor.email);
  analyst = await loginAs(app, tenant.users.analyst.email);
});
afterAll(async () => {
  await app.close();
  await psp.close();
  await bureauServer.close();
  await t.drop();
});

describe('boleto and PIX charges, CNAB and PIX reconciliation, end to end', () => {
  let accountId: string;
  let agreementId: string;
  let pixCharges: Array<{ id: string; txid: string; installmentNumber: number; amountCents: number; pixCopiaECola: string }>;
  let boletos: Array<{ id: string; installmentNumber: number; amountCents: number; dueDate: string; line: string; barcode: string; nossoNumero: string }>;

  it('registers the creditor collection account (bad bank data refused naming the field) and the PSP webhook', async () => {
    const creditorId = tenant.creditors[0]!.id;
    const bad = await api(supervisor, 'POST', '/api/collection-accounts', { creditorId, name: 'Itaú', bankCode: '341', agency: '1234', account: '123456789', accountDigit: '0', wallet: '109' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/account|conta/i);
    expect((await api(analyst, 'POST', '/api/collection-accounts', { creditorId, name: 'x', bankCode: '341', agency: '1234', account: '12345', accountDigit: '0', wallet: '109' })).status).toBe(403);
    const created = await api(supervisor, 'POST', '/api/collection-accounts', { creditorId, name: 'Itaú cobrança', bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109', pixKey: PIX_KEY });
    expect(created.status).toBe(201);
    accountId = created.body.id;
    expect(created.body.pixWebhookPath).toMatch(/^\/api\/webhooks\/pix\/[A-Za-z0-9_-]{32}$/);
    const address = app.server.address() as import('node:net').AddressInfo;
    // The PSP is told where to post (PUT /v2/webhook/{chave}), as an integrator does once.
    const { createPspClient } = await import('../src/brazil/pix/index.ts');
    await createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret }).setWebhook(PIX_KEY, `http://127.0.0.1:${address.port}${created.body.pixWebhookPath}`);
    // the token is not stored in the clear
    const stored = await t.db.system(({ db }) => db.selectFrom('collection_accounts').select('webhook_token_sha256').where('id', '=', accountId).executeTakeFirstOrThrow());
    expect(stored.webhook_token_sha256).toBe(createHash('sha256').update(created.body.pixWebhookPath.split('/').at(-1)).digest('hex'));
  });

  it('issues a PIX cobv at the PSP and a registered-to-be boleto for every installment', async () => {
    const created = await api(analyst, 'POST', '/api/agreements', { debtorId, debtIds: [debtIds['P-1'], debtIds['P-2']], installments: 3 });
    expect(created.status).toBe(201);
    agreementId = created.body.id;
    const term = await api(analyst, 'GET', `/api/agreements/${agreementId}/documents/term?format=txt`);
    const accepted = await api(analyst, 'POST', `/api/agreements/${agreementId}/accept`, { channel: 'phone', termsSha256: createHash('sha256').update(term.raw.body).digest('hex') });
    expect(accepted.status).toBe(200);
    const installments = accepted.body.installments as Array<{ number: number; amountCents: number; dueDate: string }>;

    const pix = await api(analyst, 'POST', `/api/agreements/${agreementId}/charges`, { kind: 'pix' });
    expect(pix.status).toBe(200);
    pixCharges = pix.body.items;
    expect(pixCharges.map((c) => c.installmentNumber)).toEqual(installments.map((i) => i.number));
    for (const charge of pixCharges) {
      expect(psp.charges.get(charge.txid)?.valor.original).toBe((charge.amountCents / 100).toFixed(2));
      // a dynamic BR Code: our decoder and an independent one agree on the location
      const ours = decodePix(charge.pixCopiaECola);
      const theirs = parsePix(charge.pixCopiaECola) as { type: string; url?: string };
      expect(ours.url).toBeTruthy();
      expect(theirs.url).toBe(ours.url);
    }
    // issuing again returns the same charges
    expect((await api(analyst, 'POST', `/api/agreements/${agreementId}/charges`, { kind: 'pix' })).body.items.map((c: { id: string }) => c.id)).toEqual(pixCharges.map((c) => c.id));

    const boleto = await api(analyst, 'POST', `/api/agreements/${agreementId}/charges`, { kind: 'boleto' });
    expect(boleto.status).toBe(200);
    boletos = boleto.body.items;
    for (const [i, b] of boletos.entries()) {
      const decoded = decodeBoleto(b.line, { asOf: AS_OF });
      expect(decoded).toMatchObject({ bankCode: '341', amount: installments[i]!.amountCents, dueDate: installments[i]!.dueDate, barcode: b.barcode });
    }
    expect(new Set(boletos.map((b) => b.nossoNumero)).size).toBe(boletos.length);
    const pdf = await api(analyst, 'GET', `/api/charges/${boletos[0]!.id}/boleto.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const png = await api(analyst, 'GET', `/api/charges/${pixCharges[0]!.id}/pix.png`);
    expect(png.raw.rawPayload.subarray(1, 4).toString()).toBe('PNG');
  });

  it('registers the boletos at the bank with a CNAB 240 remessa that reads back', async () => {
    const remessa = await api(supervisor, 'POST', `/api/collection-accounts/${accountId}/remessa`);
    expect(remessa.status).toBe(200);
    const content = remessa.raw.rawPayload.toString('latin1');
    expect(content.split('\r\n').filter(Boolean).every((l) => l.length === 240)).toBe(true);
    const read = parseRemessa240(content);
    expect(read.titles.map((title) => [title.amount, title.dueDate])).toEqual(boletos.map((b) => [b.amountCents, b.dueDate]));
    expect((await api(analyst, 'GET', `/api/charges/${boletos[0]!.id}`)).body.registration).toBe('sent');
    // nothing left to register
    expect((await api(supervisor, 'POST', `/api/collection-accounts/${accountId}/remessa`)).status).toBe(409);
  });

  it('a PIX webhook pays the down payment: the agreement becomes active; the same notice again changes nothing', async () => {
    const before = await count('payments');
    const delivered = await psp.pay(pixCharges[0]!.txid, { paidAt: `${AS_OF}T14:30:00-03:00` });
    expect(delivered.status).toBe(200);
    expect(await count('payments')).toBe(before + 1);
    expect(await agreementStatus(agreementId)).toBe('active');
    const [first] = await installmentsOf(agreementId);
    expect(first).toMatchObject({ status: 'paid', paid_cents: pixCharges[0]!.amountCents });
    // the boleto of the same installment is no longer payable
    expect((await api(analyst, 'GET', `/api/charges/${boletos[0]!.id}`)).body.status).toBe('cancelled');
    const e2e = await t.db.system(async ({ db }) => (await db.selectFrom('payments').select('external_id').where('source', '=', 'pix_webhook').executeTakeFirstOrThrow()).external_id);
    expect(e2e).toMatch(/^E\d{8}\d{12}[A-Za-z0-9]{11}$/);
    const replay = await psp.pay(pixCharges[0]!.txid, { endToEndId: e2e, paidAt: `${AS_OF}T14:30:00-03:00` });
    expect(replay.status).toBe(200);
    expect(await count('payments')).toBe(before + 1);
    expect((await installmentsOf(agreementId))[0]!.paid_cents).toBe(pixCharges[0]!.amountCents);
    // an unknown token is refused
    const stranger = await app.inject({ method: 'POST', url: `/api/webhooks/pix/${'x'.repeat(32)}/pix`, payload: { pix: [] } });
    expect(stranger.statusCode).toBe(401);
  });

  it('a CNAB 240 return pays one installment in full and another in part, queues an unknown one; the same file again changes nothing', async () => {
    const account = { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' };
    const beneficiary = { name: 'Magazine Horizonte', document: tenant.creditors[0]!.document };
    const [, second, third] = boletos;
    const nn = (b: typeof second) => b!.nossoNumero;
    const payDay = addDays(AS_OF, 3);
    const file = buildRetorno240({
      account, beneficiary, generatedOn: addDays(payDay, 1), fileSequence: 1,
      payments: [
        { nossoNumero: nn(second), faceValue: second!.amountCents, amountPaid: second!.amountCents, fees: 250, paymentDate: payDay, creditDate: addDays(payDay, 1) },
        { nossoNumero: nn(third), faceValue: third!.amountCents, amountPaid: 10_000, fees: 250, paymentDate: payDay, creditDate: addDays(payDay, 1) },
        { nossoNumero: '99999999', faceValue: 5_000, amountPaid: 5_000, fees: 250, paymentDate: payDay, creditDate: addDays(payDay, 1) },
      ],
    });
    const upload = (content: string, name: string) => api(analyst, 'POST', `/api/payment-files?fileName=${name}`, Buffer.from(content, 'latin1'), { 'content-type': 'application/octet-stream' });
    const imported = await upload(file, 'retorno-1.ret');
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ layout: 'cnab240', bankCode: '341', replayed: false, paid: 3, applied: 2, unmatched: 1, partial: 1, paidCents: second!.amountCents + 10_000 + 5_000 });
    const rows = await installmentsOf(agreementId);
    expect(rows[1]).toMatchObject({ status: 'paid', paid_cents: second!.amountCents });
    expect(rows[2]).toMatchObject({ status: 'open', paid_cents: 10_000 });
    expect(await agreementStatus(agreementId)).toBe('active');

    const payments = await count('payments');
    const again = await upload(file, 'retorno-1-de-novo.ret');
    expect(again.body).toMatchObject({ replayed: true, applied: 2 });
    expect(await count('payments')).toBe(payments);
    expect(await count('unmatched_payments')).toBe(1);
    // the same liquidation in another file (the bank sent it again with a new header): counted once
    const resent = buildRetorno240({ account, beneficiary, generatedOn: addDays(payDay, 2), fileSequence: 2, payments: [{ nossoNumero: nn(second), faceValue: second!.amountCents, amountPaid: second!.amountCents, fees: 250, paymentDate: payDay, creditDate: addDays(payDay, 1) }] });
    expect((await upload(resent, 'retorno-2.ret')).body).toMatchObject({ replayed: false, applied: 0, alreadyApplied: 1 });
    expect(await count('payments')).toBe(payments);

    // the rest of the third installment, paid by PIX: the agreement is fulfilled and its debts paid
    const rest = third!.amountCents - 10_000;
    expect((await psp.pay(pixCharges[2]!.txid, { amountCents: rest, paidAt: `${addDays(AS_OF, 4)}T10:00:00-03:00` })).status).toBe(200);
    expect(await agreementStatus(agreementId)).toBe('fulfilled');
    const statuses = await t.db.system(({ db }) => db.selectFrom('debts').select('status').where('id', 'in', [debtIds['P-1']!, debtIds['P-2']!]).execute());
    expect(statuses.map((s) => s.status)).toEqual(['paid', 'paid']);
  });

  it('refuses a bad return file naming line, columns and field, writing nothing', async () => {
    const files = await count('payment_files');
    const good = buildRetorno240({ account: { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' }, beneficiary: { name: 'X', document: tenant.creditors[0]!.document }, generatedOn: AS_OF, fileSequence: 9, payments: [{ nossoNumero: '12345678', faceValue: 100, amountPaid: 100, paymentDate: AS_OF, creditDate: AS_OF }] });
    const lines = good.split('\r\n');
    const u = lines.findIndex((l) => l[13] === 'U');
    lines[u] = lines[u]!.slice(0, 77) + 'ABC' + lines[u]!.slice(80); // amount paid, U 78–92
    const bad = await api(analyst, 'POST', '/api/payment-files', Buffer.from(lines.join('\r\n'), 'latin1'), { 'content-type': 'application/octet-stream' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(new RegExp(`[Ll]inha ${u + 1}`));
    expect(await count('payment_files')).toBe(files);
  });

  it('matches a return file to the account in its header: the same nosso número in another agreement at the same bank is another charge', async () => {
    const second = tenant.creditors[1]!;
    const created = await api(supervisor, 'POST', '/api/collection-accounts', { creditorId: second.id, name: 'Itaú 2', bankCode: '341', agency: '1234', account: '54321', accountDigit: '0', wallet: '109' });
    expect(created.status).toBe(201);
    const twin = await api(supervisor, 'POST', '/api/collection-accounts', { creditorId: second.id, name: 'Itaú 2 de novo', bankCode: '341', agency: '1234', account: '54321', accountDigit: '0', wallet: '109' });
    expect(twin.status).toBe(409); // one agreement with the bank, one counter
    const debtor = await t.db.system(({ db }) => db.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', second.debtorDocuments[0]!).executeTakeFirstOrThrow());
    const proposal = await api(analyst, 'POST', '/api/agreements', { debtorId: debtor.id, creditorId: second.id, installments: 1, paymentMethod: 'boleto' });
    const term = await api(analyst, 'GET', `/api/agreements/${proposal.body.id}/documents/term?format=txt`);
    await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/accept`, { channel: 'phone', termsSha256: createHash('sha256').update(term.raw.body).digest('hex') });
    const [charge] = (await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/charges`, {})).body.items;
    expect(charge.nossoNumero).toBe(boletos[0]!.nossoNumero); // both accounts count from 1
    const file = buildRetorno240({
      account: { bankCode: '341', agency: '1234', account: '54321', accountDigit: '0', wallet: '109' }, beneficiary: { name: 'Credor 2', document: second.document }, generatedOn: addDays(AS_OF, 2), fileSequence: 1,
      payments: [{ nossoNumero: charge.nossoNumero, faceValue: charge.amountCents, amountPaid: charge.amountCents, fees: 250, paymentDate: addDays(AS_OF, 1), creditDate: addDays(AS_OF, 2) }],
    });
    const imported = await api(analyst, 'POST', '/api/payment-files', Buffer.from(file, 'latin1'), { 'content-type': 'application/octet-stream' });
    expect(imported.body).toMatchObject({ applied: 1, unmatched: 0 });
    expect(await agreementStatus(proposal.body.id)).toBe('fulfilled');
    expect((await api(analyst, 'GET', `/api/charges/${boletos[0]!.id}`)).body.status).toBe('cancelled'); // the first account's twin untouched
  });

  it('applies queued money where the analyst says, once: the same notice in a later file is already applied', async () => {
    const account = { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' };
    const payment = { nossoNumero: '88888888', faceValue: 7_000, amountPaid: 7_000, paymentDate: addDays(AS_OF, 3), creditDate: addDays(AS_OF, 4) };
    const upload = (fileSequence: number) =>
      api(analyst, 'POST', '/api/payment-files', Buffer.from(buildRetorno240({ account, beneficiary: { name: 'Horizonte', document: tenant.creditors[0]!.document }, generatedOn: addDays(AS_OF, 4 + fileSequence), fileSequence, payments: [payment] }), 'latin1'), { 'content-type': 'application/octet-stream' });
    expect((await upload(3)).body).toMatchObject({ unmatched: 1 });
    const item = (await api(analyst, 'GET', '/api/unmatched-payments')).body.items.find((i: { reference: string }) => i.reference === '88888888');
    const resolved = await api(analyst, 'POST', `/api/unmatched-payments/${item.id}/resolve`, { debtId: debtIds['X-1'], note: 'Pagador ligou: boleto antigo do título X-1' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.payment).toMatchObject({ debtId: debtIds['X-1'], amountCents: 7_000, appliedCents: 7_000, source: 'cnab' });
    const payments = await count('payments');
    expect((await upload(4)).body).toMatchObject({ replayed: false, alreadyApplied: 1, unmatched: 0 });
    expect(await count('payments')).toBe(payments);
    expect((await api(analyst, 'POST', `/api/unmatched-payments/${item.id}/resolve`, { debtId: debtIds['X-1'] })).status).toBe(409);
  });

  it('imports the same file sent twice at the same time once: one import, one replay', async () => {
    const file = buildRetorno240({
      account: { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' }, beneficiary: { name: 'Horizonte', document: tenant.creditors[0]!.document },
      generatedOn: addDays(AS_OF, 9), fileSequence: 9, payments: [{ nossoNumero: '66666666', faceValue: 3_000, amountPaid: 3_000, paymentDate: addDays(AS_OF, 8), creditDate: addDays(AS_OF, 9) }],
    });
    const queued = await count('unmatched_payments');
    const upload = () => api(analyst, 'POST', '/api/payment-files', Buffer.from(file, 'latin1'), { 'content-type': 'application/octet-stream' });
    const results = await Promise.all([upload(), upload()]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.map((r) => r.body.replayed).sort()).toEqual([false, true]);
    expect(await count('unmatched_payments')).toBe(queued + 1);
  });

  it('the same installment paid by PIX and by boleto at the same moment: applied once, the second payment queued for a refund', async () => {
    const debt = await t.db.system(({ db }) =>
      db.insertInto('debts').values({ tenant_id: tenant.tenantId, creditor_id: tenant.creditors[0]!.id, portfolio_id: tenant.creditors[0]!.portfolioId, debtor_id: debtorId, external_id: 'C-1', document_kind: 'contract', original_amount_cents: 40_000, due_date: '2026-08-01', relationship: 'consumer', ...PLAIN }).returning('id').executeTakeFirstOrThrow(),
    );
    const proposal = await api(analyst, 'POST', '/api/agreements', { debtorId, debtIds: [debt.id], installments: 1 });
    const term = await api(analyst, 'GET', `/api/agreements/${proposal.body.id}/documents/term?format=txt`);
    const accepted = await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/accept`, { channel: 'phone', termsSha256: createHash('sha256').update(term.raw.body).digest('hex') });
    const amount = accepted.body.installments[0].amountCents as number;
    const [pixCharge] = (await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/charges`, { kind: 'pix' })).body.items;
    const [boleto] = (await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/charges`, { kind: 'boleto' })).body.items;
    const file = buildRetorno240({
      account: { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' }, beneficiary: { name: 'Horizonte', document: tenant.creditors[0]!.document },
      generatedOn: addDays(AS_OF, 2), fileSequence: 12, payments: [{ nossoNumero: boleto.nossoNumero, faceValue: amount, amountPaid: amount, paymentDate: addDays(AS_OF, 1), creditDate: addDays(AS_OF, 2) }],
    });
    const [payments, queued] = [await count('payments'), await count('unmatched_payments')];
    const [pix, cnab] = await Promise.all([
      psp.pay(pixCharge.txid, { paidAt: `${addDays(AS_OF, 1)}T09:00:00-03:00` }),
      api(analyst, 'POST', '/api/payment-files', Buffer.from(file, 'latin1'), { 'content-type': 'application/octet-stream' }),
    ]);
    expect([pix.status, cnab.status]).toEqual([200, 200]);
    expect(await count('payments')).toBe(payments + 1);
    expect(await count('unmatched_payments')).toBe(queued + 1);
    const [installment] = await installmentsOf(proposal.body.id);
    expect(installment).toMatchObject({ status: 'paid', paid_cents: amount });
    expect(await agreementStatus(proposal.body.id)).toBe('fulfilled');
  });

  it('an installment paid by hand (baixa manual) closes its charges too: the boleto and the PIX are no longer payable', async () => {
    const debt = await t.db.system(({ db }) =>
      db.insertInto('debts').values({ tenant_id: tenant.tenantId, creditor_id: tenant.creditors[0]!.id, portfolio_id: tenant.creditors[0]!.portfolioId, debtor_id: debtorId, external_id: 'C-2', document_kind: 'contract', original_amount_cents: 20_000, due_date: '2026-08-05', relationship: 'consumer', ...PLAIN }).returning('id').executeTakeFirstOrThrow(),
    );
    const proposal = await api(analyst, 'POST', '/api/agreements', { debtorId, debtIds: [debt.id], installments: 1 });
    const term = await api(analyst, 'GET', `/api/agreements/${proposal.body.id}/documents/term?format=txt`);
    const accepted = await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/accept`, { channel: 'phone', termsSha256: createHash('sha256').update(term.raw.body).digest('hex') });
    const [installment] = accepted.body.installments;
    const [pixCharge] = (await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/charges`, { kind: 'pix' })).body.items;
    const [boleto] = (await api(analyst, 'POST', `/api/agreements/${proposal.body.id}/charges`, { kind: 'boleto' })).body.items;
    const paid = await api(analyst, 'POST', '/api/payments', { installmentId: installment.id, amountCents: installment.amountCents, paidOn: AS_OF, method: 'transfer' });
    expect(paid.body).toMatchObject({ installmentPaid: true, agreementStatus: 'fulfilled' });
    for (const charge of [pixCharge, boleto]) expect((await api(analyst, 'GET', `/api/charges/${charge.id}`)).body.status).toBe('cancelled');
  });

  it('keeps unknown money in the queue for an analyst, who resolves or dismisses it once', async () => {
    const queue = await api(analyst, 'GET', '/api/unmatched-payments');
    expect(queue.body.items.map((i: { reference: string }) => i.reference)).toEqual(expect.arrayContaining(['66666666', '99999999'])); // pending; 88888888 was resolved
    const item = queue.body.items.find((i: { reference: string }) => i.reference === '99999999');
    expect(item).toMatchObject({ source: 'cnab', reference: '99999999', amountCents: 5_000, status: 'pending' });
    expect(item.reason).toMatch(/nosso número/);
    expect((await api(await loginAs(app, tenant.users.collector.email), 'GET', '/api/unmatched-payments')).status).toBe(403);
    const dismissed = await api(analyst, 'POST', `/api/unmatched-payments/${item.id}/dismiss`, { note: 'Pagamento de outro credor: devolvido ao pagador' });
    expect(dismissed.body.status).toBe('dismissed');
    expect((await api(analyst, 'POST', `/api/unmatched-payments/${item.id}/dismiss`, { note: 'de novo, não' })).status).toBe(409);
  });
});

describe('credit-bureau listing and protest', () => {
  const bureau = () => httpBureau({ name: 'serasa', baseUrl: bureauServer.url, apiKey: bureauServer.apiKey });
  const listingOf = async (debtId: string) => (await api(analyst, 'GET', `/api/listings?debtId=${debtId}`)).body.items[0];

  it('refuses what may not be listed, with the rule and its source', async () => {
    const noAddress = await api(supervisor, 'POST', `/api/debts/${debtIds['X-1']}/listings`, {});
    expect(noAddress.status).toBe(409);
    expect(noAddress.body.detail).toMatch(/endereço.*Súmula 359/);
    const eligibility = await api(analyst, 'GET', `/api/debts/${debtIds['X-1']}/escalation`);
    expect(eligibility.body.listing).toMatchObject({ eligible: false, reasons: [expect.objectContaining({ reason: 'no_address' })] });
    expect((await api(analyst, 'POST', `/api/debts/${debtIds['L-1']}/listings`, {})).status).toBe(403); // analysts do not list
  });

  it('requests, waits for the notice period, confirms; a payment gets the removal requested the next business day', async () => {
    const requested = await api(supervisor, 'POST', `/api/debts/${debtIds['L-1']}/listings`, {});
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'requested', bureau: 'serasa', requestedOn: AS_OF, amountCents: 80_000 });
    expect((await api(supervisor, 'POST', `/api/debts/${debtIds['L-1']}/listings`, {})).status).toBe(409); // one live listing per debt and bureau

    await runDaily(t.db, { asOf: AS_OF, bureau: bureau() });
    const notified = await listingOf(debtIds['L-1']!);
    expect(notified).toMatchObject({ status: 'notified', notifiedOn: addDays(AS_OF, 1), confirmableOn: addDays(AS_OF, 11) });
    await runDaily(t.db, { asOf: addDays(AS_OF, 10), bureau: bureau() });
    expect((await listingOf(debtIds['L-1']!)).status).toBe('notified'); // the wait (CDC 43 §2) is not over
    await runDaily(t.db, { asOf: addDays(AS_OF, 11), bureau: bureau() });
    expect(await listingOf(debtIds['L-1']!)).toMatchObject({ status: 'active', activeOn: addDays(AS_OF, 11) });
    expect(bureauServer.listings.get(notified.protocol)?.status).toBe('active');

    // Paid on Friday 2026-12-04 (as a bank notice would apply it)
    const friday = '2026-12-04';
    await t.db.scoped({ tenantId: tenant.tenantId }, (tx) => applyPayment(tx, null, { debtId: debtIds['L-1']!, amountCents: 80_000, paidOn: friday, method: 'pix', source: 'pix_webhook', externalId: 'E-LISTED-DEBT' }));
    await runDaily(t.db, { asOf: friday, bureau: bureau() });
    expect(await listingOf(debtIds['L-1']!)).toMatchObject({ status: 'active', settledOn: friday, removalPlannedOn: '2026-12-07', removalDeadline: '2026-12-11' });
    await runDaily(t.db, { asOf: '2026-12-05', bureau: bureau() }); // Saturday: not a business day
    expect((await listingOf(debtIds['L-1']!)).status).toBe('active');
    await runDaily(t.db, { asOf: '2026-12-07', bureau: bureau() }); // Monday: the next business day
    expect(await listingOf(debtIds['L-1']!)).toMatchObject({ status: 'removed', removalRequestedOn: '2026-12-07', removedOn: '2026-12-07', removalReason: 'pagamento' });
    expect(bureauServer.listings.get(notified.protocol)?.status).toBe('removed');
    const timeline = await api(analyst, 'GET', `/api/debtors/${debtorId}/events`);
    expect(JSON.stringify(timeline.body)).toMatch(/listing\.removal_requested/);
    // Removed in the same call: the removal is on the timeline too (and so reaches the webhooks).
    expect(JSON.stringify(timeline.body)).toMatch(/listing\.removed/);
  });

  it('follows a removal the bureau has not confirmed, and raises an alert on its alert day, once', async () => {
    const slow = await startStandInBureau({ deferRemovals: true });
    const slowBureau = () => httpBureau({ name: 'serasa', baseUrl: slow.url, apiKey: slow.apiKey });
    try {
      const debt = await t.db.system(({ db }) =>
        db.insertInto('debts').values({ tenant_id: tenant.tenantId, creditor_id: tenant.creditors[0]!.id, portfolio_id: tenant.creditors[0]!.portfolioId, debtor_id: debtorId, external_id: 'L-2', document_kind: 'contract', original_amount_cents: 30_000, due_date: '2026-09-20', relationship: 'consumer', ...PLAIN }).returning('id').executeTakeFirstOrThrow(),
      );
      expect((await api(supervisor, 'POST', `/api/debts/${debt.id}/listings`, {})).status).toBe(201);
      await runDaily(t.db, { asOf: AS_OF, bureau: slowBureau() });
      await runDaily(t.db, { asOf: addDays(AS_OF, 11), bureau: slowBureau() });
      expect((await listingOf(debt.id)).status).toBe('active');
      await t.db.scoped({ tenantId: tenant.tenantId }, (tx) => applyPayment(tx, null, { debtId: debt.id, amountCents: 30_000, paidOn: '2026-12-04', method: 'pix', source: 'pix_webhook', externalId: 'E-L-2' }));
      await runDaily(t.db, { asOf: '2026-12-04', bureau: slowBureau() });
      await runDaily(t.db, { asOf: '2026-12-07', bureau: slowBureau() });
      expect(await listingOf(debt.id)).toMatchObject({ status: 'removal_requested', removalRequestedOn: '2026-12-07', alertedOn: null });
      const run = await runDaily(t.db, { asOf: '2026-12-08', bureau: slowBureau() }); // settled + 2 business days: the alert
      expect(run.escalation!.listings.alerts).toBe(1);
      expect(await listingOf(debt.id)).toMatchObject({ status: 'removal_requested', alertedOn: '2026-12-08' });
      expect((await api(analyst, 'GET', '/api/listings?attention=true')).body.items.map((l: { debtId: string }) => l.debtId)).toContain(debt.id);
      expect((await runDaily(t.db, { asOf: '2026-12-09', bureau: slowBureau() })).escalation!.listings.alerts).toBe(0); // once
      slow.completeRemovals('2026-12-09');
      await runDaily(t.db, { asOf: '2026-12-10', bureau: slowBureau() });
      expect(await listingOf(debt.id)).toMatchObject({ status: 'removed', removedOn: '2026-12-09' });
      const events = JSON.stringify((await api(analyst, 'GET', `/api/debtors/${debtorId}/events`)).body);
      expect(events).toMatch(/listing\.removal_alert/);
      expect(events).toMatch(/listing\.removed/);
    } finally {
      await slow.close();
    }
  });

  it('exports protest candidates, records the protest, and after payment issues the letter of consent', async () => {
    const debtId = debtIds['P-1']!; // paid through the agreement above: not protestable
    expect((await api(supervisor, 'POST', `/api/debts/${debtId}/protests`)).status).toBe(409);
    // a new overdue debt of the same debtor
    const newDebt = await t.db.system(({ db }) =>
      db.insertInto('debts').values({ tenant_id: tenant.tenantId, creditor_id: tenant.creditors[0]!.id, portfolio_id: tenant.creditors[0]!.portfolioId, debtor_id: debtorId, external_id: 'NP-7', document_kind: 'promissory_note', original_amount_cents: 120_000, due_date: '2026-07-01', relationship: 'consumer', ...PLAIN }).returning('id').executeTakeFirstOrThrow(),
    );
    const candidate = await api(supervisor, 'POST', `/api/debts/${newDebt.id}/protests`);
    expect(candidate.status).toBe(201);
    const letterTooEarly = await api(supervisor, 'GET', `/api/protests/${candidate.body.id}/consent-letter`);
    expect(letterTooEarly.status).toBe(409);
    const exported = await api(supervisor, 'POST', '/api/protests/export', {});
    expect(exported.status).toBe(200);
    const csv = String(exported.raw.body).split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(2);
    expect(csv[0]!.split(';')).toHaveLength(17);
    expect(csv[1]).toContain('NP-7');
    expect(csv[1]).toContain('1200,00');
    expect(csv[1]).toContain('52998224725');
    expect((await api(supervisor, 'POST', `/api/protests/${candidate.body.id}/protested`, { protestedOn: addDays(AS_OF, 2), notaryProtocol: '2026/000123' })).status).toBe(400); // a date to come
    const protested = await api(supervisor, 'POST', `/api/protests/${candidate.body.id}/protested`, { protestedOn: AS_OF, notaryProtocol: '2026/000123' });
    expect(protested.body.status).toBe('protested');
    const interrupted = await t.db.system(({ db }) => db.selectFrom('debts').select('prescription_interrupted_on').where('id', '=', newDebt.id).executeTakeFirstOrThrow());
    expect(interrupted.prescription_interrupted_on).toBe(AS_OF);
    // more than owed, paid on the 5th and reported on the 7th: the debt is paid, the excess recorded on the payment
    const paid = await t.db.scoped({ tenantId: tenant.tenantId }, (tx) => applyPayment(tx, null, { debtId: newDebt.id, amountCents: 500_000, paidOn: addDays(AS_OF, 5), method: 'boleto', source: 'cnab', externalId: 'NP-7-paid' }));
    expect(paid.appliedCents + paid.excessCents).toBe(500_000);
    expect(paid.excessCents).toBeGreaterThan(0);
    await runDaily(t.db, { asOf: addDays(AS_OF, 7), bureau: bureau() });
    const settled = (await api(supervisor, 'GET', `/api/protests?debtId=${newDebt.id}`)).body.items[0];
    expect(settled).toMatchObject({ status: 'settled', settledOn: addDays(AS_OF, 5) });
    const letter = await api(supervisor, 'GET', `/api/protests/${candidate.body.id}/consent-letter?format=txt`);
    expect(letter.status).toBe(200);
    expect(letter.raw.body).toContain('art. 26 da Lei 9.492/1997');
    expect(letter.raw.body).toContain('Maria da Silva Souza');
    expect(letter.raw.body).toContain('protocolo 2026/000123');
    expect(letter.raw.body).toContain(`quitou a dívida em ${addDays(AS_OF, 5).split('-').reverse().join('/')}`);
    const pdf = await api(supervisor, 'GET', `/api/protests/${candidate.body.id}/consent-letter`);
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
