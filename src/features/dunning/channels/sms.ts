import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../../shared/constant-time.ts';
import type { DeliveryStatus } from '../../../store/schema.ts';
import { httpOutcome, mapWithConcurrency, type ChannelAdapter } from './channel.ts';

/**
 * SMS through Twilio's Programmable Messaging API (the format most SMS gateways in Brazil also
 * offer): POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic with
 * the account SID and auth token; the answer carries the message SID. Delivery receipts come
 * back to StatusCallback, signed with X-Twilio-Signature (see twilioSignature).
 */
export interface TwilioOptions {
  /** https://api.twilio.com, or a local stand-in in tests and the demo. */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender: an E.164 number, or a Messaging Service SID (MG…). */
  from: string;
  /** Where Twilio posts the delivery receipts (PUBLIC_URL + /api/webhooks/twilio/status). */
  statusCallbackUrl?: string;
  concurrency?: number;
}

export function twilioSmsChannel(options: TwilioOptions): ChannelAdapter {
  const endpoint = `${options.apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return {
    channel: 'sms',
    send: (messages) =>
      mapWithConcurrency(messages, options.concurrency ?? 16, (message) => {
        const form = new URLSearchParams({ To: message.to, Body: message.text });
        form.set(options.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', options.from);
        if (options.statusCallbackUrl) form.set('StatusCallback', options.statusCallbackUrl);
        return httpOutcome(
          () => fetch(endpoint, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: form, signal: AbortSignal.timeout(15_000) }),
          (body) => (body as { sid?: string } | null)?.sid,
        );
      }),
  };
}

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the full callback
 * URL followed by each POST parameter's name and value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data = url + Object.keys(params).sort().map((key) => key + params[key]).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Readonly<Record<string, string>>): boolean {
  return !!signature && constantTimeEqual(twilioSignature(authToken, url, params), signature);
}

/** Twilio's MessageStatus values and what they mean for a delivery (null: not a receipt). */
export const TWILIO_STATUS: Readonly<Record<string, DeliveryStatus | null>> = {
  accepted: null, scheduled: null, queued: null, sending: null,
  sent: 'sent', delivered: 'delivered', read: 'read', undelivered: 'undelivered', failed: 'undelivered', canceled: 'undelivered',
};
