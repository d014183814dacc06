/**
 * CPF and CNPJ: normalization, check digits, formatting and masking.
 *
 * CNPJ may be alphanumeric since July 2026 (IN RFB 2.229/2024; Nota Técnica COCAD/SUARA/RFB 49/2024):
 * the first 12 characters are 0-9 or A-Z, the two check digits stay numeric, and every character
 * weighs its ASCII code minus 48 in the mod-11 sum (so numeric CNPJs keep their digits).
 */

export type DocumentKind = 'cpf' | 'cnpj';

export interface ParsedDocument {
  kind: DocumentKind;
  /** Digits (CPF) or uppercase alphanumerics (CNPJ), no punctuation. */
  value: string;
}

export type DocumentProblem = 'empty' | 'length' | 'characters' | 'repeated' | 'check_digits';

export const documentProblemMessages: Record<DocumentProblem, string> = {
  empty: 'CPF/CNPJ não informado',
  length: 'CPF deve ter 11 dígitos e CNPJ 14 caracteres',
  characters: 'CPF/CNPJ contém caracteres inválidos',
  repeated: 'CPF/CNPJ com todos os dígitos iguais não é válido',
  check_digits: 'dígitos verificadores não conferem',
};

/** Removes the usual punctuation (. / - and spaces) and uppercases letters. */
export function normalizeDocument(input: string): string {
  return input.replace(/[.\-/\s]/g, '').toUpperCase();
}

function charValue(char: string): number {
  return char.charCodeAt(0) - 48;
}

function mod11Digit(body: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += charValue(body[i]!) * weights[i]!;
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

const CPF_WEIGHTS_1 = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CPF_WEIGHTS_2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

export function cpfCheckDigits(nineDigits: string): string {
  const d1 = mod11Digit(nineDigits, CPF_WEIGHTS_1);
  const d2 = mod11Digit(nineDigits + d1, CPF_WEIGHTS_2);
  return `${d1}${d2}`;
}

export function cnpjCheckDigits(twelveChars: string): string {
  const d1 = mod11Digit(twelveChars, CNPJ_WEIGHTS_1);
  const d2 = mod11Digit(twelveChars + d1, CNPJ_WEIGHTS_2);
  return `${d1}${d2}`;
}

export function cpfProblem(value: string): DocumentProblem | null {
  if (value.length === 0) return 'empty';
  if (!/^\d+$/.test(value)) return 'characters';
  if (value.length !== 11) return 'length';
  if (/^(\d)\1{10}$/.test(value)) return 'repeated';
  return cpfCheckDigits(value.slice(0, 9)) === value.slice(9) ? null : 'check_digits';
}

export function cnpjProblem(value: string): DocumentProblem | null {
  if (value.length === 0) return 'empty';
  if (!/^[0-9A-Z]+$/.test(value)) return 'characters';
  if (value.length !== 14) return 'length';
  if (!/^\d{2}$/.test(value.slice(12))) return 'characters';
  if (/^(.)\1{13}$/.test(value)) return 'repeated';
  return cnpjCheckDigits(value.slice(0, 12)) === value.slice(12) ? null : 'check_digits';
}

export const isValidCpf = (input: string): boolean => cpfProblem(normalizeDocument(input)) === null;
export const isValidCnpj = (input: string): boolean => cnpjProblem(normalizeDocument(input)) === null;

/**
 * Reads a CPF or CNPJ, deciding the kind by length (11 → CPF, 14 → CNPJ).
 * A spreadsheet that dropped leading zeros leaves a shorter number; we pad digits-only
 * values to the nearest length only when `padLeadingZeros` is set, since guessing changes the person.
 */
export function parseDocument(
  input: string,
  options: { padLeadingZeros?: boolean } = {},
): { ok: true; document: ParsedDocument } | { ok: false; problem: DocumentProblem } {
  let value = normalizeDocument(input);
  if (value.length === 0) return { ok: false, problem: 'empty' };
  if (options.padLeadingZeros && /^\d+$/.test(value) && value.length < 14 && value.length !== 11) {
    value = value.length < 11 ? value.padStart(11, '0') : value.padStart(14, '0');
  }
  if (value.length === 11) {
    const problem = cpfProblem(value);
    return problem ? { ok: false, problem } : { ok: true, document: { kind: 'cpf', value } };
  }
  if (value.length === 14) {
    const problem = cnpjProblem(value);
    return problem ? { ok: false, problem } : { ok: true, document: { kind: 'cnpj', value } };
  }
  return { ok: false, problem: /^[0-9A-Z]+$/.test(value) ? 'length' : 'characters' };
}

/** 000.000.000-00 or 00.000.000/0000-00 (also for alphanumeric CNPJ). */
export function formatDocument(value: string): string {
  if (value.length === 11) return `${value.slice(0, 3)}.${value.slice(3, 6)}.${value.slice(6, 9)}-${value.slice(9)}`;
  if (value.length === 14) {
    return `${value.slice(0, 2)}.${value.slice(2, 5)}.${value.slice(5, 8)}/${value.slice(8, 12)}-${value.slice(12)}`;
  }
  return value;
}

/**
 * Masked for display and logs, following the pattern the federal government uses when it
 * publishes CPFs (***.456.789-**). A company's CNPJ is public, so it is shown in full.
 */
export function maskDocument(value: string): string {
  if (value.length === 11) return `***.${value.slice(3, 6)}.${value.slice(6, 9)}-**`;
  return formatDocument(value);
}
