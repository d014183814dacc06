import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PostalAddress } from '../brazil/address.ts';
import type { CommissionBasis } from '../domain/remittance/commission.ts';

/**
 * Table types for the query builder, written to match the SQL migrations.
 * A test compares them with the live schema (schema.test.ts), so drift fails CI.
 * int8 → number, numeric → string, date → 'YYYY-MM-DD', timestamptz → Date.
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface TenantTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: CreatedAt;
  /** The agency's public contact (portal pages, privacy notice) and its encarregado (DPO, LGPD art. 41). */
  document: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  email: ColumnType<string | null, string | null | undefined, string | null>;
  website: ColumnType<string | null, string | null | undefined, string | null>;
  address: ColumnType<string | null, string | null | undefined, string | null>;
  dpo_name: ColumnType<string | null, string | null | undefined, string | null>;
  dpo_email: ColumnType<string | null, string | null | undefined, string | null>;
  dpo_phone: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CreditorTable {
  tenant_id: string;
  id: Generated<string>;
  legal_name: string;
  trade_name: string | null;
  document: string;
  document_kind: 'cpf' | 'cnpj';
  business_kind: 'consumer' | 'b2b';
  street: string;
  number: string;
  complement: string | null;
  district: string | null;
  city: string;
  uf: string;
  cep: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PortfolioTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  name: string;
  description: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DebtorTable {
  tenant_id: string;
  id: Generated<string>;
  kind: 'pf' | 'pj';
  document: string;
  name: string;
  search_name: string;
  birth_date: string | null;
  uf: string | null;
  city: string | null;
  declared_income_cents: number | null;
  over_indebted_since: string | null;
  deceased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Part E (issue 9): personal data replaced by anonymized values (0014). */
  anonymized_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ContactChannel = 'phone' | 'email' | 'address';

export type { PostalAddress } from '../brazil/address.ts';

export interface ContactPointTable {
  tenant_id: string;
  id: Generated<string>;
  debtor_id: string;
  channel: ContactChannel;
  value: string;
  address: ColumnType<PostalAddress | null, string | null | undefined, string | null>;
  phone_kind: 'mobile' | 'landline' | null;
  label: string | null;
  source: string;
  verified: Generated<boolean>;
  is_reference: Generated<boolean>;
  reference_name: string | null;
  reference_relation: string | null;
  opted_out_channels: Generated<string[]>;
  whatsapp_opt_in_at: Date | null;
  invalid_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export const ROLES = ['admin', 'supervisor', 'analyst', 'collector', 'creditor_viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface UserTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  creditor_id: string | null;
  password_hash: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  last_login_at: Date | null;
}

export type ImportStatus = 'running' | 'completed' | 'rejected' | 'failed';

export interface ImportTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  portfolio_id: string;
  file_name: string;
  file_sha256: string | null;
  format: string | null;
  options: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: ImportStatus;
  total_rows: Generated<number>;
  created_rows: Generated<number>;
  updated_rows: Generated<number>;
  unchanged_rows: Generated<number>;
  rejected_rows: Generated<number>;
  settled_rows: Generated<number>;
  debtors_created: Generated<number>;
  debtors_updated: Generated<number>;
  message: string | null;
  created_by: string | null;
  started_at: Timestamp;
  finished_at: Date | null;
}

export interface ImportErrorTable {
  tenant_id: string;
  import_id: string;
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

export const DEBT_STATUSES = ['open', 'in_agreement', 'paid', 'settled', 'cancelled'] as const;
export type DebtStatus = (typeof DEBT_STATUSES)[number];

export interface DebtTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  portfolio_id: string;
  debtor_id: string;
  external_id: string;
  document_kind: string;
  description: string | null;
  original_amount_cents: number;
  issue_date: string | null;
  due_date: string;
  installment_number: number | null;
  installment_count: number | null;
  correction_index: string | null;
  interest_rate: string | null;
  interest_kind: 'simple' | 'compound' | null;
  fine_rate: string | null;
  fees_rate: string | null;
  relationship: 'consumer' | 'b2b';
  status: Generated<DebtStatus>;
  status_changed_at: Timestamp;
  disputed_at: Date | null;
  prescription_interrupted_on: string | null;
  import_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ActorKind = 'user' | 'system' | 'debtor' | 'integration';

export interface EventTable {
  tenant_id: string;
  id: Generated<number>;
  debtor_id: string;
  creditor_id: string | null;
  debt_id: string | null;
  type: string;
  occurred_at: Timestamp;
  actor_kind: ActorKind;
  actor_user_id: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** The writing transaction (xid8, as text), for the ERP changes feed's cursor (0012). */
  xact: ColumnType<string, never, never>;
}

export interface SessionTable {
  id: string;
  tenant_id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
}

export type AuditAction = 'read' | 'export' | 'create' | 'update' | 'delete' | 'login' | 'login_failed';

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<number>;
  at: CreatedAt;
  user_id: string | null;
  action: AuditAction;
  resource: string;
  route: string | null;
  subject_ids: ColumnType<string[], string[] | undefined, never>;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface SchemaMigrationTable {
  version: string;
  applied_at: CreatedAt;
}

export interface IndexValueTable {
  series: string;
  period: string;
  value: string;
  source: string;
  imported_at: CreatedAt;
}

export interface ScheduleTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  portfolio_id: string;
  segment: string | null;
  name: string;
  current_version: Generated<number>;
  created_at: CreatedAt;
}

export interface ScheduleVersionTable {
  tenant_id: string;
  schedule_id: string;
  creditor_id: string;
  version: number;
  steps: ColumnType<unknown, string, string>;
  stop_conditions: string[];
  created_by: string | null;
  created_at: CreatedAt;
}

export interface MessageTemplateTable {
  tenant_id: string;
  id: Generated<string>;
  key: string;
  channel: string;
  body: string;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface ActionTable {
  tenant_id: string;
  id: Generated<string>;
  run_date: string;
  debt_id: string;
  debtor_id: string;
  creditor_id: string;
  schedule_id: string;
  schedule_version: number;
  step_id: string;
  due_on: string;
  stage: string;
  channel: string;
  template: string;
  status: 'planned' | 'blocked' | 'skipped' | 'stopped' | 'sending' | 'sent' | 'failed' | 'unknown';
  rule: string | null;
  reason: string | null;
  deliver_after: Date | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  installment_id: string | null;
}

export interface DeliveryTable {
  tenant_id: string;
  action_id: string;
  debtor_id: string;
  creditor_id: string;
  channel: string;
  recipient: string;
  content_sha256: string;
  status: DeliveryStatus;
  provider_id: string | null;
  error: string | null;
  attempted_at: Generated<Date>;
  finished_at: Date | null;
  attempts: Generated<number>;
  provider_status: string | null;
  status_at: Date | null;
}

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'undelivered' | 'failed' | 'unknown';

export interface CollectorTaskTable {
  tenant_id: string;
  id: Generated<string>;
  action_id: string;
  debtor_id: string;
  creditor_id: string;
  debt_id: string;
  kind: 'call' | 'task';
  status: Generated<'open' | 'done' | 'cancelled'>;
  phone: string | null;
  script: string;
  due_at: Date;
  assigned_to: string | null;
  outcome: string | null;
  created_at: CreatedAt;
  closed_at: Date | null;
}

export interface DailyRunTable {
  tenant_id: string;
  run_date: string;
  since: string | null;
  status: 'running' | 'completed';
  cursor_due_date: string | null;
  cursor_portfolio_id: string | null;
  cursor_debt_id: string | null;
  debts_seen: Generated<number>;
  actions_created: Generated<number>;
  started_at: CreatedAt;
  finished_at: Date | null;
}

export interface OfferPolicyTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  portfolio_id: string;
  segment: string | null;
  name: string;
  rules: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export const AGREEMENT_STATUSES = ['proposed', 'accepted', 'active', 'fulfilled', 'broken', 'cancelled'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export type AcceptanceChannel = 'phone' | 'portal' | 'email' | 'whatsapp' | 'in_person';

export interface AgreementTable {
  tenant_id: string;
  id: Generated<string>;
  number: Generated<string>;
  creditor_id: string;
  portfolio_id: string;
  debtor_id: string;
  status: AgreementStatus;
  as_of: string;
  valid_until: string;
  terms: ColumnType<unknown, string, string>;
  balance_cents: number;
  discount_cents: number;
  total_cents: number;
  installment_count: number;
  grace_days: number;
  payment_method: Generated<'boleto' | 'pix'>;
  within_policy: boolean;
  approval_status: 'not_needed' | 'pending' | 'approved';
  approved_by: string | null;
  approved_at: Date | null;
  approval_reason: string | null;
  accepted_at: Date | null;
  accepted_channel: AcceptanceChannel | null;
  accepted_ip: string | null;
  accepted_by_user: string | null;
  accepted_by_debtor: boolean | null;
  accepted_terms_text: string | null;
  accepted_terms_sha256: string | null;
  activated_at: Date | null;
  closed_at: Date | null;
  broken_on: string | null;
  close_reason: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AgreementDebtTable {
  tenant_id: string;
  agreement_id: string;
  debt_id: string;
  balance_cents: number;
  discount_cents: number;
  binding: Generated<boolean>;
}

export interface InstallmentTable {
  tenant_id: string;
  id: Generated<string>;
  agreement_id: string;
  debtor_id: string;
  creditor_id: string;
  number: number;
  due_date: string;
  amount_cents: number;
  interest_cents: Generated<number>;
  paid_cents: Generated<number>;
  status: Generated<'open' | 'paid' | 'cancelled'>;
  paid_on: string | null;
  payment_method: Generated<'boleto' | 'pix'>;
  created_at: CreatedAt;
}

export type PaymentMethod = 'pix' | 'boleto' | 'transfer' | 'cash' | 'card' | 'other';
export type PaymentSource = 'api' | 'cnab' | 'pix_webhook';

export interface PaymentTable {
  tenant_id: string;
  id: Generated<string>;
  debtor_id: string;
  creditor_id: string;
  agreement_id: string | null;
  installment_id: string | null;
  debt_id: string | null;
  amount_cents: number;
  applied_cents: number;
  excess_cents: Generated<number>;
  paid_on: string;
  method: PaymentMethod;
  source: PaymentSource;
  external_id: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface DebtCreditTable {
  tenant_id: string;
  debt_id: string;
  payment_id: string;
  paid_on: string;
  amount_cents: number;
  reason: 'payment' | 'agreement_breach';
}

export type PromiseChannel = 'phone' | 'whatsapp' | 'email' | 'sms' | 'portal' | 'in_person';

export interface PromiseTable {
  tenant_id: string;
  id: Generated<string>;
  debtor_id: string;
  creditor_id: string;
  debt_ids: string[];
  amount_cents: number;
  promised_for: string;
  channel: PromiseChannel;
  taken_by: string | null;
  note: string | null;
  status: Generated<'pending' | 'kept' | 'broken' | 'cancelled'>;
  resolved_on: string | null;
  created_on: string;
  created_at: CreatedAt;
}

export type BankCode = '001' | '033' | '104' | '237' | '341' | '756';

export interface CollectionAccountTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  name: string;
  bank_code: BankCode;
  agency: string;
  agency_digit: string | null;
  account: string;
  account_digit: string | null;
  wallet: string;
  agreement: string | null;
  transmission_code: string | null;
  pix_key: string | null;
  next_sequence: Generated<number>;
  next_file_sequence: Generated<number>;
  webhook_token_sha256: string | null;
  is_default: Generated<boolean>;
  created_at: CreatedAt;
}

export interface RemessaFileTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  file_sequence: number;
  charges: number;
  content: string;
  sha256: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export type ChargeKind = 'boleto' | 'pix';

export interface ChargeTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  debtor_id: string;
  account_id: string;
  installment_id: string | null;
  debt_id: string | null;
  kind: ChargeKind;
  amount_cents: number;
  due_date: string;
  status: Generated<'open' | 'paid' | 'cancelled'>;
  paid_cents: Generated<number>;
  paid_on: string | null;
  nosso_numero: string | null;
  nosso_numero_digit: string | null;
  nosso_numero_key: string | null;
  nosso_numero_printed: string | null;
  barcode: string | null;
  line: string | null;
  registration: 'pending' | 'sent' | 'registered' | 'rejected' | null;
  remessa_id: string | null;
  txid: string | null;
  pix_payload: string | null;
  pix_location: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface PaymentFileTable {
  tenant_id: string;
  id: Generated<string>;
  file_name: string;
  sha256: string;
  layout: string;
  bank_code: string;
  generated_on: string | null;
  summary: ColumnType<unknown, string, string>;
  imported_by: string | null;
  created_at: CreatedAt;
}

export interface UnmatchedPaymentTable {
  tenant_id: string;
  id: Generated<string>;
  source: 'cnab' | 'pix_webhook';
  external_id: string;
  reference: string | null;
  amount_cents: number;
  paid_on: string;
  method: 'pix' | 'boleto';
  payer_name: string | null;
  payer_document: string | null;
  payment_file_id: string | null;
  file_line: number | null;
  reason: string;
  status: Generated<'pending' | 'resolved' | 'dismissed'>;
  payment_id: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  note: string | null;
  created_at: CreatedAt;
}

export type ListingStatus = 'requested' | 'notified' | 'active' | 'removal_requested' | 'removed' | 'refused' | 'cancelled';

export interface BureauListingTable {
  tenant_id: string;
  id: Generated<string>;
  debt_id: string;
  debtor_id: string;
  creditor_id: string;
  bureau: string;
  status: ListingStatus;
  amount_cents: number;
  protocol: string | null;
  requested_on: string;
  notified_on: string | null;
  confirmable_on: string | null;
  active_on: string | null;
  expires_on: string;
  settled_on: string | null;
  removal_planned_on: string | null;
  removal_deadline: string | null;
  removal_requested_on: string | null;
  removed_on: string | null;
  removal_reason: string | null;
  alerted_on: string | null;
  last_error: string | null;
  action_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ProtestStatus = 'candidate' | 'exported' | 'protested' | 'settled' | 'withdrawn';

export interface ProtestTable {
  tenant_id: string;
  id: Generated<string>;
  debt_id: string;
  debtor_id: string;
  creditor_id: string;
  status: ProtestStatus;
  amount_cents: number;
  export_id: string | null;
  exported_on: string | null;
  protested_on: string | null;
  notary_protocol: string | null;
  settled_on: string | null;
  action_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DebtorScoreTable {
  tenant_id: string;
  debtor_id: string;
  score: number;
  band: string;
  model_id: string | null;
  segment: string | null;
  open_debts: number;
  open_amount_cents: number;
  oldest_due_date: string;
  scored_on: string;
}

export interface SegmentTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  priority: Generated<number>;
  rules: unknown;
  description: string | null;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface ScoreModelTable {
  tenant_id: string;
  id: Generated<string>;
  kind: 'logistic' | 'gbm';
  model: unknown;
  report: unknown;
  snapshot_on: string;
  horizon_days: number;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ExperimentTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  kind: 'schedule' | 'offer_policy';
  portfolio_id: string;
  segment: string;
  champion_id: string;
  challenger_id: string;
  challenger_share: string;
  status: Generated<'running' | 'stopped'>;
  started_on: string;
  stopped_on: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ExperimentMemberTable {
  tenant_id: string;
  experiment_id: string;
  debtor_id: string;
  arm: 'champion' | 'challenger';
  joined_on: string;
  exposure_cents: number;
}

export interface CollectorTable {
  tenant_id: string;
  user_id: string;
  team: string | null;
  max_open_cases: number | null;
  skills: Generated<string[]>;
  portfolio_ids: Generated<string[]>;
  active: Generated<boolean>;
  updated_at: Generated<Date>;
}

export type DistributionStrategy = 'round_robin' | 'balanced' | 'skill' | 'sticky';

export interface DistributionSettingsTable {
  tenant_id: string;
  strategy: Generated<DistributionStrategy>;
  auto: Generated<boolean>;
  round_robin_cursor: string | null;
  updated_at: Generated<Date>;
}

export interface CaseAssignmentTable {
  tenant_id: string;
  debtor_id: string;
  user_id: string;
  status: Generated<'active' | 'closed'>;
  strategy: string;
  assigned_on: string;
  closed_on: string | null;
  callback_at: Date | null;
  last_worked_at: Date | null;
}

export interface DispositionTable {
  tenant_id: string;
  id: Generated<string>;
  debtor_id: string;
  user_id: string;
  code: string;
  contact_point_id: string | null;
  attempt: boolean;
  answered: boolean;
  right_party: boolean;
  promise_id: string | null;
  callback_at: Date | null;
  note: string | null;
  at: Generated<Date>;
}

export interface CallScriptTable {
  tenant_id: string;
  id: Generated<string>;
  portfolio_id: string | null;
  stage: 'aviso' | 'alerta' | 'acao';
  body: string;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface PortalSessionTable {
  id: string;
  tenant_id: string;
  debtor_id: string;
  method: 'birth_date' | 'code';
  created_at: CreatedAt;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  max_expires_at: Date;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
}

export type PortalCodeChannel = 'email' | 'sms';

export interface PortalCodeTable {
  tenant_id: string;
  id: Generated<string>;
  debtor_id: string;
  channel: PortalCodeChannel;
  contact_point_id: string | null;
  salt: string;
  code_sha256: string;
  expires_at: Date;
  attempts: Generated<number>;
  used_at: Date | null;
  send_status: Generated<'pending' | 'sent' | 'failed' | 'not_configured'>;
  send_error: string | null;
  provider_id: string | null;
  ip: string | null;
  created_at: CreatedAt;
}

export interface PortalAttemptTable {
  id: Generated<number>;
  kind: 'document' | 'ip' | 'privacy_ip';
  key: string;
  at: Generated<Date>;
}

export const DATA_SUBJECT_REQUEST_KINDS = ['access', 'correction', 'deletion', 'anonymization', 'portability', 'information'] as const;
export type DataSubjectRequestKind = (typeof DATA_SUBJECT_REQUEST_KINDS)[number];

export interface DataSubjectRequestTable {
  tenant_id: string;
  id: Generated<string>;
  protocol: Generated<string>;
  debtor_id: string | null;
  identity_verified: boolean;
  document: string;
  name: string;
  email: string | null;
  phone: string | null;
  kind: DataSubjectRequestKind;
  message: string | null;
  status: Generated<'received' | 'in_progress' | 'answered' | 'refused'>;
  channel: 'portal' | 'staff';
  received_at: Generated<Date>;
  due_on: string;
  ip: string | null;
  created_by: string | null;
  // Part E (issue 9) — the workflow (0014_privacy_requests.sql)
  verified_by: string | null;
  verified_at: Date | null;
  answered_at: Date | null;
  answered_by: string | null;
  answer: string | null;
  legal_source: string | null;
  deletable_from: string | null;
  anonymized_at: Date | null;
}

// Part E (issue 9) — LGPD request history, append-only (0014_privacy_requests.sql)
export type DataSubjectRequestAction = 'received' | 'verified' | 'started' | 'report' | 'answered' | 'refused' | 'anonymized' | 'note';

export interface DataSubjectRequestHistoryTable {
  tenant_id: string;
  id: Generated<number>;
  request_id: string;
  at: CreatedAt;
  user_id: string | null;
  action: DataSubjectRequestAction;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
}

// Part B (issue 9) — outbound webhooks (migration 0011_webhooks.sql)
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookSubscriptionTable {
  tenant_id: string;
  id: Generated<string>;
  url: string;
  event_types: string[];
  creditor_id: string | null;
  active: Generated<boolean>;
  description: string | null;
  secret: string;
  secret_rotated_at: Timestamp;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Date | null;
}

export interface WebhookEventTable {
  tenant_id: string;
  id: Generated<string>;
  type: string;
  creditor_id: string | null;
  data: ColumnType<Record<string, unknown>, string, never>;
  occurred_at: Timestamp;
}

export interface WebhookDeliveryTable {
  tenant_id: string;
  id: Generated<string>;
  event_id: string;
  subscription_id: string;
  replay_of: string | null;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  duration_ms: number | null;
  delivered_at: Date | null;
  created_at: CreatedAt;
}
// end Part B

// Part D — creditor portal and remittance (migration 0013)
export type { CommissionBasis };

export interface CommissionRuleTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  portfolio_id: string | null;
  name: string;
  valid_from: string;
  valid_to: string | null;
  basis: CommissionBasis;
  bands: ColumnType<unknown, string, string>;
  monthly_fee_cents: Generated<number>;
  per_agreement_fee_cents: Generated<number>;
  per_payment_fee_cents: Generated<number>;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RemittanceStatementTable {
  tenant_id: string;
  id: Generated<string>;
  creditor_id: string;
  period_start: string;
  period_end: string;
  status: Generated<'draft' | 'issued'>;
  number: string | null;
  recovered_cents: number | null;
  commission_cents: number | null;
  fees_cents: number | null;
  net_cents: number | null;
  snapshot: ColumnType<unknown, string | null, string | null>;
  created_by: string | null;
  created_at: CreatedAt;
  issued_by: string | null;
  issued_at: Date | null;
}

export interface RemittanceLineTable {
  tenant_id: string;
  statement_id: string;
  line_no: number;
  payment_id: string;
  debt_id: string | null;
  kind: 'recovery' | 'excess';
  late: boolean;
  paid_on: string;
  amount_cents: number;
  rate: string;
  commission_cents: number;
  net_cents: number;
}

// Part C — ERP sync (0012_erp_sync.sql): idempotency keys of the receivables API, pull sources and their pulls.
export type ErpPullOutcome = 'imported' | 'unchanged' | 'not_modified' | 'no_files' | 'rejected' | 'unreadable' | 'failed';

export interface ErpBatchTable {
  tenant_id: string;
  id: Generated<string>;
  idempotency_key: string;
  request_sha256: string;
  status_code: number;
  response: ColumnType<unknown, string, string>;
  operations: number;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ErpSourceTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  creditor_id: string;
  portfolio_id: string;
  kind: 'folder' | 'http';
  location: string;
  format: 'csv' | 'jsonl' | null;
  reader_options: ColumnType<Record<string, unknown>, string | undefined, string>;
  all_or_nothing: Generated<boolean>;
  snapshot: Generated<boolean>;
  interval_minutes: number | null;
  cron: string | null;
  http_headers: ColumnType<Record<string, string>, string | undefined, string>;
  active: Generated<boolean>;
  next_run_at: Date | null;
  running_since: Date | null;
  etag: string | null;
  last_modified: string | null;
  last_sha256: string | null;
  last_run_at: Date | null;
  last_outcome: ErpPullOutcome | null;
  last_message: string | null;
  last_import_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ErpPullTable {
  tenant_id: string;
  id: Generated<string>;
  source_id: string;
  file_name: string | null;
  sha256: string | null;
  bytes: number | null;
  outcome: ErpPullOutcome;
  message: string | null;
  import_id: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export type ErpSource = Selectable<ErpSourceTable>;

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  prefix: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** The permissions the key may use (default erp.sync), within its user's role. */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface Schema {
  tenants: TenantTable;
  creditors: CreditorTable;
  portfolios: PortfolioTable;
  debtors: DebtorTable;
  contact_points: ContactPointTable;
  users: UserTable;
  imports: ImportTable;
  import_errors: ImportErrorTable;
  debts: DebtTable;
  events: EventTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationTable;
  index_values: IndexValueTable;
  schedules: ScheduleTable;
  schedule_versions: ScheduleVersionTable;
  message_templates: MessageTemplateTable;
  actions: ActionTable;
  daily_runs: DailyRunTable;
  deliveries: DeliveryTable;
  collector_tasks: CollectorTaskTable;
  offer_policies: OfferPolicyTable;
  agreements: AgreementTable;
  agreement_debts: AgreementDebtTable;
  installments: InstallmentTable;
  payments: PaymentTable;
  debt_credits: DebtCreditTable;
  promises: PromiseTable;
  collection_accounts: CollectionAccountTable;
  remessa_files: RemessaFileTable;
  charges: ChargeTable;
  payment_files: PaymentFileTable;
  unmatched_payments: UnmatchedPaymentTable;
  bureau_listings: BureauListingTable;
  protests: ProtestTable;
  debtor_scores: DebtorScoreTable;
  segments: SegmentTable;
  score_models: ScoreModelTable;
  experiments: ExperimentTable;
  experiment_members: ExperimentMemberTable;
  collectors: CollectorTable;
  distribution_settings: DistributionSettingsTable;
  case_assignments: CaseAssignmentTable;
  dispositions: DispositionTable;
  call_scripts: CallScriptTable;
  portal_sessions: PortalSessionTable;
  portal_codes: PortalCodeTable;
  portal_attempts: PortalAttemptTable;
  data_subject_requests: DataSubjectRequestTable;
  // Part A — enrichment (0010_enrichment.sql)
  enrichment_cache: EnrichmentCacheTable;
  enrichment_lookups: EnrichmentLookupTable;
  enrichment_budgets: EnrichmentBudgetTable;
  data_subject_request_history: DataSubjectRequestHistoryTable; // part E
  // Part B — outbound webhooks
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  // Part D — remittance
  commission_rules: CommissionRuleTable;
  remittance_statements: RemittanceStatementTable;
  remittance_lines: RemittanceLineTable;
  // Part C — ERP sync (0012_erp_sync.sql)
  erp_batches: ErpBatchTable;
  erp_sources: ErpSourceTable;
  erp_pulls: ErpPullTable;
  api_keys: ApiKeyTable;
}

// Part A (issue 9) — enrichment: provider answers cached, every lookup recorded, a tenant's budget (0010_enrichment.sql)
export interface EnrichmentCacheTable {
  tenant_id: string;
  provider: string;
  key: string;
  found: boolean;
  result: ColumnType<unknown, string | null, string | null>;
  fetched_at: Timestamp;
  expires_at: Timestamp;
}

export type EnrichmentLookupOutcome = 'pending' | 'found' | 'not_found' | 'error' | 'budget_exceeded';

export interface EnrichmentLookupTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string | null;
  debtor_id: string | null;
  document: string;
  kind: 'document' | 'cep';
  provider: string;
  legal_basis: string;
  cost_cents: ColumnType<number, number | undefined, number>;
  cached: boolean;
  outcome: EnrichmentLookupOutcome;
  error: string | null;
  at: Generated<Date>;
}

export interface EnrichmentBudgetTable {
  tenant_id: string;
  daily_budget_cents: number;
  daily_max_lookups: number;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export type Debt = Selectable<DebtTable>;
export type Debtor = Selectable<DebtorTable>;
export type Creditor = Selectable<CreditorTable>;
export type Portfolio = Selectable<PortfolioTable>;
export type ContactPoint = Selectable<ContactPointTable>;
export type User = Selectable<UserTable>;
export type Import = Selectable<ImportTable>;
export type TimelineEvent = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type CreditorUpdate = Updateable<CreditorTable>;
export type Agreement = Selectable<AgreementTable>;
export type Installment = Selectable<InstallmentTable>;
export type PaymentRow = Selectable<PaymentTable>;
export type PromiseRow = Selectable<PromiseTable>;
export type CollectionAccount = Selectable<CollectionAccountTable>;
export type Charge = Selectable<ChargeTable>;
export type BureauListing = Selectable<BureauListingTable>;
export type Protest = Selectable<ProtestTable>;
export type DataSubjectRequest = Selectable<DataSubjectRequestTable>;
