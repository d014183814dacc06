import type { PostalAddress } from '../../../store/schema.ts';

/** The schedule actions that dispatch delivers; credit-bureau, protest and legal steps wait for their own workflows. */
export type DispatchChannel = 'email' | 'sms' | 'whatsapp' | 'letter' | 'voice' | 'task';

/** One rendered message, ready for its channel. */
export interface OutgoingMessage {
  tenantId: string;
  /** Idempotency key: the action id. Providers that support one get it (e-mail Message-ID, API idempotency headers). */
  actionId: string;
  debtorId: string;
  creditorId: string;
  debtId: string;
  /** E-mail address, E.164 phone number or, for letters, the formatted postal address. */
  to: string;
  recipientName: string;
  postalAddress: PostalAddress | null;
  subject: string;
  text: string;
  /** For providers that send pre-approved templates (WhatsApp): the template and its rendered parameters, in order. */
  template: { key: string; parameters: string[] };
  /** When the message is due (tasks and calls). */
  at: Date;
}

/**
 * What became of one message. A definite refusal by the provider (an SMTP reply, an HTTP error
 * status) is `failed`, and `retryable` when trying later can help (4xx SMTP replies, HTTP 429 and
 * 5xx, a refused connection). When the request may have reached the provider but no answer came
 * (a timeout mid-request), the outcome is `unknown`: never retried automatically, so no debtor
 * gets the same message twice.
 */
export type SendOutcome =
  | { status: 'sent'; providerId: string }
  | { status: 'failed'; error: string; retryable: boolean }
  | { status: 'unknown'; error: string };

/** A channel adapter sends a batch and answers one outcome per message, in order; one message's failure never throws. */
export interface ChannelAdapter {
  readonly channel: DispatchChannel;
  send(messages: readonly OutgoingMessage[]): Promise<SendOutcome[]>;
  close?(): Promise<void> | void;
}

/** Runs `work` over the items with at most `limit` in flight, keeping the order of the results. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * The outcome of an HTTP call to a provider's API: a response means the provider answered
 * (2xx sent, 429/5xx retryable, other 4xx refused); no response means a refused connection
 * (retryable: nothing left) or an interrupted request (unknown: it may have arrived).
 */
export async function httpOutcome(call: () => Promise<Response>, providerIdOf: (body: unknown) => string | undefined): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await call();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? { status: 'failed', error: `provedor inacessível (${code})`, retryable: true }
      : { status: 'unknown', error: errorText(error) };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const providerId = providerIdOf(body);
    return providerId ? { status: 'sent', providerId } : { status: 'unknown', error: `resposta ${response.status} sem identificador da mensagem` };
  }
  const detail = typeof body === 'object' && body !== null ? JSON.stringify(body).slice(0, 400) : '';
  return { status: 'failed', error: `HTTP ${response.status} ${detail}`.trim(), retryable: response.status === 429 || response.status >= 500 };
}

export { errorText };
