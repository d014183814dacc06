import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time.ts';

/**
 * Our own webhook signature (to a dialer, and from it): `X-Recupera-Signature: t=<unix seconds>,v1=<hex>`,
 * the HMAC-SHA256 of "<t>.<raw body>" keyed by the shared secret. The timestamp inside the
 * signature stops replays of an old request; the receiver checks it within a tolerance.
 */
export const SIGNATURE_HEADER = 'x-recupera-signature';

export function signPayload(secret: string, rawBody: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`;
}

export function verifyPayload(secret: string, header: string | undefined, rawBody: string, now: Date = new Date(), toleranceSeconds = 300): boolean {
  const match = header ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return constantTimeEqual(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'), match[2]!);
}
