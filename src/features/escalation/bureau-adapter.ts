import { AppError } from '../../shared/errors.ts';

/**
 * A credit bureau (Serasa, SPC, Boa Vista) behind one small interface. Each bureau has its own
 * contract and API; an adapter speaks it. The one shipped here speaks a plain JSON protocol
 * (docs/escalation.md), the one the local stand-in serves for tests and the demo.
 */
export interface ListingRequest {
  /** Our listing id: the bureau keeps it, so a request repeated after a crash finds the first one. */
  reference: string;
  requestedOn: string;
  debtor: { document: string; name: string; address: { street: string; number: string | null; district: string | null; city: string; uf: string; cep: string } };
  creditor: { document: string; name: string };
  debt: { contract: string; kind: string; dueDate: string; amountCents: number };
}

export type BureauStatus = 'notice_pending' | 'notified' | 'active' | 'removed' | 'refused';

export interface BureauListingState {
  protocol: string;
  status: BureauStatus;
  /** The day the bureau sent (or will send) its notice to the debtor (CDC 43 §2; Súmula 359). */
  noticeSentOn: string | null;
  activeOn: string | null;
  removedOn: string | null;
  reason: string | null;
}

export interface BureauAdapter {
  readonly name: string;
  requestListing(request: ListingRequest): Promise<BureauListingState>;
  status(protocol: string): Promise<BureauListingState>;
  /** Confirms a notified listing once the wait is over: from now on the listing is public. */
  confirm(protocol: string, on: string): Promise<BureauListingState>;
  requestRemoval(protocol: string, reason: string, on: string): Promise<BureauListingState>;
}

/** The JSON protocol over HTTP, with a bearer API key. */
export function httpBureau(options: { name: string; baseUrl: string; apiKey: string; fetch?: typeof fetch }): BureauAdapter {
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  async function call(method: string, path: string, body?: unknown): Promise<BureauListingState> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new AppError('internal', `Birô ${options.name} indisponível: ${(error as Error).message}`);
    }
    const payload = (await response.json().catch(() => null)) as (BureauListingState & { detail?: string }) | null;
    if (!response.ok || !payload) throw new AppError(response.status === 404 ? 'not_found' : 'internal', `Birô ${options.name} recusou (${response.status}): ${payload?.detail ?? 'resposta inválida'}`);
    return payload;
  }
  return {
    name: options.name,
    requestListing: (request) => call('POST', '/v1/listings', request),
    status: (protocol) => call('GET', `/v1/listings/${encodeURIComponent(protocol)}`),
    confirm: (protocol, on) => call('POST', `/v1/listings/${encodeURIComponent(protocol)}/confirm`, { on }),
    requestRemoval: (protocol, reason, on) => call('POST', `/v1/listings/${encodeURIComponent(protocol)}/removal`, { reason, on }),
  };
}
