import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/api/context.ts';
import type { Database } from '../src/store/database.ts';
import { openTestDatabase, type TestDatabase } from './support/databases.ts';
import { AS_OF, createTenant, newCnpj, type TenantFixture } from './support/factories.ts';
import { bearer, loginAs, startServer } from './support/server.ts';
import { DEFAULT_OFFER_POLICY } from '../src/domain/negotiation/offer-policy.ts';
import { acceptAgreement, createAgreement } from '../src/features/negotiation/agreements.ts';
import { saveOfferPolicy } from '../src/features/negotiation/offer-policies.ts';
import { registerPayment } from '../src/features/negotiation/payments.ts';
import { createPromise } from '../src/features/negotiation/promises.ts';
import { buildRetorno240 } from '../src/brazil/cnab/index.ts';
import { issueAgreementCharges } from '../src/features/payments/charges.ts';
import { createCollectionAccount } from '../src/features/payments/collection-accounts.ts';
import { DEFAULT_SCRIPTS } from '../src/domain/collection/index.ts';
import { runScoring } from '../src/features/scoring/score-run.ts';
import { distributeCases } from '../src/features/workspace/distribution.ts';
import { createCommissionRule } from '../src/features/remittance/commission-rules.ts';
import { createStatement, issueStatement } from '../src/features/remittance/statements.ts';

/** A bank return file paying a nosso número nobody issued: imported in the caller's own tenant, it only queues. */
const ISOLATION_RETURN_FILE = buildRetorno240({
  account: { bankCode: '341', agency: '1234', account: '12345', accountDigit: '7', wallet: '109' },
  beneficiary: { name: 'Credor', document: '11222333000181' },
  generatedOn: '2026-01-15',
  fileSequence: 1,
  payments: [{ nossoNumero: '77777777', faceValue: 1_000, amountPaid: 1_000, paymentDate: '2026-01-14', creditDate: '2026-01-15' }],
});

/**
 * Walks every operation of the OpenAPI document and proves that a user of tenant A can neither
 * read nor change tenant B's data, and that a creditor viewer sees nothing of another creditor.
 * A new route without a sample here fails the test: isolation is checked for every route, by construction.
 */

interface Target {
  creditorId: string;
  portfolioId: string;
  debtorId: string;
  debtorDocument: string;
  debtId: string;
  importId: string;
  userId: string;
  contactId: string;
  scheduleId: string;
  agreementId: string;
  paymentId: string;
  promiseId: string;
  kind: string;
  accountId: string;
  chargeId: string;
  unmatchedId: string;
  listingId: string;
  protestId: string;
  segmentId: string;
  experimentId: string;
  challengerScheduleId: string;
  collectorId: string;
  ruleId: string; // part D — remittance
  statementId: string;
  subscriptionId: string; // part B — outbound webhooks
  sourceId: string; // part C — ERP sync
  deliveryId: string;
  requestId: string; // part E — LGPD requests
}

interface Sample {
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  /** Reads that must succeed on the caller's own data (the positive control). */
  readsOwnData?: boolean;
}

