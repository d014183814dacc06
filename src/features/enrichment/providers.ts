import type { CepAddress, EnrichmentResult } from '../../domain/enrichment/enrichment.ts';
import type { DocumentKind } from '../../brazil/documents.ts';
import { AppError } from '../../shared/errors.ts';

/** A provider's answer: the data, or that it knows nothing of the key (its 404). */
export type ProviderAnswer<T> = { found: true; result: T } | { found: false };

/**
 * A data provider keyed by CPF/CNPJ: names, addresses, phones and e-mails, each with its source
 * and date. One adapter per provider's API; `documentKinds` says which documents it knows.
 */
export interface DocumentProvider {
  readonly name: string;
  readonly documentKinds: readonly DocumentKind[];
  lookup(document: string, kind: DocumentKind): Promise<ProviderAnswer<EnrichmentResult>>;
}

/** A postal-code provider: CEP → address. */
export interface CepProvider {
  readonly name: string;
  lookup(cep: string): Promise<ProviderAnswer<CepAddress>>;
}

export interface HttpOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * GET a provider's JSON, with a timeout, mapping its failures to errors a person can act on:
 * 404 → not found (an answer, not an error); 400 → the key was refused; 429 → the provider's
 * rate limit; 5xx, timeouts and unreachable hosts → the provider is unavailable.
 */
export async function getProviderJson(options: HttpOptions, path: string, what: { provider: string; subject: string }): Promise<ProviderAnswer<unknown>> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AppError('internal', `O provedor ${what.provider} não respondeu em ${Math.round(options.timeoutMs / 100) / 10} s à consulta de ${what.subject}; tente de novo em instantes.`, { cause: error });
    }
    throw new AppError('internal', `O provedor ${what.provider} está inacessível (${(error as Error).message}); a consulta de ${what.subject} não foi feita.`, { cause: error });
  }
  const payload = (await response.json().catch(() => null)) as { message?: unknown } | null;
  const detail = payload && typeof payload.message === 'string' ? `: ${payload.message}` : '';
  if (response.status === 200 && payload) return { found: true, result: payload };
  if (response.status === 404) return { found: false };
  if (response.status === 400) throw new AppError('validation', `O provedor ${what.provider} recusou ${what.subject}${detail}`, { field: 'document' });
  if (response.status === 429) throw new AppError('rate_limited', `O provedor ${what.provider} limitou as consultas (429 — muitas requisições); tente de novo em alguns minutos.`);
  if (response.status >= 500) throw new AppError('internal', `O provedor ${what.provider} está com falha (HTTP ${response.status})${detail}; a consulta de ${what.subject} não foi feita.`);
  throw new AppError('internal', `Resposta inesperada do provedor ${what.provider} (HTTP ${response.status})${detail}.`);
}
