import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { checkOutboundUrl, guardedLookup } from '../../shared/outbound-url.ts';

/**
 * The HTTP side of a pull: a conditional GET (If-None-Match / If-Modified-Since) of the ERP's
 * export, streamed to a temporary file while its SHA-256 is computed, so a large export never
 * sits in memory and an unchanged one is recognized before the importer opens it. Like the
 * webhook worker, it refuses private addresses unless ERP_ALLOW_PRIVATE_URLS is on — checked on
 * the literal and on every address the name resolves to — and follows no redirect: the body of
 * a pulled file may come back in an import's error report, so the server must not become a
 * reader of the internal network.
 */
export function checkPullUrl(raw: string, allowPrivate: boolean): URL {
  return checkOutboundUrl(raw, {
    allowPrivate,
    setting: 'ERP_ALLOW_PRIVATE_URLS',
    field: 'location',
    example: 'https://erp.exemplo.com.br/exportacoes/titulos.csv',
    credentialsHint: 'envie a credencial em httpHeaders (por exemplo Authorization)',
  });
}

export type FetchedExport =
  | { status: 'not_modified' }
  | { status: 'ok'; file: string; sha256: string; bytes: number; etag: string | null; lastModified: string | null; fileName: string };

export interface FetchOptions {
  headers: Record<string, string>;
  etag: string | null;
  lastModified: string | null;
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
}

export async function fetchExport(rawUrl: string, options: FetchOptions): Promise<FetchedExport> {
  const url = checkPullUrl(rawUrl, options.allowPrivate);
  const lookup = guardedLookup(options.allowPrivate, 'endereço privado recusado (ERP_ALLOW_PRIVATE_URLS=false)');
  const headers: Record<string, string> = { accept: 'text/csv, application/x-ndjson, application/jsonl, text/plain, */*', 'user-agent': 'Recupera-ERP-Sync', ...options.headers };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const file = path.join(os.tmpdir(), `recupera-erp-${randomBytes(8).toString('hex')}`);

  return new Promise<FetchedExport>((resolve, reject) => {
    const fail = (message: string) => reject(new AppError('file_unreadable', message));
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, { method: 'GET', headers, lookup, timeout: options.timeoutMs, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      if (status === 304) {
        response.resume();
        return resolve({ status: 'not_modified' });
      }
      if (status < 200 || status >= 300) {
        response.resume();
        return fail(status >= 300 && status < 400 ? `O ERP respondeu ${status} (redirecionamento não é seguido; informe a URL final).` : `O ERP respondeu ${status} ao buscar o arquivo.`);
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const out = fs.createWriteStream(file);
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (bytes > options.maxBytes) {
          response.destroy();
          out.destroy();
          fs.rm(file, { force: true }, () => {});
          return fail(`O arquivo do ERP passa do limite de ${Math.round(options.maxBytes / 1_048_576)} MB.`);
        }
        hash.update(chunk);
        out.write(chunk);
      });
      response.on('error', (error) => fail(`A transferência do arquivo foi interrompida: ${error.message}`));
      response.on('end', () => {
        out.end(() => {
          if (bytes > options.maxBytes) return;
          const disposition = /filename="?([^";]+)"?/i.exec(String(response.headers['content-disposition'] ?? ''))?.[1];
          const fileName = disposition ?? decodeURIComponent(url.pathname.split('/').pop() || 'export');
          resolve({ status: 'ok', file, sha256: hash.digest('hex'), bytes, etag: header(response.headers.etag), lastModified: header(response.headers['last-modified']), fileName });
        });
      });
    });
    request.on('timeout', () => {
      request.destroy();
      fail(`O ERP não respondeu em ${options.timeoutMs} ms.`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => fail(`Não foi possível buscar o arquivo no ERP: ${error.code === 'EPRIVATE' ? error.message : (error.code ?? error.message)}.`));
    request.end();
  });
}

function header(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
