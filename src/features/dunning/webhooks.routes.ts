import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext, App } from '../../api/context.ts';
import { parseRequest, z } from '../../api/zod.ts';
import { AppError } from '../../shared/errors.ts';
import { SIGNATURE_HEADER, verifyPayload } from '../../shared/signed-payload.ts';
import { TWILIO_STATUS, verifyTwilioSignature } from './channels/sms.ts';
import { WHATSAPP_STATUS, verifyWhatsappSignature, whatsappReceipts } from './channels/whatsapp.ts';
import { recordReceipt } from './receipts.ts';

/**
 * Delivery receipts from providers, in their own formats. No session: each request is
 * authenticated by the provider's signature over the exact bytes received, so the body parsers
 * here keep the raw text. A receipt for a message we do not know is acknowledged and ignored
 * (providers retry anything but a 2xx).
 */
const dialerResult = z.object({
  callId: z.string().min(1),
  status: z.enum(['answered', 'no_answer', 'busy', 'voicemail', 'failed']),
  durationSeconds: z.number().int().min(0).optional(),
  disposition: z.string().max(200).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});
export type DialerResult = z.infer<typeof dialerResult>;

const notConfigured = (what: string) => new AppError('not_found', `${what} não está configurado neste servidor.`);
const badSignature = () => new AppError('unauthenticated', 'Assinatura inválida.');

export async function webhookRoutes(app: App, { db, config }: ApiContext) {
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const raw = (request: FastifyRequest) => (typeof request.body === 'string' ? request.body : '');
    const publicUrl = config.PUBLIC_URL.replace(/\/$/, '');

    scope.post(
      '/api/webhooks/twilio/status',
      { config: { public: true }, schema: { tags: ['webhooks'], summary: 'Recibo de entrega de SMS no formato do Twilio (StatusCallback), assinado com X-Twilio-Signature', security: [] } },
      async (request, reply) => {
        if (!config.TWILIO_AUTH_TOKEN) throw notConfigured('O SMS (Twilio)');
        const params = Object.fromEntries(new URLSearchParams(raw(request)));
        if (!verifyTwilioSignature(config.TWILIO_AUTH_TOKEN, request.headers['x-twilio-signature'] as string | undefined, `${publicUrl}${request.url}`, params)) throw badSignature();
        const status = TWILIO_STATUS[params.MessageStatus ?? ''];
        if (params.MessageSid && status) {
          await recordReceipt(db, { channel: 'sms', providerId: params.MessageSid, status, providerStatus: params.MessageStatus!, at: new Date(), error: params.ErrorCode ? `erro ${params.ErrorCode}` : null });
        }
        return reply.code(204).send();
      },
    );

    scope.get(
      '/api/webhooks/whatsapp',
      {
        config: { public: true },
        schema: { tags: ['webhooks'], summary: 'Verificação do webhook pela Meta (hub.challenge)', security: [], querystring: z.object({ 'hub.mode': z.string(), 'hub.verify_token': z.string(), 'hub.challenge': z.string() }) },
      },
      async (request, reply) => {
        if (!config.WHATSAPP_VERIFY_TOKEN) throw notConfigured('O WhatsApp');
        const q = request.query as Record<'hub.mode' | 'hub.verify_token' | 'hub.challenge', string>;
        if (q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== config.WHATSAPP_VERIFY_TOKEN) throw new AppError('forbidden', 'Token de verificação não confere.');
        return reply.type('text/plain').send(q['hub.challenge']);
      },
    );

    scope.post(
      '/api/webhooks/whatsapp',
      { config: { public: true }, schema: { tags: ['webhooks'], summary: 'Notificações de status da WhatsApp Cloud API (sent, delivered, read, failed), assinadas com X-Hub-Signature-256', security: [] } },
      async (request, reply) => {
        if (!config.WHATSAPP_APP_SECRET) throw notConfigured('O WhatsApp');
        if (!verifyWhatsappSignature(config.WHATSAPP_APP_SECRET, request.headers['x-hub-signature-256'] as string | undefined, raw(request))) throw badSignature();
        for (const receipt of whatsappReceipts(parseJson(raw(request)))) {
          const status = WHATSAPP_STATUS[receipt.status];
          if (status) await recordReceipt(db, { channel: 'whatsapp', providerId: receipt.providerId, status, providerStatus: receipt.status, at: receipt.at, error: receipt.error });
        }
        return reply.code(200).send();
      },
    );

    scope.post(
      '/api/webhooks/dialer',
      { config: { public: true }, schema: { tags: ['webhooks'], summary: 'Resultado de uma ligação do discador (assinado com X-Recupera-Signature)', security: [] } },
      async (request, reply: FastifyReply) => {
        if (!config.DIALER_SECRET) throw notConfigured('O discador');
        if (!verifyPayload(config.DIALER_SECRET, request.headers[SIGNATURE_HEADER] as string | undefined, raw(request))) throw badSignature();
        const r = parseRequest(dialerResult, parseJson(raw(request)));
        await recordReceipt(db, {
          channel: 'voice', providerId: r.callId, status: r.status === 'answered' ? 'delivered' : 'undelivered', providerStatus: r.status, at: r.at ? new Date(r.at) : new Date(),
          details: { ...(r.durationSeconds !== undefined ? { durationSeconds: r.durationSeconds } : {}), ...(r.disposition ? { disposition: r.disposition } : {}) },
        });
        return reply.code(204).send();
      },
    );
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation', 'O corpo não é um JSON válido.');
  }
}
