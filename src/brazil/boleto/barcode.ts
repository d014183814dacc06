/**
 * The boleto de cobrança's barcode (44 digits) and typeable line ("linha digitável", 47 digits),
 * as FEBRABAN lays them out (Bacen Carta-Circular 2.926/2000, Circular 3.598/2013; CAIXA SIGCB
 * v015 Anexos I and V restate them):
 *
 *   barcode  BBB M D FFFF VVVVVVVVVV LLLLLLLLLLLLLLLLLLLLLLLLL
 *            bank, currency (9 = real), general DV (mod 11), due factor, amount in centavos,
 *            25-digit free field ("campo livre") defined by each bank
 *   line     BBBML.LLLLx LLLLL.LLLLLy LLLLL.LLLLLz D FFFFVVVVVVVVVV
 *            the free field split 5 + 10 + 10, each field closed by a mod-10 DV (x, y, z)
 */
import { AppError, type FieldProblem } from '../../shared/errors.ts';
import { isIsoDate, type IsoDate } from '../../domain/dates.ts';
import { barcodeCheckDigit, mod10 } from './check-digits.ts';
import { dueDateOfFactor, dueFactorOf } from './due-factor.ts';

export interface Boleto {
  bankCode: string;
  /** '9' = real; '0' = another currency (FEBRABAN). */
  currency: string;
  /** Centavos, 0 … 9 999 999 999 (ten digits); 0 when the payer fills it in. */
  amount: number;
  /** null when the factor is 0000 (no due date). */
  dueDate: IsoDate | null;
  barcode: string;
  line: string;
  freeField: string;
}

export interface BoletoFields {
  bankCode: string;
  currency?: string;
  amount: number;
  dueDate: IsoDate | null;
  freeField: string;
}

export const MAX_BOLETO_AMOUNT = 9_999_999_999;
const CURRENCIES = ['9', '0'];

/** A typeable line with its usual punctuation: '34191.09008 00012.345670 12345.678901 1 10010000012345'. */
export function formatLine(line: string): string {
  const d = line.replace(/\D/g, '');
  if (d.length !== 47) return line;
  return `${d.slice(0, 5)}.${d.slice(5, 10)} ${d.slice(10, 15)}.${d.slice(15, 21)} ${d.slice(21, 26)}.${d.slice(26, 32)} ${d[32]} ${d.slice(33)}`;
}

/** The line of a barcode (its three mod-10 DVs added); the barcode is taken as valid. */
export function lineFromBarcode(barcode: string): string {
  const field1 = barcode.slice(0, 4) + barcode.slice(19, 24);
  const field2 = barcode.slice(24, 34);
  const field3 = barcode.slice(34, 44);
  return `${field1}${mod10(field1)}${field2}${mod10(field2)}${field3}${mod10(field3)}${barcode[4]}${barcode.slice(5, 19)}`;
}

/** The barcode of a line (its three mod-10 DVs dropped); the line's DVs are not checked here. */
export function barcodeFromLine(line: string): string {
  return line.slice(0, 4) + line[32] + line.slice(33, 47) + line.slice(4, 9) + line.slice(10, 20) + line.slice(21, 31);
}

/** Builds barcode and line from their parts, refusing what FEBRABAN's layout cannot carry. */
export function encodeBoleto(input: BoletoFields): Boleto {
  const problems: FieldProblem[] = [];
  const bankCode = String(input.bankCode ?? '');
  const currency = input.currency ?? '9';
  if (!/^\d{3}$/.test(bankCode)) problems.push({ field: 'bankCode', message: 'código do banco deve ter 3 dígitos' });
  else if (bankCode[0] === '8') problems.push({ field: 'bankCode', message: 'código começando com 8 identifica arrecadação (contas de consumo, tributos), não boleto de cobrança' });
  if (!CURRENCIES.includes(currency)) problems.push({ field: 'currency', message: 'código da moeda deve ser 9 (real) ou 0 (outras moedas)' });
  if (!Number.isSafeInteger(input.amount) || input.amount < 0 || input.amount > MAX_BOLETO_AMOUNT) {
    problems.push({ field: 'amount', message: 'valor em centavos deve ser inteiro entre 0 e 9999999999 (R$ 99.999.999,99)' });
  }
  if (input.dueDate !== null && (typeof input.dueDate !== 'string' || !isIsoDate(input.dueDate))) {
    problems.push({ field: 'dueDate', message: 'vencimento deve ser uma data AAAA-MM-DD ou null (sem vencimento)' });
  }
  if (typeof input.freeField !== 'string' || !/^\d{25}$/.test(input.freeField)) problems.push({ field: 'freeField', message: 'campo livre deve ter 25 dígitos' });
  if (problems.length > 0) throw fieldError(problems);

  const factor = input.dueDate === null ? 0 : dueFactorOf(input.dueDate);
  const body = `${bankCode}${currency}${String(factor).padStart(4, '0')}${String(input.amount).padStart(10, '0')}${input.freeField}`;
  const barcode = body.slice(0, 4) + barcodeCheckDigit(body) + body.slice(4);
  return { bankCode, currency, amount: input.amount, dueDate: input.dueDate, barcode, line: lineFromBarcode(barcode), freeField: input.freeField };
}

