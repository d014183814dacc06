/**
 * The nosso número check digits the banks' CNAB fields carry, so a remessa can be written
 * from the bare number and a return's digit stripped knowingly. The same rules as the
 * boleto's (src/brazil/boleto/banks/*), on the same módulo 10 and 11 (src/brazil/boleto/check-digits.ts).
 */
import { mod10 as boletoMod10, mod11Remainder } from '../boleto/check-digits.ts';

/** Módulo 10 (FEBRABAN; Itaú's DACs), as a digit. */
export const mod10 = (digits: string): string => String(boletoMod10(digits));

export { mod11Remainder };

/** Banco do Brasil, convênios of 4 and 6 digits: módulo 11 over convênio + sequence, 10 → X. */
export function bancoDoBrasilDigit(agreementAndSequence: string): string {
  const dv = (11 - mod11Remainder(agreementAndSequence)) % 11;
  return dv === 10 ? 'X' : String(dv);
}

/** Santander: módulo 11 over the 12-digit number; remainder 0 or 1 → 0, 10 → 1. */
export function santanderDigit(number: string): string {
  const remainder = mod11Remainder(number);
  if (remainder <= 1) return '0';
  return remainder === 10 ? '1' : String(11 - remainder);
}

/** Bradesco: módulo 11 base 7 over carteira (2) + number (11); remainder 1 → 'P'. */
export function bradescoDigit(wallet: string, number: string): string {
  const remainder = mod11Remainder(wallet.padStart(2, '0').slice(-2) + number.padStart(11, '0'), 7);
  if (remainder === 0) return '0';
  return remainder === 1 ? 'P' : String(11 - remainder);
}

/** Carteiras whose DAC takes only carteira + number (Itaú, boletos emitidos pelo cliente, Anexo 4). */
const ITAU_WALLETS_WITHOUT_ACCOUNT = ['126', '131', '146', '150', '168'];

/** Itaú: módulo 10 over agência (4) + conta (5) + carteira (3) + number (8). */
export function itauDigit(agency: string, account: string, wallet: string, number: string): string {
  const tail = wallet.padStart(3, '0') + number.padStart(8, '0');
  return mod10(ITAU_WALLETS_WITHOUT_ACCOUNT.includes(wallet) ? tail : agency.padStart(4, '0') + account.padStart(5, '0') + tail);
}

/** Itaú's DAC of agência + conta (header and segment P, position 37). */
export function itauAccountDigit(agency: string, account: string): string {
  return mod10(agency.padStart(4, '0') + account.padStart(5, '0'));
}

/**
 * Sicoob: cooperativa (4) + código do cliente (10) + number (7), weighted by the constant
 * 3197 repeated from the left, Σ mod 11; remainder 0 or 1 → 0, else 11 − remainder.
 */
export function sicoobDigit(cooperative: string, client: string, number: string): string {
  const digits = cooperative.padStart(4, '0') + client.padStart(10, '0') + number.padStart(7, '0');
  const weights = [3, 1, 9, 7];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (digits.charCodeAt(i) - 48) * weights[i % 4]!;
  const remainder = sum % 11;
  return remainder <= 1 ? '0' : String(11 - remainder);
}
