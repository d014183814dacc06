import { checkOutboundUrl } from '../../shared/outbound-url.ts';

/** Checks a subscription URL when it is saved (SSRF guard, src/shared/outbound-url.ts). */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  return checkOutboundUrl(raw, {
    allowPrivate,
    setting: 'WEBHOOK_ALLOW_PRIVATE_URLS',
    field: 'url',
    example: 'https://erp.exemplo.com.br/webhooks/recupera',
    credentialsHint: 'a autenticação é a assinatura X-Recupera-Signature',
  });
}
