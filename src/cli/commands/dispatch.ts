import { channelsFromConfig } from '../../features/dunning/channels/from-config.ts';
import { dispatchDue } from '../../features/dunning/dispatch.ts';
import { withDatabase } from '../context.ts';
import { printJson } from '../output.ts';

/** Sends the planned actions whose moment has come (what `serve` does every minute), through the configured channels. */
export async function dispatchCommand(options: { json?: boolean }) {
  const summary = await withDatabase('dispatch', async (db, config) => {
    const channels = channelsFromConfig(db, config);
    try {
      return await dispatchDue(db, { now: new Date(), channels, publicUrl: config.PUBLIC_URL });
    } finally {
      for (const channel of channels) await channel.close?.();
    }
  });
  if (options.json) return printJson(summary);
  process.stdout.write(
    `${summary.sent} enviadas, ${summary.deferred} adiadas (horário/limites), ${summary.blocked} bloqueadas, ` +
      `${summary.retrying} para nova tentativa, ${summary.unknown} com resultado incerto, ${summary.failed} com falha, ${summary.stopped} interrompidas (título pago ou em acordo)\n`,
  );
}
