import http from 'node:http';
import https from 'node:https';
import { guardedLookup, isPrivateLiteral } from '../../shared/outbound-url.ts';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What came of one POST: the receiver's status, or the reason none came (never the response body: it may echo personal data). */
export type WebhookResponse = { status: number } | { error: string };

/** Sends one delivery; a parameter of the worker so a test or the CLI may bring its own. */
export type WebhookPoster = (request: WebhookRequest) => Promise<WebhookResponse>;

/**
 * The worker's HTTP client: POST with a hard timeout, no redirects followed, and — unless private
 * addresses are allowed — every address the name resolves to checked at connect time, so DNS
 * cannot point a saved public name at the internal network.
 */
export function httpPoster(options: { allowPrivate: boolean }): WebhookPoster {
  const lookup = guardedLookup(options.allowPrivate);
  return (request) =>
    new Promise<WebhookResponse>((resolve) => {
      const url = new URL(request.url);
      if (!options.allowPrivate && isPrivateLiteral(url)) return resolve({ error: 'endereço privado recusado' });
      const client = url.protocol === 'https:' ? https : http;
      let settled = false;
      const done = (r: WebhookResponse) => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
      const req = client.request(
        url,
        { method: 'POST', headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) }, lookup, agent: false },
        (res) => {
          // The body is drained (so the socket closes) but not kept.
          res.on('data', () => {});
          res.on('end', () => done({ status: res.statusCode ?? 0 }));
          res.on('error', () => done({ status: res.statusCode ?? 0 }));
        },
      );
      // One deadline for the whole exchange (connect, send, answer), not an idle timeout.
      const timer = setTimeout(() => {
        done({ error: `tempo esgotado (${request.timeoutMs} ms)` });
        req.destroy();
      }, request.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => done({ error: networkError(err) }));
      req.on('close', () => clearTimeout(timer));
      req.end(request.body);
    });
}

function networkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EPRIVATE':
      return 'endereço privado recusado (WEBHOOK_ALLOW_PRIVATE_URLS=false)';
    case 'ECONNREFUSED':
      return 'conexão recusada';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'nome não resolvido';
    case 'ECONNRESET':
      return 'conexão encerrada pelo receptor';
    default:
      return err.code ? `erro de rede (${err.code})` : 'erro de rede';
  }
}
