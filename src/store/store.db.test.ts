import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../test/support/factories.ts';
import { migrate } from './migrate.ts';
import type { Schema } from './schema.ts';

/** Every column of every table, as the query-builder types declare them: the compiler forces this list to be complete. */
const DECLARED: { [T in keyof Schema]: Record<keyof Schema[T] & string, true> } = {
  tenants: {
    id: true, slug: true, name: true, created_at: true, document: true, phone: true, email: true, website: true, address: true, dpo_name: true, dpo_email: true, dpo_phone: true,
  },
  creditors: {
    tenant_id: true, id: true, legal_name: true, trade_name: true, document: true, document_kind: true, business_kind: true, street: true,
    number: true, complement: true, district: true, city: true, uf: true, cep: true, email: true, phone: true, website: true, created_at: true, updated_at: true,
  },
  portfolios: { tenant_id: true, id: true, creditor_id: true, name: true, description: true, created_at: true, updated_at: true },
  debtors: {
    tenant_id: true, id: true, kind: true, document: true, name: true, search_name: true, birth_date: true, uf: true, city: true,
    declared_income_cents: true, over_indebted_since: true, created_at: true, updated_at: true, deceased_at: true,
    anonymized_at: true, // part E
  },
  contact_points: {
    tenant_id: true, id: true, debtor_id: true, channel: true, value: true, address: true, phone_kind: true, label: true, source: true, verified: true,
    is_reference: true, reference_name: true, reference_relation: true, opted_out_channels: true, whatsapp_opt_in_at: true, invalid_at: true,
    created_at: true, updated_at: true,
  },
  users: {
    tenant_id: true, id: true, email: true, name: true, role: true, creditor_id: true, password_hash: true, active: true, created_at: true,
    updated_at: true, last_login_at: true,
  },
  imports: {
    tenant_id: true, id: true, creditor_id: true, portfolio_id: true, file_name: true, file_sha256: true, format: true, options: true, status: true,
    total_rows: true, created_rows: true, updated_rows: true, unchanged_rows: true, rejected_rows: true, settled_rows: true, debtors_created: true,
    debtors_updated: true, message: true, created_by: true, started_at: true, finished_at: true,
  },
  import_errors: { tenant_id: true, import_id: true, line: true, field: true, value: true, reason: true },
  debts: {
    tenant_id: true, id: true, creditor_id: true, portfolio_id: true, debtor_id: true, external_id: true, document_kind: true, description: true,
    original_amount_cents: true, issue_date: true, due_date: true, installment_number: true, installment_count: true, correction_index: true,
    interest_rate: true, interest_kind: true, fine_rate: true, fees_rate: true, relationship: true, status: true, status_changed_at: true,
    disputed_at: true, prescription_interrupted_on: true, import_id: true, created_at: true, updated_at: true,
  },
  events: { tenant_id: true, id: true, debtor_id: true, creditor_id: true, debt_id: true, type: true, occurred_at: true, actor_kind: true, actor_user_id: true, data: true, xact: true },
  sessions: { id: true, tenant_id: true, user_id: true, created_at: true, expires_at: true, revoked_at: true, ip: true, user_agent: true },
  audit_log: { tenant_id: true, id: true, at: true, user_id: true, action: true, resource: true, route: true, subject_ids: true, ip: true, details: true },
  schema_migrations: { version: true, applied_at: true },
  // Part D — remittance
  commission_rules: {
    tenant_id: true, id: true, creditor_id: true, portfolio_id: true, name: true, valid_from: true, valid_to: true, basis: true, bands: true,
    monthly_fee_cents: true, per_agreement_fee_cents: true, per_payment_fee_cents: true, updated_by: true, created_at: true, updated_at: true,
  },
  remittance_statements: {
    tenant_id: true, id: true, creditor_id: true, period_start: true, period_end: true, status: true, number: true, recovered_cents: true, commission_cents: true,
    fees_cents: true, net_cents: true, snapshot: true, created_by: true, created_at: true, issued_by: true, issued_at: true,
  },
  remittance_lines: {
    tenant_id: true, statement_id: true, line_no: true, payment_id: true, debt_id: true, kind: true, late: true, paid_on: true, amount_cents: true,
    rate: true, commission_cents: true, net_cents: true,
  },
  // Part A — enrichment
  enrichment_cache: { tenant_id: true, provider: true, key: true, found: true, result: true, fetched_at: true, expires_at: true },
  enrichment_lookups: {
    tenant_id: true, id: true, user_id: true, debtor_id: true, document: true, kind: true, provider: true, legal_basis: true, cost_cents: true, cached: true,
    outcome: true, error: true, at: true,
  },
  enrichment_budgets: { tenant_id: true, daily_budget_cents: true, daily_max_lookups: true, updated_by: true, updated_at: true },
  index_values: { series: true, period: true, value: true, source: true, imported_at: true },
  schedules: { tenant_id: true, id: true, creditor_id: true, portfolio_id: true, segment: true, name: true, current_version: true, created_at: true },
  schedule_versions: { tenant_id: true, schedule_id: true, creditor_id: true, version: true, steps: true, stop_conditions: true, created_by: true, created_at: true },
  message_templates: { tenant_id: true, id: true, key: true, channel: true, body: true, updated_by: true, updated_at: true },
  actions: {
    tenant_id: true, id: true, run_date: true, debt_id: true, debtor_id: true, creditor_id: true, schedule_id: true, schedule_version: true, step_id: true,
    due_on: true, stage: true, channel: true, template: true, status: true, rule: true, reason: true, deliver_after: true, attempts: true, created_at: true,
    installment_id: true,
  },
  deliveries: {
    tenant_id: true, action_id: true, debtor_id: true, creditor_id: true, channel: true, recipient: true, content_sha256: true, status: true,
    provider_id: true, error: true, attempted_at: true, finished_at: true, attempts: true, provider_status: true, status_at: true,
  },
  collector_tasks: {
    tenant_id: true, id: true, action_id: true, debtor_id: true, creditor_id: true, debt_id: true, kind: true, status: true, phone: true, script: true,
    due_at: true, assigned_to: true, outcome: true, created_at: true, closed_at: true,
  },
  offer_policies: { tenant_id: true, id: true, creditor_id: true, portfolio_id: true, segment: true, name: true, rules: true, updated_by: true, updated_at: true },
  agreements: {
    tenant_id: true, id: true, number: true, creditor_id: true, portfolio_id: true, debtor_id: true, status: true, as_of: true, valid_until: true, terms: true,
    balance_cents: true, discount_cents: true, total_cents: true, installment_count: true, grace_days: true, payment_method: true, within_policy: true,
    approval_status: true, approved_by: true, approved_at: true, approval_reason: true, accepted_at: true, accepted_channel: true, accepted_ip: true,
    accepted_by_user: true, accepted_by_debtor: true, accepted_terms_text: true, accepted_terms_sha256: true, activated_at: true, closed_at: true,
    broken_on: true, close_reason: true, created_by: true, created_at: true, updated_at: true,
  },
  agreement_debts: { tenant_id: true, agreement_id: true, debt_id: true, balance_cents: true, discount_cents: true, binding: true },
  installments: {
    tenant_id: true, id: true, agreement_id: true, debtor_id: true, creditor_id: true, number: true, due_date: true, amount_cents: true, interest_cents: true,
    paid_cents: true, status: true, paid_on: true, payment_method: true, created_at: true,
  },
  payments: {
    tenant_id: true, id: true, debtor_id: true, creditor_id: true, agreement_id: true, installment_id: true, debt_id: true, amount_cents: true, applied_cents: true,
    excess_cents: true, paid_on: true, method: true, source: true, external_id: true, created_by: true, created_at: true,
  },
  debt_credits: { tenant_id: true, debt_id: true, payment_id: true, paid_on: true, amount_cents: true, reason: true },
  promises: {
    tenant_id: true, id: true, debtor_id: true, creditor_id: true, debt_ids: true, amount_cents: true, promised_for: true, channel: true, taken_by: true,
    note: true, status: true, resolved_on: true, created_on: true, created_at: true,
  },
  collection_accounts: {
    tenant_id: true, id: true, creditor_id: true, name: true, bank_code: true, agency: true, agency_digit: true, account: true, account_digit: true, wallet: true,
    agreement: true, transmission_code: true, pix_key: true, next_sequence: true, next_file_sequence: true, webhook_token_sha256: true,
    is_default: true, created_at: true,
  },
  remessa_files: { tenant_id: true, id: true, account_id: true, file_sequence: true, charges: true, content: true, sha256: true, created_by: true, created_at: true },
  charges: {
    tenant_id: true, id: true, creditor_id: true, debtor_id: true, account_id: true, installment_id: true, debt_id: true, kind: true, amount_cents: true, due_date: true,
    status: true, paid_cents: true, paid_on: true, nosso_numero: true, nosso_numero_digit: true, nosso_numero_key: true, nosso_numero_printed: true, barcode: true, line: true, registration: true,
    remessa_id: true, txid: true, pix_payload: true, pix_location: true, created_by: true, created_at: true,
  },
  payment_files: { tenant_id: true, id: true, file_name: true, sha256: true, layout: true, bank_code: true, generated_on: true, summary: true, imported_by: true, created_at: true },
  unmatched_payments: {
    tenant_id: true, id: true, source: true, external_id: true, reference: true, amount_cents: true, paid_on: true, method: true, payer_name: true, payer_document: true,
    payment_file_id: true, file_line: true, reason: true, status: true, payment_id: true, resolved_by: true, resolved_at: true, note: true, created_at: true,
  },
  bureau_listings: {
    tenant_id: true, id: true, debt_id: true, debtor_id: true, creditor_id: true, bureau: true, status: true, amount_cents: true, protocol: true, requested_on: true,
    notified_on: true, confirmable_on: true, active_on: true, expires_on: true, settled_on: true, removal_planned_on: true, removal_deadline: true,
    removal_requested_on: true, removed_on: true, removal_reason: true, alerted_on: true, last_error: true, action_id: true, created_by: true, created_at: true, updated_at: true,
  },
  protests: {
    tenant_id: true, id: true, debt_id: true, debtor_id: true, creditor_id: true, status: true, amount_cents: true, export_id: true, exported_on: true,
    protested_on: true, notary_protocol: true, settled_on: true, action_id: true, created_by: true, created_at: true, updated_at: true,
  },
  debtor_scores: { tenant_id: true, debtor_id: true, score: true, band: true, model_id: true, segment: true, open_debts: true, open_amount_cents: true, oldest_due_date: true, scored_on: true },
  segments: { tenant_id: true, id: true, name: true, priority: true, rules: true, description: true, updated_by: true, updated_at: true },
  score_models: { tenant_id: true, id: true, kind: true, model: true, report: true, snapshot_on: true, horizon_days: true, active: true, created_by: true, created_at: true },
  experiments: {
    tenant_id: true, id: true, name: true, kind: true, portfolio_id: true, segment: true, champion_id: true, challenger_id: true, challenger_share: true, status: true,
    started_on: true, stopped_on: true, created_by: true, created_at: true,
  },
  experiment_members: { tenant_id: true, experiment_id: true, debtor_id: true, arm: true, joined_on: true, exposure_cents: true },
  collectors: { tenant_id: true, user_id: true, team: true, max_open_cases: true, skills: true, portfolio_ids: true, active: true, updated_at: true },
  distribution_settings: { tenant_id: true, strategy: true, auto: true, round_robin_cursor: true, updated_at: true },
  case_assignments: { tenant_id: true, debtor_id: true, user_id: true, status: true, strategy: true, assigned_on: true, closed_on: true, callback_at: true, last_worked_at: true },
  dispositions: {
    tenant_id: true, id: true, debtor_id: true, user_id: true, code: true, contact_point_id: true, attempt: true, answered: true, right_party: true, promise_id: true,
    callback_at: true, note: true, at: true,
  },
  call_scripts: { tenant_id: true, id: true, portfolio_id: true, stage: true, body: true, updated_by: true, updated_at: true },
  portal_sessions: { id: true, tenant_id: true, debtor_id: true, method: true, created_at: true, last_seen_at: true, expires_at: true, max_expires_at: true, revoked_at: true, ip: true, user_agent: true },
  portal_codes: {
    tenant_id: true, id: true, debtor_id: true, channel: true, contact_point_id: true, salt: true, code_sha256: true, expires_at: true, attempts: true, used_at: true,
    send_status: true, send_error: true, provider_id: true, ip: true, created_at: true,
  },
  portal_attempts: { id: true, kind: true, key: true, at: true },
  data_subject_requests: {
    tenant_id: true, id: true, protocol: true, debtor_id: true, identity_verified: true, document: true, name: true, email: true, phone: true, kind: true,
    message: true, status: true, channel: true, received_at: true, due_on: true, ip: true, created_by: true,
    // part E — the workflow
    verified_by: true, verified_at: true, answered_at: true, answered_by: true, answer: true, legal_source: true, deletable_from: true, anonymized_at: true,
  },
  // Part E — LGPD request history
  data_subject_request_history: { tenant_id: true, id: true, request_id: true, at: true, user_id: true, action: true, from_status: true, to_status: true, note: true },
  // Part C — ERP sync
  erp_batches: { tenant_id: true, id: true, idempotency_key: true, request_sha256: true, status_code: true, response: true, operations: true, created_by: true, created_at: true },
  erp_sources: {
    tenant_id: true, id: true, name: true, creditor_id: true, portfolio_id: true, kind: true, location: true, format: true, reader_options: true, all_or_nothing: true,
    snapshot: true, interval_minutes: true, cron: true, http_headers: true, active: true, next_run_at: true, running_since: true, etag: true, last_modified: true,
    last_sha256: true, last_run_at: true, last_outcome: true, last_message: true, last_import_id: true, created_by: true, created_at: true, updated_at: true,
  },
  api_keys: { id: true, tenant_id: true, user_id: true, name: true, prefix: true, expires_at: true, revoked_at: true, last_used_at: true, scopes: true, created_by: true, created_at: true },
  erp_pulls: { tenant_id: true, id: true, source_id: true, file_name: true, sha256: true, bytes: true, outcome: true, message: true, import_id: true, started_at: true, finished_at: true },
  // Part B — outbound webhooks
  webhook_subscriptions: {
    tenant_id: true, id: true, url: true, event_types: true, creditor_id: true, active: true, description: true, secret: true, secret_rotated_at: true,
    created_by: true, created_at: true, updated_at: true, deleted_at: true,
  },
  webhook_events: { tenant_id: true, id: true, type: true, creditor_id: true, data: true, occurred_at: true },
  webhook_deliveries: {
    tenant_id: true, id: true, event_id: true, subscription_id: true, replay_of: true, status: true, attempts: true, next_attempt_at: true, last_attempt_at: true,
    last_status: true, last_error: true, duration_ms: true, delivered_at: true, created_at: true,
  },
  daily_runs: { tenant_id: true, run_date: true, since: true, status: true, cursor_due_date: true, cursor_portfolio_id: true, cursor_debt_id: true, debts_seen: true, actions_created: true, started_at: true, finished_at: true },
};

