/**
 * The shapes of the BCB "API Pix" (github.com/bacen/pix-api, openapi.yaml v2.8) that Recupera
 * uses: immediate charges (cob), charges with a due date (cobv), the received Pix and the webhook
 * that notifies it, the problem+json errors. Money travels as text "123.45" (pattern
 * \d{1,10}\.\d{2}); inside Recupera it is integer centavos, converted here and only here.
 */
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.ts';
import { AppError } from '../../shared/errors.ts';

// zod's own messages (type errors, sizes) in Portuguese, as everywhere else in Recupera.
z.config(z.locales.ptBR());

// ————————————————————————————————————————— money

const VALOR = /^\d{1,10}\.\d{2}$/;
/** The largest "valor" the API admits: 9999999999.99. */
export const MAX_VALOR_CENTS = 999_999_999_999;

/** Centavos to the API's "1234.50". */
export function centsToValor(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0 || cents > MAX_VALOR_CENTS) {
    throw new AppError('validation', `Valor ${cents} não é um número inteiro de centavos entre 0 e 999999999999.`, { field: 'valor' });
  }
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** The API's "1234.50" to centavos; anything but digits, a point and exactly two decimals is refused. */
export function valorToCents(valor: string, field = 'valor'): number {
  if (typeof valor !== 'string' || !VALOR.test(valor)) {
    throw new AppError('validation', `Campo ${field}: "${String(valor)}" não é um valor da API Pix (dígitos, ponto e 2 casas decimais, ex.: 1234.50).`, { field });
  }
  const [reais, centavos] = valor.split('.') as [string, string];
  return Number(reais) * 100 + Number(centavos);
}

// ————————————————————————————————————————— building blocks

export const valorSchema = z.string().regex(VALOR, 'valor no formato 123.45 (ponto decimal e 2 casas)');
const positiveValor = valorSchema.refine((v) => !VALOR.test(v) || valorToCents(v) > 0, 'valor deve ser maior que zero');
const isoDate = z.string().refine(isIsoDate, 'data inválida (use AAAA-MM-DD)');
const dateTime = z.iso.datetime({ offset: true, message: 'data e hora RFC 3339 (ex.: 2020-09-09T20:15:00.358Z)' });
export const txidSchema = z.string().regex(/^[a-zA-Z0-9]{26,35}$/, 'txid deve ter de 26 a 35 letras e dígitos');
const cpf = z.string().regex(/^\d{11}$/, 'CPF com 11 dígitos, sem pontuação');
// The API writes \d{14}; alphanumeric CNPJs (IN RFB 2.229/2024) are admitted ahead of it.
const cnpj = z.string().regex(/^[0-9A-Z]{12}\d{2}$/, 'CNPJ com 14 caracteres, sem pontuação');
const nome = z.string().min(1).max(200);
const chave = z.string().min(1, 'chave obrigatória').max(77);

/** CPF xor CNPJ, with a name (API Pix, PessoaFisica | PessoaJuridica). */
function withOneDocument<T extends { cpf?: string | undefined; cnpj?: string | undefined }>(value: T, ctx: z.RefinementCtx): void {
  if ((value.cpf === undefined) === (value.cnpj === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'informe o CPF ou o CNPJ do devedor (um dos dois)', path: value.cpf === undefined ? ['cpf'] : ['cnpj'] });
  }
}

const devedorCobSchema = z.object({ cpf: cpf.optional(), cnpj: cnpj.optional(), nome }).superRefine(withOneDocument);

const devedorCobvSchema = z
  .object({
    cpf: cpf.optional(),
    cnpj: cnpj.optional(),
    nome,
    email: z.string().max(77).optional(),
    logradouro: z.string().max(200).optional(),
    cidade: z.string().max(200).optional(),
    uf: z.string().regex(/^[A-Z]{2}$/, 'UF com 2 letras maiúsculas').optional(),
    cep: z.string().regex(/^\d{8}$/, 'CEP com 8 dígitos').optional(),
  })
  .superRefine(withOneDocument);

const infoAdicionais = z.array(z.object({ nome: z.string().min(1).max(50), valor: z.string().min(1).max(200) })).max(50);
const locRequest = z.object({ id: z.number().int().positive() });

/** Modalities are integers; the BCB's own examples write some as "2", so digit strings are read too. */
const modalidade = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d$/).transform(Number)])
    .pipe(z.number().int().min(min, `modalidade de ${min} a ${max}`).max(max, `modalidade de ${min} a ${max}`));

// ————————————————————————————————————————— cob

export const cobRequestSchema = z.object({
  calendario: z.object({
    /** Seconds from creation (default 86400 at the PSP). */
    expiracao: z.number().int().positive('expiração deve ser maior que zero').optional(),
  }),
  devedor: devedorCobSchema.optional(),
  loc: locRequest.optional(),
  valor: z.object({ original: positiveValor, modalidadeAlteracao: z.union([z.literal(0), z.literal(1)]).optional() }),
  chave,
  solicitacaoPagador: z.string().max(140).optional(),
  infoAdicionais: infoAdicionais.optional(),
});
export type CobRequest = z.input<typeof cobRequestSchema>;

// ————————————————————————————————————————— cobv

const valorPerc = valorSchema;
const descontoSchema = z
  .object({
    /** 1 fixed value up to date(s), 2 percent up to date(s), 3–6 per day of early payment. */
    modalidade: modalidade(1, 6),
    descontoDataFixa: z.array(z.object({ data: isoDate, valorPerc })).min(1).max(3).optional(),
    valorPerc: valorPerc.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.modalidade <= 2 && (d.descontoDataFixa === undefined || d.valorPerc !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'modalidade 1 ou 2 pede descontoDataFixa (e não valorPerc)', path: ['descontoDataFixa'] });
    }
    if (d.modalidade >= 3 && (d.valorPerc === undefined || d.descontoDataFixa !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'modalidade de 3 a 6 pede valorPerc (e não descontoDataFixa)', path: ['valorPerc'] });
    }
  });

