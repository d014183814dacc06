import { buildServer } from '../../api/server.ts';
import { seedDemo } from '../../features/demo/seed-demo.ts';
import { seedShippedSeries } from '../../features/indices/shipped-series.ts';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { migrate } from '../../store/migrate.ts';
import { openDatabase } from '../../store/open-database.ts';
import { today } from '../context.ts';

/** Starts the API: migrations applied, the demo agency seeded on the first start of an empty database. */
export async function serve(options: { port?: string; host?: string }): Promise<void> {
  const config = loadConfig({ ...process.env, ...(options.port ? { PORT: options.port } : {}), ...(options.host ? { HOST: options.host } : {}) });
  const logger = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config, 'recupera serve');
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const series = await seedShippedSeries(db);
  if (series.length) logger.info({ series }, 'shipped index series loaded');
  if (config.SEED_DEMO) {
    const empty = await db.system(async ({ db: q }) => !(await q.selectFrom('tenants').select('id').limit(1).executeTakeFirst()));
    if (empty) {
      logger.info('empty database: seeding the demo agency');
      const seeded = await seedDemo(db, { asOf: today() });
      logger.info({ debts: seeded.imports.reduce((s, i) => s + i.createdRows, 0) }, 'demo agency seeded');
    }
  }
  const app = await buildServer({ db, config, logger });
  const { startJobs } = await import('../../features/jobs/jobs.ts');
  const boss = await startJobs(db, config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await boss.stop({ graceful: true, timeout: 10_000 }).catch(() => {});
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  process.stderr.write(
    `\nRecupera no ar em ${url} (banco: ${db.kind} em ${db.location})\n` +
      `  API e documentação: ${url}/docs\n` +
      (config.SEED_DEMO ? `  Demonstração: entre com admin@demo.recupera.test / recupera-demo\n\n` : '\n'),
  );
}
