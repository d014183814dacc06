/**
 * Itaú (341), "Cobrança Itaú — boletos emitidos pelo próprio cliente" (Anexos 3 and 4):
 *   free field = carteira (3) + nosso número (8) + DAC[agência/conta/carteira/nosso número]
 *                + agência (4) + conta (5) + DAC[agência/conta] + 000
 * Both DACs are módulo 10. For carteiras 126, 131, 146, 150 and 168 the nosso número's DAC
 * takes only carteira + nosso número (Anexo 4). Carteiras 107, 122, 142, 143, 196 and 198 use a
 * different free field (15-position nosso número with document number and client code) and
 * are not supported.
 */
import { mod10 } from '../check-digits.ts';
import { digitsField, type BankRules } from './types.ts';

const DAC_WITHOUT_ACCOUNT = ['126', '131', '146', '150', '168'];
const LONG_NUMBER_WALLETS = ['107', '122', '142', '143', '196', '198'];

export function itauDigit(agency: string, account: string, wallet: string, number: string): string {
  return String(mod10(DAC_WITHOUT_ACCOUNT.includes(wallet) ? wallet + number : agency + account + wallet + number));
}

export const itau: BankRules = {
  code: '341',
  codeWithDigit: '341-7',
  name: 'Itaú',
  validate(account, problems) {
    if (!/^\d{3}$/.test(account.wallet)) problems.push({ field: 'wallet', message: 'carteira do Itaú tem 3 dígitos (ex.: 109)' });
    else if (LONG_NUMBER_WALLETS.includes(account.wallet)) {
      problems.push({ field: 'wallet', message: `carteira ${account.wallet} do Itaú (nosso número de 15 posições) não é suportada` });
    }
    return { ...account, account: digitsField(account.account, 'account', 5, 'conta do Itaú', problems, 5) };
  },
  maxSequence: () => 99_999_999,
  numberLength: () => 8,
  number: (_account, sequence) => String(sequence).padStart(8, '0'),
  checkDigit: (account, number) => itauDigit(account.agency, account.account, account.wallet, number),
  printed: (account, number, checkDigit) => `${account.wallet}/${number}-${checkDigit}`,
  freeField: (account, nossoNumero) =>
    `${account.wallet}${nossoNumero.number}${nossoNumero.checkDigit}${account.agency}${account.account}${mod10(account.agency + account.account)}000`,
  // the account's DAC is the same módulo 10 over agência + conta
  agencyCode: (account) => `${account.agency} / ${account.account}-${account.accountDigit ?? mod10(account.agency + account.account)}`,
  walletLabel: (account) => account.wallet,
};
