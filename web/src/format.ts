/**
 * pt-BR formats for what users read. Money arrives as integer centavos and is formatted with
 * integer arithmetic only (no float ever touches an amount); typed amounts are parsed the same way.
 */

/** 123456 → "R$ 1.234,56"; negative amounts get a minus sign. */
export function brl(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  if (!Number.isSafeInteger(cents)) throw new Error(`valor em centavos inválido: ${cents}`);
  const abs = Math.abs(cents);
  const centavos = abs % 100;
  const reais = (abs - centavos) / 100;
  const grouped = String(reais).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '−' : ''}R$ ${grouped},${String(centavos).padStart(2, '0')}`;
}

/** Centavos as the user types them back into a field: 5000 → "50,00" (parseBrl reads it back). */
export function centsToInput(cents: number): string {
  return brl(cents).replace('R$ ', '');
}

/** "1.234,56", "1234,5", "R$ 10" or "10.50" (a dot followed by 1–2 digits at the end is read as decimal) → centavos; null when not an amount. */
export function parseBrl(text: string): number | null {
  let s = text.trim().replace(/^R\$\s*/i, '').replace(/\s/g, '');
  if (!s) return null;
  if (!s.includes(',') && /\.\d{1,2}$/.test(s)) s = s.replace(/\.(\d{1,2})$/, ',$1');
  const match = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(s);
  if (!match) return null;
  const reais = match[1]!.replace(/\./g, '');
  const centavos = (match[2] ?? '').padEnd(2, '0');
  const cents = Number(reais + centavos);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** "2026-11-23" → "23/11/2026" (a calendar date; no time zone involved). */
export function dateBR(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** An instant, in Brasília time: "23/11/2026 14:05". */
export function dateTimeBR(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** A decimal fraction as text ("0.1234") → "12,34 %", shifting the decimal point in the string (no float rounding). */
export function percent(rate: string | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || rate === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) return rate;
  const [, sign, int, frac = ''] = match;
  // rate × 10^(2 + digits + 1) as an integer, then rounded half up to percent × 10^digits
  const keep = 2 + digits;
  const units = (BigInt(int! + frac.padEnd(keep + 1, '0').slice(0, keep + 1)) + 5n) / 10n;
  const text = units.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const decimals = digits ? `,${text.slice(text.length - digits)}` : '';
  return `${sign && units !== 0n ? '−' : ''}${whole}${decimals} %`;
}

/** A count in pt-BR ("1.234"). */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat('pt-BR').format(n);
}

export function cpfCnpj(document: string): string {
  const d = document.replace(/\D/g, '');
  if (d.length === 11) return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
  if (d.length === 14) return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
  return document;
}

/**
 * The document as shown by default on screens and lists (LGPD: data minimization): a CPF keeps only
 * the digits 4–9 ("***.743.580-**", the pattern of the federal government's Portal da Transparência);
 * a CNPJ identifies a company and is shown whole.
 */
export function maskDocument(document: string): string {
  const d = document.replace(/\D/g, '');
  if (d.length === 11) return `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**`;
  return cpfCnpj(d);
}

const RATE_SCALE = 10; // decimal places kept when moving a rate between "0.0199" and "1,99"

/** An API rate ("0.0199") as the percent a user types ("1,99"), by moving the decimal point in the text. */
export function fractionToPercentInput(rate: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) return rate;
  const digits = BigInt(match[1]! + (match[2] ?? '').padEnd(RATE_SCALE, '0').slice(0, RATE_SCALE)) * 100n;
  const text = digits.toString().padStart(RATE_SCALE + 1, '0');
  const whole = text.slice(0, text.length - RATE_SCALE);
  const frac = text.slice(text.length - RATE_SCALE).replace(/0+$/, '');
  return frac ? `${whole},${frac}` : whole;
}

/** "1,99" (percent, as typed) → "0.0199"; null when it is not a percentage between 0 and 100. */
export function percentInputToFraction(text: string): string | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,8}))?$/.exec(text.trim().replace(/\s*%$/, ''));
  if (!match) return null;
  const scaled = BigInt(match[1]! + (match[2] ?? '').padEnd(8, '0')); // percent × 10^8 = fraction × 10^10
  if (scaled > 100n * 10n ** 8n) return null;
  const s = scaled.toString().padStart(RATE_SCALE + 1, '0');
  const whole = s.slice(0, s.length - RATE_SCALE);
  const frac = s.slice(s.length - RATE_SCALE).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}
