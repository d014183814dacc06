/**
 * Santander (033), "Layout de Código de Barras Santander" (v2.9, 2015):
 *   free field = 9 (fixed) + código do beneficiário (7) + nosso número (12) + its DV
 *                + IOS (1: 0 except for insurers) + carteira (3: 101 rápida com registro, 102, 104, 201)
 * Nosso número DV: módulo 11, weights 2–9 from the right; remainder 0 or 1 → 0, remainder 10 → 1,
 * otherwise 11 − remainder (the same as OpenBoleto's (Σ × 10) mod 11 with 10 → 0).
 */
import { mod11Remainder } from '../check-digits.ts';
import { digitsField, withDigit, type BankRules } from './types.ts';

export function santanderDigit(digits: string): string {
  const remainder = mod11Remainder(digits);
  if (remainder <= 1) return '0';
  return remainder === 10 ? '1' : String(11 - remainder);
}

export const santander: BankRules = {
  code: '033',
  codeWithDigit: '033-7',
  name: 'Santander',
  validate(account, problems) {
    if (!/^\d{3}$/.test(account.wallet)) problems.push({ field: 'wallet', message: 'carteira do Santander tem 3 dígitos (ex.: 101)' });
    const agreement = digitsField(account.agreement, 'agreement', 7, 'código do beneficiário do Santander', problems, 7);
    return { ...account, agreement };
  },
  maxSequence: () => 999_999_999_999,
  numberLength: () => 12,
  number: (_account, sequence) => String(sequence).padStart(12, '0'),
  checkDigit: (_account, number) => santanderDigit(number),
  printed: (_account, number, checkDigit) => withDigit(number, checkDigit ?? undefined),
  freeField: (account, nossoNumero) => `9${account.agreement}${nossoNumero.number}${nossoNumero.checkDigit}0${account.wallet}`,
  agencyCode: (account) => `${withDigit(account.agency, account.agencyDigit)} / ${account.agreement}`,
  walletLabel: (account) => account.wallet,
};
