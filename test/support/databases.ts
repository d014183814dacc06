import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { seedShippedSeries } from '../../src/features/indices/shipped-series.ts';
import { PgliteDatabase } from '../../src/store/pglite-database.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import { ADMIN_URL, urlFor } from './postgres-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string;
  }
}

export const TEST_DB_KIND = (process.env.RECUPERA_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

let pgliteSnapshot: Promise<Blob> | null = null;

/** A migrated PGlite, copied from one snapshot per worker so each test file starts clean in under a second. */
async function freshPglite(): Promise<PgliteDatabase> {
  pgliteSnapshot ??= (async () => {
    const db = await PgliteDatabase.open(null);
    await migrate(db);
  await seedShippedSeries(db); // as `recupera serve` does: the shipped index series
    const dump = await db.dump();
    await db.close();
    return dump;
  })();
  return PgliteDatabase.open(null, { loadDataDir: await pgliteSnapshot });
}

export interface TestDatabase {
  db: Database;
  /** For tests that start other processes on the same database. */
  url: string | null;
  drop: () => Promise<void>;
}

/** A fresh, migrated database of the kind this test project runs on. */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB_KIND === 'pglite') {
    const db = await freshPglite();
    return { db, url: null, drop: () => db.close() };
  }
  const name = `recupera_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${name}" template "${inject('postgresTemplate')}"`);
  await admin.end();
  const db = new PostgresDatabase(urlFor(name), { max: 4 });
  return {
    db,
    url: urlFor(name),
    drop: async () => {
      await db.close();
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}
