/**
 * The txid, the receiver's reconciliation id that travels in the pacs.008 (API Pix, schema TxId):
 * 26 to 35 letters and digits for charges created through the API (cob and cobv); up to 25 in a
 * static BR Code, where field 62-05 is limited to 25 characters and "***" means none (Manual de
 * Padrões para Iniciação do Pix, "Identificador de transação: txid no QR Code estático").
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

export type TxidKind = 'cob' | 'cobv' | 'static';

/** Field 62-05 of a static code without a txid, and of every dynamic code. */
export const STATIC_TXID_NONE = '***';

const PATTERNS: Record<TxidKind, RegExp> = {
  cob: /^[a-zA-Z0-9]{26,35}$/,
  cobv: /^[a-zA-Z0-9]{26,35}$/,
  static: /^[a-zA-Z0-9]{1,25}$/,
};

/** Whether `txid` is acceptable for this kind; "***" counts as valid for a static code. */
export function isValidTxid(txid: string, kind: TxidKind): boolean {
  if (typeof txid !== 'string') return false;
  if (kind === 'static' && txid === STATIC_TXID_NONE) return true;
  return PATTERNS[kind].test(txid);
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const TXID_LENGTH = 35;

/**
 * A fresh 35-character txid (about 208 bits), valid for cob and cobv. Bytes ≥ 248 are discarded
 * so each of the 62 characters is equally likely (248 = 4 × 62). `randomBytes` is for tests.
 */
export function newTxid(randomBytes: (size: number) => Uint8Array = cryptoRandomBytes): string {
  let out = '';
  for (let round = 0; out.length < TXID_LENGTH; round++) {
    if (round === 100) throw new Error('newTxid: the random source keeps returning bytes ≥ 248');
    for (const byte of randomBytes(TXID_LENGTH * 2)) {
      if (byte >= 248) continue;
      out += ALPHABET[byte % 62];
      if (out.length === TXID_LENGTH) break;
    }
  }
  return out;
}
