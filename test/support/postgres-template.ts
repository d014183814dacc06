import pg from 'pg';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { seedShippedSeries } from '../../src/features/indices/shipped-series.ts';

/** Vitest global setup for the postgres project: one migrated template database that each test file clones. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEMPLATE = `recupera_template_${process.pid}`;

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  // Databases left by interrupted runs.
  const stale = await admin.query(`select datname from pg_database where datname like 'recupera\\_t\\_%' or datname like 'recupera\\_template\\_%'`);
  for (const row of stale.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
  await admin.query(`create database "${TEMPLATE}"`);
  await admin.end();
  const db = new PostgresDatabase(urlFor(TEMPLATE), { max: 1 });
  await migrate(db);
  await seedShippedSeries(db); // as `recupera serve` does: the shipped index series
  await db.close();
  provide('postgresTemplate', TEMPLATE);
  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`drop database if exists "${TEMPLATE}" with (force)`);
    await client.end();
  };
}
