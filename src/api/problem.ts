import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorTitles, httpStatusOf, type ErrorCode, type FieldProblem } from '../shared/errors.ts';

/** RFC 9457 problem details, with the field at fault and a pt-BR message. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
  errors: FieldProblem[];
}

export function problemOf(error: AppError): Problem {
  return {
    type: `https://recupera.dev/problemas/${error.code}`,
    title: errorTitles[error.code],
    status: httpStatusOf(error.code),
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    errors: [...error.problems],
  };
}

const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['validation', 'Tipo de conteúdo não aceito por esta rota.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['validation', 'Corpo JSON vazio.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['validation', 'O corpo não é um JSON válido.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'O corpo da requisição excede o limite.'],
  FST_REQ_FILE_TOO_LARGE: ['payload_too_large', 'O arquivo excede o limite de tamanho.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['validation', 'A requisição não é multipart/form-data.'],
  FST_ERR_VALIDATION: ['validation', 'Dados inválidos.'],
};

/** Turns anything thrown by a route into an AppError; unknown errors become "internal" and are logged. */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext === 'querystring' ? 'query' : error.validationContext;
    const problems = error.validation.map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = path || (issue.params as { issue?: { path?: unknown[] } })?.issue?.path?.join('.') || String(where ?? '');
      return { field, message: issue.message ?? 'valor inválido' };
    });
    const first = problems[0];
    return new AppError('validation', first ? `Campo ${first.field}: ${first.message}` : 'Dados inválidos.', {
      ...(first ? { field: first.field } : {}),
      problems,
    });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 429) return new AppError('rate_limited', 'Muitas tentativas; aguarde um minuto e tente de novo.');
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new AppError(known[0], known[1]);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('validation', 'Requisição inválida.');
  }
  request.log.error({ err: error }, 'unexpected error');
  return new AppError('internal', 'Erro interno. A equipe técnica foi avisada pelo log; tente de novo em instantes.');
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  const problem = problemOf(error);
  return reply.status(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
