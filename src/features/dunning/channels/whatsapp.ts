import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../../shared/constant-time.ts';
import type { DeliveryStatus } from '../../../store/schema.ts';
import { httpOutcome, mapWithConcurrency, type ChannelAdapter } from './channel.ts';

/**
 * WhatsApp through Meta's Cloud API: template messages (the only kind a business may start a
 * conversation with), POST /{version}/{phone-number-id}/messages with a Bearer token; the answer
 * carries the message id (wamid…). Receipts (sent, delivered, read, failed) come to the webhook,
 * signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body, keyed by the app secret).
 *
 * The template registered at Meta is our template's text with each {{…}} replaced by {{1}},
 * {{2}}… (see whatsappTemplateText): the compliance check of our text is the check of theirs.
 */
export interface WhatsAppOptions {
  /** https://graph.facebook.com/v21.0, or a local stand-in. */
  apiUrl: string;
  phoneNumberId: string;
  accessToken: string;
  /** Language of the approved templates. */
  language?: string;
  concurrency?: number;
}

/** Meta template names: lowercase letters, digits and underscores. */
export const whatsappTemplateName = (key: string) => key.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** Meta refuses parameters with line breaks, tabs or more than four spaces in a row. */
export const whatsappParameter = (text: string) => text.replace(/\s*\n\s*/g, ' · ').replace(/\t/g, ' ').replace(/ {4,}/g, '   ').trim();

export function whatsappChannel(options: WhatsAppOptions): ChannelAdapter {
  const endpoint = `${options.apiUrl.replace(/\/$/, '')}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  return {
    channel: 'whatsapp',
    send: (messages) =>
      mapWithConcurrency(messages, options.concurrency ?? 16, (message) =>
        httpOutcome(
          () =>
            fetch(endpoint, {
              method: 'POST',
              headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to: message.to.replace(/^\+/, ''),
                type: 'template',
                biz_opaque_callback_data: message.actionId,
                template: {
                  name: whatsappTemplateName(message.template.key),
                  language: { code: options.language ?? 'pt_BR' },
                  components: [{ type: 'body', parameters: message.template.parameters.map((text) => ({ type: 'text', text: whatsappParameter(text) })) }],
                },
              }),
              signal: AbortSignal.timeout(15_000),
            }),
          (body) => (body as { messages?: Array<{ id?: string }> } | null)?.messages?.[0]?.id,
        ),
      ),
  };
}

export function whatsappSignature(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyWhatsappSignature(appSecret: string, header: string | undefined, rawBody: string | Buffer): boolean {
  return !!header && constantTimeEqual(whatsappSignature(appSecret, rawBody), header);
}

/** The Cloud API's status values (statuses[].status) and what they mean for a delivery. */
export const WHATSAPP_STATUS: Readonly<Record<string, DeliveryStatus | null>> = {
  sent: 'sent', delivered: 'delivered', read: 'read', failed: 'undelivered', deleted: null, warning: null,
};

/** The receipts in a webhook notification (entry[].changes[].value.statuses[]). */
export interface WhatsappReceipt {
  providerId: string;
  status: string;
  at: Date;
  error: string | null;
}

export function whatsappReceipts(notification: unknown): WhatsappReceipt[] {
  const receipts: WhatsappReceipt[] = [];
  const entries = (notification as { entry?: unknown[] } | null)?.entry ?? [];
  for (const entry of entries as Array<{ changes?: Array<{ value?: { statuses?: Array<{ id?: string; status?: string; timestamp?: string; errors?: Array<{ code?: number; title?: string; message?: string }> }> } }> }>) {
    for (const change of entry.changes ?? []) {
      for (const s of change.value?.statuses ?? []) {
        if (!s.id || !s.status) continue;
        const error = s.errors?.[0];
        receipts.push({
          providerId: s.id,
          status: s.status,
          at: s.timestamp && /^\d+$/.test(s.timestamp) ? new Date(Number(s.timestamp) * 1000) : new Date(),
          error: error ? `${error.code ?? ''} ${error.title ?? error.message ?? ''}`.trim() : null,
        });
      }
    }
  }
  return receipts;
}
