import { smtpChannel } from '../../features/dunning/channels/email.ts';
import { dispatchDue } from '../../features/dunning/dispatch.ts';
import { withDatabase } from '../context.ts';
import { ExitError, printJson } from '../output.ts';

/** Sends the planned actions whose moment has come (what `serve` does every minute). */
export async function dispatchCommand(options: { json?: boolean }) {
  const summary = await withDatabase('dispatch', async (db, config) => {
    if (!config.SMTP_URL) throw new ExitError('nenhum canal configurado: defina SMTP_URL (ex.: smtp://usuario:senha@servidor:587)');
    const email = smtpChannel({ url: config.SMTP_URL, from: config.MAIL_FROM });
    try {
      return await dispatchDue(db, { now: new Date(), channels: [email], publicUrl: config.PUBLIC_URL });
    } finally {
      email.close();
    }
  });
  if (options.json) return printJson(summary);
  process.stdout.write(`${summary.sent} enviadas, ${summary.deferred} adiadas (horário/limites), ${summary.blocked} bloqueadas, ${summary.failed} com falha\n`);
}
