import { loadConfig, type Config } from '../shared/config.ts';
import { openDatabase } from '../store/open-database.ts';
import { migrate } from '../store/migrate.ts';
import type { Database } from '../store/database.ts';

/** Opens the configured database for one command, migrated, and always closes it. */
export async function withDatabase<T>(command: string, work: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, `recupera ${command}`);
  try {
    await migrate(db);
    return await work(db, config);
  } finally {
    await db.close();
  }
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
