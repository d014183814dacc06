import { Decimal, type DecimalValue } from './decimal.ts';
import type { DecimalSeparator } from './money.ts';

/**
 * Rates are exact decimals (decimal.js), kept as strings at the edges: "0.02" is 2%.
 * Files and people write percentages ("2" or "2,5%"); they are converted here, exactly.
 */

export type RateProblem = 'format' | 'negative' | 'too_large';

export const rateProblemMessages: Record<RateProblem, string> = {
  format: 'percentual em formato não reconhecido',
  negative: 'percentual negativo',
  too_large: 'percentual acima de 100%',
};

/** Parses a percentage ("2", "2,5", "2.5%") into a fraction string ("0.025"). */
export function parsePercent(
  input: string,
  decimal: DecimalSeparator,
  options: { max?: DecimalValue } = {},
): { ok: true; rate: string } | { ok: false; problem: RateProblem } {
  let text = input.trim().replace(/\s*%$/, '');
  if (decimal === 'comma') {
    if (text.includes('.')) return { ok: false, problem: 'format' };
    text = text.replace(',', '.');
  } else if (text.includes(',')) {
    return { ok: false, problem: 'format' };
  }
  if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false, problem: 'format' };
  const percent = new Decimal(text);
  if (percent.isNegative() && !percent.isZero()) return { ok: false, problem: 'negative' };
  if (percent.greaterThan(options.max ?? 100)) return { ok: false, problem: 'too_large' };
  return { ok: true, rate: percent.div(100).toString() };
}

/** "0.025" → "2,5%" */
export function formatPercent(rate: string, fractionDigits = 2): string {
  const percent = new Decimal(rate).times(100);
  const fixed = percent.toDecimalPlaces(fractionDigits).toString();
  return `${fixed.replace('.', ',')}%`;
}
