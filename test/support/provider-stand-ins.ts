import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/features/dunning/channels/sms.ts';
import { whatsappSignature } from '../../src/features/dunning/channels/whatsapp.ts';
import type { DialerCallRequest } from '../../src/features/dunning/channels/collector-queue.ts';
import { SIGNATURE_HEADER, signPayload, verifyPayload } from '../../src/shared/signed-payload.ts';

/**
 * Local HTTP servers that speak the providers' API formats (Twilio's Messages API, Meta's
 * WhatsApp Cloud API, a dialer's webhook), validate what they receive as the real ones would,
 * and post receipts back the way the providers do (form-encoded or JSON, signed).
 */
interface Listening {
  url: string;
  close(): Promise<void>;
}

async function serve(handler: (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void): Promise<Listening> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (response: http.ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

export interface TwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
}

export async function twilioStandIn(options: { accountSid: string; authToken: string; failFirst?: number }) {
  const messages: TwilioMessage[] = [];
  let failures = options.failFirst ?? 0;
  const server = await serve((request, raw, response) => {
    const path = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
    if (request.method !== 'POST' || request.url !== path) return json(response, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const expected = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return json(response, 401, { code: 20003, message: 'Authenticate', status: 401 });
    const form = new URLSearchParams(raw);
    if (!form.get('To')) return json(response, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!/^\+[1-9]\d{7,14}$/.test(form.get('To')!)) return json(response, 400, { code: 21211, message: `The 'To' number ${form.get('To')} is not a valid phone number.`, status: 400 });
    if (!form.get('Body')) return json(response, 400, { code: 21602, message: 'Message body is required.', status: 400 });
    if (!form.get('From') && !form.get('MessagingServiceSid')) return json(response, 400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    if (failures > 0) {
      failures--;
      return json(response, 503, { code: 20503, message: 'Service unavailable', status: 503 });
    }
    const message = { sid: `SM${randomBytes(16).toString('hex')}`, to: form.get('To')!, from: form.get('From') ?? form.get('MessagingServiceSid')!, body: form.get('Body')!, statusCallback: form.get('StatusCallback') ?? undefined };
    messages.push(message);
    json(response, 201, { sid: message.sid, account_sid: options.accountSid, to: message.to, from: message.from, body: message.body, status: 'queued', num_segments: '1', api_version: '2010-04-01', uri: `${path.replace('.json', '')}/${message.sid}.json` });
  });
  return {
    ...server,
    messages,
    /** Posts a StatusCallback the way Twilio does: form-encoded, signed with X-Twilio-Signature. */
    async receipt(sid: string, status: string, extra: Record<string, string> = {}, signWith = options.authToken): Promise<number> {
      const message = messages.find((m) => m.sid === sid)!;
      const params = { AccountSid: options.accountSid, ApiVersion: '2010-04-01', From: message.from, MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status, To: message.to, ...extra };
      const response = await fetch(message.statusCallback!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(signWith, message.statusCallback!, params) },
        body: new URLSearchParams(params),
      });
      return response.status;
    },
  };
}

export interface WhatsappSent {
  id: string;
  to: string;
  template: string;
  language: string;
  parameters: string[];
}

/** Meta's Cloud API with the approved templates (name → text with {{1}}, {{2}}…). */
export async function whatsappStandIn(options: { phoneNumberId: string; accessToken: string; appSecret: string; templates: Record<string, string> }) {
  const messages: WhatsappSent[] = [];
  let webhookUrl = '';
  const error = (response: http.ServerResponse, status: number, code: number, message: string) => json(response, status, { error: { message, type: 'OAuthException', code, fbtrace_id: randomBytes(8).toString('hex') } });
  const server = await serve((request, raw, response) => {
    if (request.method !== 'POST' || request.url !== `/${options.phoneNumberId}/messages`) return error(response, 404, 803, 'Unknown path');
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) return error(response, 401, 190, 'Invalid OAuth access token.');
    const body = JSON.parse(raw) as { messaging_product?: string; to?: string; type?: string; template?: { name?: string; language?: { code?: string }; components?: Array<{ type: string; parameters: Array<{ type: string; text: string }> }> } };
    if (body.messaging_product !== 'whatsapp') return error(response, 400, 100, 'The parameter messaging_product is required.');
    if (body.type !== 'template' || !body.template?.name) return error(response, 400, 131047, 'Re-engagement message: only templates may start a conversation');
    const text = options.templates[body.template.name];
    if (text === undefined) return error(response, 404, 132001, `Template name does not exist in the translation (${body.template.name})`);
    const parameters = body.template.components?.find((c) => c.type === 'body')?.parameters.map((p) => p.text) ?? [];
    const expected = (text.match(/\{\{\d+\}\}/g) ?? []).length;
    if (parameters.length !== expected) return error(response, 400, 132000, `Number of parameters (${parameters.length}) does not match the expected number of params (${expected})`);
    if (parameters.some((p) => /[\n\t]| {5,}/.test(p) || p === '')) return error(response, 400, 132018, "There's an issue with the parameters in your template");
    const message = { id: `wamid.${randomBytes(24).toString('base64url')}`, to: body.to!, template: body.template.name, language: body.template.language?.code ?? '', parameters };
    messages.push(message);
    json(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: message.id, message_status: 'accepted' }] });
  });
  return {
    ...server,
    messages,
    setWebhook(url: string) {
      webhookUrl = url;
    },
    /** Posts a status notification the way Meta does: JSON, signed with X-Hub-Signature-256 by the app secret. */
    async notify(id: string, status: string, errors?: Array<{ code: number; title: string }>, secret = options.appSecret): Promise<number> {
      const message = messages.find((m) => m.id === id)!;
      const payload = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511999999999', phone_number_id: options.phoneNumberId }, statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: message.to, ...(errors ? { errors } : {}) }] } }] }],
      });
      const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsappSignature(secret, payload) }, body: payload });
      return response.status;
    },
  };
}

export async function dialerStandIn(options: { secret: string }) {
  const calls: Array<DialerCallRequest & { signed: boolean }> = [];
  const server = await serve((request, raw, response) => {
    calls.push({ ...(JSON.parse(raw) as DialerCallRequest), signed: verifyPayload(options.secret, request.headers[SIGNATURE_HEADER] as string | undefined, raw) });
    json(response, 202, { queued: true });
  });
  return {
    ...server,
    calls,
    async report(callId: string, result: Record<string, unknown>): Promise<number> {
      const call = calls.find((c) => c.callId === callId)!;
      const body = JSON.stringify({ callId, ...result });
      const response = await fetch(call.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(options.secret, body) }, body });
      return response.status;
    },
  };
}
