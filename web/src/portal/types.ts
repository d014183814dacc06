/** What the portal API answers (GET /api/portal/{agência}, …/me, …/offers…). */
export interface PortalInfo {
  slug: string;
  name: string;
  document: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  address: string | null;
  dpo: { name: string | null; email: string | null; phone: string | null };
  identification: { birthDate: true; codeChannels: Array<'email' | 'sms'> };
  sessionIdleMinutes: number;
  privacy: { controller: string; legalBasis: string; purposes: string[]; rights: Array<{ kind: string; label: string }>; responseDays: number };
}

export interface PortalCreditor {
  id: string;
  legalName: string;
  tradeName: string | null;
  document: string;
  documentKind: 'cnpj' | 'cpf';
}

export interface PortalCharge {
  id: string;
  kind: 'boleto' | 'pix';
  status: 'open' | 'paid' | 'cancelled';
  amountCents: number;
  dueDate: string;
  paidOn: string | null;
  line: string | null;
  barcode: string | null;
  pixCopiaECola: string | null;
}

export interface PortalAgreement {
  id: string;
  number: string;
  status: string;
  creditor: PortalCreditor;
  validUntil: string;
  acceptedAt: string | null;
  paymentMethod: 'pix' | 'boleto';
  balanceCents: number;
  discountCents: number;
  totalCents: number;
  installmentCount: number;
  explanation: string[];
  installments: Array<{ id: string | null; number: number; dueDate: string; amountCents: number; paidCents: number; status: string; paidOn: string | null; charges: PortalCharge[] }>;
}

type Components = Record<'principal' | 'correction' | 'interest' | 'fine' | 'fees', number>;

export interface PortalMe {
  debtor: { firstName: string; document: string; kind: 'pf' | 'pj' };
  asOf: string;
  totalCents: number;
  components: Components;
  debts: Array<{
    id: string;
    externalId: string;
    description: string | null;
    dueDate: string;
    originalCents: number;
    status: 'open' | 'in_agreement';
    disputed: boolean;
    creditor: PortalCreditor;
    agreementId: string | null;
    balance: { daysOverdue: number; total: number; components: Components } | null;
  }>;
  creditors: Array<PortalCreditor & { address: string; phone: string | null; email: string | null; website: string | null; negotiable: boolean }>;
  agreements: PortalAgreement[];
}
