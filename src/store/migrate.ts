import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Arbitrary constant: the advisory lock that serializes migration runners across processes. */
const MIGRATION_LOCK = 726_351_001;

export interface MigrationFile {
  version: string;
  sql: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * Applies pending migrations, each in its own transaction, forward only. Safe to run from many
 * processes at once: an advisory lock lets one apply while the others wait and then find nothing to do.
 */
export async function migrate(db: Database, files = migrationFiles()): Promise<string[]> {
  await db.system(async ({ sql }) => {
    await sql.query(`create table if not exists schema_migrations (
      version text primary key, applied_at timestamptz not null default now())`);
  });
  const applied: string[] = [];
  for (const file of files) {
    const done = await db.system(async ({ sql }) => {
      await sql.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await sql.query('select 1 from schema_migrations where version = $1', [file.version]);
      if (rows.length > 0) return false;
      await sql.exec(file.sql);
      await sql.query('insert into schema_migrations (version) values ($1)', [file.version]);
      return true;
    });
    if (done) applied.push(file.version);
  }
  return applied;
}
