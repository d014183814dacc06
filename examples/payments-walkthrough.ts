/**
 * The payments walk of docs/payments.md and docs/escalation.md, on a throwaway copy of the demo
 * agency, through the real HTTP API: `npm run walkthrough:payments`.
 *
 * An agreement → its boletos (PDF, remessa CNAB 240) and PIX charges at a PSP (a local stand-in
 * speaking the Banco Central's API) → the down payment by PIX, notified by the PSP's webhook, and
 * notified again (counted once) → the other installments in the bank's CNAB return file, imported
 * twice (counted once) → the agreement fulfilled. Then a listed debt: the bureau's notice, the
 * wait, the listing active, the payment, the removal requested on the next business day.
 * Files (boleto PDF, QR code, remessa, return file) are saved; nothing touches ./data.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../src/api/server.ts';
import { buildRetorno240 } from '../src/brazil/cnab/index.ts';
import { startStandInPsp } from '../src/brazil/pix/stand-in-psp.ts';
import { BusinessCalendar } from '../src/domain/calendar/business-days.ts';
import { addDays } from '../src/domain/dates.ts';
import { formatBRL } from '../src/domain/money.ts';
import { DEMO_PASSWORD } from '../src/features/demo/generate-demo.ts';
import { seedDemo } from '../src/features/demo/seed-demo.ts';
import { runDaily } from '../src/features/dunning/daily-run.ts';
import { httpBureau } from '../src/features/escalation/bureau-adapter.ts';
import { startStandInBureau } from '../src/features/escalation/stand-in-bureau.ts';
import { seedShippedSeries } from '../src/features/indices/shipped-series.ts';
import { loadConfig } from '../src/shared/config.ts';
import { createLogger } from '../src/shared/log.ts';
import { migrate } from '../src/store/migrate.ts';
import { PgliteDatabase } from '../src/store/pglite-database.ts';

const start = new Date().toISOString().slice(0, 10);
let today = start; // the server's clock: moved forward as the story goes
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-pagamentos-'));
const say = (text: string) => process.stdout.write(`${text}\n`);

say('Preparando a assessoria de demonstração num banco em memória…');
const db = await PgliteDatabase.open(null);
await migrate(db);
await seedShippedSeries(db);
await seedDemo(db, { asOf: start });
const creditor = await db.system(({ db: q }) => q.selectFrom('creditors').select(['id', 'document', 'legal_name']).orderBy('legal_name').executeTakeFirstOrThrow());
// The PSP's stand-in: the creditor's PIX key is its CNPJ (the demo account's key).
const psp = await startStandInPsp({ key: creditor.document, merchantName: 'Demo Credor', merchantCity: 'Sao Paulo' });
const bureauServer = await startStandInBureau();
const bureau = httpBureau({ name: 'serasa', baseUrl: bureauServer.url, apiKey: bureauServer.apiKey });
const app = await buildServer({
  db,
  config: loadConfig({ PIX_PSP_URL: psp.url, PIX_PSP_CLIENT_ID: psp.clientId, PIX_PSP_CLIENT_SECRET: psp.clientSecret, BUREAU_URL: bureauServer.url, BUREAU_API_KEY: bureauServer.apiKey }),
  logger: createLogger('silent'),
  today: () => today,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function call(method: string, url: string, body?: unknown, token?: string, raw?: { type: string; data: Buffer }): Promise<any> {
  const response = await fetch(base + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(raw ? { 'content-type': raw.type } : body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw ? { body: new Uint8Array(raw.data) } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const data = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${data.toString()}`);
  return /json/.test(type) ? JSON.parse(data.toString()) : data;
}

try {
  const supervisor = (await call('POST', '/api/auth/login', { email: 'supervisor@demo.recupera.test', password: DEMO_PASSWORD })).token;
  const [account] = (await call('GET', `/api/collection-accounts?creditorId=${creditor.id}`, undefined, supervisor)).items;
  const { pixWebhookPath } = await call('POST', `/api/collection-accounts/${account.id}/webhook-token`, {}, supervisor);
  const { createPspClient } = await import('../src/brazil/pix/index.ts');
  await createPspClient({ baseUrl: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret }).setWebhook(creditor.document, `${base}${pixWebhookPath}`);
  say(`\n1. Conta de cobrança de ${creditor.legal_name}: banco ${account.bankCode}, agência ${account.agency}, carteira ${account.wallet}; webhook PIX registrado no PSP.`);

  // A debtor with overdue debts with this creditor and a known address.
  const pick = await db.system(({ sql }) =>
    sql.query<{ debtor_id: string }>(
      `select d.debtor_id from debts d where d.creditor_id = $1 and d.status = 'open' and d.due_date < $2::date - 30
          and exists (select 1 from contact_points c where c.debtor_id = d.debtor_id and c.channel = 'address' and c.invalid_at is null)
        group by d.debtor_id having count(*) >= 2 order by d.debtor_id limit 1`,
      [creditor.id, start],
    ),
  );
  const debtorId = pick.rows[0]!.debtor_id;
  let agreement = await call('POST', '/api/agreements', { debtorId, creditorId: creditor.id, installments: 3 }, supervisor);
  const term = (await call('GET', `/api/agreements/${agreement.id}/documents/term?format=txt`, undefined, supervisor)).toString();
  agreement = await call('POST', `/api/agreements/${agreement.id}/accept`, { channel: 'phone', termsSha256: createHash('sha256').update(term).digest('hex') }, supervisor);
  say(`2. Acordo nº ${agreement.number} aceito: ${agreement.installments.map((i: { number: number; amountCents: number; dueDate: string }) => `parcela ${i.number} ${formatBRL(i.amountCents)} em ${i.dueDate}`).join('; ')}.`);

  const pix = (await call('POST', `/api/agreements/${agreement.id}/charges`, { kind: 'pix' }, supervisor)).items;
  const boletos = (await call('POST', `/api/agreements/${agreement.id}/charges`, { kind: 'boleto' }, supervisor)).items;
  fs.writeFileSync(path.join(out, 'pix-parcela-0.png'), await call('GET', `/api/charges/${pix[0].id}/pix.png`, undefined, supervisor));
  fs.writeFileSync(path.join(out, 'boleto-parcela-1.pdf'), await call('GET', `/api/charges/${boletos[1].id}/boleto.pdf`, undefined, supervisor));
  say(`3. Cobranças emitidas: ${pix.length} PIX (cobv no PSP, txid ${pix[0].txid.slice(0, 10)}…) e ${boletos.length} boletos.`);
  say(`   PIX copia e cola da entrada: ${pix[0].pixCopiaECola}`);
  for (const b of boletos) say(`   boleto parcela ${b.installmentNumber}: nosso número ${b.nossoNumeroPrinted}, linha digitável ${b.line}`);
  const remessa = await call('POST', `/api/collection-accounts/${account.id}/remessa`, {}, supervisor);
  fs.writeFileSync(path.join(out, 'remessa.rem'), remessa);
  say(`4. Remessa CNAB 240 para registrar os boletos: ${remessa.toString('latin1').split('\r\n').filter(Boolean).length} linhas de 240 posições.`);

  await psp.pay(pix[0].txid, { paidAt: new Date().toISOString() });
  agreement = await call('GET', `/api/agreements/${agreement.id}`, undefined, supervisor);
  const e2e = await db.system(async ({ db: q }) => (await q.selectFrom('payments').select('external_id').where('agreement_id', '=', agreement.id).executeTakeFirstOrThrow()).external_id);
  await psp.pay(pix[0].txid, { endToEndId: e2e, paidAt: new Date().toISOString() });
  const paymentsAfterReplay = await db.system(async ({ sql }) => (await sql.query<{ n: number }>('select count(*)::int as n from payments where agreement_id = $1', [agreement.id])).rows[0]!.n);
  say(`5. O PSP notifica o PIX da entrada (${e2e}): acordo ${agreement.status}; a mesma notificação de novo: ${paymentsAfterReplay} pagamento registrado.`);

  today = addDays(start, 2);
  const payday = addDays(start, 1);
  const retorno = buildRetorno240({
    account: { bankCode: account.bankCode, agency: account.agency, account: account.account, accountDigit: account.accountDigit ?? undefined, wallet: account.wallet, agreement: account.agreement ?? undefined },
    beneficiary: { name: creditor.legal_name, document: creditor.document },
    generatedOn: today,
    fileSequence: 1,
    payments: boletos.slice(1).map((b: { nossoNumero: string; amountCents: number }) => ({ nossoNumero: b.nossoNumero, faceValue: b.amountCents, amountPaid: b.amountCents, fees: 180, paymentDate: payday, creditDate: today })),
  });
  fs.writeFileSync(path.join(out, 'retorno.ret'), retorno, 'latin1');
  const upload = () => call('POST', '/api/payment-files?fileName=retorno.ret', undefined, supervisor, { type: 'application/octet-stream', data: Buffer.from(retorno, 'latin1') });
  const first = await upload();
  const again = await upload();
  agreement = await call('GET', `/api/agreements/${agreement.id}`, undefined, supervisor);
  say(`6. Retorno CNAB 240 do banco: ${first.applied} pagamento(s) aplicado(s), ${formatBRL(first.paidCents)}; o mesmo arquivo de novo: replayed=${again.replayed}. Acordo ${agreement.status}.`);

  // Escalation: a debt of another debtor listed at the bureau, then paid.
  const listedDebt = await db.system(({ sql }) =>
    sql.query<{ id: string; debtor_id: string }>(
      `select d.id, d.debtor_id from debts d join debtors p on p.id = d.debtor_id where d.creditor_id = $1 and d.status = 'open' and d.due_date between $2::date - 300 and $2::date - 30 and d.debtor_id <> $3
          and exists (select 1 from contact_points c where c.debtor_id = d.debtor_id and c.channel = 'address' and c.invalid_at is null and not c.is_reference)
          and p.over_indebted_since is null and d.disputed_at is null order by d.id limit 1`,
      [creditor.id, start, debtorId],
    ),
  );
  const debt = listedDebt.rows[0]!;
  today = start;
  const listing = await call('POST', `/api/debts/${debt.id}/listings`, {}, supervisor);
  await runDaily(db, { asOf: today, bureau });
  let state = (await call('GET', `/api/listings?debtId=${debt.id}`, undefined, supervisor)).items[0];
  say(`7. Negativação pedida (${formatBRL(listing.amountCents)}): o birô notifica o devedor em ${state.notifiedOn}; confirmável a partir de ${state.confirmableOn} (CDC 43 §2º).`);
  today = state.confirmableOn;
  await runDaily(db, { asOf: today, bureau });
  state = (await call('GET', `/api/listings?debtId=${debt.id}`, undefined, supervisor)).items[0];
  const balance = await call('GET', `/api/debts/${debt.id}/balance?asOf=${today}`, undefined, supervisor);
  await call('POST', '/api/payments', { debtId: debt.id, amountCents: balance.total, paidOn: today, method: 'pix', externalId: `E2E-${debt.id}` }, supervisor);
  await runDaily(db, { asOf: today, bureau });
  state = (await call('GET', `/api/listings?debtId=${debt.id}`, undefined, supervisor)).items[0];
  say(`8. Ativa em ${state.activeOn}; quitada no mesmo dia (${formatBRL(balance.total)}): baixa planejada para ${state.removalPlannedOn}, prazo ${state.removalDeadline} (Súmula 548).`);
  const bank = new BusinessCalendar({ kind: 'bank' });
  today = bank.addBusinessDays(today, 1);
  await runDaily(db, { asOf: today, bureau });
  state = (await call('GET', `/api/listings?debtId=${debt.id}`, undefined, supervisor)).items[0];
  say(`9. No dia útil seguinte (${today}) a régua pede a baixa: situação ${state.status}, pedida em ${state.removalRequestedOn}.`);
  say(`\nArquivos em ${out}: pix-parcela-0.png, boleto-parcela-1.pdf, remessa.rem, retorno.ret`);
} finally {
  await app.close();
  await db.close();
  await psp.close();
  await bureauServer.close();
}
