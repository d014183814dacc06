/**
 * Checking what a caller asks us to write (remessa, simulated return) before any byte is
 * written: every problem is collected with its field ('titles[3].payer.postalCode') and
 * reported at once, in pt-BR.
 */
import { AppError, type FieldProblem } from '../../shared/errors.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { cnpjProblem, cpfProblem, documentProblemMessages, normalizeDocument } from '../documents.ts';
import { CNAB_BANKS, isCnabBank, SUPPORTED_BANKS_TEXT, type CnabBankCode } from './banks.ts';
import { bancoDoBrasilDigit, bradescoDigit, itauAccountDigit, itauDigit, santanderDigit, sicoobDigit } from './check-digits.ts';
import type { CnabAccount, CnabBeneficiary } from './types.ts';

export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  /** Throws one AppError naming the first problem and carrying all of them. */
  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const [first] = this.list;
    const more = this.list.length > 1 ? ` (e mais ${this.list.length - 1} problema(s))` : '';
    throw new AppError('validation', `${what}: ${first!.field}: ${first!.message}${more}.`, { problems: this.list });
  }
}

/** The account with every field checked and reduced to what the layouts write. */
export interface NormalizedAccount {
  bankCode: CnabBankCode;
  agency: string;
  agencyDigit: string;
  account: string;
  accountDigit: string;
  /** BB carteira (2); Santander tipo de cobrança (1); Caixa 'RG'; Bradesco carteira (2); Itaú carteira (3); Sicoob modalidade (2). */
  wallet: string;
  /** BB variação da carteira (3 digits, '000' when not given). */
  walletVariation: string;
  agreement: string;
}

const digitsUpTo = (value: unknown, max: number): string | null => {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) ? String(value) : '';
  return /^\d+$/.test(text) && text.length <= max ? text : null;
};

const optionalDigit = (value: unknown): string | null => {
  if (value === undefined || value === null || value === '') return '';
  return typeof value === 'string' && /^[0-9X]$/i.test(value.trim()) ? value.trim().toUpperCase() : null;
};

/** Santander's 3-digit carteiras and their "tipo de cobrança" (CNAB 240, segmento P 58, nota). */
const SANTANDER_WALLET_CODES: Record<string, string> = { '101': '5', '201': '6' };
const BB_SEQUENCE_DIGITS: Record<number, number> = { 4: 7, 6: 5, 7: 10 };
const AGENCY_MAX: Record<CnabBankCode, number> = { '001': 5, '033': 4, '104': 5, '237': 5, '341': 4, '756': 5 };
const ACCOUNT_MAX: Record<CnabBankCode, number> = { '001': 12, '033': 9, '104': 12, '237': 12, '341': 5, '756': 12 };

