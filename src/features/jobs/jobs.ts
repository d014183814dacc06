import { bureauFromConfig } from '../escalation/escalation-run.ts';
import { PgBoss, fromPglite } from 'pg-boss';
import type { Logger } from 'pino';
import { localTime } from '../../domain/compliance/local-time.ts';
import type { Config } from '../../shared/config.ts';
import type { Database } from '../../store/database.ts';
import { PgliteDatabase } from '../../store/pglite-database.ts';
import { PostgresDatabase } from '../../store/postgres-database.ts';
import { channelsFromConfig } from '../dunning/channels/from-config.ts';
import { runDaily } from '../dunning/daily-run.ts';
import { dispatchDue } from '../dunning/dispatch.ts';

/**
 * Background work through pg-boss on the same database: the daily run every morning, dispatch
 * every minute through the configured channels. On PGlite inside the server process; on PostgreSQL
 * any number of `recupera serve` processes share the queues (pg-boss hands each job to one).
 */
export const DAILY_RUN_CRON = '0 6 * * *'; // 06:00 in Brasília: the plan is ready before the contact window opens
export const DISPATCH_CRON = '* * * * *';

export async function startJobs(db: Database, config: Config, logger: Logger): Promise<PgBoss> {
  const boss =
    db instanceof PgliteDatabase
      ? new PgBoss({ backend: 'pglite', db: fromPglite(db.instance as never), schema: 'pgboss' })
      : new PgBoss({ connectionString: (db as PostgresDatabase).connectionString, schema: 'pgboss', max: 4 });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue('daily-run', { retryLimit: 3, retryBackoff: true });
  await boss.createQueue('dispatch', { retryLimit: 2, retryBackoff: true });
  await boss.schedule('daily-run', DAILY_RUN_CRON, null, { tz: 'America/Sao_Paulo' });
  const bureau = bureauFromConfig(config);
  await boss.work<{ asOf?: string }>('daily-run', async ([job]) => {
    const asOf = job?.data?.asOf ?? localTime(new Date(), 'America/Sao_Paulo').date;
    const summary = await runDaily(db, { asOf, bureau, bureauName: config.BUREAU_NAME });
    logger.info({ asOf, newActions: summary.newActions, byStatus: summary.byStatus, escalation: summary.escalation }, 'daily run');
    const e = summary.escalation;
    if (e && (e.listings.alerts || e.listings.errors || e.failedTenants)) logger.warn({ asOf, alerts: e.listings.alerts, errors: e.listings.errors, failedTenants: e.failedTenants }, 'escalation needs attention (GET /api/listings?attention=true)');
    return summary;
  });
  const channels = channelsFromConfig(db, config);
  await boss.schedule('dispatch', DISPATCH_CRON);
  await boss.work('dispatch', async () => {
    const summary = await dispatchDue(db, { now: new Date(), channels, publicUrl: config.PUBLIC_URL });
    if (Object.values(summary).some((n) => n > 0)) logger.info(summary, 'dispatch');
    return summary;
  });
  return boss;
}