const SAMPLES: Record<string, (v: Target) => Sample> = {
  'GET /api/auth/me': () => ({}),
  'POST /api/auth/logout': () => ({}),
  'GET /api/creditors': () => ({ readsOwnData: true }),
  'POST /api/creditors': () => ({
    body: { legalName: 'Credor Novo Ltda', document: newCnpj(), businessKind: 'b2b', street: 'Rua Augusta', number: '1', city: 'São Paulo', uf: 'SP', cep: '01305000' },
  }),
  'GET /api/creditors/{creditorId}': () => ({ readsOwnData: true }),
  'PATCH /api/creditors/{creditorId}': () => ({ body: { city: 'Cidade Invadida' } }),
  'GET /api/portfolios': (v) => ({ query: { creditorId: v.creditorId }, readsOwnData: true }),
  'POST /api/portfolios': (v) => ({ body: { creditorId: v.creditorId, name: 'Carteira invasora' } }),
  'GET /api/portfolios/{portfolioId}': () => ({ readsOwnData: true }),
  'PATCH /api/portfolios/{portfolioId}': () => ({ body: { name: 'Renomeada' } }),
  'GET /api/debtors': (v) => ({ query: { document: v.debtorDocument }, readsOwnData: true }),
  'GET /api/debtors/{debtorId}': () => ({ readsOwnData: true }),
  'PATCH /api/debtors/{debtorId}': () => ({ body: { declaredIncomeCents: 1 } }),
  'GET /api/debtors/{debtorId}/case': () => ({ readsOwnData: true }),
  'GET /api/debtors/{debtorId}/events': () => ({ readsOwnData: true }),
  'POST /api/debtors/{debtorId}/contacts': () => ({ body: { channel: 'email', value: 'invasor@exemplo.test' } }),
  'PATCH /api/contacts/{contactId}': () => ({ body: { verified: true, optedOutChannels: ['sms'] } }),
  // Part A — enrichment: lookups answer 400 before any provider is called; the rest act on the caller's own tenant
  'POST /api/debtors': () => ({ body: { document: newCnpj(), name: 'Empresa Invasora Ltda' } }),
  'POST /api/enrichment/lookup': () => ({ body: { document: '11222333000182' } }),
  'GET /api/enrichment/cep': () => ({ query: { cep: '123' } }),
  'POST /api/debtors/{debtorId}/enrich': () => ({}),
  'GET /api/enrichment/lookups': () => ({}),
  'PUT /api/enrichment/budget': () => ({ body: { dailyBudgetCents: 1, dailyMaxLookups: 1 } }),
  'GET /api/debts': (v) => ({ query: { debtorId: v.debtorId, creditorId: v.creditorId }, readsOwnData: true }),
  'GET /api/debts/{debtId}': () => ({ readsOwnData: true }),
  'GET /api/debts/{debtId}/balance': () => ({ query: { asOf: '2026-01-15' }, readsOwnData: true }),
  'GET /api/debtors/{debtorId}/balance': () => ({ query: { asOf: '2026-01-15' }, readsOwnData: true }),
  'PATCH /api/debts/{debtId}': () => ({ body: { disputed: true, reason: 'tentativa de invasão' } }),
  'POST /api/imports': (v) => ({
    query: { creditorId: v.creditorId, portfolioId: v.portfolioId },
    contentType: 'text/csv',
    body: 'id;cpf;nome;valor;vencimento\nINV-1;529.982.247-25;Invasor;10,00;01/01/2025\n',
  }),
  'GET /api/imports': (v) => ({ query: { creditorId: v.creditorId }, readsOwnData: true }),
  'GET /api/imports/{importId}': () => ({ readsOwnData: true }),
  'GET /api/imports/{importId}/errors': () => ({ readsOwnData: true }),
  'GET /api/users': () => ({}),
  'POST /api/users': (v) => ({ body: { email: `novo${Date.now()}@invasor.test`, name: 'Invasor', role: 'creditor_viewer', creditorId: v.creditorId, password: 'senha-invasora-123' } }),
  'GET /api/users/{userId}': () => ({}),
  'PATCH /api/users/{userId}': () => ({ body: { name: 'Renomeado' } }),
  'GET /api/audit-log': (v) => ({ query: { subjectId: v.debtorId } }),
  'GET /api/privacy-requests': () => ({}),
  // Part E — LGPD requests (the target's request is verified and linked to its debtor)
  'POST /api/privacy-requests': () => ({ body: { document: '52998224725', name: 'Titular Invasor', email: 'invasor@exemplo.test', kind: 'access' } }),
  'GET /api/privacy-requests/deadlines': () => ({}),
  'GET /api/privacy-requests/{requestId}': () => ({ readsOwnData: true }),
  'POST /api/privacy-requests/{requestId}/verify': () => ({ body: { note: 'verificação invasora' } }),
  'POST /api/privacy-requests/{requestId}/start': () => ({}),
  'POST /api/privacy-requests/{requestId}/answer': () => ({ body: {} }),
  'POST /api/privacy-requests/{requestId}/refuse': () => ({ body: { reason: 'recusa invasora' } }),
  'GET /api/privacy-requests/{requestId}/report': () => ({ query: { format: 'json' }, readsOwnData: true }),
  'GET /api/privacy/ropa': () => ({}),
  'GET /api/debtors/{debtorId}/dossier': () => ({ query: { format: 'json', asOf: '2026-01-15' }, readsOwnData: true }),
  'GET /api/schedules': (v) => ({ query: { portfolioId: v.portfolioId }, readsOwnData: true }),
  'POST /api/schedules': (v) => ({ body: { portfolioId: v.portfolioId, segment: 'invasao', name: 'Régua invasora', steps: [{ id: 'd1', offsetDays: 1, stage: 'aviso', action: 'sms', template: 'aviso-atraso' }] } }),
  'GET /api/schedules/{scheduleId}': () => ({ readsOwnData: true }),
  'PUT /api/schedules/{scheduleId}': () => ({ body: { steps: [{ id: 'd2', offsetDays: 2, stage: 'aviso', action: 'sms', template: 'aviso-atraso' }], stopConditions: ['paid'] } }),
  'GET /api/offer-policies': (v) => ({ query: { portfolioId: v.portfolioId }, readsOwnData: true }),
  'PUT /api/offer-policies': (v) => ({ body: { portfolioId: v.portfolioId, name: 'Política invasora', rules: { ...DEFAULT_OFFER_POLICY, maxInstallments: 99 } } }),
  'POST /api/debtors/{debtorId}/offers': (v) => ({ body: { creditorId: v.creditorId, includeNotYetDue: true }, readsOwnData: true }),
  'POST /api/agreements': (v) => ({ body: { debtorId: v.debtorId, creditorId: v.creditorId, installments: 1 } }),
  'GET /api/agreements': (v) => ({ query: { debtorId: v.debtorId }, readsOwnData: true }),
  'GET /api/agreements/{agreementId}': () => ({ readsOwnData: true }),
  'POST /api/agreements/{agreementId}/approve': () => ({ body: { reason: 'aprovação invasora' } }),
  'POST /api/agreements/{agreementId}/accept': () => ({ body: { channel: 'phone' } }),
  'POST /api/agreements/{agreementId}/cancel': () => ({ body: { reason: 'cancelamento invasor' } }),
  'GET /api/agreements/{agreementId}/documents/{kind}': () => ({ query: { format: 'txt' } }),
  'POST /api/agreements/{agreementId}/documents/{kind}/send': () => ({ body: {} }),
  'POST /api/payments': (v) => ({ body: { debtId: v.debtId, amountCents: 100, paidOn: '2026-01-15', method: 'pix' } }),
  'GET /api/payments/{paymentId}/receipt': () => ({ query: { format: 'txt' } }),
  'POST /api/payments/{paymentId}/receipt/send': () => ({ body: {} }),
  'POST /api/debtors/{debtorId}/promises': (v) => ({ body: { amountCents: 100, promisedFor: '2099-01-01', channel: 'phone', creditorId: v.creditorId } }),
  'GET /api/debtors/{debtorId}/promises': () => ({ readsOwnData: true }),
  'POST /api/promises/{promiseId}/cancel': () => ({ body: { reason: 'cancelamento invasor' } }),
  'GET /api/collection-accounts': (v) => ({ query: { creditorId: v.creditorId }, readsOwnData: true }),
  'POST /api/collection-accounts': (v) => ({ body: { creditorId: v.creditorId, name: 'Conta invasora', bankCode: '341', agency: '1234', account: '54321', accountDigit: '0', wallet: '109' } }),
  'POST /api/collection-accounts/{accountId}/remessa': () => ({}),
  'POST /api/collection-accounts/{accountId}/webhook-token': () => ({}),
  'POST /api/agreements/{agreementId}/charges': () => ({ body: { kind: 'boleto' } }),
  'GET /api/charges': (v) => ({ query: { debtorId: v.debtorId }, readsOwnData: true }),
  'GET /api/charges/{chargeId}': () => ({ readsOwnData: true }),
  'GET /api/charges/{chargeId}/boleto.pdf': () => ({}),
  'GET /api/charges/{chargeId}/pix.png': () => ({}),
  'GET /api/charges/{chargeId}/pix.svg': () => ({}),
  'POST /api/payment-files': () => ({ contentType: 'application/octet-stream', body: ISOLATION_RETURN_FILE }),
  'GET /api/payment-files': () => ({}),
  'GET /api/unmatched-payments': () => ({}),
  'POST /api/unmatched-payments/{unmatchedId}/resolve': (v) => ({ body: { debtId: v.debtId } }),
  'POST /api/unmatched-payments/{unmatchedId}/dismiss': () => ({ body: { note: 'descarte invasor' } }),
  'GET /api/debts/{debtId}/escalation': () => ({ readsOwnData: true }),
  'POST /api/debts/{debtId}/listings': () => ({ body: {} }),
  'GET /api/listings': (v) => ({ query: { debtId: v.debtId }, readsOwnData: true }),
  'POST /api/listings/{listingId}/removal': () => ({ body: { reason: 'baixa invasora' } }),
  'POST /api/debts/{debtId}/protests': () => ({}),
  'GET /api/protests': (v) => ({ query: { debtId: v.debtId }, readsOwnData: true }),
  'POST /api/protests/export': (v) => ({ body: { creditorId: v.creditorId } }),
  'POST /api/protests/{protestId}/protested': () => ({ body: { protestedOn: '2026-01-15', notaryProtocol: 'invasor' } }),
  'GET /api/protests/{protestId}/consent-letter': () => ({ query: { format: 'txt' } }),
  'GET /api/debtors/{debtorId}/score': () => ({ readsOwnData: true }),
  'GET /api/segments': () => ({}),
  'PUT /api/segments': (v) => ({ body: { name: 'invasor', priority: 1, rules: { portfolioIds: [v.portfolioId] } } }),
  'DELETE /api/segments/{segmentId}': () => ({}),
  'GET /api/score-models': () => ({}),
  'POST /api/score-models': () => ({ body: { snapshotOn: '2026-01-01', horizonDays: 30 } }),
  'POST /api/score-models/active': () => ({ body: { modelId: null } }),
  'GET /api/experiments': () => ({ readsOwnData: true }),
  'POST /api/experiments': (v) => ({ body: { name: 'Invasão', kind: 'schedule', portfolioId: v.portfolioId, segment: 'geral', championId: v.scheduleId, challengerId: v.challengerScheduleId } }),
  'GET /api/experiments/{experimentId}/report': () => ({ readsOwnData: true }),
  'POST /api/experiments/{experimentId}/stop': () => ({}),
  'GET /api/queue': (v) => ({ query: { userId: v.collectorId } }),
  'GET /api/queue/next': () => ({}),
  'GET /api/cases/{debtorId}': () => ({}),
  'POST /api/cases/{debtorId}/dispositions': () => ({ body: { code: 'no_answer' } }),
  'POST /api/cases/{debtorId}/notes': () => ({ body: { text: 'anotação invasora' } }),
  'GET /api/call-scripts': (v) => ({ query: { portfolioId: v.portfolioId } }),
  'PUT /api/call-scripts': (v) => ({ body: { portfolioId: v.portfolioId, stage: 'aviso', body: DEFAULT_SCRIPTS.aviso } }),
  'GET /api/collectors': () => ({}),
  'PUT /api/collectors/{userId}': () => ({ body: { team: 'invasores', maxOpenCases: 1 } }),
  'GET /api/distribution/settings': () => ({}),
  'PUT /api/distribution/settings': () => ({ body: { strategy: 'round_robin', auto: false } }),
  'POST /api/distribution/run': () => ({ body: {} }),
  'POST /api/distribution/reassign': (v) => ({ body: { debtorIds: [v.debtorId], userId: v.collectorId } }),
  'GET /api/supervision': () => ({}),
  'GET /api/dashboard': (v) => ({ query: { creditorId: v.creditorId, from: '2026-01-01', to: '2026-01-31' }, readsOwnData: true }),
  'GET /api/templates': () => ({}),
  'PUT /api/templates': () => ({ body: { key: 'invasor', channel: 'sms', body: 'Aviso de débito: {{portalUrl}}' } }),
  'POST /api/templates/preview': () => ({ body: { channel: 'sms', body: 'Aviso de débito: {{portalUrl}}' } }),
  // Part C — ERP sync (the batch without Idempotency-Key is refused before anything; with one it names a creditor the caller cannot see)
  'POST /api/erp/receivables/batch': (v) => ({ body: { creditor: v.creditorId, operations: [{ op: 'settle', externalId: 'x', settledOn: '2026-01-01', reason: 'cancelled' }] } }),
  'GET /api/erp/receivables': (v) => ({ query: { creditor: v.creditorId, externalId: 'iso-a-0-0-1' } }),
  'GET /api/erp/changes': (v) => ({ query: { creditor: v.creditorId } }),
  'GET /api/erp/sources': () => ({}),
  'POST /api/erp/sources': (v) => ({ body: { name: 'Invasora', creditorId: v.creditorId, portfolioId: v.portfolioId, kind: 'folder', location: 'invasor', intervalMinutes: 5 } }),
  'PATCH /api/erp/sources/{sourceId}': () => ({ body: { name: 'Invadida' } }),
  'DELETE /api/erp/sources/{sourceId}': () => ({}),
  'GET /api/erp/pulls': (v) => ({ query: { sourceId: v.sourceId } }),
  'POST /api/erp/sources/{sourceId}/run': () => ({}),
  'POST /api/users/{userId}/api-keys': () => ({ body: { name: 'Chave invasora' } }),
  'GET /api/users/{userId}/api-keys': () => ({}),
  'DELETE /api/users/{userId}/api-keys/{keyId}': () => ({}),
  // Part D — commission rules and remittance statements
  'GET /api/commission-rules': (v) => ({ query: { creditorId: v.creditorId }, readsOwnData: true }),
  'POST /api/commission-rules': (v) => ({ body: { creditorId: v.creditorId, name: 'Regra invasora', validFrom: '2030-01-01', basis: 'days_past_due', bands: [{ from: 0, rate: '0.9' }] } }),
  'PUT /api/commission-rules/{ruleId}': () => ({ body: { name: 'Regra invasora', validFrom: '2026-01-01', basis: 'days_past_due', bands: [{ from: 0, rate: '0.9' }] } }),
  'DELETE /api/commission-rules/{ruleId}': () => ({}),
  'GET /api/remittance/statements': (v) => ({ query: { creditorId: v.creditorId }, readsOwnData: true }),
  'POST /api/remittance/statements': (v) => ({ body: { creditorId: v.creditorId, month: '2026-02' } }),
  'GET /api/remittance/statements/{statementId}': () => ({ readsOwnData: true }),
  'POST /api/remittance/statements/{statementId}/issue': () => ({}),
  'GET /api/remittance/statements/{statementId}/statement.pdf': () => ({}),
  'GET /api/remittance/statements/{statementId}/statement.csv': () => ({}),
  // Part B — outbound webhooks
  'GET /api/webhooks/event-types': () => ({}),
  'GET /api/webhooks/subscriptions': () => ({}),
  'POST /api/webhooks/subscriptions': () => ({ body: { url: 'https://erp.exemplo.com.br/invasor', eventTypes: ['payment.received'] } }),
  'PATCH /api/webhooks/subscriptions/{subscriptionId}': () => ({ body: { url: 'https://invasor.exemplo.com.br/' } }),
  'DELETE /api/webhooks/subscriptions/{subscriptionId}': () => ({}),
  'POST /api/webhooks/subscriptions/{subscriptionId}/rotate-secret': () => ({}),
  'POST /api/webhooks/subscriptions/{subscriptionId}/test': () => ({}),
  'GET /api/webhooks/deliveries': () => ({}),
  'POST /api/webhooks/deliveries/{deliveryId}/replay': () => ({}),
  'POST /api/webhooks/replay': (v) => ({ body: { subscriptionId: v.subscriptionId, since: '2020-01-01T00:00:00Z', until: '2099-01-01T00:00:00Z' } }),
};

