import DecimalModule from 'decimal.js';

/**
 * decimal.js, configured once for the whole domain: 40 significant digits (far beyond any rate
 * or factor we compose) and ROUND_HALF_UP, the rounding of our amounts (the taxa legal alone uses
 * ABNT NBR 5891, which keeps an even digit on an exact tie: ROUND_HALF_EVEN, see indices/series.ts).
 * (The package ships its ESM build with a default export only; this module gives it a typed name.)
 */
type DecimalClass = typeof import('decimal.js').Decimal;

export const Decimal: DecimalClass = (DecimalModule as unknown as DecimalClass).clone({
  precision: 40,
  rounding: 4, // Decimal.ROUND_HALF_UP
});
export type Decimal = import('decimal.js').Decimal;
export type DecimalValue = string | number | Decimal;
