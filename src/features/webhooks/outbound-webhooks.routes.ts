import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts';
import { WEBHOOK_RETRY_DELAYS_MINUTES } from '../../domain/webhooks/retry.ts';
import { requirePermission } from '../auth/permissions.ts';
import { webhookDeliverOptions } from './deliver.ts';
import {
  createSubscription, deleteSubscription, deliveryFilter, deliveryOutput, listDeliveries, listSubscriptions, replayDelivery, replayRange, replayRangeInput,
  rotateSecret, subscriptionInput, subscriptionOutput, subscriptionPatch, subscriptionWithSecret, testSubscription, updateSubscription,
} from './subscriptions.ts';

/**
 * OUTBOUND webhooks: what Recupera sends to the agency's and creditors' systems (ERP, BI).
 * Not to be confused with src/features/dunning/webhooks.routes.ts — the INBOUND receipts of the
 * message providers and the dialer.
 */
const tags = ['webhooks de saída'];
const subscriptionParams = z.object({ subscriptionId: zUuid });

export async function outboundWebhookRoutes(app: App, { db, config }: ApiContext) {
  const settings = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS };

  app.get(
    '/api/webhooks/event-types',
    {
      schema: {
        tags, summary: 'Catálogo de eventos e o calendário de novas tentativas',
        response: { 200: z.object({ items: z.array(z.object({ type: z.string(), label: z.string() })), retryDelaysMinutes: z.array(z.number()), maxAttempts: z.number().int() }) },
      },
    },
    async (request) => {
      requirePermission(actorOf(request), 'webhooks.read');
      return { items: WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: WEBHOOK_EVENT_LABELS[type] })), retryDelaysMinutes: [...WEBHOOK_RETRY_DELAYS_MINUTES], maxAttempts: config.WEBHOOK_MAX_ATTEMPTS };
    },
  );
  app.get(
    '/api/webhooks/subscriptions',
    { schema: { tags, summary: 'Assinaturas de webhook da assessoria (o segredo nunca é mostrado de novo)', response: { 200: z.object({ items: z.array(subscriptionOutput) }) } } },
    async (request) => ({ items: await listSubscriptions(db, actorOf(request)) }),
  );
  app.post(
    '/api/webhooks/subscriptions',
    { schema: { tags, summary: 'Criar uma assinatura; a resposta traz o segredo HMAC, mostrado só esta vez', body: subscriptionInput, response: { 201: subscriptionWithSecret } } },
    async (request, reply) => reply.status(201).send(await createSubscription(db, actorOf(request), request.body, settings)),
  );
  app.patch(
    '/api/webhooks/subscriptions/:subscriptionId',
    { schema: { tags, summary: 'Alterar URL, eventos, filtro de credor, descrição ou ativar/desativar', params: subscriptionParams, body: subscriptionPatch, response: { 200: subscriptionOutput } } },
    async (request) => updateSubscription(db, actorOf(request), request.params.subscriptionId, request.body, settings),
  );
  app.delete(
    '/api/webhooks/subscriptions/:subscriptionId',
    { schema: { tags, summary: 'Excluir uma assinatura (o histórico de entregas é mantido)', params: subscriptionParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await deleteSubscription(db, actorOf(request), request.params.subscriptionId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/webhooks/subscriptions/:subscriptionId/rotate-secret',
    { schema: { tags, summary: 'Trocar o segredo HMAC (vale para toda entrega a partir de agora); o novo é mostrado só esta vez', params: subscriptionParams, response: { 200: subscriptionWithSecret } } },
    async (request) => rotateSecret(db, actorOf(request), request.params.subscriptionId),
  );
  app.post(
    '/api/webhooks/subscriptions/:subscriptionId/test',
    { schema: { tags, summary: 'Enviar agora um evento webhook.test a esta assinatura; a resposta é a entrega (status HTTP ou erro)', params: subscriptionParams, response: { 200: deliveryOutput } } },
    async (request) => testSubscription(db, actorOf(request), request.params.subscriptionId, webhookDeliverOptions(config)),
  );
  app.get(
    '/api/webhooks/deliveries',
    { schema: { tags, summary: 'Registro de entregas (mais recentes primeiro), por situação, tipo de evento, data, assinatura ou evento', querystring: deliveryFilter, response: { 200: z.object({ items: z.array(deliveryOutput) }) } } },
    async (request) => ({ items: await listDeliveries(db, actorOf(request), request.query) }),
  );
  app.post(
    '/api/webhooks/deliveries/:deliveryId/replay',
    { schema: { tags, summary: 'Reenviar o MESMO evento (mesmo id e conteúdo) à mesma assinatura, como nova entrega', params: z.object({ deliveryId: zUuid }), response: { 201: deliveryOutput } } },
    async (request, reply) => reply.status(201).send(await replayDelivery(db, actorOf(request), request.params.deliveryId)),
  );
  app.post(
    '/api/webhooks/replay',
    { schema: { tags, summary: 'Reenviar os eventos de um período a uma assinatura (após uma indisponibilidade do receptor); no máximo 10.000 por vez', body: replayRangeInput, response: { 200: z.object({ replayed: z.number().int() }) } } },
    async (request) => replayRange(db, actorOf(request), request.body),
  );
}