export const cobvRequestSchema = z
  .object({
    calendario: z.object({
      dataDeVencimento: isoDate,
      /** Calendar days after the due date in which it can still be paid (default 30 at the PSP). */
      validadeAposVencimento: z.number().int().min(0).optional(),
    }),
    devedor: devedorCobvSchema,
    loc: locRequest.optional(),
    valor: z.object({
      original: positiveValor,
      /** 1 fixed value, 2 percent. */
      multa: z.object({ modalidade: modalidade(1, 2), valorPerc }).optional(),
      /** 1 value per calendar day, 2–4 percent per day/month/year (calendar days), 5–8 the same in business days. */
      juros: z.object({ modalidade: modalidade(1, 8), valorPerc }).optional(),
      /** 1 fixed value, 2 percent. */
      abatimento: z.object({ modalidade: modalidade(1, 2), valorPerc }).optional(),
      desconto: descontoSchema.optional(),
    }),
    chave,
    solicitacaoPagador: z.string().max(140).optional(),
    infoAdicionais: infoAdicionais.optional(),
  })
  .superRefine((cobv, ctx) => {
    if (!isIsoDate(cobv.calendario.dataDeVencimento)) return;
    for (const [i, d] of (cobv.valor.desconto?.descontoDataFixa ?? []).entries()) {
      if (d.data > cobv.calendario.dataDeVencimento) {
        ctx.addIssue({ code: 'custom', message: 'data do desconto posterior ao vencimento', path: ['valor', 'desconto', 'descontoDataFixa', i, 'data'] });
      }
    }
  });
export type CobvRequest = z.input<typeof cobvRequestSchema>;

// ————————————————————————————————————————— received Pix and the webhook

export const devolucaoSchema = z.looseObject({
  id: z.string().regex(/^[a-zA-Z0-9]{1,35}$/),
  rtrId: z.string().regex(/^[a-zA-Z0-9]{32}$/),
  valor: valorSchema,
  natureza: z.string().optional(),
  descricao: z.string().max(140).optional(),
  horario: z.looseObject({ solicitacao: dateTime.optional(), liquidacao: dateTime.optional() }),
  status: z.enum(['EM_PROCESSAMENTO', 'DEVOLVIDO', 'NAO_REALIZADO']),
  motivo: z.string().max(140).optional(),
});

export const pixSchema = z.looseObject({
  /** E + ISPB (8) + yyyyMMddHHmm + 11 characters: 32 in all. */
  endToEndId: z.string().regex(/^[a-zA-Z0-9]{32}$/, 'endToEndId deve ter 32 letras e dígitos'),
  txid: z.string().regex(/^[a-zA-Z0-9]{1,35}$/).optional(),
  valor: valorSchema,
  componentesValor: z.looseObject({}).optional(),
  chave: z.string().max(77).optional(),
  horario: dateTime,
  infoPagador: z.string().max(140).optional(),
  // The API's example pixWebhook1 writes one devolução as an object; the schema says array. Both are read.
  devolucoes: z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v), z.array(devolucaoSchema)).optional(),
});
export type Pix = z.infer<typeof pixSchema>;

/** What the PSP POSTs to {webhookUrl}/pix for each batch of received Pix. */
export const pixWebhookSchema = z.object({ pix: z.array(pixSchema).min(1) });
export type PixWebhook = z.infer<typeof pixWebhookSchema>;

export const webhookRequestSchema = z.object({ webhookUrl: z.url({ protocol: /^https?$/, message: 'webhookUrl deve ser uma URL http(s)' }) });

// ————————————————————————————————————————— what the PSP answers

export const COB_STATUSES = ['ATIVA', 'CONCLUIDA', 'REMOVIDA_PELO_USUARIO_RECEBEDOR', 'REMOVIDA_PELO_PSP'] as const;
export type CobStatus = (typeof COB_STATUSES)[number];

/** CobGerada / CobVGerada / CobCompleta: one lenient shape for both kinds (PSPs add fields of their own). */
export const cobResponseSchema = z.looseObject({
  txid: z.string(),
  revisao: z.number().int().min(0),
  calendario: z.looseObject({
    criacao: z.string(),
    expiracao: z.number().int().optional(),
    dataDeVencimento: z.string().optional(),
    validadeAposVencimento: z.number().int().optional(),
  }),
  // tipoCob is missing from some of the API's own examples (cobResponse2).
  loc: z.looseObject({ id: z.number().int(), location: z.string(), tipoCob: z.enum(['cob', 'cobv']).optional(), criacao: z.string().optional() }).optional(),
  location: z.string().optional(),
  status: z.enum(COB_STATUSES),
  devedor: z.looseObject({ cpf: z.string().optional(), cnpj: z.string().optional(), nome: z.string().optional() }).optional(),
  recebedor: z.looseObject({}).optional(),
  valor: z.looseObject({ original: valorSchema }),
  chave: z.string(),
  solicitacaoPagador: z.string().optional(),
  infoAdicionais: z.array(z.object({ nome: z.string(), valor: z.string() })).optional(),
  pixCopiaECola: z.string().optional(),
  pix: z.array(pixSchema).optional(),
});
export type CobResponse = z.infer<typeof cobResponseSchema>;

/** RFC 7807 problem of the API Pix (schema Problema). */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  correlationId: z.string().optional(),
  violacoes: z.array(z.looseObject({ razao: z.string().optional(), propriedade: z.string().optional(), valor: z.string().optional() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** OAuth 2.0 client-credentials token response (RFC 6749 §5.1). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});
