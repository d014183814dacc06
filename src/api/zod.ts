import { z } from 'zod';
import { documentProblemMessages, parseDocument } from '../brazil/documents.ts';
import { isUf, normalizeCep, ufOfCep } from '../brazil/uf.ts';
import { isIsoDate } from '../domain/dates.ts';
import { AppError } from '../shared/errors.ts';

// Every message zod writes is in Portuguese (Brazil).
z.config(z.locales.ptBR());

export { z };

export const zUuid = z.uuid({ message: 'identificador inválido (esperado um UUID)' });

export const zIsoDate = z
  .string()
  .refine(isIsoDate, { message: 'data inválida (use AAAA-MM-DD)' })
  .meta({ example: '2026-11-23', format: 'date' });

export const zCents = z.number().int({ message: 'valor em centavos deve ser inteiro' }).min(0);

/** CPF or CNPJ with or without punctuation, validated and returned as digits (uppercase for CNPJ). */
export const zDocument = z.string().transform((value, ctx) => {
  const parsed = parseDocument(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: documentProblemMessages[parsed.problem] });
    return z.NEVER;
  }
  return parsed.document.value;
});

export const zUf = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .refine(isUf, { message: 'UF inexistente' });

export const zCep = z
  .string()
  .transform(normalizeCep)
  .refine((v) => /^\d{8}$/.test(v), { message: 'CEP deve ter 8 dígitos' });

/** Checks that a CEP belongs to the UF given alongside it. */
export function cepMatchesUf(value: { cep?: string | undefined; uf?: string | undefined }): boolean {
  return !value.cep || !value.uf || ufOfCep(value.cep) === value.uf;
}

export const zPage = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export function pageOf<T>(rows: T[], limit: number, offset: number) {
  return { items: rows.slice(0, limit), limit, offset, hasMore: rows.length > limit };
}

export const zPageMeta = { limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() };

export const zBooleanQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** Validates a request, or throws a pt-BR error naming the field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(raiz)';
  throw new AppError('validation', `Campo ${field}: ${issue.message}`, { field });
}
