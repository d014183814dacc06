import { documentProblemMessages, parseDocument, type DocumentKind } from '../../brazil/documents.ts';
import { isValidEmail, normalizeEmail } from '../../brazil/email.ts';
import { parsePhone, phoneProblemMessages, type PhoneKind } from '../../brazil/phones.ts';
import { isUf, normalizeCep, ufOfCep, UF_INFO } from '../../brazil/uf.ts';
import { dateProblemMessages, parseDate, type IsoDate } from '../../domain/dates.ts';
import { DEBT_KINDS, parseCorrectionIndex, parseDebtKind, type CorrectionIndex, type DebtKind } from '../../domain/debt-kinds.ts';
import { amountProblemMessages, MAX_AMOUNT_CENTS, parseAmount, type Cents, type DecimalSeparator } from '../../domain/money.ts';
import { parsePercent, rateProblemMessages } from '../../domain/rates.ts';
import { normalizeKey, searchableText } from '../../domain/text.ts';
import type { PostalAddress } from '../../store/schema.ts';
import type { FieldName } from './columns.ts';

/** Where each field sits among a record's values; one object shared by every record of a file. */
export type ColumnIndex = Partial<Record<FieldName, number>>;

/** One row of an import file after reading: its values as read, and where each field is among them. */
export interface RawRecord {
  line: number;
  values: readonly string[];
  columns: ColumnIndex;
  /** Set by the reader when the row is unusable as a whole (wrong column count, broken JSON). */
  structureProblem?: string;
}

export function fieldText(record: RawRecord, field: FieldName): string | undefined {
  const index = record.columns[field];
  return index === undefined ? undefined : record.values[index];
}

/** A record from named fields (JSON lines, tests). */
export function recordOf(line: number, fields: Partial<Record<FieldName, string>>, structureProblem?: string): RawRecord {
  const columns: ColumnIndex = {};
  const values: string[] = [];
  for (const [field, value] of Object.entries(fields) as Array<[FieldName, string]>) {
    columns[field] = values.length;
    values.push(value);
  }
  return structureProblem ? { line, values, columns, structureProblem } : { line, values, columns };
}

