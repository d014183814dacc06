import type { FieldProblem } from '../../../shared/errors.ts';

export type BankCode = '001' | '033' | '104' | '237' | '341' | '756';

/** The beneficiary's account with the bank that registers and prints the boletos. */
export interface BeneficiaryAccount {
  bankCode: BankCode;
  agency: string;
  agencyDigit?: string;
  account: string;
  accountDigit?: string;
  /** Carteira (Caixa: 'RG'; Sicoob: the modalidade, '01'). */
  wallet: string;
  /** Convênio (BB), código do beneficiário (Santander, Caixa, Sicoob) or código do cedente. */
  agreement?: string;
}

export interface NossoNumero {
  /** The digits without check digit, zero-padded to the bank's length. */
  number: string;
  checkDigit: string | null;
  /** As printed on the slip, e.g. '109/12345678-9'. */
  printed: string;
}

/** What one bank defines: its own numbers, its free field, and how its slip prints them. */
export interface BankRules {
  code: BankCode;
  /** The bank's code with its mod-11 digit, as printed in the slip header ('341-7'). */
  codeWithDigit: string;
  name: string;
  /** Bank-specific checks and zero-padding, after the common ones; problems are collected, not thrown. */
  validate(account: BeneficiaryAccount, problems: FieldProblem[]): BeneficiaryAccount;
  /** Largest sequence the nosso número holds for this account. */
  maxSequence(account: BeneficiaryAccount): number;
  /** Length of NossoNumero.number for this account. */
  numberLength(account: BeneficiaryAccount): number;
  /** NossoNumero.number for a sequence (already checked against maxSequence). */
  number(account: BeneficiaryAccount, sequence: number): string;
  checkDigit(account: BeneficiaryAccount, number: string): string | null;
  printed(account: BeneficiaryAccount, number: string, checkDigit: string | null): string;
  /** The 25 digits of barcode positions 20–44. */
  freeField(account: BeneficiaryAccount, nossoNumero: NossoNumero): string;
  /** "Agência/Código do beneficiário" as printed. */
  agencyCode(account: BeneficiaryAccount): string;
  /** "Carteira" as printed. */
  walletLabel(account: BeneficiaryAccount): string;
}

/** Digits of at most `max` places, zero-padded to `pad` (when given); a problem otherwise. */
export function digitsField(value: string | undefined, field: string, max: number, label: string, problems: FieldProblem[], pad?: number): string {
  const text = (value ?? '').trim();
  if (!/^\d+$/.test(text) || text.length > max) {
    problems.push({ field, message: `${label} deve ter de 1 a ${max} dígitos` });
    return text;
  }
  return pad === undefined ? text : text.padStart(pad, '0');
}

/** '1234-5' or '1234' when there is no digit. */
export const withDigit = (value: string, digit: string | undefined): string => (digit ? `${value}-${digit}` : value);
