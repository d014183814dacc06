import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './context.ts';

/** Where `npm run build:web` (run by `npm install`) leaves the web app. */
export const WEB_DIST_DIR = path.resolve(import.meta.dirname, '../../web/dist');

/**
 * The content security policy of the web app's pages: only our own scripts and API; inline styles
 * are allowed for the charts' SVG; no framing (clickjacking), no plugins.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** Paths the API owns; everything else under GET is the single-page app. */
export function isApiPath(url: string): boolean {
  const p = url.split('?')[0]!;
  return p.startsWith('/api/') || p === '/api' || p.startsWith('/docs') || p === '/openapi.json' || p === '/health';
}

/**
 * Serves the React app (back office and debtor portal) from the same origin as the API, so the
 * session cookie is HttpOnly + SameSite and no CORS is needed. Unknown non-API GETs get index.html
 * (client-side routes such as /devedores/… or /portal/demo).
 */
export async function registerWebApp(app: App, dist = WEB_DIST_DIR): Promise<boolean> {
  if (!existsSync(path.join(dist, 'index.html'))) {
    app.log.warn({ dist }, 'aplicativo web não construído: rode "npm run build:web" (a API funciona sem ele)');
    return false;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    wildcard: true, // files of a rebuild are served without a restart
    index: 'index.html',
    schemaHide: true,
    setHeaders: (res, filePath) => {
      // hashed assets never change; index.html must be revalidated to pick up a new build
      res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isApiPath(request.url)) {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });
  return true;
}

/** The not-found handler's branch for the app: true when it answered with index.html. */
export function sendAppShell(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' || isApiPath(request.url) || !existsSync(path.join(WEB_DIST_DIR, 'index.html'))) return false;
  if (/\.[a-z0-9]{2,5}$/i.test(request.url.split('?')[0]!)) return false; // a missing asset is a 404, not the app
  void reply.header('cache-control', 'no-cache').sendFile('index.html', WEB_DIST_DIR);
  return true;
}
