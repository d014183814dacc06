import { timingSafeEqual } from 'node:crypto';

/** Equality of two secrets (signatures, hashes) in time that does not depend on where they differ. */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
