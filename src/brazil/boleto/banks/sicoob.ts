/**
 * Sicoob (756), layout for beneficiaries printing their own boletos (quoted in brcobranca
 * sicoob.rb, item 3.13):
 *   free field = carteira (1: simples) + cooperativa (4) + modalidade (2: 01 simples com
 *                registro, 02, 05 carnê) + código do cliente (7) + nosso número (7) + its DV
 *                + parcela (3: 001)
 * Nosso número DV: cooperativa (4) + código do cliente (10, zero-padded) + nosso número (7),
 * weighted by the constant 3197 repeated from the left, Σ mod 11; remainder 0 or 1 → 0,
 * otherwise 11 − remainder (manual's example: 0001 / 1-9 / 21 → Σ 36, DV 8).
 */
import { weightedRemainderFromLeft } from '../check-digits.ts';
import { digitsField, withDigit, type BankRules } from './types.ts';

const CONSTANT = [3, 1, 9, 7] as const;

export function sicoobDigit(cooperative: string, client: string, number: string): string {
  const remainder = weightedRemainderFromLeft(cooperative + client.padStart(10, '0') + number, CONSTANT);
  return remainder <= 1 ? '0' : String(11 - remainder);
}

export const sicoob: BankRules = {
  code: '756',
  codeWithDigit: '756-0',
  name: 'Sicoob',
  validate(account, problems) {
    const wallet = account.wallet.trim();
    if (!/^0?[125]$/.test(wallet)) problems.push({ field: 'wallet', message: 'modalidade do Sicoob: 01 (simples com registro), 02 ou 05 (carnê)' });
    const agreement = digitsField(account.agreement, 'agreement', 7, 'código do cliente no Sicoob', problems, 7);
    return { ...account, wallet: wallet.padStart(2, '0'), agreement };
  },
  maxSequence: () => 9_999_999,
  numberLength: () => 7,
  number: (_account, sequence) => String(sequence).padStart(7, '0'),
  checkDigit: (account, number) => sicoobDigit(account.agency, account.agreement!, number),
  printed: (_account, number, checkDigit) => withDigit(number, checkDigit ?? undefined),
  freeField: (account, nossoNumero) => `1${account.agency}${account.wallet}${account.agreement}${nossoNumero.number}${nossoNumero.checkDigit}001`,
  agencyCode: (account) => `${account.agency} / ${account.agreement}`,
  walletLabel: () => '1',
};
