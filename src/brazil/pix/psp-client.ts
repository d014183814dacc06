/**
 * A client for a PSP that implements the BCB API Pix (cob, cobv, webhook), authenticating by
 * OAuth 2.0 client credentials (RFC 6749 §4.4) at {baseUrl}/oauth/token. Real PSPs also demand
 * mutual TLS; pass a `fetch` bound to an undici Agent with the certificate for that.
 */
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import {
  cobRequestSchema,
  cobResponseSchema,
  cobvRequestSchema,
  problemSchema,
  tokenResponseSchema,
  webhookRequestSchema,
  type CobRequest,
  type CobResponse,
  type CobvRequest,
} from './bcb-api.ts';
import { isValidTxid } from './txid.ts';

export interface PspClientOptions {
  /** e.g. https://pix.example.com/api — requests go to {baseUrl}/v2/cob/{txid} and {baseUrl}/oauth/token. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  /** Clock for the token's expiry, in milliseconds (tests). */
  now?: () => number;
}

export interface PspClient {
  createCob(txid: string, body: CobRequest): Promise<CobResponse>;
  createCobv(txid: string, body: CobvRequest): Promise<CobResponse>;
  getCob(txid: string): Promise<CobResponse>;
  getCobv(txid: string): Promise<CobResponse>;
  /** PUT /v2/webhook/{chave}: the PSP will POST received Pix to {webhookUrl}/pix. */
  setWebhook(key: string, webhookUrl: string): Promise<void>;
}

/** Tokens are renewed a little before they expire, so a request never leaves with a dying one. */
const EXPIRY_MARGIN_MS = 30_000;

function codeOfStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'validation';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  return 'internal';
}

/** A body we are about to send, checked against the API's schema so mistakes are caught here, in pt-BR. */
function checkBody<S extends z.ZodType>(schema: S, body: unknown, prefix: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path].join('.');
  throw new AppError('validation', `Campo ${field}: ${issue.message}`, { field });
}

function checkTxid(txid: string): void {
  if (!isValidTxid(txid, 'cob')) {
    throw new AppError('validation', `txid "${txid}" inválido: a API Pix pede de 26 a 35 letras e dígitos.`, { field: 'txid' });
  }
}

export function createPspClient(options: PspClientOptions): PspClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  let token: { value: string; expiresAt: number } | null = null;
  let pendingToken: Promise<string> | null = null;

  async function send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await doFetch(url, init);
    } catch (error) {
      throw new AppError('internal', `Não foi possível falar com o PSP (${what}) em ${base}: ${(error as Error).message}`, { cause: error });
    }
  }

  async function readJson(response: Response, what: string): Promise<unknown> {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError('internal', `O PSP respondeu ${what} com algo que não é JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
    }
  }

  /** The PSP's problem+json as an AppError carrying its detail and each violation. */
  async function problemError(response: Response, what: string): Promise<AppError> {
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: reported as text below
    }
    const problem = problemSchema.safeParse(body);
    const code = codeOfStatus(response.status);
    if (!problem.success) {
      return new AppError(code, `O PSP recusou ${what} (HTTP ${response.status}): ${text.slice(0, 200) || 'sem detalhes'}`);
    }
    const { title, detail, violacoes = [] } = problem.data;
    const problems = violacoes.map((v) => ({ field: v.propriedade ?? 'psp', message: v.razao ?? title }));
    const listed = problems.map((p) => `${p.message} [${p.field}]`).join('; ');
    const message = `O PSP recusou ${what} (HTTP ${response.status}, ${title})${detail ? `: ${detail}` : ''}${listed ? ` Violações: ${listed}` : ''}`;
    return new AppError(code, message, { field: problems[0]?.field, problems });
  }

  async function fetchToken(): Promise<string> {
    const startedAt = now();
    const response = await send(
      `${base}/oauth/token`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
      },
      'pedido de token',
    );
    if (!response.ok) {
      const text = await response.text();
      const code = response.status === 400 || response.status === 401 ? 'unauthenticated' : codeOfStatus(response.status);
      throw new AppError(code, `O PSP recusou as credenciais OAuth (client_id/client_secret), HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    const parsed = tokenResponseSchema.safeParse(await readJson(response, 'ao pedido de token'));
    if (!parsed.success) throw new AppError('internal', 'O PSP respondeu ao pedido de token sem access_token.');
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    token = { value: parsed.data.access_token, expiresAt: startedAt + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10) };
    return token.value;
  }

  /** The cached token while it lasts; concurrent callers share one request for a new one. */
  async function accessToken(): Promise<string> {
    if (token && now() < token.expiresAt) return token.value;
    pendingToken ??= fetchToken().finally(() => {
      pendingToken = null;
    });
    return pendingToken;
  }

  async function call(method: string, path: string, what: string, body?: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const bearer = await accessToken();
      const response = await send(
        `${base}${path}`,
        {
          method,
          headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        what,
      );
      // A token the PSP revoked before its announced expiry: get a new one, once.
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        token = null;
        continue;
      }
      if (!response.ok) throw await problemError(response, what);
      return response;
    }
  }

  async function charge(method: 'PUT' | 'GET', kind: 'cob' | 'cobv', txid: string, body?: unknown): Promise<CobResponse> {
    const what = method === 'PUT' ? `a criação da cobrança ${txid}` : `a consulta da cobrança ${txid}`;
    const response = await call(method, `/v2/${kind}/${encodeURIComponent(txid)}`, what, body);
    const parsed = cobResponseSchema.safeParse(await readJson(response, what));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('internal', `Resposta do PSP a ${what} fora do padrão da API Pix (campo ${issue.path.join('.') || 'raiz'}: ${issue.message}).`);
    }
    return parsed.data;
  }

  return {
    // Checks run inside the async methods, so a bad txid or body rejects the promise like any other failure.
    async createCob(txid, body) {
      checkTxid(txid);
      return charge('PUT', 'cob', txid, checkBody(cobRequestSchema, body, 'cob'));
    },
    async createCobv(txid, body) {
      checkTxid(txid);
      return charge('PUT', 'cobv', txid, checkBody(cobvRequestSchema, body, 'cobv'));
    },
    async getCob(txid) {
      checkTxid(txid);
      return charge('GET', 'cob', txid);
    },
    async getCobv(txid) {
      checkTxid(txid);
      return charge('GET', 'cobv', txid);
    },
    async setWebhook(key, webhookUrl) {
      const body = checkBody(webhookRequestSchema, { webhookUrl }, 'webhook');
      const response = await call('PUT', `/v2/webhook/${encodeURIComponent(key)}`, `o cadastro do webhook da chave ${key}`, body);
      await response.body?.cancel();
    },
  };
}
