import { Decimal } from './decimal.ts';
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
  options: { max?: number } = {},
): { ok: true; rate: string } | { ok: false; problem: RateProblem } {
  let text = input.trim().replace(/\s*%$/, '');
  if (decimal === 'comma') {
    if (text.includes('.')) return { ok: false, problem: 'format' };
    text = text.replace(',', '.');
  } else if (text.includes(',')) {
    return { ok: false, problem: 'format' };
  }
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const negative = m[1] === '-' && /[1-9]/.test(m[2]! + (m[3] ?? ''));
  if (negative) return { ok: false, problem: 'negative' };
  const max = options.max ?? 100;
  if (Number(m[2]) > Number(max) || (Number(m[2]) === Number(max) && /[1-9]/.test(m[3] ?? ''))) return { ok: false, problem: 'too_large' };
  return { ok: true, rate: percentDigitsToFraction(m[2]!, m[3] ?? '') };
}

/** Moves the decimal point two places left, exactly: ("2", "5") → "0.025". */
function percentDigitsToFraction(whole: string, fraction: string): string {
  const digits = (whole.replace(/^0+/, '') || '0').padStart(3, '0') + fraction;
  const point = digits.length - fraction.length - 2;
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const decimals = digits.slice(point).replace(/0+$/, '');
  return decimals ? `${integer}.${decimals}` : integer;
}

/** "0.025" → "2,5%" */
export function formatPercent(rate: string, fractionDigits = 2): string {
  const percent = new Decimal(rate).times(100);
  const fixed = percent.toDecimalPlaces(fractionDigits).toString();
  return `${fixed.replace('.', ',')}%`;
}
