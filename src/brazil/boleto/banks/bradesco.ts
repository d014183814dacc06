/**
 * Bradesco (237), "Boleto — fórmulas e layout Bradesco":
 *   free field = agência (4) + carteira (2) + nosso número (11) + conta do beneficiário (7) + 0
 * Nosso número DV ("dígito de auto-conferência"): módulo 11 base 7 — weights 2–7 from the right
 * over carteira + nosso número; remainder 0 → 0, remainder 1 → 'P', otherwise 11 − remainder
 * (the same in OpenBoleto Bradesco.php and in Protheus ART422.prw).
 */
import { mod11Remainder } from '../check-digits.ts';
import { digitsField, withDigit, type BankRules } from './types.ts';

export function bradescoDigit(wallet: string, number: string): string {
  const remainder = mod11Remainder(wallet + number, 7);
  if (remainder === 0) return '0';
  return remainder === 1 ? 'P' : String(11 - remainder);
}

export const bradesco: BankRules = {
  code: '237',
  codeWithDigit: '237-2',
  name: 'Bradesco',
  validate(account, problems) {
    const wallet = digitsField(account.wallet, 'wallet', 2, 'carteira do Bradesco', problems, 2);
    const number = digitsField(account.account, 'account', 7, 'conta do Bradesco', problems, 7);
    return { ...account, wallet, account: number };
  },
  maxSequence: () => 99_999_999_999,
  numberLength: () => 11,
  number: (_account, sequence) => String(sequence).padStart(11, '0'),
  checkDigit: (account, number) => bradescoDigit(account.wallet, number),
  printed: (account, number, checkDigit) => `${account.wallet}/${withDigit(number, checkDigit ?? undefined)}`,
  freeField: (account, nossoNumero) => `${account.agency}${account.wallet}${nossoNumero.number}${account.account}0`,
  agencyCode: (account) => `${withDigit(account.agency, account.agencyDigit)} / ${withDigit(account.account, account.accountDigit)}`,
  walletLabel: (account) => account.wallet,
};