let t: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'store-a');
  b = await createTenant(t.db, 'store-b');
});
afterAll(() => t.drop());

describe('schema', () => {
  it('applies migrations once; a second run finds nothing to do', async () => {
    expect(await migrate(t.db)).toEqual([]);
  });

  it('matches the query-builder types column for column', async () => {
    const { rows } = await t.db.system(({ sql }) =>
      sql.query<{ table_name: string; column_name: string }>(
        `select table_name, column_name from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`,
      ),
    );
    const live: Record<string, string[]> = {};
    for (const r of rows) (live[r.table_name] ??= []).push(r.column_name);
    const declared = Object.fromEntries(Object.entries(DECLARED).map(([table, cols]) => [table, Object.keys(cols).sort()]));
    expect(Object.fromEntries(Object.entries(live).map(([table, cols]) => [table, cols.sort()]))).toEqual(declared);
  });

  it('puts every table that carries a tenant under row-level security with a policy (sessions: none, so no access)', async () => {
    const { rows } = await t.db.system(({ sql }) =>
      sql.query<{ table: string; rls: boolean; policies: number }>(
        `select c.relname as table, c.relrowsecurity as rls, (select count(*)::int from pg_policies p where p.tablename = c.relname) as policies
         from pg_class c join information_schema.columns col on col.table_name = c.relname and col.column_name = 'tenant_id'
         where c.relkind = 'r' and col.table_schema = 'public' order by 1`,
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(11);
    for (const row of rows) {
      expect(row.rls, row.table).toBe(true);
      if (row.table !== 'sessions') expect(row.policies, row.table).toBeGreaterThan(0);
    }
  });
});

describe('row-level security', () => {
  it('shows a scoped transaction only its tenant, whatever the query asks', async () => {
    const counts = await t.db.scoped({ tenantId: a.tenantId }, async ({ sql }) => {
      const q = async (table: string) => (await sql.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
      return { debts: await q('debts'), debtors: await q('debtors'), tenants: await q('tenants'), users: await q('users') };
    });
    expect(counts).toEqual({ debts: 12, debtors: 5, tenants: 1, users: 6 });
    // Sessions (token hashes) are not readable by the request role at all.
    await expect(t.db.scoped({ tenantId: a.tenantId }, ({ sql }) => sql.query('select * from sessions'))).rejects.toThrow(/permission denied/);
    const leaked = await t.db.scoped({ tenantId: a.tenantId }, ({ sql }) =>
      sql.query('select id from debts where tenant_id = $1', [b.tenantId]),
    );
    expect(leaked.rows).toEqual([]);
  });

  it('shows a creditor viewer only its creditor, and the debtors with debts there', async () => {
    const scope = { tenantId: a.tenantId, creditorId: a.creditors[0]!.id };
    const seen = await t.db.scoped(scope, async ({ sql }) => ({
      debts: (await sql.query<{ creditor_id: string }>('select distinct creditor_id from debts')).rows.map((r) => r.creditor_id),
      debtors: (await sql.query<{ document: string }>('select document from debtors order by document')).rows.map((r) => r.document),
      creditors: (await sql.query<{ id: string }>('select id from creditors')).rows.map((r) => r.id),
    }));
    expect(seen.debts).toEqual([a.creditors[0]!.id]);
    expect(seen.creditors).toEqual([a.creditors[0]!.id]);
    expect(seen.debtors).toEqual([...a.creditors[0]!.debtorDocuments].sort());
  });

  it('refuses to write a row into another tenant, or any row as a creditor viewer', async () => {
    await expect(
      t.db.scoped({ tenantId: a.tenantId }, ({ sql }) =>
        sql.query(`insert into portfolios (tenant_id, creditor_id, name) values ($1, $2, 'intrusa')`, [b.tenantId, b.creditors[0]!.id]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      t.db.scoped({ tenantId: a.tenantId, creditorId: a.creditors[0]!.id }, ({ sql }) =>
        sql.query(`insert into portfolios (tenant_id, creditor_id, name) values ($1, $2, 'pelo credor')`, [a.tenantId, a.creditors[0]!.id]),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await t.db.scoped({ tenantId: a.tenantId }, ({ sql }) => sql.query(`update debts set description = 'x' where tenant_id = $1`, [b.tenantId]));
    expect(updated.rowCount).toBe(0);
  });

  it('fails closed when no tenant is set', async () => {
    const { rows } = await t.db.system(({ sql }) => sql.query(`select 1 from debts limit 1`));
    expect(rows).toHaveLength(1); // the owner path sees data
    const scoped = await t.db.system(async ({ sql }) => {
      await sql.exec('set local role recupera_app');
      return sql.query('select count(*)::int as n from debts');
    });
    expect(scoped.rows[0]).toEqual({ n: 0 });
  });
});

describe('append-only records', () => {
  it('refuses to change or delete timeline events and audit entries, even for the owner', async () => {
    await expect(t.db.system(({ sql }) => sql.query(`update events set type = 'x'`))).rejects.toThrow(/append-only/);
    await expect(t.db.system(({ sql }) => sql.query(`delete from events`))).rejects.toThrow(/append-only/);
    await t.db.system(({ sql }) => sql.query(`insert into audit_log (tenant_id, action, resource) values ($1, 'read', 'teste')`, [a.tenantId]));
    await expect(t.db.system(({ sql }) => sql.query(`delete from audit_log`))).rejects.toThrow(/append-only/);
    await expect(t.db.scoped({ tenantId: a.tenantId }, ({ sql }) => sql.query(`delete from events`))).rejects.toThrow(/permission denied|append-only/);
  });

  it('rolls a failed transaction back entirely', async () => {
    const before = await t.db.system(({ sql }) => sql.query<{ n: number }>('select count(*)::int as n from portfolios'));
    await expect(
      t.db.scoped({ tenantId: a.tenantId }, async ({ sql }) => {
        await sql.query(`insert into portfolios (tenant_id, creditor_id, name) values ($1, $2, 'temporária')`, [a.tenantId, a.creditors[0]!.id]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await t.db.system(({ sql }) => sql.query<{ n: number }>('select count(*)::int as n from portfolios'));
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
