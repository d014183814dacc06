import { Decimal } from '../../domain/decimal.ts';
import { z, zIsoDate } from '../../api/zod.ts';
import type { FieldName } from '../imports/columns.ts';

/**
 * The operations of a receivables batch (docs/erp-sync.md). An upsert carries the same fields as
 * an import file's line — it is validated by the importer's `validateRow` and written by the
 * importer — but in JSON with the API's conventions: money in centavos (or `amount` in reais
 * with a point), rates as fractions ("0.01" = 1% a.m.), the debtor and the contract terms nested.
 */
export const ERP_BATCH_MAX_OPERATIONS = 1000;

const text = (max: number) => z.string().max(max);
const textOrNumber = z.union([z.string().max(200), z.number()]);

const addressInput = z.strictObject({
  street: text(200).optional(),
  number: textOrNumber.optional(),
  complement: text(200).optional(),
  district: text(200).optional(),
  city: text(200).optional(),
  uf: text(2).optional(),
  cep: textOrNumber.optional(),
});

const debtorInput = z.strictObject({
  document: text(30).describe('CPF ou CNPJ, com ou sem pontuação'),
  name: text(300),
  birthDate: text(20).optional(),
  declaredIncomeCents: z.number().int().min(0).optional(),
  email: text(200).optional(),
  phones: z.array(text(40)).max(2).optional(),
  address: addressInput.optional(),
});

const termsInput = z.strictObject({
  correctionIndex: text(20).optional().describe('IPCA, INPC, IGP-M, Selic, TR ou nenhum'),
  interestRate: textOrNumber.optional().describe('Juros de mora ao mês, em fração: "0.01" = 1% a.m.'),
  interestKind: z.enum(['simple', 'compound']).optional(),
  fineRate: textOrNumber.optional().describe('Multa, em fração: "0.02" = 2%'),
  feesRate: textOrNumber.optional().describe('Honorários contratuais, em fração: "0.1" = 10%'),
});

export const upsertOperation = z.strictObject({
  op: z.literal('upsert'),
  externalId: text(200).describe('O id do título no ERP: a chave da sincronização, por credor'),
  creditor: text(40).optional().describe('Id ou CNPJ/CPF do credor (padrão: o do lote)'),
  portfolio: text(200).optional().describe('Id ou nome da carteira (padrão: a do lote, a atual do título, ou a única do credor)'),
  debtor: debtorInput,
  amountCents: z.number().int().optional(),
  amount: textOrNumber.optional().describe('Valor em reais com ponto decimal, se não vier amountCents'),
  dueDate: text(20),
  issueDate: text(20).optional(),
  kind: text(40).optional().describe('Tipo de documento: boleto, duplicata, nota promissória, cheque, contrato…'),
  description: text(500).optional(),
  installment: z.number().int().optional(),
  installmentCount: z.number().int().optional(),
  terms: termsInput.optional(),
  relationship: z.enum(['consumer', 'b2b']).optional(),
});

export const SETTLE_REASONS = {
  paid_to_creditor: { status: 'settled', label: 'pago diretamente ao credor' },
  cancelled: { status: 'cancelled', label: 'cancelado pelo credor' },
} as const;
export type SettleReason = keyof typeof SETTLE_REASONS;

export const settleOperation = z.strictObject({
  op: z.literal('settle'),
  externalId: text(200),
  creditor: text(40).optional(),
  settledOn: zIsoDate.describe('Dia do pagamento ao credor ou do cancelamento'),
  reason: z.enum(Object.keys(SETTLE_REASONS) as [SettleReason, ...SettleReason[]]),
  note: text(500).optional(),
});

export const receivablesBatchInput = z.strictObject({
  creditor: text(40).optional().describe('Id ou CNPJ/CPF do credor das operações que não informarem o seu'),
  portfolio: text(200).optional().describe('Id ou nome da carteira padrão das inclusões'),
  operations: z.array(z.discriminatedUnion('op', [upsertOperation, settleOperation])).min(1).max(ERP_BATCH_MAX_OPERATIONS),
});

export type UpsertOperation = z.infer<typeof upsertOperation>;
export type SettleOperation = z.infer<typeof settleOperation>;
export type ReceivablesBatchInput = z.infer<typeof receivablesBatchInput>;

/** Where each importer field sits in an upsert operation, for the error report. */
export const FIELD_PATHS: Record<FieldName, string> = {
  externalId: 'externalId', debtorDocument: 'debtor.document', debtorName: 'debtor.name', birthDate: 'debtor.birthDate',
  declaredIncome: 'debtor.declaredIncomeCents', email: 'debtor.email', phone: 'debtor.phones[0]', phone2: 'debtor.phones[1]',
  street: 'debtor.address.street', number: 'debtor.address.number', complement: 'debtor.address.complement',
  district: 'debtor.address.district', city: 'debtor.address.city', uf: 'debtor.address.uf', cep: 'debtor.address.cep',
  documentKind: 'kind', description: 'description', amountCents: 'amountCents', amount: 'amount', issueDate: 'issueDate',
  dueDate: 'dueDate', installment: 'installment', installmentCount: 'installmentCount', correctionIndex: 'terms.correctionIndex',
  interestRate: 'terms.interestRate', interestKind: 'terms.interestKind', fineRate: 'terms.fineRate', feesRate: 'terms.feesRate',
  relationship: 'relationship', status: 'status',
};

/** "0.015" → "1.5": the importer reads rates in percent; a text that is no number goes through for it to refuse. */
export function fractionToPercent(value: string | number): string {
  const text = String(value).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return text;
  return new Decimal(text).times(100).toFixed();
}

/** Centavos → reais with a point ("123456" → "1234.56"), exactly. */
export function centsToReais(cents: number): string {
  return new Decimal(cents).dividedBy(100).toFixed(2);
}

/** An upsert as the importer's fields (the text of a JSON-lines record). */
export function importFieldsOf(op: UpsertOperation): Partial<Record<FieldName, string>> {
  const f: Partial<Record<FieldName, string>> = {};
  const put = (field: FieldName, value: string | number | undefined) => {
    if (value !== undefined) f[field] = String(value);
  };
  put('externalId', op.externalId);
  put('debtorDocument', op.debtor.document);
  put('debtorName', op.debtor.name);
  put('birthDate', op.debtor.birthDate);
  if (op.debtor.declaredIncomeCents !== undefined) put('declaredIncome', centsToReais(op.debtor.declaredIncomeCents));
  put('email', op.debtor.email);
  put('phone', op.debtor.phones?.[0]);
  put('phone2', op.debtor.phones?.[1]);
  const a = op.debtor.address;
  if (a) {
    put('street', a.street);
    put('number', a.number);
    put('complement', a.complement);
    put('district', a.district);
    put('city', a.city);
    put('uf', a.uf);
    put('cep', a.cep);
  }
  put('documentKind', op.kind);
  put('description', op.description);
  put('amountCents', op.amountCents);
  put('amount', op.amount);
  put('issueDate', op.issueDate);
  put('dueDate', op.dueDate);
  put('installment', op.installment);
  put('installmentCount', op.installmentCount);
  const t = op.terms;
  if (t) {
    put('correctionIndex', t.correctionIndex);
    if (t.interestRate !== undefined) put('interestRate', fractionToPercent(t.interestRate));
    put('interestKind', t.interestKind);
    if (t.fineRate !== undefined) put('fineRate', fractionToPercent(t.fineRate));
    if (t.feesRate !== undefined) put('feesRate', fractionToPercent(t.feesRate));
  }
  put('relationship', op.relationship);
  return f;
}

/** JSON with sorted keys: the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
