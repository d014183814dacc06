/**
 * Pix keys as they are written in the BR Code (Manual de Padrões para Iniciação do Pix,
 * "Formatação das chaves do DICT no BR Code"): CPF and CNPJ as bare digits, e-mail, phone in
 * E.164 (+55…), random key (EVP) as a UUID. At most 77 characters (API Pix, campo chave).
 */
import { cnpjProblem, cpfProblem, documentProblemMessages } from '../documents.ts';
import { isValidEmail } from '../email.ts';
import { parsePhone } from '../phones.ts';

export type PixKeyKind = 'cpf' | 'cnpj' | 'email' | 'phone' | 'evp';

export const MAX_PIX_KEY_LENGTH = 77;

const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PixKeyCheck = { ok: true; kind: PixKeyKind } | { ok: false; message: string };

/** Which kind of key this is, or why it is none (pt-BR). Never normalizes: the key goes into the code as given. */
export function checkPixKey(key: string): PixKeyCheck {
  if (key.length === 0) return { ok: false, message: 'chave Pix vazia' };
  if (key.length > MAX_PIX_KEY_LENGTH) return { ok: false, message: `chave Pix com ${key.length} caracteres (máximo ${MAX_PIX_KEY_LENGTH})` };
  if (/^\d{11}$/.test(key)) {
    const problem = cpfProblem(key);
    return problem ? { ok: false, message: `chave CPF inválida: ${documentProblemMessages[problem]}` } : { ok: true, kind: 'cpf' };
  }
  if (/^[0-9A-Z]{12}\d{2}$/.test(key)) {
    const problem = cnpjProblem(key);
    return problem ? { ok: false, message: `chave CNPJ inválida: ${documentProblemMessages[problem]}` } : { ok: true, kind: 'cnpj' };
  }
  if (key.startsWith('+')) {
    if (!/^\+55\d{10,11}$/.test(key)) return { ok: false, message: 'chave telefone deve ser +55, DDD e número, só dígitos (ex.: +5511987654321)' };
    return parsePhone(key).ok ? { ok: true, kind: 'phone' } : { ok: false, message: 'chave telefone com DDD ou número inexistente' };
  }
  if (key.includes('@')) return isValidEmail(key) ? { ok: true, kind: 'email' } : { ok: false, message: 'chave e-mail inválida' };
  if (EVP.test(key)) return { ok: true, kind: 'evp' };
  if (/^[\d.\-/\s]+$/.test(key)) return { ok: false, message: 'chave CPF/CNPJ deve ir só com dígitos, sem pontuação' };
  return { ok: false, message: 'chave Pix em formato desconhecido (use CPF ou CNPJ só com dígitos, e-mail, telefone +55DDNÚMERO ou chave aleatória)' };
}
