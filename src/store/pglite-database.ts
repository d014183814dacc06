import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { AppError } from '../shared/errors.ts';
import { copyWith, kyselyFor, scopeStatements, type Database, type SqlClient, type TenantScope, type Tx } from './database.ts';

/** Same value shapes as the pg driver: int8 as number, dates as 'YYYY-MM-DD', numerics as strings. */
const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.DATE]: (value: string) => value,
};

function clientOf(tx: Transaction | PGlite): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await tx.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script) {
      await tx.exec(script);
    },
    async copyIn(table, columns, data, options) {
      const copy = `copy ${table} (${columns.join(', ')}) from '/dev/blob'${copyWith(options)}`;
      const { rows } = await tx.query<{ role: string; session: string }>('select current_user as role, session_user as session');
      const { role, session } = rows[0]!;
      if (role === session) {
        await tx.query(copy, [], { blob: new Blob([data]) });
        return;
      }
      // PGlite reads COPY data from a virtual file, which needs pg_read_server_files. The request
      // role lacks it, so under that role only temporary staging tables may be loaded this way;
      // real tables are filled from them by INSERT … SELECT under row-level security.
      if (!table.startsWith('import_stage')) throw new Error(`copyIn under the request role is limited to staging tables, not ${table}`);
      await tx.exec('set local role none');
      try {
        await tx.query(copy, [], { blob: new Blob([data]) });
      } finally {
        await tx.exec(`set local role ${role}`);
      }
    },
    async copyOut(statement) {
      const result = await tx.query(statement);
      if (!result.blob) throw new Error('copy to /dev/blob returned no data');
      return result.blob;
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite) in this process. One process per data directory: a lock file
 * next to the data tells a second process who holds it, instead of letting both corrupt it.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly location: string;
  private readonly pg: PGlite;

  /** The embedded instance, for libraries that speak to it directly (the pg-boss job queue). */
  get instance(): PGlite {
    return this.pg;
  }
  private readonly lockFile: string | null;

  private constructor(pg: PGlite, location: string, lockFile: string | null) {
    this.pg = pg;
    this.location = location;
    this.lockFile = lockFile;
  }

  /** Opens (or creates) the database in `dataDir`, or in memory when `dataDir` is null. */
  static async open(dataDir: string | null, options: { command?: string; loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
    let lockFile: string | null = null;
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      lockFile = acquireLock(dataDir, options.command ?? 'recupera');
    }
    try {
      const pg = await PGlite.create({
        ...(dataDir ? { dataDir } : {}),
        ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
        extensions: { pg_trgm },
        parsers,
      });
      await pg.exec(`set timezone = 'UTC'`);
      return new PgliteDatabase(pg, dataDir ?? 'memória', lockFile);
    } catch (error) {
      if (lockFile) fs.rmSync(lockFile, { force: true });
      throw error;
    }
  }

  async system<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (transaction) => {
      const sql = clientOf(transaction);
      return work({ sql, db: kyselyFor(sql) });
    });
  }

  async scoped<T>(scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (transaction) => {
      await transaction.exec(scopeStatements(scope));
      const sql = clientOf(transaction);
      return work({ sql, db: kyselyFor(sql) });
    });
  }

  /** A snapshot of the whole database, used by tests to start each file from a migrated copy. */
  async dump(): Promise<Blob> {
    return (await this.pg.dumpDataDir('none')) as Blob;
  }

  async close(): Promise<void> {
    await this.pg.close();
    if (this.lockFile) fs.rmSync(this.lockFile, { force: true });
  }
}

interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(dataDir: string, command: string): string {
  const lockFile = path.join(path.dirname(path.resolve(dataDir)), `${path.basename(dataDir)}.lock`);
  const info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(info), { flag: 'wx' });
      const release = () => fs.rmSync(lockFile, { force: true });
      process.once('exit', release);
      return lockFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: LockInfo | null = null;
      try {
        holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockInfo;
      } catch {
        holder = null;
      }
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new AppError(
          'database_busy',
          `O banco embutido em ${dataDir} está em uso pelo processo ${holder.pid} (${holder.command}, desde ${holder.startedAt}). ` +
            'O PGlite só admite um processo por diretório: pare o servidor antes de usar este comando, ' +
            'ou use a API do servidor em execução (por exemplo POST /api/imports para importar).',
        );
      }
      fs.rmSync(lockFile, { force: true }); // stale lock from a process that died
    }
  }
  throw new AppError('database_busy', `Não foi possível obter o bloqueio de ${dataDir}.`);
}