export function normalizeAccount(input: CnabAccount | undefined, problems: Problems): NormalizedAccount | null {
  if (!input || typeof input !== 'object') {
    problems.add('account', 'conta do beneficiário não informada');
    return null;
  }
  const bankCode = String(input.bankCode ?? '').trim();
  if (!isCnabBank(bankCode)) {
    problems.add('account.bankCode', `banco "${bankCode}" não suportado (suportados: ${SUPPORTED_BANKS_TEXT})`);
    return null;
  }
  const bank = CNAB_BANKS[bankCode];
  const agency = digitsUpTo(input.agency, AGENCY_MAX[bankCode]);
  if (agency === null) problems.add('account.agency', `agência do ${bank} deve ter de 1 a ${AGENCY_MAX[bankCode]} dígitos`);
  const account = bankCode === '104' ? (digitsUpTo(input.account, 12) ?? '') : digitsUpTo(input.account, ACCOUNT_MAX[bankCode]);
  if (account === null) problems.add('account.account', `conta do ${bank} deve ter de 1 a ${ACCOUNT_MAX[bankCode]} dígitos`);
  const agencyDigit = optionalDigit(input.agencyDigit);
  if (agencyDigit === null) problems.add('account.agencyDigit', 'dígito da agência deve ser um algarismo ou X');
  let accountDigit = optionalDigit(input.accountDigit);
  if (accountDigit === null) problems.add('account.accountDigit', 'dígito da conta deve ser um algarismo ou X');
  const rawWallet = String(input.wallet ?? '').trim().toUpperCase();
  const rawAgreement = typeof input.agreement === 'string' || typeof input.agreement === 'number' ? String(input.agreement).trim() : '';
  let wallet = rawWallet;
  let walletVariation = '';
  let agreement = rawAgreement;
  switch (bankCode) {
    case '001': {
      const m = /^(\d{2})(?:[-/ ](\d{3}))?$/.exec(rawWallet);
      if (!m) problems.add('account.wallet', 'carteira do Banco do Brasil: 2 dígitos, com a variação opcional (ex.: 17 ou 17-019)');
      wallet = m?.[1] ?? '';
      walletVariation = m?.[2] ?? '000';
      if (!/^\d+$/.test(rawAgreement) || !(rawAgreement.length in BB_SEQUENCE_DIGITS)) problems.add('account.agreement', 'convênio do Banco do Brasil deve ter 4, 6 ou 7 dígitos');
      break;
    }
    case '033':
      wallet = SANTANDER_WALLET_CODES[rawWallet] ?? rawWallet;
      if (!/^[1-8]$/.test(wallet)) problems.add('account.wallet', 'carteira do Santander: 101 (rápida com registro), 201 (caucionada) ou o tipo de cobrança de 1 dígito');
      if (!/^\d{1,15}$/.test(rawAgreement)) problems.add('account.agreement', 'código de transmissão do Santander deve ter até 15 dígitos');
      break;
    case '104':
      if (!['RG', '1', '14'].includes(rawWallet)) problems.add('account.wallet', 'carteira da CAIXA é RG (cobrança registrada)');
      wallet = 'RG';
      if (!/^\d{1,6}$/.test(rawAgreement)) problems.add('account.agreement', 'código do beneficiário da CAIXA deve ter até 6 dígitos (o leiaute CNAB 240 SIGCB não leva o código de 7)');
      break;
    case '237':
      wallet = digitsUpTo(rawWallet, 3)?.padStart(2, '0').slice(-2) ?? '';
      if (!/^\d{1,3}$/.test(rawWallet) || rawWallet.replace(/^0+/, '').length > 2) problems.add('account.wallet', 'carteira do Bradesco tem 2 dígitos (ex.: 09)');
      if (!/^\d{1,20}$/.test(rawAgreement)) problems.add('account.agreement', 'código do beneficiário do Bradesco deve ter até 20 dígitos');
      break;
    case '341':
      if (!/^\d{3}$/.test(rawWallet)) problems.add('account.wallet', 'carteira do Itaú tem 3 dígitos (ex.: 109)');
      // The DAC of agência/conta is computed when missing (módulo 10); a given one is the bank's word.
      if (agency !== null && account !== null && accountDigit === '') accountDigit = itauAccountDigit(agency, account);
      agreement = '';
      break;
    case '756':
      wallet = rawWallet.padStart(2, '0');
      if (!/^\d{1,2}$/.test(rawWallet)) problems.add('account.wallet', 'modalidade do Sicoob tem 2 dígitos (ex.: 01)');
      if (rawAgreement !== '' && !/^\d{1,10}$/.test(rawAgreement)) problems.add('account.agreement', 'código do cliente no Sicoob deve ter até 10 dígitos');
      break;
  }
  return {
    bankCode,
    agency: agency ?? '',
    agencyDigit: agencyDigit ?? '',
    account: account ?? '',
    accountDigit: accountDigit ?? '',
    wallet,
    walletVariation,
    agreement,
  };
}

export function normalizeBeneficiary(input: CnabBeneficiary | undefined, problems: Problems): CnabBeneficiary {
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (name === '') problems.add('beneficiary.name', 'nome do beneficiário não informado');
  return { name, document: normalizePersonDocument(input?.document, 'beneficiary.document', problems) };
}

/** CPF or CNPJ with valid check digits, digits only (CNAB's inscrição fields are numeric). */
export function normalizePersonDocument(value: unknown, field: string, problems: Problems): string {
  const text = normalizeDocument(typeof value === 'string' ? value : '');
  const problem = text.length === 14 ? cnpjProblem(text) : cpfProblem(text);
  if (problem) problems.add(field, documentProblemMessages[problem]);
  else if (!/^\d+$/.test(text)) problems.add(field, 'CNPJ alfanumérico ainda não cabe nos campos numéricos do CNAB');
  return text;
}

