/**
 * Money is integer centavos (a JavaScript number, exact up to 2^53 − 1 centavos, about
 * R$ 90 trillion). Amounts arrive as text in pt-BR ("1.234,56") or international ("1234.56")
 * notation and are converted without ever passing through a binary fraction.
 */

export type Cents = number;

export type DecimalSeparator = 'comma' | 'point';

export type AmountProblem = 'empty' | 'format' | 'precision' | 'negative' | 'zero' | 'too_large';

export const amountProblemMessages: Record<AmountProblem, string> = {
  empty: 'valor não informado',
  format: 'valor em formato não reconhecido',
  precision: 'valor com mais de duas casas decimais',
  negative: 'valor negativo',
  zero: 'valor deve ser maior que zero',
  too_large: 'valor acima do limite de R$ 10.000.000.000,00',
};

/** Above this an amount is almost surely a column mix-up (e.g. a document number read as value). */
export const MAX_AMOUNT_CENTS: Cents = 1_000_000_000_000;

/**
 * Parses an amount to centavos. With a decimal comma, '.' may only group thousands
 * ("1.234,56"); with a decimal point, ',' may only group thousands ("1,234.56").
 * A currency prefix "R$" and surrounding spaces are accepted. Trailing zeros beyond the
 * second decimal place are accepted ("10,500" = R$ 10,50); other digits there are an error.
 */
export function parseAmount(
  input: string,
  decimal: DecimalSeparator,
  options: { allowZero?: boolean } = {},
): { ok: true; cents: Cents } | { ok: false; problem: AmountProblem } {
  let text = input.trim().replace(/^R\$\s*/i, '');
  if (text === '') return { ok: false, problem: 'empty' };
  let negative = false;
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1).trim();
  }
  const [group, point] = decimal === 'comma' ? ['.', ','] : [',', '.'];
  const pattern =
    decimal === 'comma'
      ? /^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/
      : /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
  const match = pattern.exec(text);
  if (!match) return { ok: false, problem: 'format' };
  const [whole, fraction = ''] = text.split(point) as [string, string?];
  const integerDigits = whole.split(group).join('').replace(/^0+(?=\d)/, '');
  if (fraction.length > 2 && /[^0]/.test(fraction.slice(2))) return { ok: false, problem: 'precision' };
  const fraction2 = (fraction + '00').slice(0, 2);
  if (integerDigits.length > 13) return { ok: false, problem: 'too_large' };
  const cents = Number(integerDigits) * 100 + Number(fraction2);
  if (negative && cents !== 0) return { ok: false, problem: 'negative' };
  if (cents === 0 && !options.allowZero) return { ok: false, problem: 'zero' };
  if (cents > MAX_AMOUNT_CENTS) return { ok: false, problem: 'too_large' };
  return { ok: true, cents };
}

/** R$ 1.234,56 (the non-breaking space after R$ that Intl uses is replaced by a plain one). */
export function formatBRL(cents: Cents): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const reais = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const centavos = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}R$ ${reais},${centavos}`;
}
