import { describe, expect, it } from 'vitest';
import { sampleContext, templateParameters, whatsappTemplateText, checkTemplate } from '../../../domain/dunning/templates.ts';
import { signPayload, verifyPayload } from '../../../shared/signed-payload.ts';
import { freePort } from '../../../../test/support/net.ts';
import { httpOutcome } from './channel.ts';
import { smtpFailure } from './email.ts';
import { twilioSignature, verifyTwilioSignature } from './sms.ts';
import { whatsappParameter, whatsappReceipts, whatsappSignature, verifyWhatsappSignature } from './whatsapp.ts';

describe('Twilio request signature', () => {
  // The published examples of Twilio's signature validation (api-snippets, security/signature_validation)
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });
  it('matches Twilio’s published signatures', () => {
    expect(twilioSignature('12345', url, params('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });
  it('refuses a changed parameter, another URL or a missing header', () => {
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params('+14158675309'))).toBe(true);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params('+14158675309'), Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php', params('+14158675309'))).toBe(false);
    expect(verifyTwilioSignature('12345', undefined, url, params('+14158675309'))).toBe(false);
  });
});

describe('WhatsApp Cloud API', () => {
  it('signs like Meta: sha256= and the hex HMAC of the raw body', () => {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the RFC 2104 / Wikipedia example
    expect(whatsappSignature('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(verifyWhatsappSignature('key', 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'The quick brown fox jumps over the lazy dog.')).toBe(false);
  });

  it('reads the statuses of a webhook notification', () => {
    const notification = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [
        { id: 'wamid.A', status: 'delivered', timestamp: '1768395600', recipient_id: '5511987654321' },
        { id: 'wamid.B', status: 'failed', timestamp: '1768395601', recipient_id: '5511987654322', errors: [{ code: 131026, title: 'Message undeliverable' }] },
      ] } }] }],
    };
    expect(whatsappReceipts(notification)).toEqual([
      { providerId: 'wamid.A', status: 'delivered', at: new Date('2026-01-14T13:00:00Z'), error: null },
      { providerId: 'wamid.B', status: 'failed', at: new Date('2026-01-14T13:00:01Z'), error: '131026 Message undeliverable' },
    ]);
    expect(whatsappReceipts({ entry: [{ changes: [{ value: { messages: [{ id: 'x' }] } }] }] })).toEqual([]); // an incoming message, not a receipt
  });

  it('registers our text at Meta with positional parameters and sends each expression rendered', () => {
    const body = 'Olá, {{primeiroNome debtor.name}}!\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie em {{portalUrl}} hoje.';
    expect(whatsappTemplateText(body)).toBe('Olá, {{1}}!\n{{2}}\n{{3}}\nNegocie em {{4}} hoje.');
    const parameters = templateParameters(body, sampleContext()).map(whatsappParameter);
    expect(parameters[0]).toBe('Maria');
    expect(parameters[1]).toBe('Valor original: R$ 459,90 · Correção monetária: R$ 6,12 · Juros de mora: R$ 7,90 · Multa: R$ 9,20 · Total em 23/11/2026: R$ 483,12');
    expect(parameters[3]).toBe('https://portal.recupera.dev/p/8fK2x');
  });

  it('refuses a WhatsApp template Meta would not approve', () => {
    const rules = (body: string) => checkTemplate(body, 'whatsapp').map((p) => p.message);
    expect(rules('Oi{{#if debtor.name}}, {{debtor.name}}{{/if}}. {{discriminacao}} {{identificacaoCredor}} fim.')).toEqual([expect.stringContaining('não aceitam blocos')]);
    expect(rules('Oi. {{discriminacao}} {{identificacaoCredor}} {{portalUrl}}')).toEqual([expect.stringContaining('começam ou terminam com uma variável')]);
    expect(rules('Oi. {{discriminacao}} {{identificacaoCredor}} Até logo.')).toEqual([]);
  });
});

describe('outcomes of a send', () => {
  const respond = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const id = (body: unknown) => (body as { sid?: string }).sid;
  it('tells a definite refusal (retry on 429/5xx) from an answer that never came (unknown, never resent)', async () => {
    expect(await httpOutcome(respond(201, { sid: 'SM1' }), id)).toEqual({ status: 'sent', providerId: 'SM1' });
    expect(await httpOutcome(respond(503, { code: 20503 }), id)).toMatchObject({ status: 'failed', retryable: true });
    expect(await httpOutcome(respond(429, {}), id)).toMatchObject({ status: 'failed', retryable: true });
    expect(await httpOutcome(respond(400, { code: 21211 }), id)).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('21211') });
    expect(await httpOutcome(async () => fetch(`http://127.0.0.1:${await freePort()}/`), id)).toMatchObject({ status: 'failed', retryable: true }); // nobody listening: nothing left
    expect(await httpOutcome(async () => { throw new DOMException('The operation was aborted due to timeout', 'TimeoutError'); }, id)).toMatchObject({ status: 'unknown' });
  });
  it('reads SMTP replies: 4xx try later, 5xx refused, a dropped connection mid-message unknown', () => {
    expect(smtpFailure(Object.assign(new Error('451 try later'), { responseCode: 451 }))).toMatchObject({ status: 'failed', retryable: true });
    expect(smtpFailure(Object.assign(new Error('550 no such user'), { responseCode: 550 }))).toMatchObject({ status: 'failed', retryable: false });
    expect(smtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toMatchObject({ status: 'failed', retryable: true });
    expect(smtpFailure(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNRESET' }))).toMatchObject({ status: 'unknown' });
  });
});

describe('our own webhook signature (dialer)', () => {
  it('verifies within the tolerance and refuses replays and tampering', () => {
    const at = new Date('2026-01-14T13:00:00Z');
    const header = signPayload('segredo', '{"callId":"1"}', at);
    expect(header).toMatch(/^t=1768395600,v1=[0-9a-f]{64}$/);
    expect(verifyPayload('segredo', header, '{"callId":"1"}', new Date(at.getTime() + 60_000))).toBe(true);
    expect(verifyPayload('segredo', header, '{"callId":"2"}', at)).toBe(false);
    expect(verifyPayload('outro', header, '{"callId":"1"}', at)).toBe(false);
    expect(verifyPayload('segredo', header, '{"callId":"1"}', new Date(at.getTime() + 10 * 60_000))).toBe(false);
  });
});
