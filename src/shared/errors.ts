/**
 * One error type crosses every layer: a code, a pt-BR message for the person who reads it,
 * and optionally the field at fault. The HTTP edge maps it to problem+json, the CLI to an exit
 * code and a readable line; the domain never knows which.
 */

export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'file_unreadable'
  | 'database_busy'
  | 'config'
  | 'internal';

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly problems: readonly FieldProblem[];

  constructor(code: ErrorCode, message: string, options: { field?: string; problems?: FieldProblem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.problems = options.problems ?? (options.field ? [{ field: options.field, message }] : []);
  }
}

/** HTTP status per code; the exhaustive switch makes the compiler catch a new code left unmapped. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'file_unreadable':
      return 422;
    case 'rate_limited':
      return 429;
    case 'database_busy':
      return 503;
    case 'config':
    case 'internal':
      return 500;
  }
}

/** Titles shown with every problem of a code (problem+json "title"). */
export const errorTitles: Record<ErrorCode, string> = {
  validation: 'Dados inválidos',
  not_found: 'Não encontrado',
  unauthenticated: 'Autenticação necessária',
  forbidden: 'Acesso negado',
  conflict: 'Conflito',
  rate_limited: 'Muitas tentativas',
  payload_too_large: 'Conteúdo grande demais',
  file_unreadable: 'Arquivo ilegível',
  database_busy: 'Banco de dados em uso',
  config: 'Configuração inválida',
  internal: 'Erro interno',
};

export const notFound = (what: string): AppError => new AppError('not_found', `${what} não encontrado(a).`);