export function checkDate(value: unknown, field: string, problems: Problems): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    problems.add(field, `data inválida (esperado AAAA-MM-DD): ${JSON.stringify(value)}`);
    return '';
  }
  return value;
}

/** A whole number of centavos that fits the 15-digit (13 + 2 decimals) CNAB fields. */
export function checkCents(value: unknown, field: string, problems: Problems, options: { min?: number } = {}): number {
  const min = options.min ?? 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > 999_999_999_999_999) {
    problems.add(field, `valor em centavos deve ser um inteiro ${min > 0 ? 'positivo' : 'não negativo'} de até 15 dígitos: ${JSON.stringify(value)}`);
    return 0;
  }
  return value;
}

export interface BankNossoNumero {
  /** The digits written in the file (BB: convênio + sequence; Caixa: 14 + 15 digits). */
  number: string;
  /** The check digit the file carries after it, or null (BB 7-digit convênio, CAIXA). */
  digit: string | null;
}

/**
 * The nosso número as the bank's field holds it, with its check digit computed (and a given
 * digit checked against it). BB accepts the full number (convênio + sequence) or just the
 * sequence; CAIXA the 17 digits (14 + 15) or just the last 15.
 */
export function bankNossoNumero(
  account: NormalizedAccount,
  value: unknown,
  givenDigit: unknown,
  field: string,
  problems: Problems,
  options: { digitOptional?: boolean } = {},
): BankNossoNumero {
  const raw = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : '';
  const bad = (message: string): BankNossoNumero => {
    problems.add(field, message);
    return { number: '', digit: null };
  };
  if (!/^\d+$/.test(raw) || /^0+$/.test(raw)) return bad(`nosso número deve ser só dígitos, não zero: ${JSON.stringify(value)}`);
  const n = raw.replace(/^0+/, '');
  let number = n;
  let digit: string | null;
  switch (account.bankCode) {
    case '001': {
      const convenio = account.agreement;
      const sequence = BB_SEQUENCE_DIGITS[convenio.length] ?? 10;
      if (n.length <= sequence) number = convenio + n.padStart(sequence, '0');
      else if (!(n.length === convenio.length + sequence && n.startsWith(convenio))) {
        return bad(`nosso número do Banco do Brasil é o convênio (${convenio}) seguido de ${sequence} dígitos, ou só a sequência`);
      }
      digit = convenio.length === 7 ? null : bancoDoBrasilDigit(number);
      break;
    }
    case '033':
      if (n.length > 12) return bad('nosso número do Santander tem até 12 dígitos');
      number = n.padStart(12, '0');
      digit = santanderDigit(number);
      break;
    case '104':
      if (n.length <= 15) number = '14' + n.padStart(15, '0');
      else if (n.length !== 17) return bad('nosso número da CAIXA tem 17 dígitos (14 + 15) ou só os 15 últimos');
      digit = null;
      break;
    case '237':
      if (n.length > 11) return bad('nosso número do Bradesco tem até 11 dígitos');
      number = n.padStart(11, '0');
      digit = bradescoDigit(account.wallet, number);
      break;
    case '341':
      if (n.length > 8) return bad('nosso número do Itaú tem até 8 dígitos');
      number = n.padStart(8, '0');
      digit = itauDigit(account.agency, account.account, account.wallet, number);
      break;
    case '756':
      if (n.length > 7) return bad('nosso número do Sicoob tem até 7 dígitos');
      number = n.padStart(7, '0');
      if (account.agreement === '') {
        const given = typeof givenDigit === 'string' && /^\d$/.test(givenDigit) ? givenDigit : null;
        if (given || options.digitOptional) return { number, digit: given ?? '0' };
        return bad('informe o dígito do nosso número, ou account.agreement (código do cliente) para calculá-lo');
      }
      digit = sicoobDigit(account.agency, account.agreement, number);
      break;
  }
  if (digit !== null && givenDigit !== undefined && givenDigit !== null && givenDigit !== '' && String(givenDigit).toUpperCase() !== digit) {
    problems.add(`${field}Digit`, `dígito do nosso número não confere: informado ${String(givenDigit)}, calculado ${digit}`);
  }
  return { number, digit };
}
