/** A channel adapter: sends one rendered message and returns the provider's id for it. */
export interface OutgoingMessage {
  /** Idempotency key: the action id. Providers that support it get it (e-mail Message-ID, API idempotency headers). */
  actionId: string;
  to: string;
  subject: string;
  text: string;
}

export interface ChannelAdapter {
  readonly channel: 'email' | 'sms' | 'whatsapp';
  send(message: OutgoingMessage): Promise<{ providerId: string }>;
}
