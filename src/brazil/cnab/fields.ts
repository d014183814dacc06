/**
 * Fixed-width records: positions are 1-based and inclusive, as the FEBRABAN and bank manuals
 * write them ("posições 254 a 266"), so a layout table here reads like the manual's.
 * Every reading error names the line, the positions and the field, in the manual's words.
 */
import { AppError } from '../../shared/errors.ts';
import { daysInMonth } from '../../domain/dates.ts';

export type Span = readonly [start: number, end: number];

/** One physical line of a CNAB file, padded to the record length. */
export interface CnabRecord {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/** pt-BR names of the fields, as the manuals call them (used in error messages). */
export const FIELD_LABELS: Record<string, string> = {
  bankCode: 'código do banco',
  batch: 'lote de serviço',
  recordType: 'tipo de registro',
  sequence: 'número sequencial do registro',
  segment: 'código do segmento',
  fileKind: 'código remessa/retorno',
  generatedOn: 'data de geração do arquivo',
  generatedTime: 'hora de geração do arquivo',
  fileSequence: 'número sequencial do arquivo',
  document: 'número de inscrição',
  documentType: 'tipo de inscrição',
  agreement: 'convênio / código do beneficiário',
  agency: 'agência',
  agencyDigit: 'dígito da agência',
  account: 'conta',
  accountDigit: 'dígito da conta',
  beneficiaryName: 'nome da empresa',
  occurrence: 'código de ocorrência',
  occurrenceDate: 'data da ocorrência',
  nossoNumero: 'nosso número',
  nossoNumeroDigit: 'dígito do nosso número',
  wallet: 'carteira',
  walletCode: 'código da carteira',
  documentNumber: 'número do documento',
  companyUse: 'identificação do título na empresa',
  dueDate: 'data de vencimento',
  issueDate: 'data de emissão',
  faceValue: 'valor do título',
  collectingBank: 'banco cobrador',
  collectingAgency: 'agência cobradora',
  collectingAgencyDigit: 'dígito da agência cobradora',
  fees: 'valor da tarifa',
  reasons: 'motivos da ocorrência',
  interest: 'juros / multa / encargos',
  discount: 'valor do desconto',
  rebate: 'valor do abatimento',
  iof: 'valor do IOF',
  amountPaid: 'valor pago',
  netAmount: 'valor líquido creditado',
  otherExpenses: 'outras despesas',
  otherCredits: 'outros créditos',
  creditDate: 'data do crédito',
  settlementCode: 'código de liquidação',
  dda: 'indicador de boleto DDA',
  batchRecords: 'quantidade de registros do lote',
  fileBatches: 'quantidade de lotes do arquivo',
  fileRecords: 'quantidade de registros do arquivo',
  titleCount: 'quantidade de títulos',
  titleTotal: 'valor total dos títulos',
  kind: 'espécie do título',
  interestCode: 'código do juros de mora',
  interestDate: 'data do juros de mora',
  interestPerDay: 'juros de mora por dia',
  fineCode: 'código da multa',
  fineDate: 'data da multa',
  fineValue: 'valor / percentual da multa',
  payerDocumentType: 'tipo de inscrição do pagador',
  payerDocument: 'inscrição do pagador',
  payerName: 'nome do pagador',
  payerStreet: 'endereço do pagador',
  payerDistrict: 'bairro do pagador',
  payerPostalCode: 'CEP do pagador',
  payerCity: 'cidade do pagador',
  payerUf: 'UF do pagador',
};

export function positions([start, end]: Span): string {
  return start === end ? `posição ${start}` : `posições ${start}–${end}`;
}

/** Control characters would garble a terminal; they are shown as '·'. */
export function shown(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '·');
}

/** An AppError for one field of one line: "Linha 7, posições 254–266 (valor pago): …". */
export function fieldError(record: CnabRecord, span: Span, key: string, problem: string): AppError {
  const label = FIELD_LABELS[key] ?? key;
  const message = `Linha ${record.line}, ${positions(span)} (${label}): ${problem}`;
  return new AppError('validation', message, { problems: [{ field: `linha ${record.line}, ${positions(span)} (${key})`, message }] });
}

/** An AppError about a whole line (its length, its place in the file). */
export function lineError(line: number, problem: string): AppError {
  const message = `Linha ${line}: ${problem}`;
  return new AppError('validation', message, { problems: [{ field: `linha ${line}`, message }] });
}

export function slice(record: CnabRecord, [start, end]: Span): string {
  return record.text.slice(start - 1, end);
}

/** Trimmed text, or null when blank. */
export function readText(record: CnabRecord, span: Span): string | null {
  const text = slice(record, span).trim();
  return text === '' ? null : text;
}

