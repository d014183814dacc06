/**
 * A local stand-in for a PSP that speaks the BCB API Pix, for tests and the demo: OAuth client
 * credentials, cob and cobv (validated by the same zod schemas, 400 problem+json with violacoes),
 * locations serving the charge's payload, webhooks per key, and `pay()`, which settles a charge
 * and POSTs the webhook notification as the BCB prescribes (to {webhookUrl}/pix).
 *
 * Simplifications, none of which the client can tell apart from a real PSP's normal behaviour:
 * no mutual TLS, the location serves plain JSON (a real PSP serves a JWS signed with its key),
 * a cobv's payload reports valor.final = original (no fine, interest or discount computed), and a
 * failed webhook delivery is reported to the caller instead of retried.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/errors.ts';
import {
  centsToValor,
  cobRequestSchema,
  cobvRequestSchema,
  valorToCents,
  webhookRequestSchema,
  type CobResponse,
  type Pix,
  type PixWebhook,
} from './bcb-api.ts';
import { encodePix } from './br-code.ts';
import { isValidTxid, newTxid, STATIC_TXID_NONE } from './txid.ts';

export interface StandInPspOptions {
  /** The receiver's Pix key: the only one its charges and webhooks may use. */
  key: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Fields 59 and 60 of the BR Codes it generates. */
  merchantName?: string;
  merchantCity?: string;
  /** The PSP's ISPB, first 8 digits of every endToEndId after the "E". */
  ispb?: string;
  tokenTtlSeconds?: number;
  now?: () => Date;
}

export interface PayOptions {
  /** Amount paid; default the charge's valor.original. */
  amountCents?: number;
  /** RFC 3339 moment of settlement ("horario"); default now. */
  paidAt?: string;
  /** Reuse one to replay an earlier notification exactly. */
  endToEndId?: string;
}

export interface StandInPsp {
  url: string;
  clientId: string;
  clientSecret: string;
  charges: Map<string, CobResponse>;
  /** key → webhookUrl as registered. */
  webhooks: Map<string, string>;
  /**
   * Settles the charge and POSTs {"pix": [...]} to the key's webhook URL + "/pix"; returns the
   * receiver's answer ({status: 0} when no webhook is registered or the receiver is unreachable).
   */
  pay(txid: string, options?: PayOptions): Promise<{ status: number; body: unknown }>;
  /** How many tokens it has issued (a client that caches them asks once). */
  tokensIssued(): number;
  /** Invalidates every token, as a PSP that rotates its keys would. */
  expireTokens(): void;
  close(): Promise<void>;
}

interface Violation {
  razao: string;
  propriedade: string;
  valor?: string;
}

const NOT_JSON = Symbol('not JSON');
const ERROR_BASE = 'https://pix.bcb.gov.br/api/v2/error/';
const MAX_BODY = 1_000_000;

