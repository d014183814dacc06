/**
 * The two check-digit families of the boleto and of the banks' own numbers. Every bank takes
 * the same weighted sums and differs only in which remainders become which digit, so the sums
 * live here and each bank maps the remainder itself (see banks/*.ts).
 */

/**
 * FEBRABAN "módulo 10" (fields 1–3 of the typeable line; Itaú's DACs): weights 2, 1, 2, 1 …
 * from the right, the digits of each product added (12 → 1 + 2), and DV = 10 − sum mod 10,
 * with 10 → 0. It is the Luhn scheme, so every single-digit substitution changes the DV.
 */
export function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const product = (digits.charCodeAt(i) - 48) * weight;
    sum += product > 9 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Σ digit × weight with weights 2, 3, …, maxWeight, 2, 3 … from the right, modulo 11.
 * maxWeight is 9 for FEBRABAN and most banks ("módulo 11, pesos 2 a 9"), 7 for Bradesco.
 */
export function mod11Remainder(digits: string, maxWeight = 9): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = weight === maxWeight ? 2 : weight + 1;
  }
  return sum % 11;
}

/** Σ digit × weight with the weights repeated from the left (Sicoob's constant 3197), modulo 11. */
export function weightedRemainderFromLeft(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (digits.charCodeAt(i) - 48) * weights[i % weights.length]!;
  return sum % 11;
}

/**
 * The general DV of the barcode (position 5): módulo 11, weights 2–9 over the other 43 digits;
 * DV = 11 − remainder, and 0, 10 or 11 become 1 because the DV is never 0 (FEBRABAN layout;
 * CAIXA SIGCB v015 Anexo I: "se o resultado for 0 ou maior que 9, o DV será 1").
 */
export function barcodeCheckDigit(digits43: string): number {
  const dv = 11 - mod11Remainder(digits43);
  return dv === 0 || dv > 9 ? 1 : dv;
}