let t: TestDatabase;
let app: App;
let a: TenantFixture;
let b: TenantFixture;
let operations: Array<{ method: string; path: string }>;

async function targetOf(db: Database, tenant: TenantFixture, creditorIndex: number, exclusiveDebtor: boolean): Promise<Target> {
  const creditor = tenant.creditors[creditorIndex]!;
  const document = exclusiveDebtor ? creditor.debtorDocuments[1]! : creditor.debtorDocuments[0]!;
  return db.system(async ({ db: q }) => {
    const debtor = await q.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', document).executeTakeFirstOrThrow();
    const debt = await q.selectFrom('debts').select('id').where('debtor_id', '=', debtor.id).where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const contact = await q.selectFrom('contact_points').select('id').where('debtor_id', '=', debtor.id).executeTakeFirstOrThrow();
    const schedule = await q.selectFrom('schedules').select('id').where('tenant_id', '=', tenant.tenantId).where('portfolio_id', '=', creditor.portfolioId).where('segment', 'is', null).executeTakeFirstOrThrow();
    const agreement = await q.selectFrom('agreements').select('id').where('debtor_id', '=', debtor.id).where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const payment = await q.selectFrom('payments').select('id').where('agreement_id', '=', agreement.id).executeTakeFirstOrThrow();
    const promise = await q.selectFrom('promises').select('id').where('debtor_id', '=', debtor.id).where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const account = await q.selectFrom('collection_accounts').select('id').where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const charge = await q.selectFrom('charges').select('id').where('debtor_id', '=', debtor.id).where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const unmatched = await q.selectFrom('unmatched_payments').select('id').where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    const listing = await q.selectFrom('bureau_listings').select('id').where('debt_id', '=', debt.id).executeTakeFirstOrThrow();
    const protest = await q.selectFrom('protests').select('id').where('debt_id', '=', debt.id).executeTakeFirstOrThrow();
    const segment = await q.selectFrom('segments').select('id').where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    const experiment = await q.selectFrom('experiments').select(['id', 'challenger_id']).where('tenant_id', '=', tenant.tenantId).where('portfolio_id', '=', creditor.portfolioId).executeTakeFirstOrThrow();
    const rule = await q.selectFrom('commission_rules').select('id').where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const statement = await q.selectFrom('remittance_statements').select('id').where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const source = await q.selectFrom('erp_sources').select('id').where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
    const delivery = await q.selectFrom('webhook_deliveries').select(['id', 'subscription_id']).where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    // part E: one verified LGPD request per debtor, created on first use
    const request =
      (await q.selectFrom('data_subject_requests').select('id').where('tenant_id', '=', tenant.tenantId).where('debtor_id', '=', debtor.id).executeTakeFirst()) ??
      (await q.insertInto('data_subject_requests').values({ tenant_id: tenant.tenantId, debtor_id: debtor.id, identity_verified: true, document, name: 'Titular', email: 'titular@exemplo.test', kind: 'access', channel: 'staff', due_on: '2026-12-08', status: 'in_progress', ip: null, created_by: null }).returning('id').executeTakeFirstOrThrow());
    return {
      ruleId: rule.id, statementId: statement.id,
      subscriptionId: delivery.subscription_id, deliveryId: delivery.id, sourceId: source.id, requestId: request.id,
      segmentId: segment.id, experimentId: experiment.id, challengerScheduleId: experiment.challenger_id, collectorId: tenant.users.collector.id,
      accountId: account.id, chargeId: charge.id, unmatchedId: unmatched.id, listingId: listing.id, protestId: protest.id,
      agreementId: agreement.id, paymentId: payment.id, promiseId: promise.id, kind: 'term',
      scheduleId: schedule.id,
      creditorId: creditor.id, portfolioId: creditor.portfolioId, debtorId: debtor.id, debtorDocument: document, debtId: debt.id,
      importId: tenant.imports[creditorIndex]!.importId, userId: tenant.users.analyst.id, contactId: contact.id,
    };
  });
}