/** yyyyMMddHHmm in UTC, the timestamp inside an endToEndId. */
function e2eTimestamp(moment: Date): string {
  return moment.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/** E + ISPB + yyyyMMddHHmm + 11 alphanumerics: 32 characters (Manual de Padrões, EndToEndId). */
export function newEndToEndId(ispb: string, moment: Date): string {
  return `E${ispb}${e2eTimestamp(moment)}${newTxid().slice(0, 11)}`;
}

export async function startStandInPsp(options: StandInPspOptions): Promise<StandInPsp> {
  const clientId = options.clientId ?? 'recupera-teste';
  const clientSecret = options.clientSecret ?? randomBytes(18).toString('base64url');
  const merchantName = options.merchantName ?? 'RECUPERA TESTE';
  const merchantCity = options.merchantCity ?? 'SAO PAULO';
  const ispb = options.ispb ?? '99999999';
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const now = options.now ?? (() => new Date());
  if (!/^\d{8}$/.test(ispb)) throw new AppError('config', 'ISPB do PSP de teste deve ter 8 dígitos.', { field: 'ispb' });

  const charges = new Map<string, CobResponse>();
  const webhooks = new Map<string, string>();
  const webhookCreated = new Map<string, string>();
  const tokens = new Map<string, number>();
  const locations = new Map<string, string>(); // access token of the location → txid
  const payments = new Map<string, { txid: string; key: string; body: PixWebhook }>();
  let issued = 0;
  let nextLocId = 1;
  let hostPort = '';

  const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(now());

  function send(res: http.ServerResponse, status: number, body?: unknown, type = 'application/json'): void {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8` }).end(JSON.stringify(body));
  }

  function problem(res: http.ServerResponse, status: number, kind: string, title: string, detail: string, violacoes?: Violation[]): void {
    send(res, status, { type: ERROR_BASE + kind, title, status, detail, ...(violacoes?.length ? { violacoes } : {}) }, 'application/problem+json');
  }

  /** The JSON body, or NOT_JSON after answering the BCB's 400. */
  async function readJson(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    try {
      return JSON.parse(await readBody(req));
    } catch {
      problem(res, 400, 'RequisicaoInvalida', 'Requisição inválida.', 'O corpo da requisição não é um JSON válido.');
      return NOT_JSON;
    }
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new AppError('payload_too_large', 'corpo grande demais');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function authorized(req: http.IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expiresAt = match ? tokens.get(match[1]!) : undefined;
    return expiresAt !== undefined && now().getTime() < expiresAt;
  }

  async function issueToken(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const form = new URLSearchParams(await readBody(req));
    if (id !== clientId || secret !== clientSecret) {
      send(res, 401, { error: 'invalid_client', error_description: 'client_id ou client_secret inválidos' });
      return;
    }
    if (form.get('grant_type') !== 'client_credentials') {
      send(res, 400, { error: 'unsupported_grant_type', error_description: 'use grant_type=client_credentials' });
      return;
    }
    const value = randomBytes(24).toString('base64url');
    tokens.set(value, now().getTime() + tokenTtl * 1000);
    issued++;
    send(res, 200, { access_token: value, token_type: 'Bearer', expires_in: tokenTtl, scope: 'cob.write cob.read cobv.write cobv.read webhook.write webhook.read' });
  }

  /** zod issues as the API's violacoes: "cob.valor.original", with the reason and the value given. */
  function violationsOf(issues: readonly { path: PropertyKey[]; message: string }[], prefix: string, body: unknown): Violation[] {
    return issues.map((issue) => {
      const propriedade = [prefix, ...issue.path.map(String)].join('.');
      let value: unknown = body;
      for (const step of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[step] : undefined;
      return {
        razao: `O campo ${propriedade} não respeita o schema: ${issue.message}.`,
        propriedade,
        ...(typeof value === 'string' || typeof value === 'number' ? { valor: String(value) } : {}),
      };
    });
  }

  async function putCharge(kind: 'cob' | 'cobv', txid: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const kindError = kind === 'cob' ? 'CobOperacaoInvalida' : 'CobVOperacaoInvalida';
    const detail =
      kind === 'cob'
        ? 'A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o _schema_ ou está semanticamente errada.'
        : 'A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o _schema_ ou está semanticamente errada.';
    const reject = (violacoes: Violation[]) => problem(res, 400, kindError, 'Cobrança inválida.', detail, violacoes);

    const body = await readJson(req, res);
    if (body === NOT_JSON) return;
    const violacoes: Violation[] = [];
    if (!isValidTxid(txid, kind)) violacoes.push({ razao: 'O campo txid não respeita o schema (de 26 a 35 letras e dígitos).', propriedade: 'txid', valor: txid });
    const parsed = kind === 'cob' ? cobRequestSchema.safeParse(body) : cobvRequestSchema.safeParse(body);
    if (!parsed.success) violacoes.push(...violationsOf(parsed.error.issues, kind, body));
    if (violacoes.length > 0 || !parsed.success) {
      reject(violacoes);
      return;
    }
    const request = parsed.data;
    if (request.chave !== options.key) {
      reject([{ razao: `O campo ${kind}.chave corresponde a uma conta que não pertence a este usuário recebedor.`, propriedade: `${kind}.chave`, valor: request.chave }]);
      return;
    }
    if ('dataDeVencimento' in request.calendario && request.calendario.dataDeVencimento < today()) {
      reject([{ razao: 'O campo cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança.', propriedade: 'cobv.calendario.dataDeVencimento', valor: request.calendario.dataDeVencimento }]);
      return;
    }
    const existing = charges.get(txid);
    if (existing && existing.loc?.tipoCob !== kind) {
      reject([{ razao: 'O txid já identifica uma cobrança de outro tipo deste usuário recebedor.', propriedade: 'txid', valor: txid }]);
      return;
    }
    if (existing && existing.status !== 'ATIVA') {
      reject([{ razao: 'A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la.', propriedade: `${kind}.status`, valor: existing.status }]);
      return;
    }

    const criacao = existing?.calendario.criacao ?? now().toISOString();
    let loc = existing?.loc;
    if (!loc) {
      const access = randomBytes(16).toString('hex');
      locations.set(access, txid);
      loc = { id: nextLocId++, location: `${hostPort}/qr/v2/${kind === 'cobv' ? 'cobv/' : ''}${access}`, tipoCob: kind, criacao };
    }
    const pixCopiaECola =
      existing?.pixCopiaECola ?? encodePix({ key: null, amount: null, merchantName, merchantCity, txid: STATIC_TXID_NONE, url: loc.location });
    const { calendario, loc: _requestedLoc, ...rest } = request;
    const charge: CobResponse = {
      calendario:
        'dataDeVencimento' in calendario
          ? { criacao, dataDeVencimento: calendario.dataDeVencimento, validadeAposVencimento: calendario.validadeAposVencimento ?? 30 }
          : { criacao, expiracao: calendario.expiracao ?? 86400 },
      txid,
      revisao: existing ? existing.revisao + 1 : 0,
      loc,
      location: loc.location,
      status: 'ATIVA',
      ...rest,
      ...(kind === 'cobv'
        ? { recebedor: { cnpj: '11222333000181', nome: merchantName, logradouro: 'Rua de Teste, 1', cidade: merchantCity, uf: 'SP', cep: '01001000' } }
        : {}),
      pixCopiaECola,
    };
    charges.set(txid, charge);
    send(res, existing ? 200 : 201, charge);
  }

  function getCharge(kind: 'cob' | 'cobv', txid: string, res: http.ServerResponse): void {
    const charge = charges.get(txid);
    if (!charge || charge.loc?.tipoCob !== kind) {
      if (kind === 'cob') problem(res, 404, 'CobNaoEncontrado', 'Cobrança não encontrada.', 'Cobrança não encontrada para o txid informado.');
      else problem(res, 404, 'CobVNaoEncontrada', 'Cobrança não encontrada.', 'Cobrança com vencimento não encontrada para o txid informado.');
      return;
    }
    send(res, 200, charge);
  }

  /** GET {location}: the payload the payer's app reads (CobPayload / CobVPayload). */
  function servePayload(access: string, res: http.ServerResponse): void {
    const txid = locations.get(access);
    const charge = txid ? charges.get(txid) : undefined;
    if (!charge) {
      problem(res, 404, 'CobPayloadNaoEncontrado', 'Cobrança não encontrada.', 'A cobrança em questão não foi encontrada para a location requisitada.');
      return;
    }
    const { loc: _loc, location: _location, pixCopiaECola: _pcc, pix: _pix, ...payload } = charge;
    const valor = charge.loc?.tipoCob === 'cobv' ? { original: charge.valor.original, final: charge.valor.original } : { original: charge.valor.original };
    send(res, 200, { ...payload, calendario: { ...charge.calendario, apresentacao: now().toISOString() }, valor });
  }

  async function putWebhook(key: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reject = (violacoes: Violation[]) =>
      problem(res, 400, 'WebhookOperacaoInvalida', 'Webhook inválido.', 'A presente requisição busca criar um webhook sem respeitar o _schema_ ou, ainda, com sentido semanticamente inválido.', violacoes);
    const body = await readJson(req, res);
    if (body === NOT_JSON) return;
    if (key !== options.key) {
      reject([{ razao: 'O parâmetro chave não corresponde a uma chave DICT pertencente a este usuário recebedor.', propriedade: 'chave', valor: key }]);
      return;
    }
    const parsed = webhookRequestSchema.safeParse(body);
    if (!parsed.success) {
      reject(violationsOf(parsed.error.issues, 'webhook', body));
      return;
    }
    webhooks.set(key, parsed.data.webhookUrl);
    webhookCreated.set(key, now().toISOString());
    send(res, 200);
  }

  /** A path segment, or null when its %-escapes are malformed. */
  function segment(raw: string): string | null {
    try {
      return decodeURIComponent(raw);
    } catch {
      return null;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/oauth/token') return issueToken(req, res);
    const payload = /^\/qr\/v2\/(?:cobv\/)?([0-9a-f]{32})$/.exec(path);
    if (method === 'GET' && payload) return servePayload(payload[1]!, res);

    if (!authorized(req)) {
      problem(res, 401, 'AcessoNegado', 'Não autorizado', 'Token de acesso ausente, inválido ou expirado: peça outro em /oauth/token.');
      return;
    }
    const charge = /^\/v2\/(cob|cobv)\/([^/]+)$/.exec(path);
    if (charge) {
      const kind = charge[1] as 'cob' | 'cobv';
      const txid = segment(charge[2]!);
      if (txid !== null && method === 'PUT') return putCharge(kind, txid, req, res);
      if (txid !== null && method === 'GET') return getCharge(kind, txid, res);
    }
    const webhook = /^\/v2\/webhook\/([^/]+)$/.exec(path);
    const key = webhook ? segment(webhook[1]!) : null;
    if (key !== null) {
      if (method === 'PUT') return putWebhook(key, req, res);
      const url = webhooks.get(key);
      if (!url) {
        problem(res, 404, 'WebhookNaoEncontrado', 'Webhook não encontrado.', 'O webhook denotado por {chave} não encontra-se estabelecido.');
        return;
      }
      if (method === 'GET') return send(res, 200, { webhookUrl: url, chave: key, criacao: webhookCreated.get(key) });
      if (method === 'DELETE') {
        webhooks.delete(key);
        return send(res, 204);
      }
    }
    problem(res, 404, 'NaoEncontrado', 'Não Encontrado', 'Entidade não encontrada.');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof AppError && error.code === 'payload_too_large') problem(res, 413, 'RequisicaoInvalida', 'Requisição inválida.', 'Corpo da requisição grande demais.');
      else problem(res, 500, 'ErroInternoDoServidor', 'Erro interno do servidor', (error as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostPort = `127.0.0.1:${port}`;

  async function deliver(key: string, body: PixWebhook): Promise<{ status: number; body: unknown }> {
    const registered = webhooks.get(key);
    if (!registered) return { status: 0, body: null };
    // BCB API Pix: the PSP appends "/pix" to the registered URL when it notifies received Pix.
    const target = `${registered.replace(/\/+$/, '')}/pix`;
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      let parsed: unknown = text === '' ? null : text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // the receiver answered plain text
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      return { status: 0, body: `webhook inacessível em ${target}: ${(error as Error).message}` };
    }
  }

  async function pay(txid: string, payOptions: PayOptions = {}): Promise<{ status: number; body: unknown }> {
    if (payOptions.endToEndId !== undefined) {
      const earlier = payments.get(payOptions.endToEndId);
      if (earlier) {
        if (earlier.txid !== txid) throw new AppError('conflict', `O endToEndId ${payOptions.endToEndId} já liquidou outra cobrança (${earlier.txid}).`);
        return deliver(earlier.key, earlier.body); // a replay: the same notification again
      }
      if (!/^[a-zA-Z0-9]{32}$/.test(payOptions.endToEndId)) {
        throw new AppError('validation', 'endToEndId deve ter 32 letras e dígitos.', { field: 'endToEndId' });
      }
    }
    const charge = charges.get(txid);
    if (!charge) throw new AppError('not_found', `Cobrança ${txid} não existe no PSP de teste.`);
    if (charge.status !== 'ATIVA') throw new AppError('conflict', `Cobrança ${txid} está ${charge.status} e não aceita outro pagamento.`);
    const horario = payOptions.paidAt ?? now().toISOString();
    const moment = new Date(horario);
    if (Number.isNaN(moment.getTime())) throw new AppError('validation', `paidAt "${horario}" não é uma data e hora RFC 3339.`, { field: 'paidAt' });
    const valor = centsToValor(payOptions.amountCents ?? valorToCents(charge.valor.original, 'valor.original'));
    const pix: Pix = { endToEndId: payOptions.endToEndId ?? newEndToEndId(ispb, moment), txid, valor, chave: charge.chave, horario };
    charge.status = 'CONCLUIDA';
    charge.pix = [...(charge.pix ?? []), pix];
    const body: PixWebhook = { pix: [pix] };
    payments.set(pix.endToEndId, { txid, key: charge.chave, body });
    return deliver(charge.chave, body);
  }

  return {
    url: `http://${hostPort}`,
    clientId,
    clientSecret,
    charges,
    webhooks,
    pay,
    tokensIssued: () => issued,
    expireTokens: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
