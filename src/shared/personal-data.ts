import { maskDocument } from '../brazil/documents.ts';
import { maskEmail } from '../brazil/email.ts';

/**
 * Masks CPF/CNPJ, e-mail addresses and phone numbers found anywhere in a text, so logs and error
 * traces never carry personal data in clear (LGPD art. 46: security measures).
 */
const CPF = /(?<![\dA-Z])\d{3}\.?\d{3}\.?\d{3}-?\d{2}(?![\dA-Z])/g;
const CNPJ = /(?<![\dA-Z])[\dA-Z]{2}\.?[\dA-Z]{3}\.?[\dA-Z]{3}\/?[\dA-Z]{4}-?\d{2}(?![\dA-Z])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?<!\d)(?:\+?55\s?)?\(?\d{2}\)?\s?9?\d{4}[-\s]?\d{4}(?!\d)/g;

export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(CNPJ, (m) => (/[A-Z]/.test(m) || /^\d{14}$/.test(m.replace(/\D/g, '')) ? '**.***.***/****-**' : m))
    .replace(CPF, (m) => maskDocument(m.replace(/\D/g, '')))
    .replace(PHONE, (m) => `(**) *****-${m.replace(/\D/g, '').slice(-4)}`);
}

/**
 * Copy of a log object with every string masked. Only plain objects and arrays are walked;
 * anything else (a request, a socket) is left for pino's serializers.
 */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}
