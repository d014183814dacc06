/**
 * The integrations of docs/enrichment.md, docs/webhooks.md, docs/remittance.md and docs/privacy.md,
 * on a throwaway copy of the demo agency, through the real HTTP API: `npm run walkthrough:integrations`.
 *
 * 1. A CNPJ typed in the back office fills the company's data from the BrasilAPI stand-in; the new
 *    debtor is enriched (contacts unverified) and the lookup logged with its legal basis and cost.
 * 2. A webhook receiver (a local HTTP server that checks the HMAC signature) gets a payment and a
 *    replay of it, with the same event id.
 * 3. A creditor's monthly statement (prestação de contas) matches the payments to the centavo.
 * 4. A debtor's access request yields the report; a deletion request gets the legal answer.
 * Files (statement PDF/CSV, access report) are saved; nothing touches ./data.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../src/api/server.ts';
import { addDays } from '../src/domain/dates.ts';
import { formatBRL } from '../src/domain/money.ts';
import { DEMO_PASSWORD } from '../src/features/demo/generate-demo.ts';
import { seedDemo } from '../src/features/demo/seed-demo.ts';
import { startStandInBrasilApi } from '../src/features/enrichment/stand-in-brasilapi.ts';
import { seedShippedSeries } from '../src/features/indices/shipped-series.ts';
import { deliverWebhooksNow, webhookDeliverOptions } from '../src/features/webhooks/deliver.ts';
import { loadConfig } from '../src/shared/config.ts';
import { verifyPayload } from '../src/shared/signed-payload.ts';
import { createLogger } from '../src/shared/log.ts';
import { migrate } from '../src/store/migrate.ts';
import { PgliteDatabase } from '../src/store/pglite-database.ts';

const today = new Date().toISOString().slice(0, 10);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recupera-integracoes-'));
const say = (text: string) => process.stdout.write(`${text}\n`);
const CHANNEL_LABELS = { phone: 'telefone', email: 'e-mail', address: 'endereço' };

say('Preparando a assessoria de demonstração num banco em memória…');
const db = await PgliteDatabase.open(null);
await migrate(db);
await seedShippedSeries(db);
await seedDemo(db, { asOf: today });
const brasilApi = await startStandInBrasilApi();
const config = loadConfig({ ENRICHMENT_BRASILAPI_URL: brasilApi.url, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const app = await buildServer({ db, config, logger: createLogger('silent'), today: () => today });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/** Calls the API; answers that are not 2xx come back as { status, body } when `allow` lists them. */
async function call(method: string, url: string, body?: unknown, token?: string, allow: number[] = []): Promise<any> {
  const response = await fetch(base + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = Buffer.from(await response.arrayBuffer());
  const parsed = /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(data.toString()) : data;
  if (allow.includes(response.status)) return { status: response.status, body: parsed };
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${data.toString()}`);
  return parsed;
}
const login = async (who: string) => (await call('POST', '/api/auth/login', { email: `${who}@demo.recupera.test`, password: DEMO_PASSWORD })).token as string;

// The ERP's receiver: checks the signature over the raw body and its timestamp, de-duplicates by event id.
let secret = '';
const received: Array<{ id: string; type: string; valid: boolean; repeated: boolean }> = [];
const seen = new Set<string>();
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const valid = verifyPayload(secret, req.headers['x-recupera-signature'] as string | undefined, raw);
    const event = JSON.parse(raw) as { id: string; type: string };
    received.push({ id: event.id, type: event.type, valid, repeated: seen.has(event.id) });
    seen.add(event.id);
    res.writeHead(valid ? 204 : 401).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/recupera`;

try {
  // ── 1. Enrichment from a CNPJ ──
  const analyst = await login('analista');
  const cnpj = '11.222.333/0001-81';
  const lookup = await call('POST', '/api/enrichment/lookup', { document: cnpj }, analyst);
  const company = lookup.result;
  const address = company.addresses[0];
  say(`\n1. CNPJ ${cnpj} no provedor ${lookup.provider} (custo ${formatBRL(lookup.costCents)}, cache: ${lookup.cached ? 'sim' : 'não'}):`);
  const ROLE_LABELS = { legal_name: 'razão social', trade_name: 'nome fantasia', partner: 'sócio' };
  say(`   ${company.names.map((n: { role: keyof typeof ROLE_LABELS; value: string }) => `${ROLE_LABELS[n.role]} "${n.value}"`).join(', ')}`);
  say(`   ${address.street}, ${address.number ?? 's/n'} — ${address.city}/${address.uf}, CEP ${address.cep}; situação ${company.company?.status}; ${company.company?.partners.length} sócio(s)`);
  const debtor = await call('POST', '/api/debtors', { document: cnpj, name: company.names.find((n: { role: string }) => n.role === 'legal_name').value }, analyst);
  const enriched = await call('POST', `/api/debtors/${debtor.id}/enrich`, {}, analyst);
  const again = await call('POST', '/api/enrichment/lookup', { document: cnpj }, analyst);
  say(`   Devedor cadastrado e enriquecido (razão social confere: ${enriched.nameMatches ? 'sim' : 'não'}); contatos novos, não verificados:`);
  for (const c of enriched.added) say(`     ${CHANNEL_LABELS[c.channel as keyof typeof CHANNEL_LABELS]} ${c.display} — fonte ${c.source}, verificado: ${c.verified ? 'sim' : 'não'}`);
  say(`   A mesma consulta de novo vem do cache: cached=${again.cached}, custo ${formatBRL(again.costCents)}.`);
  const admin = await login('admin');
  const log = await call('GET', '/api/enrichment/lookups', undefined, admin);
  const first = log.items.at(-1) ?? log.items[0];
  say(`   Registro de consultas: ${log.items.length} — base legal "${first.legalBasis}", hoje gasto ${formatBRL(log.today.spentCents)} de ${formatBRL(log.today.budgetCents)} (${log.today.paidLookups} de ${log.today.maxLookups} consultas pagas).`);

  // ── 2. Outbound webhooks: a payment reaches the ERP signed, then a replay ──
  const subscription = await call('POST', '/api/webhooks/subscriptions', { url: receiverUrl, eventTypes: ['payment.received', 'agreement.accepted'], description: 'ERP do credor' }, admin);
  secret = subscription.secret;
  const supervisor = await login('supervisor');
  const debt = (await call('GET', '/api/debts?status=open&limit=1', undefined, supervisor)).items[0];
  await call('POST', '/api/payments', { debtId: debt.id, amountCents: 12_345, paidOn: today, method: 'pix', externalId: 'E2E-WALKTHROUGH-1' }, supervisor);
  const delivered = await deliverWebhooksNow(db, webhookDeliverOptions(config));
  const [delivery] = (await call('GET', '/api/webhooks/deliveries?type=payment.received', undefined, admin)).items;
  await call('POST', `/api/webhooks/deliveries/${delivery.id}/replay`, {}, admin);
  await deliverWebhooksNow(db, webhookDeliverOptions(config));
  say(`\n2. Webhook para ${receiverUrl}: ${JSON.stringify(delivered)}`);
  for (const r of received) say(`   recebido ${r.type} ${r.id} — assinatura ${r.valid ? 'válida' : 'INVÁLIDA'}${r.repeated ? ', repetido (o receptor ignora pelo id)' : ''}`);

  // ── 3. The creditor's monthly statement, reconciled with the payments ──
  const creditor = (await call('GET', '/api/creditors', undefined, supervisor)).items[0];
  const month = addDays(`${today.slice(0, 7)}-01`, -40).slice(0, 7);
  const { id: statementId } = await call('POST', '/api/remittance/statements', { creditorId: creditor.id, month }, supervisor);
  const statement = await call('POST', `/api/remittance/statements/${statementId}/issue`, {}, supervisor);
  const independent = await db.system(({ sql }) =>
    sql.query<{ cents: string; n: number }>(
      `select coalesce(sum(p.amount_cents), 0)::text as cents, count(*)::int as n from payments p
        where p.creditor_id = $1 and p.paid_on >= $2::date and p.paid_on < ($2::date + interval '1 month')`,
      [creditor.id, `${month}-01`],
    ),
  );
  const t = statement.totals;
  say(`\n3. Prestação de contas de ${creditor.legalName ?? creditor.legal_name} em ${month} (${statement.status}${statement.number ? ` ${statement.number}` : ''}):`);
  say(`   recebido ${formatBRL(t.recoveredCents)} em ${t.payments} pagamentos; comissão ${formatBRL(t.commissionCents)}; taxas ${formatBRL(t.feesCents)}; repasse ${formatBRL(t.netCents)}`);
  say(`   soma direta da tabela de pagamentos do mês: ${formatBRL(Number(independent.rows[0]!.cents))} em ${independent.rows[0]!.n} — confere: ${statement.reconciliation.matches ? 'sim' : 'NÃO'}`);
  fs.writeFileSync(path.join(out, 'repasse.pdf'), await call('GET', `/api/remittance/statements/${statementId}/statement.pdf`, undefined, supervisor));
  fs.writeFileSync(path.join(out, 'repasse.csv'), await call('GET', `/api/remittance/statements/${statementId}/statement.csv`, undefined, supervisor));

  // ── 4. LGPD: an access request and a deletion request of a debtor with an open debt ──
  const auditor = await login('auditor');
  const subject = await call('GET', `/api/debtors/${debt.debtorId}`, undefined, auditor);
  const access = await call('POST', '/api/privacy-requests', { document: subject.document, name: subject.name, email: 'titular@exemplo.test', kind: 'access' }, auditor);
  await call('POST', `/api/privacy-requests/${access.id}/verify`, { note: 'Documento com foto conferido por videochamada' }, auditor);
  const report = await call('GET', `/api/privacy-requests/${access.id}/report`, undefined, auditor);
  fs.writeFileSync(path.join(out, 'relatorio-de-acesso.json'), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(out, 'relatorio-de-acesso.pdf'), await call('GET', `/api/privacy-requests/${access.id}/report?format=pdf`, undefined, auditor));
  await call('POST', `/api/privacy-requests/${access.id}/answer`, {}, auditor);
  say(`\n4. Solicitação de acesso ${access.protocol}: relatório com ${report.sections.length} seções, ${report.sections.reduce((n: number, s: { rows: unknown[] }) => n + s.rows.length, 0)} dados, cada um com fonte e base legal:`);
  for (const s of report.sections) say(`   ${s.title}: ${s.rows.length} — ${s.legalBasis}`);
  const deletion = await call('POST', '/api/privacy-requests', { document: subject.document, name: subject.name, email: 'titular@exemplo.test', kind: 'deletion' }, auditor);
  await call('POST', `/api/privacy-requests/${deletion.id}/verify`, { note: 'Documento com foto conferido por videochamada' }, auditor);
  const tryAnswer = await call('POST', `/api/privacy-requests/${deletion.id}/answer`, {}, auditor, [409]);
  say(`   Solicitação de eliminação ${deletion.protocol}: responder → ${tryAnswer.status} "${tryAnswer.body.detail ?? tryAnswer.body.title}"`);
  const refused = await call('POST', `/api/privacy-requests/${deletion.id}/refuse`, {}, auditor);
  say(`   Recusada com o fundamento legal: "${refused.answer}" [${refused.legalSource}]${refused.deletableFrom ? `; possível a partir de ${refused.deletableFrom}` : ''}`);

  say(`\nArquivos em ${out}: ${fs.readdirSync(out).join(', ')}`);
} finally {
  await app.close();
  await brasilApi.close();
  receiver.close();
  await db.close();
}