/** Everything a tenant holds, hashed table by table (the audit log and sessions are written by the walker's own tenant). */
async function fingerprint(db: Database, tenantId: string, creditorId?: string) {
  return db.system(async ({ sql }) => {
    const out: Record<string, string> = {};
    for (const table of ['creditors', 'portfolios', 'debtors', 'contact_points', 'debts', 'events', 'imports', 'import_errors', 'users', 'schedules', 'schedule_versions', 'message_templates', 'offer_policies', 'agreements', 'installments', 'payments', 'promises', 'debt_credits', 'collection_accounts', 'charges', 'payment_files', 'remessa_files', 'unmatched_payments', 'bureau_listings', 'protests', 'debtor_scores', 'segments', 'score_models', 'experiments', 'experiment_members', 'collectors', 'distribution_settings', 'case_assignments', 'dispositions', 'call_scripts', 'commission_rules', 'remittance_statements', 'remittance_lines', 'erp_sources', 'erp_batches', 'api_keys', 'webhook_subscriptions', 'webhook_events', 'webhook_deliveries']) {
      const filter = creditorId && ['debts', 'imports', 'portfolios', 'schedules', 'schedule_versions', 'offer_policies', 'agreements', 'installments', 'payments', 'promises', 'collection_accounts', 'charges', 'bureau_listings', 'protests', 'commission_rules', 'remittance_statements'].includes(table) ? ' and creditor_id = $2' : '';
      const exclude = table === 'users' ? `(t.id, t.email, t.name, t.role, t.active, t.creditor_id)` : 't';
      const { rows } = await sql.query<{ h: string | null }>(
        `select md5(string_agg(${exclude}::text, '|' order by t::text)) as h from ${table} t where tenant_id = $1${filter}`,
        creditorId && filter ? [tenantId, creditorId] : [tenantId],
      );
      out[table] = rows[0]!.h ?? '';
    }
    return out;
  });
}

