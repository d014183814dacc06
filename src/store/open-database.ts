import type { Config } from '../shared/config.ts';
import type { Database } from './database.ts';
import { PgliteDatabase } from './pglite-database.ts';
import { PostgresDatabase } from './postgres-database.ts';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR. */
export async function openDatabase(config: Config, command: string): Promise<Database> {
  if (config.DATABASE_URL) return new PostgresDatabase(config.DATABASE_URL);
  return PgliteDatabase.open(config.pgliteDir, { command });
}
