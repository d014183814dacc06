import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { addDays } from '../../domain/dates.ts';
import type { BureauListingState, ListingRequest } from './bureau-adapter.ts';

/**
 * A local credit bureau for tests and the demo, speaking the adapter's JSON protocol: it takes
 * listing requests (idempotent by our reference), "mails" the notice `noticeDelayDays` after the
 * request, activates on confirmation, removes on request, and refuses debtors in `refuse`.
 */
export interface StandInBureau {
  url: string;
  apiKey: string;
  listings: Map<string, BureauListingState & { request: ListingRequest; removalReason: string | null; removalPending: boolean }>;
  /** With `deferRemovals`: the bureau processes the removals asked so far (as its batch would). */
  completeRemovals(on: string): void;
  close(): Promise<void>;
}

export async function startStandInBureau(options: { port?: number; apiKey?: string; noticeDelayDays?: number; refuse?: Record<string, string>; deferRemovals?: boolean } = {}): Promise<StandInBureau> {
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');
  const listings: StandInBureau['listings'] = new Map();
  const byReference = new Map<string, string>();
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const view = (l: BureauListingState): BureauListingState => ({ protocol: l.protocol, status: l.status, noticeSentOn: l.noticeSentOn, activeOn: l.activeOn, removedOn: l.removedOn, reason: l.reason });

  const server = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { detail: 'chave de API inválida' });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return send(res, 400, { detail: 'JSON inválido' });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/v1\/listings(?:\/([^/]+)(?:\/(confirm|removal))?)?$/.exec(url.pathname);
    if (!match) return send(res, 404, { detail: 'rota desconhecida' });
    const [, protocol, verb] = match;
    if (!protocol && req.method === 'POST') {
      const request = body as unknown as ListingRequest;
      if (!request.reference || !request.debtor?.document || !request.debtor.address?.cep || !request.debt?.amountCents || !request.requestedOn) return send(res, 422, { detail: 'pedido incompleto: referência, devedor com endereço, valor e data são obrigatórios' });
      const known = byReference.get(request.reference);
      if (known) return send(res, 200, view(listings.get(known)!));
      const id = `BR${randomBytes(6).toString('hex').toUpperCase()}`;
      const refusal = options.refuse?.[request.debtor.document];
      const listing = {
        protocol: id, request, removalReason: null, removalPending: false,
        status: refusal ? ('refused' as const) : ('notified' as const),
        noticeSentOn: refusal ? null : addDays(request.requestedOn, options.noticeDelayDays ?? 1),
        activeOn: null, removedOn: null, reason: refusal ?? null,
      };
      listings.set(id, listing);
      byReference.set(request.reference, id);
      return send(res, 201, view(listing));
    }
    const listing = protocol ? listings.get(decodeURIComponent(protocol)) : undefined;
    if (!listing) return send(res, 404, { detail: 'protocolo desconhecido' });
    if (!verb && req.method === 'GET') return send(res, 200, view(listing));
    if (verb === 'confirm' && req.method === 'POST') {
      if (listing.status !== 'notified' && listing.status !== 'active') return send(res, 409, { detail: `inscrição ${listing.status}` });
      if (listing.status === 'notified') Object.assign(listing, { status: 'active', activeOn: String(body.on) });
      return send(res, 200, view(listing));
    }
    if (verb === 'removal' && req.method === 'POST') {
      if (listing.status !== 'removed') {
        if (options.deferRemovals) Object.assign(listing, { removalPending: true, removalReason: String(body.reason ?? '') });
        else Object.assign(listing, { status: 'removed', removedOn: String(body.on), removalReason: String(body.reason ?? '') });
      }
      return send(res, 200, view(listing));
    }
    return send(res, 405, { detail: 'método não permitido' });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    listings,
    completeRemovals: (on) => {
      for (const l of listings.values()) if (l.removalPending) Object.assign(l, { status: 'removed', removedOn: on, removalPending: false });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
