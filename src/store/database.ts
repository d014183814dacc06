import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Schema } from './schema.ts';

/** The raw SQL surface both drivers offer; parameters use $1, $2… */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs a script of several statements (no parameters), such as a migration. */
  exec(script: string): Promise<void>;
  /** Loads rows in PostgreSQL COPY text format (tab-separated, \N for null), or CSV, into a table. */
  copyIn(table: string, columns: readonly string[], data: string, options?: CopyOptions): Promise<void>;
  /** Runs `copy … to '/dev/blob'` (the statement names the destination so both drivers read it alike). */
  copyOut(statement: string): Promise<Blob>;
}

export interface CopyOptions {
  format?: 'text' | 'csv';
  header?: boolean;
  delimiter?: string;
}

/** The WITH clause of a COPY FROM for these options. */
export function copyWith(options: CopyOptions = {}): string {
  if ((options.format ?? 'text') === 'text') return '';
  const parts = ['format csv'];
  if (options.header) parts.push('header');
  if (options.delimiter) parts.push(`delimiter '${options.delimiter.replace(/'/g, "''")}'`);
  return ` with (${parts.join(', ')})`;
}

/** One transaction: typed queries through `db`, anything else through `sql`. */
export interface Tx {
  readonly db: Kysely<Schema>;
  readonly sql: SqlClient;
}

/**
 * Who a unit of work acts for. Row-level security reads it: a scoped transaction sees only
 * the tenant's rows, and only the creditor's rows when `creditorId` is set (creditor viewers).
 */
export interface TenantScope {
  tenantId: string;
  creditorId?: string | null;
  userId?: string | null;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  /** Where the data lives, for humans (a directory or a server without its password). */
  readonly location: string;
  /** A transaction with the owner's privileges: migrations, login, cross-tenant jobs. */
  system<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** A transaction under the tenant's row-level security policies. */
  scoped<T>(scope: TenantScope, work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a reference is an id (a UUID) rather than a document or a name. */
export const isUuid = (value: string) => UUID.test(value);

/**
 * The statements that put a transaction under row-level security. Ids are checked against the
 * UUID shape before they are written into the SQL, so one round trip suffices.
 */
export function scopeStatements(scope: TenantScope): string {
  for (const id of [scope.tenantId, scope.creditorId, scope.userId]) {
    if (id != null && !UUID.test(id)) throw new Error('invalid scope id');
  }
  return [
    'set local role recupera_app',
    `select set_config('app.tenant_id', '${scope.tenantId}', true),` +
      ` set_config('app.creditor_id', '${scope.creditorId ?? ''}', true),` +
      ` set_config('app.user_id', '${scope.userId ?? ''}', true)`,
  ].join('; ');
}

/** Kysely bound to one connection that is already inside a transaction. */
export function kyselyFor(client: SqlClient): Kysely<Schema> {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const result = await client.query<R>(compiled.sql, compiled.parameters);
      return { rows: result.rows, numAffectedRows: BigInt(result.rowCount) };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('streaming is not used through Kysely; use Tx.sql');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction() {
      throw new Error('Kysely runs inside a transaction opened by Database');
    },
    async commitTransaction() {},
    async rollbackTransaction() {},
    async releaseConnection() {},
    async destroy() {},
  };
  return new Kysely<Schema>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;

/** Escapes one value for the COPY text format. */
export function copyValue(value: string | number | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPED, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Builds one COPY text line from values in column order. */
export function copyLine(values: ReadonlyArray<string | number | bigint | boolean | null | undefined>): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyValue(values[i]);
  return line + '\n';
}
