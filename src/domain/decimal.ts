import DecimalModule from 'decimal.js';

/**
 * decimal.js, configured once for the whole domain: 40 significant digits (far beyond any rate
 * or factor we compose) and ROUND_HALF_UP, the rounding ABNT NBR 5891 and our amounts use.
 * (The package ships its ESM build with a default export only; this module gives it a typed name.)
 */
type DecimalClass = typeof import('decimal.js').Decimal;

export const Decimal: DecimalClass = (DecimalModule as unknown as DecimalClass).clone({
  precision: 40,
  rounding: 4, // Decimal.ROUND_HALF_UP
});
export type Decimal = import('decimal.js').Decimal;
export type DecimalValue = string | number | Decimal;
