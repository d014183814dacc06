/** The shapes the screens read from the API (the OpenAPI document at /openapi.json is the full contract). */
export interface Page<T> {
  items: T[];
  limit?: number;
  offset?: number;
  hasMore?: boolean;
}

export interface DebtorRow {
  id: string;
  kind: 'pf' | 'pj';
  document: string;
  documentFormatted: string;
  name: string;
  uf: string | null;
  city: string | null;
  birthDate: string | null;
  openDebts?: number;
  openAmountCents?: number;
  oldestDueDate?: string | null;
}

export interface Contact {
  id: string;
  channel: string;
  display: string;
  phoneKind: string | null;
  verified: boolean;
  isReference: boolean;
  referenceName: string | null;
  optedOutChannels: string[];
  whatsappOptInAt: string | null;
  invalidAt: string | null;
}

export interface Debt {
  id: string;
  creditorId: string;
  portfolioId: string;
  externalId: string;
  description: string | null;
  originalAmountCents: number;
  dueDate: string;
  status: string;
  installmentNumber: number | null;
  installmentCount: number | null;
  disputedAt: string | null;
}

export interface TimelineEvent {
  id: number;
  type: string;
  occurredAt: string;
  actorKind: string;
  data: Record<string, unknown>;
}

export interface CaseView {
  debtor: DebtorRow;
  contacts: Contact[];
  debts: Debt[];
  events: TimelineEvent[];
  summary: { openDebts: number; openAmountCents: number; creditors: Array<{ id: string; legalName: string; openDebts: number; openAmountCents: number }> };
}

export type Components = Record<'principal' | 'correction' | 'interest' | 'fine' | 'fees', number>;

export interface MemoryLine {
  component: string;
  description: string;
  amountCents: number;
}

export interface DebtBalance {
  debtId: string;
  externalId: string;
  daysOverdue: number;
  total: number;
  components: Components;
  memory: MemoryLine[];
}

export interface DebtorBalance {
  asOf: string;
  total: number;
  components: Components;
  debts: DebtBalance[];
}

export interface Offer {
  key: string;
  kind: 'cash' | 'installments';
  validUntil: string;
  installmentCount: number;
  balanceCents: number;
  discountCents: number;
  negotiatedCents: number;
  downPaymentCents: number;
  interestCents: number;
  totalCents: number;
  monthlyRate: string;
  payments: Array<{ number: number; dueDate: string; amountCents: number }>;
  cet: { monthly: string; yearly: string } | null;
  violations: Array<{ rule?: string; message: string } | string>;
  withinPolicy: boolean;
  explanation: string[];
}

export interface OffersResult {
  creditorId: string;
  policy: { id: string | null; name: string };
  balanceCents: number;
  floorCents: number;
  offers: Offer[];
  proposal?: Offer | null;
}

export interface Installment {
  id: string;
  number: number;
  dueDate: string;
  amountCents: number;
  paidCents: number;
  status: string;
}

export interface Agreement {
  id: string;
  number: string;
  status: string;
  debtorId: string;
  creditorId: string;
  asOf: string;
  validUntil: string;
  balanceCents: number;
  discountCents: number;
  totalCents: number;
  installmentCount: number;
  withinPolicy: boolean;
  approval: { status: string; reason: string | null };
  acceptance: { at: string; channel: string } | null;
  installments: Installment[];
  paymentMethod?: string;
}

export interface Charge {
  id: string;
  kind: 'boleto' | 'pix';
  installmentId: string | null;
  agreementId: string | null;
  installmentNumber: number | null;
  amountCents: number;
  dueDate: string;
  status: string;
  paidCents: number;
  paidOn: string | null;
  line: string | null;
  barcode: string | null;
  pixCopiaECola: string | null;
}

/** A rate as the API sends it: a decimal fraction in text ("0.1234"), null without a denominator. */
export type Rate = string | null;
interface Effectiveness {
  sent: number;
  delivered: number;
  failed: number;
  debtorsReached: number;
  debtorsConverted: number;
  conversionRate: Rate;
  deliveryRate: Rate;
}
interface RollFigures {
  debts: number;
  amountCents: number;
  cured: number;
  rolled: number;
  stayed: number;
  closed: number;
  cureRate: Rate;
  rollRate: Rate;
}
/** GET /api/dashboard (definitions of every figure in docs/dashboard.md). */
export interface Dashboard {
  period: { from: string; to: string; granularity: 'month' | 'week' };
  summary: {
    openAmountCents: number;
    openDebts: number;
    debtorsWithOpenDebts: number;
    inAgreementAmountCents: number;
    outstandingAtStartCents: number;
    placedAmountCents: number;
    recoveredCents: number;
    payments: number;
    recoveryRate: Rate;
    agreementsMade: number;
    agreementsMadeCents: number;
    agreementsFulfilled: number;
    agreementsBroken: number;
    agreementsActive: number;
    promisesKept: number;
    promisesBroken: number;
    promisesKeptRate: Rate;
  };
  recoveredOverTime: Array<{ periodStart: string; label: string; amountCents: number; payments: number; agreements: number }>;
  aging: Array<{ bucket: string; label: string; debts: number; amountCents: number }>;
  funnel: Array<{ stage: string; label: string; debtors: number; rateFromPrevious: Rate; rateFromStart: Rate }>;
  rollRates: Array<{ month: string; label: string; buckets: Array<RollFigures & { bucket: string; label: string }>; total: RollFigures }>;
  stepEffectiveness: Array<Effectiveness & { stepId: string; stage: string; channel: string; channelLabel: string; template: string }>;
  channelEffectiveness: Array<Effectiveness & { channel: string; channelLabel: string }>;
  collectors: Array<{ rank: number; userId: string; name: string; team: string | null; receivedCents: number; agreements: number; agreedCents: number; casesWorked: number; rightPartyContactRate: Rate; promiseRate: Rate; promiseKeptRate: Rate }> | null;
}


/** A creditor as pickers and tables name it. */
export interface CreditorRef {
  id: string;
  legalName: string;
}

/** A refused row of an import (line, field, value, reason in pt-BR). */
export interface ImportError {
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

/** What an import did, as the importer reports it (upload, ERP pull). */
export interface ImportCounts {
  totalRows: number;
  createdRows: number;
  updatedRows: number;
  unchangedRows: number;
  rejectedRows: number;
  settledRows: number;
  errorCount: number;
  errors: ImportError[];
}
