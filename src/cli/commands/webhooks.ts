import { deliverWebhooksNow, webhookDeliverOptions } from '../../features/webhooks/deliver.ts';
import { withDatabase } from '../context.ts';
import { printJson } from '../output.ts';

/** Sends the due outbound webhook deliveries now (what `serve` does every minute). */
export async function deliverWebhooksCommand(options: { json?: boolean }) {
  const summary = await withDatabase('webhooks deliver', (db, config) => deliverWebhooksNow(db, webhookDeliverOptions(config)));
  if (options.json) return printJson(summary);
  process.stdout.write(`${summary.delivered} entregues, ${summary.retrying} para nova tentativa, ${summary.failed} com falha definitiva (de ${summary.claimed} devidas)\n`);
}
