/**
 * Banco do Brasil (001), "Especificações Técnicas para Confecção de Boleto de Cobrança do Banco
 * do Brasil" (v3, 2010). The convênio's length decides the layout:
 *   convênio 7 — nosso número = convênio (7) + sequence (10), 17 digits without DV;
 *                free field = 000000 + nosso número (17) + carteira (2) — the common one;
 *   convênio 6 — nosso número = convênio (6) + sequence (5) + DV;
 *   convênio 4 — nosso número = convênio (4) + sequence (7) + DV;
 *                free field = nosso número (11) + agência (4) + conta (8) + carteira (2).
 * The DV is módulo 11 with weights 9 to 2 from the right (the same as 11 − Σ·(2…9) mod 11):
 * remainder 10 prints as 'X', 0 as '0' (BoletoPHP funcoes_bb.php, OpenBoleto BancoDoBrasil).
 * Not covered: convênio 6 with the 17-digit "nosso número livre" (service 21) and convênio 8.
 */
import { mod11Remainder } from '../check-digits.ts';
import { digitsField, withDigit, type BankRules } from './types.ts';

export function bancoDoBrasilDigit(digits: string): string {
  const dv = (11 - mod11Remainder(digits)) % 11;
  return dv === 10 ? 'X' : String(dv);
}

const SEQUENCE_DIGITS: Record<number, number> = { 4: 7, 6: 5, 7: 10 };

export const bancoDoBrasil: BankRules = {
  code: '001',
  codeWithDigit: '001-9',
  name: 'Banco do Brasil',
  validate(account, problems) {
    const agreement = (account.agreement ?? '').trim();
    if (!/^\d+$/.test(agreement) || !(agreement.length in SEQUENCE_DIGITS)) {
      problems.push({ field: 'agreement', message: 'convênio do Banco do Brasil deve ter 4, 6 ou 7 dígitos' });
    }
    if (!/^\d{2}$/.test(account.wallet)) problems.push({ field: 'wallet', message: 'carteira do Banco do Brasil tem 2 dígitos (ex.: 17, 18)' });
    return { ...account, agreement, account: digitsField(account.account, 'account', 8, 'conta do Banco do Brasil', problems, 8) };
  },
  maxSequence: (account) => 10 ** SEQUENCE_DIGITS[account.agreement!.length]! - 1,
  numberLength: (account) => (account.agreement!.length === 7 ? 17 : 11),
  // convênio + sequence, zero-padded between them
  number: (account, sequence) => account.agreement! + String(sequence).padStart(SEQUENCE_DIGITS[account.agreement!.length]!, '0'),
  checkDigit: (account, number) => (account.agreement!.length === 7 ? null : bancoDoBrasilDigit(number)),
  printed: (_account, number, checkDigit) => withDigit(number, checkDigit ?? undefined),
  freeField(account, nossoNumero) {
    if (account.agreement!.length === 7) return `000000${nossoNumero.number}${account.wallet}`;
    return `${nossoNumero.number}${account.agency}${account.account}${account.wallet}`;
  },
  agencyCode: (account) => `${withDigit(account.agency, account.agencyDigit)} / ${withDigit(account.account, account.accountDigit)}`,
  walletLabel: (account) => account.wallet,
};