async function markersOf(db: Database, tenantId: string, creditorId?: string): Promise<string[]> {
  return db.system(async ({ sql }) => {
    const q = async (text: string) => (await sql.query<{ v: string }>(text, creditorId ? [tenantId, creditorId] : [tenantId])).rows.map((r) => r.v);
    if (creditorId) {
      return [
        ...(await q(`select id::text as v from debts where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select external_id as v from debts where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from portfolios where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select legal_name as v from creditors where tenant_id = $1 and id = $2`)),
        ...(await q(`select id::text as v from schedules where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from agreements where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select number as v from agreements where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from charges where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select line as v from charges where tenant_id = $1 and creditor_id = $2 and line is not null`)),
        ...(await q(`select id::text as v from bureau_listings where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from protests where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from collection_accounts where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from commission_rules where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select id::text as v from remittance_statements where tenant_id = $1 and creditor_id = $2`)),
        ...(await q(`select number as v from remittance_statements where tenant_id = $1 and creditor_id = $2 and number is not null`)),
      ];
    }
    return [
      ...(await q(`select id::text as v from creditors where tenant_id = $1`)),
      ...(await q(`select legal_name as v from creditors where tenant_id = $1`)),
      ...(await q(`select id::text as v from debtors where tenant_id = $1`)),
      ...(await q(`select document as v from debtors where tenant_id = $1`)),
      ...(await q(`select id::text as v from debts where tenant_id = $1`)),
      ...(await q(`select external_id as v from debts where tenant_id = $1`)),
      ...(await q(`select id::text as v from users where tenant_id = $1`)),
      ...(await q(`select email as v from users where tenant_id = $1`)),
      ...(await q(`select id::text as v from imports where tenant_id = $1`)),
      ...(await q(`select id::text as v from schedules where tenant_id = $1`)),
      ...(await q(`select id::text as v from message_templates where tenant_id = $1`)),
      ...(await q(`select id::text as v from agreements where tenant_id = $1`)),
      ...(await q(`select number as v from agreements where tenant_id = $1`)),
      ...(await q(`select id::text as v from payments where tenant_id = $1`)),
      ...(await q(`select id::text as v from promises where tenant_id = $1`)),
      ...(await q(`select id::text as v from charges where tenant_id = $1`)),
      ...(await q(`select id::text as v from collection_accounts where tenant_id = $1`)),
      ...(await q(`select id::text as v from unmatched_payments where tenant_id = $1`)),
      ...(await q(`select id::text as v from bureau_listings where tenant_id = $1`)),
      ...(await q(`select id::text as v from protests where tenant_id = $1`)),
    ];
  });
}

