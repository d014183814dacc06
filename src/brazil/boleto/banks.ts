/**
 * Issuing boletos for the beneficiary's own bank: the nosso número (the slip's number at the
 * bank, which the bank's return file reports back when it is paid) and the free field of the
 * barcode. Each bank's layout and check digit is in banks/<bank>.ts with its manual cited.
 */
import { AppError, type FieldProblem } from '../../shared/errors.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { encodeBoleto, type Boleto } from './barcode.ts';
import { bancoDoBrasil } from './banks/banco-do-brasil.ts';
import { bradesco } from './banks/bradesco.ts';
import { caixa } from './banks/caixa.ts';
import { itau } from './banks/itau.ts';
import { santander } from './banks/santander.ts';
import { sicoob } from './banks/sicoob.ts';
import { digitsField, type BankCode, type BankRules, type BeneficiaryAccount, type NossoNumero } from './banks/types.ts';

export type { BankCode, BankRules, BeneficiaryAccount, NossoNumero } from './banks/types.ts';

const BANKS: Record<BankCode, BankRules> = { '001': bancoDoBrasil, '033': santander, '104': caixa, '237': bradesco, '341': itau, '756': sicoob };
export const SUPPORTED_BANKS = Object.keys(BANKS) as BankCode[];

export function bankRules(bankCode: string): BankRules {
  const rules = BANKS[bankCode as BankCode];
  if (!rules) {
    throw new AppError('validation', `Banco ${bankCode} não é suportado para emitir boletos (suportados: ${SUPPORTED_BANKS.join(', ')}).`, { field: 'bankCode' });
  }
  return rules;
}

/**
 * Checks an account's fields for its bank and returns it normalized: agência padded to 4
 * digits, the account and codes padded to the bank's lengths, digits uppercased.
 * Every problem found is reported at once, each naming its field.
 */
export function validateAccount(input: unknown): BeneficiaryAccount {
  if (typeof input !== 'object' || input === null) throw new AppError('validation', 'Conta do beneficiário não informada.', { field: 'account' });
  const raw = input as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : raw[key] === undefined || raw[key] === null ? undefined : String(raw[key]));
  const rules = bankRules(text('bankCode') ?? '');
  const problems: FieldProblem[] = [];
  const agency = digitsField(text('agency'), 'agency', 4, 'agência', problems, 4);
  const agencyDigit = text('agencyDigit')?.toUpperCase() || undefined;
  if (agencyDigit !== undefined && !/^[0-9X]$/.test(agencyDigit)) problems.push({ field: 'agencyDigit', message: 'dígito da agência é um algarismo ou X' });
  const account = text('account') ?? '';
  if (!/^\d{1,12}$/.test(account)) problems.push({ field: 'account', message: 'conta deve ter de 1 a 12 dígitos' });
  const accountDigit = text('accountDigit')?.toUpperCase() || undefined;
  if (accountDigit !== undefined && !/^[0-9A-Z]$/.test(accountDigit)) problems.push({ field: 'accountDigit', message: 'dígito da conta é um algarismo ou uma letra' });
  const wallet = text('wallet') ?? '';
  if (wallet === '') problems.push({ field: 'wallet', message: 'carteira não informada' });
  const agreement = text('agreement') || undefined;
  const common: BeneficiaryAccount = {
    bankCode: rules.code,
    agency,
    ...(agencyDigit ? { agencyDigit } : {}),
    account,
    ...(accountDigit ? { accountDigit } : {}),
    wallet,
    ...(agreement ? { agreement } : {}),
  };
  const normalized = problems.length > 0 ? common : rules.validate(common, problems);
  if (problems.length > 0) {
    throw new AppError('validation', `Conta do beneficiário (${rules.name}) inválida: ${problems.map((p) => `${p.message} (${p.field})`).join('; ')}.`, {
      field: problems[0]!.field,
      problems,
    });
  }
  return normalized;
}

/** The nosso número of the `sequence`-th boleto of the account (our own counter, from 1). */
export function nossoNumeroFor(account: BeneficiaryAccount, sequence: number): NossoNumero {
  const valid = validateAccount(account);
  const rules = bankRules(valid.bankCode);
  const max = rules.maxSequence(valid);
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > max) {
    throw new AppError('validation', `Sequência do nosso número deve ser inteira de 1 a ${max} para esta conta (${rules.name}).`, { field: 'sequence' });
  }
  const number = rules.number(valid, sequence);
  const checkDigit = rules.checkDigit(valid, number);
  return { number, checkDigit, printed: rules.printed(valid, number, checkDigit) };
}

/** The barcode's free field (25 digits) for a nosso número, whose check digit is verified. */
export function freeFieldFor(account: BeneficiaryAccount, nossoNumero: NossoNumero): string {
  const valid = validateAccount(account);
  const rules = bankRules(valid.bankCode);
  const length = rules.numberLength(valid);
  if (typeof nossoNumero?.number !== 'string' || !new RegExp(`^\\d{${length}}$`).test(nossoNumero.number)) {
    throw new AppError('validation', `Nosso número do ${rules.name} para esta conta tem ${length} dígitos (sem o DV).`, { field: 'nossoNumero' });
  }
  const expected = rules.checkDigit(valid, nossoNumero.number);
  if ((nossoNumero.checkDigit ?? null) !== expected) {
    throw new AppError('validation', `Dígito do nosso número ${nossoNumero.number} é ${nossoNumero.checkDigit ?? 'nenhum'}, deveria ser ${expected ?? 'nenhum'}.`, {
      field: 'nossoNumero.checkDigit',
    });
  }
  const freeField = rules.freeField(valid, { ...nossoNumero, checkDigit: expected });
  if (!/^\d{25}$/.test(freeField)) throw new AppError('internal', `Campo livre do ${rules.name} montado com ${freeField.length} posições.`);
  return freeField;
}

/** Nosso número, free field, barcode and line of one boleto in reais. */
export function issueBoleto(input: { account: BeneficiaryAccount; sequence: number; amount: number; dueDate: IsoDate }): Boleto & { nossoNumero: NossoNumero } {
  const account = validateAccount(input.account);
  const nossoNumero = nossoNumeroFor(account, input.sequence);
  const boleto = encodeBoleto({ bankCode: account.bankCode, currency: '9', amount: input.amount, dueDate: input.dueDate, freeField: freeFieldFor(account, nossoNumero) });
  return { ...boleto, nossoNumero };
}

/**
 * The key that matches a payment in the bank's return file to our boleto: digits only,
 * leading zeros removed (return files pad the nosso número to their own widths; a non-digit
 * DV like BB's 'X' or Bradesco's 'P' is dropped with the punctuation).
 */
export function nossoNumeroKey(digits: string): string {
  return digits.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
}