/**
 * Reads a typeable line (47 digits) or a barcode (44 digits), with or without punctuation,
 * checking every check digit. A wrong DV is an AppError naming the field at fault ('campo1',
 * 'campo2', 'campo3', 'dvGeral' for a line; 'codigoBarras' for a barcode) with the digit
 * found and the one expected. `asOf` dates the due factor (see due-factor.ts); it is needed
 * unless the factor is 0000.
 */
export function decodeBoleto(input: string, options: { asOf?: IsoDate } = {}): Boleto {
  const digits = normalizeInput(input);
  let barcode: string;
  if (digits.length === 47) {
    checkLine(digits);
    barcode = barcodeFromLine(digits);
  } else if (digits.length === 44) {
    if (digits[0] === '8') throw collectionSlip();
    const expected = barcodeCheckDigit(digits.slice(0, 4) + digits.slice(5));
    if (Number(digits[4]) !== expected) {
      throw new AppError('validation', `Dígito verificador do código de barras (5ª posição, módulo 11) é ${digits[4]}, deveria ser ${expected}.`, { field: 'codigoBarras' });
    }
    barcode = digits;
  } else if (digits.length === 48 && digits[0] === '8') {
    throw collectionSlip();
  } else {
    throw new AppError('validation', `Informe a linha digitável (47 dígitos) ou o código de barras (44 dígitos) do boleto; foram lidos ${digits.length} dígitos.`, { field: 'codigo' });
  }

  const bankCode = barcode.slice(0, 3);
  const currency = barcode[3]!;
  if (bankCode[0] === '8') throw collectionSlip();
  if (!CURRENCIES.includes(currency)) {
    throw new AppError('validation', `Código da moeda ${currency} não existe no boleto de cobrança (9 = real, 0 = outras moedas).`, { field: 'moeda' });
  }
  const factor = Number(barcode.slice(5, 9));
  let dueDate: IsoDate | null = null;
  if (factor !== 0) {
    if (options.asOf === undefined) {
      throw new AppError('validation', 'Informe a data de referência (asOf) para ler o fator de vencimento: ele recomeçou em 1000 em 22/02/2025.', { field: 'asOf' });
    }
    dueDate = dueDateOfFactor(factor, options.asOf);
  }
  return {
    bankCode,
    currency,
    amount: Number(barcode.slice(9, 19)),
    dueDate,
    barcode,
    line: lineFromBarcode(barcode),
    freeField: barcode.slice(19),
  };
}

/** Digits only; the usual punctuation (spaces, dots, hyphens) is dropped, anything else refused. */
function normalizeInput(input: string): string {
  if (typeof input !== 'string') throw new AppError('validation', 'Informe a linha digitável ou o código de barras como texto.', { field: 'codigo' });
  const digits = input.replace(/[\s.\-]/g, '');
  const stray = /\D/.exec(digits);
  if (stray) {
    throw new AppError('validation', `A linha digitável ou o código de barras só tem dígitos; encontrado "${stray[0]}".`, { field: 'codigo' });
  }
  return digits;
}

/** The three mod-10 DVs, then (only if they hold, so one typo is reported once) the general DV. */
function checkLine(line: string): void {
  const problems: FieldProblem[] = [];
  const fields = [
    { field: 'campo1', data: line.slice(0, 9), dv: line[9]! },
    { field: 'campo2', data: line.slice(10, 20), dv: line[20]! },
    { field: 'campo3', data: line.slice(21, 31), dv: line[31]! },
  ];
  for (const [i, f] of fields.entries()) {
    const expected = mod10(f.data);
    if (Number(f.dv) !== expected) {
      problems.push({ field: f.field, message: `dígito verificador do campo ${i + 1} (módulo 10) é ${f.dv}, deveria ser ${expected}` });
    }
  }
  if (problems.length === 0) {
    const barcode = barcodeFromLine(line);
    const expected = barcodeCheckDigit(barcode.slice(0, 4) + barcode.slice(5));
    if (Number(line[32]) !== expected) {
      problems.push({ field: 'dvGeral', message: `dígito verificador geral (campo 4, módulo 11) é ${line[32]}, deveria ser ${expected}` });
    }
  }
  if (problems.length > 0) throw fieldError(problems, 'Linha digitável inválida');
}

function fieldError(problems: FieldProblem[], prefix = 'Boleto inválido'): AppError {
  const message = `${prefix}: ${problems.map((p) => `${p.message} (${p.field})`).join('; ')}.`;
  return new AppError('validation', message, { field: problems[0]!.field, problems });
}

function collectionSlip(): AppError {
  return new AppError(
    'validation',
    'Código começando com 8 é de arrecadação (contas de consumo, tributos, convênios), não um boleto de cobrança bancária.',
    { field: 'codigo' },
  );
}