/** An unsigned integer field; blank counts as zero only when `blankIsZero`. */
export function readInteger(record: CnabRecord, key: string, span: Span, options: { blankIsZero?: boolean } = {}): number {
  const raw = slice(record, span);
  if (options.blankIsZero && raw.trim() === '') return 0;
  if (!/^\d+$/.test(raw)) throw fieldError(record, span, key, `"${shown(raw.trim())}" não é um número.`);
  return Number(raw);
}

/**
 * Money with two implied decimals (picture 9(13)V99 or 9(11)V99), read digit by digit into
 * centavos: "000000000020997" is R$ 209,97 = 20997. A blank field is zero (some banks leave
 * unused amounts blank); anything else that is not all digits is an error.
 */
export function readMoney(record: CnabRecord, key: string, span: Span): number {
  const raw = slice(record, span);
  if (raw.trim() === '') return 0;
  if (!/^\d+$/.test(raw)) throw fieldError(record, span, key, `"${shown(raw.trim())}" não é um número.`);
  return Number(raw); // at most 15 digits, below 2^53
}

/**
 * DDMMAAAA (CNAB 240) or DDMMAA (CNAB 400) to 'YYYY-MM-DD'. Zeros or blanks mean "no date"
 * (null); a date that does not exist is an error. Two-digit years: 00–69 are 20xx, 70–99 are
 * 19xx (CNAB 400 dates a file's own business, never decades ahead).
 */
export function readDate(record: CnabRecord, key: string, span: Span): string | null {
  const raw = slice(record, span);
  if (/^[0\s]*$/.test(raw)) return null;
  const format = raw.length === 6 ? 'DDMMAA' : 'DDMMAAAA';
  if (!/^\d+$/.test(raw) || (raw.length !== 6 && raw.length !== 8)) {
    throw fieldError(record, span, key, `"${shown(raw.trim())}" não é uma data (${format}).`);
  }
  const day = Number(raw.slice(0, 2));
  const month = Number(raw.slice(2, 4));
  let year = Number(raw.slice(4));
  if (raw.length === 6) year += year < 70 ? 2000 : 1900;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1900) {
    throw fieldError(record, span, key, `"${raw}" não é uma data válida (${format}).`);
  }
  return `${String(year).padStart(4, '0')}-${raw.slice(2, 4)}-${raw.slice(0, 2)}`;
}

/** Digits without leading zeros ('0' stays '0'); null when blank or all zeros. */
export function readCode(record: CnabRecord, key: string, span: Span): string | null {
  const raw = slice(record, span).trim();
  if (raw === '' || /^0+$/.test(raw)) return null;
  if (!/^\d+$/.test(raw)) throw fieldError(record, span, key, `"${shown(raw)}" não é um número.`);
  return raw.replace(/^0+/, '');
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A record being written: blanks to start with, each field put at its manual positions. */
export class RecordWriter {
  readonly chars: string[];

  constructor(length: number) {
    this.chars = Array.from({ length }, () => ' ');
  }

  /** Puts a value that must already have the field's exact width (a bug otherwise). */
  put([start, end]: Span, value: string): this {
    if (value.length !== end - start + 1) throw new Error(`campo ${start}–${end}: "${value}" não tem ${end - start + 1} caracteres`);
    for (let i = 0; i < value.length; i++) this.chars[start - 1 + i] = value[i]!;
    return this;
  }

  num(span: Span, value: string | number): this {
    return this.put(span, zeros(value, span[1] - span[0] + 1));
  }

  alpha(span: Span, text: string | null | undefined): this {
    return this.put(span, alpha(text ?? '', span[1] - span[0] + 1));
  }

  toString(): string {
    return this.chars.join('');
  }
}

/** Zero-padded digits of exactly `width` places (callers validate the length first). */
export function zeros(value: string | number, width: number): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (!/^\d*$/.test(text) || text.length > width) throw new Error(`"${text}" não cabe em ${width} dígitos`);
  return text.padStart(width, '0');
}

/** Letters and signs that Unicode does not decompose into ASCII. */
const ASCII_FOLD: Record<string, string> = {
  Æ: 'AE', Ø: 'O', Œ: 'OE', ß: 'SS', Ð: 'D', Þ: 'TH', Ł: 'L', Đ: 'D',
  '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '«': '"', '»': '"',
};

/**
 * Text as CNAB wants it: uppercase ASCII without accents (Ç → C, º → O, Æ → AE), anything
 * else (emoji, control characters) as one blank per character.
 */
export function cnabText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\x20-\x7e]/gu, (ch) => ASCII_FOLD[ch] ?? ' ');
}

export function alpha(text: string, width: number): string {
  return cnabText(text).slice(0, width).padEnd(width, ' ');
}

/** 'YYYY-MM-DD' → DDMMAAAA. */
export function ddmmyyyy(date: string): string {
  return `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;
}
