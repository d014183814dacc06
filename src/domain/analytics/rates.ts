import { Decimal } from '../decimal.ts';

/** Decimal places of every rate the dashboard returns ("0.1234" = 12.34%). */
export const RATE_DECIMALS = 4;

/**
 * A share as a decimal string with four places, rounded half up ("0.3333" for 1/3); null when
 * there is nothing to divide by (no rate is better than a misleading 0). Counts and centavos are
 * integers, so the division is exact before rounding.
 */
export function rateOf(numerator: number | bigint, denominator: number | bigint): string | null {
  const d = new Decimal(denominator.toString());
  if (d.lte(0)) return null;
  return new Decimal(numerator.toString()).div(d).toFixed(RATE_DECIMALS);
}

/** Sums of centavos read as text from the database (bigint), exactly. */
export function centsOf(value: string | number | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = BigInt(value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`soma fora do intervalo seguro: ${n}`);
  return Number(n);
}
