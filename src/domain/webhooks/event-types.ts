/**
 * The outbound webhook catalogue (docs/webhooks.md shows a payload for each). A receiver subscribes
 * to some of these; `webhook.test` is the ping sent by POST /api/webhooks/subscriptions/{id}/test.
 */
export const WEBHOOK_EVENT_TYPES = [
  'debt.imported',
  'message.sent',
  'message.delivered',
  'message.failed',
  'agreement.accepted',
  'agreement.broken',
  'agreement.fulfilled',
  'payment.received',
  'listing.requested',
  'listing.removed',
  'webhook.test',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** pt-BR labels for the back office. */
export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  'debt.imported': 'Dívidas importadas (um evento por lote de importação)',
  'message.sent': 'Mensagem enviada',
  'message.delivered': 'Mensagem entregue',
  'message.failed': 'Mensagem não entregue',
  'agreement.accepted': 'Acordo aceito',
  'agreement.broken': 'Acordo quebrado',
  'agreement.fulfilled': 'Acordo quitado',
  'payment.received': 'Pagamento recebido',
  'listing.requested': 'Negativação solicitada',
  'listing.removed': 'Negativação baixada',
  'webhook.test': 'Teste de webhook',
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The case-timeline event types (src/features/debtors/timeline.ts) that are also webhook events,
 * so appendEvent publishes them in the same transaction. Message outcomes and imports are
 * published where they are written in bulk (dispatch, receipts, run-import).
 */
export const TIMELINE_TO_WEBHOOK: Readonly<Record<string, WebhookEventType>> = {
  'agreement.accepted': 'agreement.accepted',
  'agreement.broken': 'agreement.broken',
  'agreement.fulfilled': 'agreement.fulfilled',
  'payment.received': 'payment.received',
  'listing.requested': 'listing.requested',
  'listing.removed': 'listing.removed',
};