export interface RowError {
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

export type DebtStatusFromFile = 'open' | 'paid' | 'cancelled';

/** A valid row, normalized: what gets staged and merged. */
export interface ImportRow {
  line: number;
  externalId: string;
  debtor: {
    kind: 'pf' | 'pj';
    document: string;
    name: string;
    searchName: string;
    birthDate: IsoDate | null;
    declaredIncomeCents: Cents | null;
  };
  email: string | null;
  phones: Array<{ e164: string; kind: PhoneKind }>;
  address: PostalAddress | null;
  debt: {
    documentKind: DebtKind;
    description: string | null;
    originalAmountCents: Cents;
    issueDate: IsoDate | null;
    dueDate: IsoDate;
    installmentNumber: number | null;
    installmentCount: number | null;
    correctionIndex: CorrectionIndex | null;
    interestRate: string | null;
    interestKind: 'simple' | 'compound' | null;
    fineRate: string | null;
    feesRate: string | null;
    relationship: 'consumer' | 'b2b';
    status: DebtStatusFromFile;
  };
}

export interface ValidationContext {
  decimal: DecimalSeparator;
  /** Applies when the file has no relationship column: the creditor's business kind. */
  defaultRelationship: 'consumer' | 'b2b';
  /** Today, to refuse birth dates in the future. */
  asOf: IsoDate;
  /** The file's own name for each field, so errors point at the column the user sees. */
  headerOf: (field: FieldName) => string;
}

export const MAX_FIELD_LENGTH = 500;

const RELATIONSHIPS: Record<string, 'consumer' | 'b2b'> = {
  consumo: 'consumer', consumidor: 'consumer', consumer: 'consumer', pf: 'consumer', relacao_de_consumo: 'consumer',
  b2b: 'b2b', empresarial: 'b2b', empresa: 'b2b', comercial: 'b2b', mercantil: 'b2b', pj: 'b2b',
};
const INTEREST_KINDS: Record<string, 'simple' | 'compound'> = {
  simples: 'simple', simple: 'simple', compostos: 'compound', composto: 'compound', compound: 'compound', capitalizado: 'compound',
};
const STATUSES: Record<string, DebtStatusFromFile> = {
  aberto: 'open', em_aberto: 'open', vencido: 'open', a_vencer: 'open', pendente: 'open', open: 'open',
  pago: 'paid', paga: 'paid', liquidado: 'paid', quitado: 'paid', paid: 'paid',
  cancelado: 'cancelled', cancelada: 'cancelled', cancelled: 'cancelled', canceled: 'cancelled',
};

/** Validates one record; returns the normalized row or every problem found in it. */
export function validateRow(record: RawRecord, ctx: ValidationContext): { row: ImportRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  if (record.structureProblem) {
    return { errors: [{ line: record.line, field: '(linha)', value: null, reason: record.structureProblem }] };
  }
  const raw = (field: FieldName): string => (fieldText(record, field) ?? '').trim();
  const fail = (field: FieldName, reason: string): null => {
    const value = raw(field);
    errors.push({ line: record.line, field: ctx.headerOf(field), value: value === '' ? null : value.slice(0, 200), reason });
    return null;
  };
  const optional = <T>(field: FieldName, parse: (text: string) => T | null): T | null => {
    const text = raw(field);
    if (text === '') return null;
    if (text.length > MAX_FIELD_LENGTH) return fail(field, `campo com mais de ${MAX_FIELD_LENGTH} caracteres`);
    return parse(text);
  };
  const required = <T>(field: FieldName, parse: (text: string) => T | null): T | null => {
    if (raw(field) === '') return fail(field, 'campo obrigatório não preenchido');
    return optional(field, parse);
  };

  const externalId = required('externalId', (text) => {
    if (text.length > 60) return fail('externalId', 'id do título com mais de 60 caracteres');
    if (/[\u0000-\u001f]/.test(text)) return fail('externalId', 'id do título contém caracteres de controle');
    return text;
  });

  const document = required('debtorDocument', (text) => {
    const parsed = parseDocument(text);
    return parsed.ok ? parsed.document : fail('debtorDocument', documentProblemMessages[parsed.problem]);
  });

  const name = required('debtorName', (text) => {
    const clean = text.replace(/\s+/g, ' ');
    const problem = debtorNameProblem(clean);
    return problem ? fail('debtorName', problem) : clean;
  });

  const birthDate = optional('birthDate', (text) => {
    const parsed = parseDate(text);
    if (!parsed.ok) return fail('birthDate', dateProblemMessages[parsed.problem]);
    if (parsed.date > ctx.asOf) return fail('birthDate', 'data de nascimento no futuro');
    return parsed.date;
  });

  const declaredIncomeCents = optional('declaredIncome', (text) => {
    const parsed = parseAmount(text, ctx.decimal, { allowZero: true });
    return parsed.ok ? parsed.cents : fail('declaredIncome', amountProblemMessages[parsed.problem]);
  });

  const email = optional('email', (text) => {
    const normalized = normalizeEmail(text);
    return isValidEmail(normalized) ? normalized : fail('email', 'e-mail inválido');
  });

  const phones: Array<{ e164: string; kind: PhoneKind }> = [];
  for (const field of ['phone', 'phone2'] as const) {
    const phone = optional(field, (text) => {
      const parsed = parsePhone(text);
      return parsed.ok ? parsed.phone : fail(field, phoneProblemMessages[parsed.problem]);
    });
    if (phone && !phones.some((p) => p.e164 === phone.e164)) phones.push({ e164: phone.e164, kind: phone.kind });
  }

  const address = validateAddress(raw, fail);

  const documentKind = optional('documentKind', (text) => {
    const kind = parseDebtKind(normalizeKey(text));
    return kind ?? fail('documentKind', `tipo de documento desconhecido; use um de: ${Object.values(DEBT_KINDS).join(', ')}`);
  });

  const description = optional('description', (text) => text);

  let originalAmountCents: Cents | null;
  if (raw('amountCents') !== '') {
    originalAmountCents = optional('amountCents', (text) => {
      if (!/^\d{1,16}$/.test(text)) return fail('amountCents', 'valor em centavos deve ser um número inteiro');
      const cents = Number(text);
      if (cents === 0) return fail('amountCents', amountProblemMessages.zero);
      return cents <= MAX_AMOUNT_CENTS ? cents : fail('amountCents', amountProblemMessages.too_large);
    });
  } else {
    originalAmountCents = required('amount', (text) => {
      const parsed = parseAmount(text, ctx.decimal);
      return parsed.ok ? parsed.cents : fail('amount', amountProblemMessages[parsed.problem]);
    });
  }

  const dateField = (field: FieldName) => (text: string) => {
    const parsed = parseDate(text);
    return parsed.ok ? parsed.date : fail(field, dateProblemMessages[parsed.problem]);
  };
  const dueDate = required('dueDate', dateField('dueDate'));
  const issueDate = optional('issueDate', dateField('issueDate'));
  if (issueDate && dueDate && issueDate > dueDate) fail('issueDate', 'data de emissão posterior ao vencimento');

  const { installmentNumber, installmentCount } = validateInstallment(raw, fail);

  const correctionIndex = optional('correctionIndex', (text) => {
    return parseCorrectionIndex(normalizeKey(text)) ?? fail('correctionIndex', 'índice desconhecido; use IPCA, INPC, IGP-M, Selic, TR ou nenhum');
  });

  const percent = (field: FieldName) => (text: string) => {
    const parsed = parsePercent(text, ctx.decimal);
    return parsed.ok ? parsed.rate : fail(field, rateProblemMessages[parsed.problem]);
  };
  const interestRate = optional('interestRate', percent('interestRate'));
  const interestKind = optional('interestKind', (text) => {
    return INTEREST_KINDS[normalizeKey(text)] ?? fail('interestKind', 'tipo de juros deve ser simples ou compostos');
  });
  const fineRate = optional('fineRate', percent('fineRate'));
  const feesRate = optional('feesRate', percent('feesRate'));

  const relationship = optional('relationship', (text) => {
    return RELATIONSHIPS[normalizeKey(text)] ?? fail('relationship', 'relação deve ser consumo ou empresarial');
  });
  const status = optional('status', (text) => {
    return STATUSES[normalizeKey(text)] ?? fail('status', 'situação deve ser aberto, pago ou cancelado');
  });

  if (errors.length > 0) return { errors };
  const doc = document as { kind: DocumentKind; value: string };
  return {
    row: {
      line: record.line,
      externalId: externalId!,
      debtor: {
        kind: doc.kind === 'cpf' ? 'pf' : 'pj',
        document: doc.value,
        name: name!,
        searchName: searchableText(name!),
        birthDate,
        declaredIncomeCents,
      },
      email,
      phones,
      address,
      debt: {
        documentKind: documentKind ?? 'other',
        description,
        originalAmountCents: originalAmountCents!,
        issueDate,
        dueDate: dueDate!,
        installmentNumber,
        installmentCount,
        correctionIndex,
        interestRate,
        interestKind: interestKind ?? (interestRate !== null ? 'simple' : null),
        fineRate,
        feesRate,
        relationship: relationship ?? ctx.defaultRelationship,
        status: status ?? 'open',
      },
    },
  };
}

type Fail = (field: FieldName, reason: string) => null;

function validateAddress(raw: (field: FieldName) => string, fail: Fail): PostalAddress | null {
  const parts = ['street', 'number', 'complement', 'district', 'city', 'uf', 'cep'] as const;
  if (parts.every((p) => raw(p) === '')) return null;
  let ok = true;
  for (const part of ['street', 'city', 'uf', 'cep'] as const) {
    if (raw(part) === '') {
      fail(part, 'endereço incompleto: logradouro, cidade, UF e CEP são necessários juntos');
      ok = false;
    }
  }
  for (const part of parts) {
    if (raw(part).length > 200) {
      fail(part, 'campo de endereço com mais de 200 caracteres');
      ok = false;
    }
  }
  const uf = raw('uf').toUpperCase();
  if (uf !== '' && !isUf(uf)) {
    fail('uf', 'UF inexistente');
    ok = false;
  }
  const cep = normalizeCep(raw('cep'));
  if (cep !== '') {
    if (!/^\d{8}$/.test(cep)) {
      fail('cep', 'CEP deve ter 8 dígitos');
      ok = false;
    } else if (isUf(uf) && ufOfCep(cep) !== uf) {
      fail('cep', `CEP não pertence a ${UF_INFO[uf].name} (${uf})`);
      ok = false;
    }
  }
  if (!ok) return null;
  const orNull = (text: string) => (text === '' ? null : text.replace(/\s+/g, ' '));
  return {
    street: raw('street').replace(/\s+/g, ' '),
    number: orNull(raw('number')),
    complement: orNull(raw('complement')),
    district: orNull(raw('district')),
    city: raw('city').replace(/\s+/g, ' '),
    uf,
    cep,
  };
}

function validateInstallment(raw: (field: FieldName) => string, fail: Fail): { installmentNumber: number | null; installmentCount: number | null } {
  let number: number | null = null;
  let count: number | null = null;
  const positive = (text: string) => (/^\d{1,4}$/.test(text) && Number(text) >= 1 ? Number(text) : null);
  const installment = raw('installment');
  if (installment !== '') {
    const m = /^(\d+)\s*(?:\/|de)\s*(\d+)$/i.exec(installment);
    if (m) {
      number = positive(m[1]!);
      count = positive(m[2]!);
      if (number === null || count === null) return { installmentNumber: fail('installment', 'parcela deve ser um número inteiro positivo'), installmentCount: null };
    } else {
      number = positive(installment);
      if (number === null) return { installmentNumber: fail('installment', 'parcela deve ser um número inteiro positivo (ou "3/12")'), installmentCount: null };
    }
  }
  const total = raw('installmentCount');
  if (total !== '') {
    const parsed = positive(total);
    if (parsed === null) return { installmentNumber: number, installmentCount: fail('installmentCount', 'total de parcelas deve ser um número inteiro positivo') };
    if (count !== null && count !== parsed) {
      return { installmentNumber: number, installmentCount: fail('installmentCount', `total de parcelas diverge da parcela informada (${installment})`) };
    }
    count = parsed;
  }
  if (number !== null && count !== null && number > count) {
    fail('installment', `parcela ${number} maior que o total de ${count} parcelas`);
    return { installmentNumber: null, installmentCount: null };
  }
  return { installmentNumber: number, installmentCount: count };
}

/** What is wrong with a debtor's name (spaces already collapsed), in pt-BR; null when it is fine. Also for debtors entered by hand. */
export function debtorNameProblem(name: string): string | null {
  if (!/\p{L}/u.test(name)) return 'nome deve conter letras';
  if (name.length < 2 || name.length > 200) return 'nome deve ter entre 2 e 200 caracteres';
  return null;
}