function call(method: string, path: string, target: Target, token: string) {
  const sample = SAMPLES[`${method} ${path}`]!(target);
  const url = path.replace(/\{(\w+)\}/g, (_, name: keyof Target) => target[name]) + (sample.query ? `?${new URLSearchParams(sample.query)}` : '');
  const headers: Record<string, string> = { ...bearer(token) };
  if (sample.contentType) headers['content-type'] = sample.contentType;
  return app.inject({ method: method as 'GET', url, headers, ...(sample.body !== undefined ? { payload: sample.body as string } : {}) });
}

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'iso-a');
  b = await createTenant(t.db, 'iso-b');
  // a template and a schedule per portfolio, so the dunning routes have something to guard
  await t.db.system(async ({ db: q }) => {
    for (const tenant of [a, b]) {
      await q.insertInto('message_templates').values({ tenant_id: tenant.tenantId, key: 'aviso-atraso', channel: 'sms', body: 'Aviso: {{portalUrl}}' }).execute();
      for (const creditor of tenant.creditors) {
        const s = await q.insertInto('schedules').values({ tenant_id: tenant.tenantId, creditor_id: creditor.id, portfolio_id: creditor.portfolioId, name: `Régua ${tenant.slug}` }).returning('id').executeTakeFirstOrThrow();
        await q.insertInto('schedule_versions').values({ tenant_id: tenant.tenantId, schedule_id: s.id, creditor_id: creditor.id, version: 1, steps: JSON.stringify([{ id: 'd1', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'aviso-atraso' }]), stop_conditions: ['paid'] }).execute();
        const challenger = await q.insertInto('schedules').values({ tenant_id: tenant.tenantId, creditor_id: creditor.id, portfolio_id: creditor.portfolioId, segment: 'geral-b', name: `Desafiante ${tenant.slug}` }).returning('id').executeTakeFirstOrThrow();
        await q.insertInto('schedule_versions').values({ tenant_id: tenant.tenantId, schedule_id: challenger.id, creditor_id: creditor.id, version: 1, steps: JSON.stringify([{ id: 'd2', offsetDays: 2, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'aviso-atraso' }]), stop_conditions: ['paid'] }).execute();
        await q.insertInto('experiments').values({ tenant_id: tenant.tenantId, name: 'Régua A/B', kind: 'schedule', portfolio_id: creditor.portfolioId, segment: 'geral', champion_id: s.id, challenger_id: challenger.id, challenger_share: '0.500', started_on: '2026-01-01', created_by: null }).execute();
      }
      await q.insertInto('segments').values({ tenant_id: tenant.tenantId, name: 'geral', priority: 100, rules: JSON.stringify({}), description: null, updated_by: null }).execute();
      await q.insertInto('collectors').values({ tenant_id: tenant.tenantId, user_id: tenant.users.collector.id, team: 'equipe', max_open_cases: 100 }).execute();
    }
  });
  // part B: a webhook subscription per tenant, so the payments below leave events and deliveries
  for (const tenant of [a, b]) {
    await t.db.system(({ db: q }) => q.insertInto('webhook_subscriptions').values({ tenant_id: tenant.tenantId, url: `https://erp.${tenant.slug}.exemplo.com.br/hook`, event_types: ['payment.received'], creditor_id: null, description: null, secret: 'whsec_isolation', created_by: null }).execute());
  }
  // per creditor and debtor: an offer policy, an accepted agreement with a payment, a promise
  for (const tenant of [a, b]) {
    const admin = tenant.users.admin.actor;
    await t.db.system(({ db: q }) =>
      q.insertInto('unmatched_payments').values({ tenant_id: tenant.tenantId, source: 'cnab', external_id: `x-${tenant.slug}`, reference: '424242', amount_cents: 990, paid_on: '2026-01-14', method: 'boleto', payer_name: null, payer_document: null, payment_file_id: null, file_line: 3, reason: 'sem boleto', payment_id: null, resolved_by: null, resolved_at: null, note: null }).execute(),
    );
    for (const [i, creditor] of tenant.creditors.entries()) {
      await createCollectionAccount(t.db, admin, { creditorId: creditor.id, name: 'Itaú', bankCode: '341', agency: '1234', account: `1234${i}`, accountDigit: '7', wallet: '109', pixKey: `pix@${tenant.slug}.test`, nextSequence: 1 });
      await saveOfferPolicy(t.db, admin, { portfolioId: creditor.portfolioId, name: 'Política da carteira', rules: DEFAULT_OFFER_POLICY });
      for (const document of creditor.debtorDocuments.slice(0, 2)) {
        const debtorId = await t.db.system(async ({ db: q }) => (await q.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', document).executeTakeFirstOrThrow()).id);
        const agreement = await createAgreement(t.db, admin, { debtorId, creditorId: creditor.id, installments: 2, includeNotYetDue: false, paymentMethod: 'pix' }, '2026-01-15');
        const accepted = await acceptAgreement(t.db, admin, agreement.id, { channel: 'phone' }, '2026-01-15');
        await registerPayment(t.db, admin, { installmentId: accepted.installments[0]!.id, amountCents: 1_000, paidOn: '2026-01-15', method: 'pix' }, '2026-01-15');
        await createPromise(t.db, admin, debtorId, { creditorId: creditor.id, amountCents: 500, promisedFor: '2099-01-01', channel: 'phone' }, '2026-01-15');
        await issueAgreementCharges(t.db, admin, { psp: null }, agreement.id, 'boleto');
        await t.db.system(async ({ db: q }) => {
          const debt = await q.selectFrom('debts').select(['id', 'debtor_id']).where('debtor_id', '=', debtorId).where('creditor_id', '=', creditor.id).executeTakeFirstOrThrow();
          const common = { tenant_id: tenant.tenantId, debt_id: debt.id, debtor_id: debtorId, creditor_id: creditor.id, amount_cents: 1_000 };
          await q.insertInto('bureau_listings').values({ ...common, bureau: 'serasa', status: 'active', protocol: 'BR1', requested_on: '2026-01-10', notified_on: '2026-01-11', confirmable_on: '2026-01-21', active_on: '2026-01-21', expires_on: '2031-01-11', settled_on: null, removal_planned_on: null, removal_deadline: null, removal_requested_on: null, removed_on: null, removal_reason: null, last_error: null, action_id: null, created_by: null }).execute();
          await q.insertInto('protests').values({ ...common, status: 'exported', export_id: null, exported_on: '2026-01-12', protested_on: null, notary_protocol: null, settled_on: null, action_id: null, created_by: null }).execute();
        });
      }
    }
  }
  // part C: an ERP pull source per creditor (a folder, never pulled)
  await t.db.system(async ({ db: q }) => {
    for (const tenant of [a, b]) {
      for (const creditor of tenant.creditors) {
        await q.insertInto('erp_sources').values({ tenant_id: tenant.tenantId, name: `ERP ${tenant.slug}`, creditor_id: creditor.id, portfolio_id: creditor.portfolioId, kind: 'folder', location: `${tenant.slug}-${creditor.id}`, format: null, reader_options: '{}', interval_minutes: 60, cron: null, http_headers: '{}', next_run_at: null, running_since: null, etag: null, last_modified: null, last_sha256: null, last_run_at: null, last_outcome: null, last_message: null, last_import_id: null, created_by: null }).execute();
      }
    }
  });
  // part D: a commission rule and the January statement (issued) per creditor
  for (const tenant of [a, b]) {
    for (const creditor of tenant.creditors) {
      await createCommissionRule(t.db, tenant.users.admin.actor, { creditorId: creditor.id, name: 'Contrato', validFrom: '2026-01-01', basis: 'days_past_due', bands: [{ from: 0, rate: '0.1' }] });
      const statement = await createStatement(t.db, tenant.users.admin.actor, { creditorId: creditor.id, month: '2026-01' }, AS_OF);
      await issueStatement(t.db, tenant.users.admin.actor, statement.id, AS_OF, new Date(`${AS_OF}T17:00:00Z`));
    }
  }
  // scores, segments and queues, as the daily run leaves them
  for (const tenant of [a, b]) {
    await runScoring(t.db, AS_OF, { tenantIds: [tenant.tenantId] });
    await distributeCases(t.db, tenant.tenantId, AS_OF);
  }
  ({ app } = await startServer(t.db));
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => !(Array.isArray(op.security) && op.security.length === 0))
      .map(([method]) => ({ method: method.toUpperCase(), path })),
  );
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('tenant isolation across every route', () => {
  it('has a sample for every authenticated operation of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('lets tenant A read its own data through every read route (the control)', async () => {
    const own = await targetOf(t.db, a, 0, false);
    const token = await loginAs(app, a.users.admin.email);
    for (const { method, path } of operations) {
      if (!SAMPLES[`${method} ${path}`]!(own).readsOwnData) continue;
      const response = await call(method, path, own, token);
      expect(response.statusCode, `${method} ${path}: ${response.body.slice(0, 200)}`).toBe(200);
      const ownIds = [own.creditorId, own.portfolioId, own.debtorId, own.debtId, own.importId];
      expect(ownIds.some((id) => response.body.includes(id)) || /"items":\[\{"line"/.test(response.body), `${method} ${path} shows own data`).toBe(true);
    }
  });

  it("keeps tenant B's data out of reach of tenant A's administrator", async () => {
    const victim = await targetOf(t.db, b, 0, false);
    const markers = await markersOf(t.db, b.tenantId);
    const before = await fingerprint(t.db, b.tenantId);
    const token = await loginAs(app, a.users.admin.email);
    for (const { method, path } of operations) {
      if (path === '/api/auth/logout') continue; // ends only the caller's own session; checked last
      const response = await call(method, path, victim, token);
      const where = `${method} ${path} → ${response.statusCode} ${response.body.slice(0, 160)}`;
      if (path.includes('{')) expect(response.statusCode, where).toBe(404);
      else expect([200, 201, 400, 404], where).toContain(response.statusCode);
      for (const marker of markers) expect(response.body.includes(marker), `${where} leaks ${marker}`).toBe(false);
    }
    expect(await fingerprint(t.db, b.tenantId)).toEqual(before);
    expect((await call('POST', '/api/auth/logout', victim, token)).statusCode).toBe(204);
  });

  it("shows a creditor viewer nothing of the tenant's other creditor, and lets it change nothing", async () => {
    const victim = await targetOf(t.db, a, 1, true);
    const markers = await markersOf(t.db, a.tenantId, a.creditors[1]!.id);
    const before = await fingerprint(t.db, a.tenantId);
    const token = await loginAs(app, a.users.creditor_viewer.email);
    for (const { method, path } of operations) {
      if (path === '/api/auth/logout') continue;
      const response = await call(method, path, victim, token);
      const where = `${method} ${path} → ${response.statusCode} ${response.body.slice(0, 160)}`;
      if (method !== 'GET' && path !== '/api/auth/me') expect([403, 404], where).toContain(response.statusCode);
      // users and LGPD requests are agency-only: the role is refused (403) before any id is looked up, so nothing leaks either way
      else if (path.includes('{') && !path.startsWith('/api/users') && !path.startsWith('/api/privacy')) expect(response.statusCode, where).toBe(404);
      else if (path.startsWith('/api/privacy')) expect(response.statusCode, where).toBe(403);
      for (const marker of markers) expect(response.body.includes(marker), `${where} leaks ${marker}`).toBe(false);
    }
    expect(await fingerprint(t.db, a.tenantId)).toEqual(before);
  });
});
