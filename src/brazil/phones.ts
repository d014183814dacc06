/**
 * Brazilian phone numbers (Anatel numbering plan): two-digit area code (DDD) followed by
 * 9 digits starting with 9 for mobiles or 8 digits starting with 2–5 for landlines.
 * Stored in E.164 (+55DDNNNNNNNNN) so every channel adapter gets the same form.
 */

/** Area codes in use (Anatel, Plano Geral de Códigos Nacionais). */
const DDDS: ReadonlySet<number> = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
  71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
]);

export type PhoneKind = 'mobile' | 'landline';

export interface ParsedPhone {
  e164: string;
  ddd: number;
  kind: PhoneKind;
}

export type PhoneProblem = 'characters' | 'length' | 'ddd' | 'subscriber';

export const phoneProblemMessages: Record<PhoneProblem, string> = {
  characters: 'telefone contém caracteres inválidos',
  length: 'telefone deve ter DDD + 8 ou 9 dígitos',
  ddd: 'DDD inexistente',
  subscriber: 'número não segue o plano de numeração (celular começa com 9, fixo com 2 a 5)',
};

export function parsePhone(input: string): { ok: true; phone: ParsedPhone } | { ok: false; problem: PhoneProblem } {
  const trimmed = input.trim();
  if (!/^[+\d\s().-]+$/.test(trimmed)) return { ok: false, problem: 'characters' };
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) {
    if (!digits.startsWith('55')) return { ok: false, problem: 'ddd' };
    digits = digits.slice(2);
  } else if (digits.length > 11 && digits.startsWith('0')) {
    digits = digits.replace(/^0+/, ''); // trunk prefix, e.g. 0 11 ...
    if (digits.length === 12 || digits.length === 13) digits = digits.slice(2); // carrier code 0xx
  } else if (digits.length === 12 || digits.length === 13) {
    if (digits.startsWith('55')) digits = digits.slice(2);
  }
  if (digits.length !== 10 && digits.length !== 11) return { ok: false, problem: 'length' };
  const ddd = Number(digits.slice(0, 2));
  if (!DDDS.has(ddd)) return { ok: false, problem: 'ddd' };
  const subscriber = digits.slice(2);
  let kind: PhoneKind;
  if (subscriber.length === 9 && subscriber.startsWith('9')) kind = 'mobile';
  else if (subscriber.length === 8 && /^[2-5]/.test(subscriber)) kind = 'landline';
  else return { ok: false, problem: 'subscriber' };
  return { ok: true, phone: { e164: `+55${digits}`, ddd, kind } };
}

/** (11) 98765-4321 */
export function formatPhone(e164: string): string {
  const national = e164.replace(/^\+55/, '');
  const ddd = national.slice(0, 2);
  const rest = national.slice(2);
  const split = rest.length - 4;
  return `(${ddd}) ${rest.slice(0, split)}-${rest.slice(split)}`;
}

/** (11) *****-4321: enough to tell numbers apart, not enough to call. */
export function maskPhone(e164: string): string {
  const national = e164.replace(/^\+55/, '');
  return `(${national.slice(0, 2)}) *****-${national.slice(-4)}`;
}
