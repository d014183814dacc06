/**
 * Caixa Econômica Federal (104), SIGCB: "Especificações Técnicas para Emissão de Boletos —
 * Cobrança Bancária CAIXA – SIGCB" (67.119 v015):
 *   nosso número = 1 (registrada) + 4 (emitido pelo beneficiário) + 15 free digits, DV módulo 11
 *                  weights 2–9 (result above 9 → 0), printed 14NNNNNNNNNNNNNNN-D (item 4.2.4.6);
 *   free field   = código do beneficiário: 6 digits + its DV (codes up to 999999) or 7 digits
 *                  without DV (codes from 1100000, nota 3) — then nosso número positions 3–5,
 *                  1st position, 6–8, 2nd position, 9–17, and the free field's own DV
 *                  (módulo 11 like the nosso número's, Anexo III).
 */
import { mod11Remainder } from '../check-digits.ts';
import { withDigit, type BankRules } from './types.ts';

/** Anexos III, IV and VI: 11 − remainder, and a result above 9 becomes 0. */
export function caixaDigit(digits: string): string {
  const dv = 11 - mod11Remainder(digits);
  return dv > 9 ? '0' : String(dv);
}

function beneficiaryField(code: string): string {
  return code.length === 7 ? code : code + caixaDigit(code);
}

export const caixa: BankRules = {
  code: '104',
  codeWithDigit: '104-0',
  name: 'Caixa Econômica Federal',
  validate(account, problems) {
    const wallet = account.wallet.trim().toUpperCase();
    if (!['RG', '1', '14'].includes(wallet)) problems.push({ field: 'wallet', message: 'carteira da CAIXA é RG (cobrança registrada, nosso número 14…)' });
    const code = (account.agreement ?? '').trim();
    let agreement = code;
    if (/^\d{1,6}$/.test(code)) agreement = code.padStart(6, '0');
    else if (!/^\d{7}$/.test(code) || Number(code) < 1_100_000) {
      problems.push({ field: 'agreement', message: 'código do beneficiário da CAIXA tem até 6 dígitos, ou 7 a partir de 1100000' });
    }
    return { ...account, wallet: 'RG', agreement };
  },
  maxSequence: () => 999_999_999_999_999,
  numberLength: () => 17,
  number: (_account, sequence) => `14${String(sequence).padStart(15, '0')}`,
  checkDigit: (_account, number) => caixaDigit(number),
  printed: (_account, number, checkDigit) => withDigit(number, checkDigit ?? undefined),
  freeField(account, nossoNumero) {
    const n = nossoNumero.number;
    const body = beneficiaryField(account.agreement!) + n.slice(2, 5) + n[0] + n.slice(5, 8) + n[1] + n.slice(8, 17);
    return body + caixaDigit(body);
  },
  // item 4.2.3.2: AAAA / XXXXXXX-DV, the DV over the code's own digits
  agencyCode: (account) => `${account.agency} / ${account.agreement}-${caixaDigit(account.agreement!)}`,
  walletLabel: () => 'RG',
};
