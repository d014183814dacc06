/**
 * The negotiation walk of docs/negotiation.md, on a throwaway copy of the demo agency, through
 * the real HTTP API: `npm run walkthrough:agreement`.
 *
 * A debtor with three overdue debts and a title not yet due → offers → an agreement → its term
 * e-mailed as a PDF (to a local SMTP server; the PDF is saved) → two installments paid → the
 * third missed → the daily run on the day the grace period ends breaks it and restores the debts
 * → the timeline. Nothing here touches ./data: the database lives in memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../src/api/server.ts';
import { addDays } from '../src/domain/dates.ts';
import { formatBRL } from '../src/domain/money.ts';
import { DEMO_PASSWORD } from '../src/features/demo/generate-demo.ts';
import { seedDemo } from '../src/features/demo/seed-demo.ts';
import { startLocalSmtp } from '../src/features/dunning/channels/local-smtp.ts';
import { runDaily } from '../src/features/dunning/daily-run.ts';
import { seedShippedSeries } from '../src/features/indices/shipped-series.ts';
import { loadConfig } from '../src/shared/config.ts';
import { createLogger } from '../src/shared/log.ts';
import { migrate } from '../src/store/migrate.ts';
import { PgliteDatabase } from '../src/store/pglite-database.ts';

const today = new Date().toISOString().slice(0, 10);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-acordo-'));
const say = (text: string) => process.stdout.write(`${text}\n`);

// A local SMTP server standing in for the debtor's mailbox: attachments are saved to `out`.
const mails: Buffer[] = [];
const smtp = await startLocalSmtp((message) => mails.push(message));

say('Preparando a assessoria de demonstração num banco em memória…');
const db = await PgliteDatabase.open(null);
await migrate(db);
await seedShippedSeries(db);
await seedDemo(db, { asOf: today });
const app = await buildServer({
  db,
  config: loadConfig({ SMTP_URL: smtp.url, MAIL_FROM: 'Assessoria Demo <cobranca@demo.recupera.test>' }),
  logger: createLogger('silent'),
  today: () => today,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function call(method: string, url: string, body?: unknown, token?: string): Promise<any> {
  const response = await fetch(base + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${text}`);
  return /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
}

try {
  const { token } = await call('POST', '/api/auth/login', { email: 'analista@demo.recupera.test', password: DEMO_PASSWORD });
  // A debtor with three overdue debts with one creditor (the demo's first such debtor).
  const pick = await db.system(({ sql }) =>
    sql.query<{ debtor_id: string; creditor_id: string; portfolio_id: string }>(
      `select debtor_id, creditor_id, min(portfolio_id::text) as portfolio_id from debts where status = 'open' and due_date < $1::date - 30 and due_date > $1::date - 1500
       group by debtor_id, creditor_id having count(*) >= 3 order by debtor_id limit 1`,
      [today],
    ),
  );
  const { debtor_id: debtorId, creditor_id: creditorId, portfolio_id: portfolioId } = pick.rows[0]!;
  const debtor = await call('GET', `/api/debtors/${debtorId}`, undefined, token);
  // The ERP sends the debtor's next title, not yet due, through the importer (a CSV upload).
  const csv = `id_titulo;cpf_cnpj;nome;valor;vencimento\nAVENCER-${today};${debtor.document};${debtor.name};189,90;${addDays(today, 25).split('-').reverse().join('/')}\n`;
  const imported = await fetch(`${base}/api/imports?creditorId=${creditorId}&portfolioId=${portfolioId}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
  say(`\n1. Devedor ${debtor.name}: três títulos vencidos com o credor; o ERP envia um título a vencer (importação ${imported.status}).`);

  const offers = await call('POST', `/api/debtors/${debtorId}/offers`, { creditorId, includeNotYetDue: true }, token);
  for (const d of offers.debts) say(`   ${d.externalId}: vencimento ${d.dueDate}, ${d.daysPastDue} dias de atraso, saldo ${formatBRL(d.total)}`);
  say(`2. Propostas (política "${offers.policy.name}"): saldo ${formatBRL(offers.balanceCents)}, piso ${formatBRL(offers.floorCents)}`);
  for (const o of offers.offers) say(`   ${o.key.padEnd(12)} total ${formatBRL(o.totalCents).padStart(14)}  desconto ${formatBRL(o.discountCents)}`);
  const chosen = offers.offers.find((o: { installmentCount: number }) => o.installmentCount === 4) ?? offers.offers.at(-1);
  say(`   Explicação da proposta escolhida:\n${chosen.explanation.map((l: string) => `     · ${l}`).join('\n')}`);

  let agreement = await call('POST', '/api/agreements', { debtorId, creditorId, includeNotYetDue: true, installments: chosen.installmentCount }, token);
  say(`3. Acordo nº ${agreement.number} proposto (${agreement.status}), ${agreement.installmentCount} pagamento(s), total ${formatBRL(agreement.totalCents)}.`);
  const term = await call('GET', `/api/agreements/${agreement.id}/documents/term?format=txt`, undefined, token);
  const sha = (await import('node:crypto')).createHash('sha256').update(term).digest('hex');
  agreement = await call('POST', `/api/agreements/${agreement.id}/accept`, { channel: 'phone', termsSha256: sha }, token);
  say(`4. Aceito por telefone em ${agreement.acceptance.at}; SHA-256 do termo aceito: ${agreement.acceptance.termsSha256.slice(0, 16)}…`);
  for (const i of agreement.installments) say(`   parcela ${String(i.number).padStart(2)}: ${i.dueDate}  ${formatBRL(i.amountCents).padStart(12)}  ${i.status}`);

  try {
    const sent = await call('POST', `/api/agreements/${agreement.id}/documents/term/send`, {}, token);
    const pdfPath = path.join(out, sent.fileName);
    fs.writeFileSync(pdfPath, Buffer.from(await (await fetch(`${base}/api/agreements/${agreement.id}/documents/term`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer()));
    say(`5. Termo enviado por e-mail a ${sent.to} (PDF anexo, SHA-256 ${sent.pdfSha256.slice(0, 16)}…); cópia em ${pdfPath}`);
  } catch (error) {
    say(`5. Envio do termo não foi possível: ${(error as Error).message}`);
  }

  for (const i of agreement.installments.slice(0, 2)) {
    const payment = await call('POST', '/api/payments', { installmentId: i.id, amountCents: i.amountCents, paidOn: today, method: 'pix', externalId: `E2E-${i.id}` }, token);
    const again = await call('POST', '/api/payments', { installmentId: i.id, amountCents: i.amountCents, paidOn: today, method: 'pix', externalId: `E2E-${i.id}` }, token);
    say(`6. Pagamento da parcela ${i.number}: ${formatBRL(payment.appliedCents)} (acordo ${payment.agreementStatus}); reenviado, conta uma vez só: replayed=${again.replayed}`);
  }

  const missed = agreement.installments[2];
  const breachDay = addDays(missed.dueDate, agreement.graceDays + 1);
  say(`7. A parcela ${missed.number} (vencimento ${missed.dueDate}) não é paga; a régua diária roda em ${breachDay}, fim da tolerância de ${agreement.graceDays} dias:`);
  const run = await runDaily(db, { asOf: breachDay });
  say(`   acordos rompidos: ${run.followUp.broken}`);
  agreement = await call('GET', `/api/agreements/${agreement.id}`, undefined, token);
  say(`   acordo ${agreement.status} em ${agreement.brokenOn}; títulos restabelecidos, com o que foi pago imputado (CC arts. 354 e 355):`);
  const balance = await call('GET', `/api/debtors/${debtorId}/balance?asOf=${breachDay}`, undefined, token);
  for (const d of balance.debts) say(`   ${d.externalId}: saldo em ${breachDay} ${formatBRL(d.total)}`);

  const events = await call('GET', `/api/debtors/${debtorId}/events`, undefined, token);
  say('8. Linha do tempo (mais recentes primeiro):');
  for (const e of events.items.slice(0, 14)) say(`   ${e.type}`);
  say(`\nArquivos em ${out}; e-mails recebidos pelo servidor SMTP local: ${mails.length}.`);
} finally {
  await app.close();
  await db.close();
  await smtp.close();
}
