import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidTxid, newTxid, STATIC_TXID_NONE, TXID_LENGTH } from './txid.ts';

describe('txid', () => {
  it('the API Pix pattern [a-zA-Z0-9]{26,35} for cob and cobv; up to 25 or "***" in a static code', () => {
    expect(isValidTxid('a'.repeat(26), 'cob')).toBe(true);
    expect(isValidTxid('a'.repeat(35), 'cobv')).toBe(true);
    expect(isValidTxid('a'.repeat(25), 'cob')).toBe(false);
    expect(isValidTxid('a'.repeat(36), 'cob')).toBe(false);
    expect(isValidTxid('7978c0c97ea847e78e8849634473c1f1', 'cob')).toBe(true); // cobResponse1 of the API's openapi.yaml
    expect(isValidTxid('ABCDEF-0123456789-GHIJKLMNOP', 'cob')).toBe(false); // hyphens were allowed only in the API's first draft
    expect(isValidTxid(STATIC_TXID_NONE, 'static')).toBe(true);
    expect(isValidTxid(STATIC_TXID_NONE, 'cob')).toBe(false);
    expect(isValidTxid('A'.repeat(25), 'static')).toBe(true);
    expect(isValidTxid('A'.repeat(26), 'static')).toBe(false);
    expect(isValidTxid('', 'static')).toBe(false);
    expect(isValidTxid('PED 1', 'static')).toBe(false);
    expect(isValidTxid(undefined as unknown as string, 'static')).toBe(false);
  });

  it('newTxid: 35 letters and digits from crypto, valid for cob and cobv, never repeated in practice', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const txid = newTxid();
      expect(txid).toHaveLength(TXID_LENGTH);
      expect(isValidTxid(txid, 'cob') && isValidTxid(txid, 'cobv')).toBe(true);
      seen.add(txid);
    }
    expect(seen.size).toBe(2000);
  });

  it('maps bytes without bias: bytes ≥ 248 are skipped, the rest taken mod 62', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 70, maxLength: 70 }), (bytes) => {
        const usable = [...bytes].filter((b) => b < 248);
        fc.pre(usable.length >= 35);
        const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
        expect(newTxid(() => bytes)).toBe(usable.slice(0, 35).map((b) => alphabet[b % 62]).join(''));
      }),
    );
    // With the mapping above, each of the 62 characters comes from exactly 4 of the 248 accepted byte values.
    const preimages = Array.from({ length: 62 }, (_, c) => Array.from({ length: 248 }, (_, b) => b).filter((b) => b % 62 === c).length);
    expect(new Set(preimages)).toEqual(new Set([4]));
    expect(() => newTxid((size) => new Uint8Array(size).fill(255))).toThrow(/random source/);
  });
});
