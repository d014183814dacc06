import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { copyWith, kyselyFor, scopeStatements, type Database, type SqlClient, type TenantScope, type Tx } from './database.ts';

const { Pool } = pg;

/** int8 as number (centavos fit far below 2^53), dates as 'YYYY-MM-DD' strings; numerics stay strings. */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

function clientOf(client: pg.PoolClient): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script) {
      await client.query(script);
    },
    async copyIn(table, columns, data, options) {
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin${copyWith(options)}`));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        stream.end(data);
      });
    },
    async copyOut(statement) {
      const stream = client.query(copyTo(statement.replace(/to\s+'\/dev\/blob'/i, 'to stdout')));
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      for await (const chunk of stream) chunks.push(new Uint8Array(chunk as Buffer));
      return new Blob(chunks);
    },
  };
}

/** A PostgreSQL server reached through DATABASE_URL, shared by any number of processes. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly pool: pg.Pool;

  /** For libraries with their own pool on the same server (the pg-boss job queue). */
  readonly connectionString: string;

  constructor(connectionString: string, options: { max?: number } = {}) {
    this.connectionString = connectionString;
    this.pool = new Pool({
      connectionString,
      max: options.max ?? 10,
      types: typeParsers,
      options: '-c timezone=UTC',
    });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', () => {});
    const url = new URL(connectionString);
    url.password = '';
    this.location = url.toString();
  }

  private async transaction<T>(prelude: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(prelude ? `begin; ${prelude}` : 'begin');
      const sql = clientOf(client);
      try {
        const result = await work({ sql, db: kyselyFor(sql) });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  system<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('', work);
  }

  scoped<T>(scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(scopeStatements(scope), work);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
