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
import { runPrivacyDaily } from '../privacy/privacy-daily.ts';
import { pullDueErpSources, pullOptionsOf } from '../erp/pull-erp-source.ts';
import { deliverWebhooksNow, webhookDeliverOptions } from '../webhooks/deliver.ts';

/**
 * Background work through pg-boss on the same database: the daily run every morning, dispatch
 * every minute through the configured channels. On PGlite inside the server process; on PostgreSQL
 * any number of `recupera serve` processes share the queues (pg-boss hands each job to one).
 */
export const DAILY_RUN_CRON = '0 6 * * *'; // 06:00 in Brasília: the plan is ready before the contact window opens
export const DISPATCH_CRON = '* * * * *';
export const PRIVACY_CRON = '30 3 * * *'; // 03:30 in Brasília: LGPD deadlines and anonymization after retention (part E)
export const WEBHOOKS_CRON = '* * * * *';
export const ERP_PULL_CRON = '* * * * *'; // each source has its own interval or cron; this pass picks the due ones (part C)

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
  // Outbound webhooks (part B of issue 9): due deliveries every minute; rows are claimed with SKIP LOCKED.
  await boss.createQueue('webhooks', { retryLimit: 1 });
  await boss.schedule('webhooks', WEBHOOKS_CRON);
  await boss.work('webhooks', async () => {
    const summary = await deliverWebhooksNow(db, webhookDeliverOptions(config));
    if (summary.claimed > 0) logger.info(summary, 'webhooks');
    return summary;
  });
  // LGPD (part E of issue 9): anonymization after the retention period, and the requests' deadlines.
  await boss.createQueue('privacy-daily', { retryLimit: 2, retryBackoff: true });
  await boss.schedule('privacy-daily', PRIVACY_CRON, null, { tz: 'America/Sao_Paulo' });
  await boss.work<{ asOf?: string }>('privacy-daily', async ([job]) => {
    const summary = await runPrivacyDaily(db, { asOf: job?.data?.asOf ?? localTime(new Date(), 'America/Sao_Paulo').date, retentionYears: config.PRIVACY_RETENTION_YEARS });
    logger.info({ asOf: summary.asOf, anonymized: summary.anonymization.anonymized, overdue: summary.deadlines.overdue, dueSoon: summary.deadlines.dueSoon }, 'privacy daily');
    if (summary.deadlines.overdue > 0) logger.warn({ overdue: summary.deadlines.overdue }, 'LGPD requests past their due date (GET /api/privacy-requests?due=overdue)');
    return summary;
  });
  // ERP sync (part C of issue 9): every minute, the pull sources whose time has come.
  await boss.createQueue('erp-pull', { retryLimit: 0 });
  await boss.schedule('erp-pull', ERP_PULL_CRON);
  await boss.work('erp-pull', async () => {
    const results = await pullDueErpSources(db, pullOptionsOf(config, new Date()), (sourceId, error) => logger.error({ err: error, sourceId }, 'erp pull failed'));
    for (const r of results) {
      const log = r.outcome === 'failed' || r.outcome === 'unreadable' || r.outcome === 'rejected' ? logger.warn.bind(logger) : logger.info.bind(logger);
      if (r.outcome !== 'not_modified' && r.outcome !== 'no_files' && r.outcome !== 'unchanged') log({ sourceId: r.sourceId, outcome: r.outcome, files: r.files.map((f) => ({ sha256: f.sha256, outcome: f.outcome, importId: f.importId })) }, 'erp pull');
    }
    return { pulled: results.length };
  });
  return boss;
}
