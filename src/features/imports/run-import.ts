import type { IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { copyLine, type Database, type SqlClient, type TenantScope, type Tx } from '../../store/database.ts';
import type { ImportStatus } from '../../store/schema.ts';
import { addressLine } from '../debtors/normalize-contact.ts';
import { publishImport } from '../webhooks/publish-batch.ts';
import { readRecords, type FileShape, type ReaderOptions } from './read-records.ts';
import { fieldText, validateRow, type ImportRow, type RawRecord, type RowError } from './validate-row.ts';

export interface RunImportInput {
  db: Database;
  scope: TenantScope;
  creditorId: string;
  portfolioId: string;
  fileName: string;
  input: AsyncIterable<Uint8Array>;
  reader?: Pick<ReaderOptions, 'format' | 'encoding' | 'delimiter' | 'mapping' | 'decimal'>;
  /** Refuse the whole file when any row is invalid, instead of importing the valid rows. */
  allOrNothing?: boolean;
  /** The file is the creditor's complete list for the portfolio: open debts absent from it are settled. */
  snapshot?: boolean;
  /** Today, for checks such as "birth date in the future". */
  asOf: IsoDate;
  /** 'cli' or 'api': who asked, for the timeline ('erp': the ERP sync's batch API and scheduled pulls). */
  via: 'cli' | 'api' | 'demo' | 'erp';
  /** Run inside the caller's transaction (ERP sync: with its idempotency record); a failure is then the caller's to record. */
  tx?: Tx;
  onProgress?: (progress: { bytes: number; records: number }) => void;
  /** Rows per staging batch; memory grows with it, not with the file. */
  batchSize?: number;
}

export interface ImportReport {
  importId: string;
  status: ImportStatus;
  fileName: string;
  format: string | null;
  encoding: string | null;
  delimiter: string | null;
  totalRows: number;
  createdRows: number;
  updatedRows: number;
  unchangedRows: number;
  rejectedRows: number;
  settledRows: number;
  debtorsCreated: number;
  debtorsUpdated: number;
  ignoredColumns: string[];
  errorCount: number;
  /** The first errors, by line; all of them are kept with the import. */
  errors: RowError[];
  message: string | null;
}

export const REPORTED_ERRORS_LIMIT = 1000;

const STAGE_COLUMNS = [
  'line', 'external_id', 'debtor_document', 'debtor_kind', 'debtor_name', 'search_name', 'birth_date',
  'declared_income_cents', 'email', 'phone', 'phone_kind', 'phone2', 'phone2_kind', 'address_line', 'address',
  'uf', 'city', 'document_kind', 'description', 'original_amount_cents', 'issue_date', 'due_date',
  'installment_number', 'installment_count', 'correction_index', 'interest_rate', 'interest_kind', 'fine_rate',
  'fees_rate', 'relationship', 'status',
] as const;

const CREATE_STAGE = `
  drop table if exists import_stage, import_stage_seen, import_stage_errors;
  create temp table import_stage (
    line integer not null, external_id text not null, debtor_document text not null, debtor_kind text not null,
    debtor_name text not null, search_name text not null, birth_date date, declared_income_cents bigint,
    email text, phone text, phone_kind text, phone2 text, phone2_kind text, address_line text, address jsonb,
    uf text, city text, document_kind text not null, description text, original_amount_cents bigint not null,
    issue_date date, due_date date not null, installment_number integer, installment_count integer,
    correction_index text, interest_rate numeric, interest_kind text, fine_rate numeric, fees_rate numeric,
    relationship text not null, status text not null
  ) on commit drop;
  create temp table import_stage_seen (external_id text not null) on commit drop;
  create temp table import_stage_errors (line integer not null, field text not null, value text, reason text not null) on commit drop;`;

const ERROR_COLUMNS = ['line', 'field', 'value', 'reason'] as const;

function stageLine(row: ImportRow): string {
  const [phone, phone2] = row.phones;
  const d = row.debt;
  return copyLine([
    row.line, row.externalId, row.debtor.document, row.debtor.kind, row.debtor.name, row.debtor.searchName,
    row.debtor.birthDate, row.debtor.declaredIncomeCents, row.email, phone?.e164, phone?.kind, phone2?.e164,
    phone2?.kind, row.address ? addressLine(row.address) : null, row.address ? JSON.stringify(row.address) : null,
    row.address?.uf, row.address?.city, d.documentKind, d.description, d.originalAmountCents, d.issueDate, d.dueDate,
    d.installmentNumber, d.installmentCount, d.correctionIndex, d.interestRate, d.interestKind, d.fineRate,
    d.feesRate, d.relationship, d.status,
  ]);
}

/**
 * Imports a file of receivables for one creditor's portfolio.
 *
 * Everything happens in one transaction: rows are validated while streaming, valid ones are
 * copied into a temporary table, and set-based statements merge them into debtors, contact
 * points and debts, writing the timeline as they go. A crash or a database error leaves
 * nothing behind but a failed import record. Re-importing the same file changes nothing:
 * debts are upserted by (creditor, external id) and only rows that differ are written.
 */
export async function runImport(input: RunImportInput): Promise<ImportReport> {
  const { db, scope } = input;
  let last = performance.now();
  const phase = (name: string) => {
    if (process.env.RECUPERA_IMPORT_TIMING) {
      const m = process.memoryUsage();
      process.stderr.write(`[import] ${name}: ${Math.round(performance.now() - last)} ms (rss ${Math.round(m.rss / 1e6)} MB, heap ${Math.round(m.heapUsed / 1e6)}/${Math.round(m.heapTotal / 1e6)} MB, external ${Math.round(m.external / 1e6)} MB)\n`);
    }
    last = performance.now();
  };
  let importId: string | null = null;
  let shape: FileShape | null = null;
  try {
    const inTransaction = <T>(work: (tx: Tx) => Promise<T>): Promise<T> => (input.tx ? work(input.tx) : db.scoped(scope, work));
    return await inTransaction(async ({ db: q, sql }) => {
      const creditor = await q
        .selectFrom('creditors')
        .select(['id', 'business_kind'])
        .where('id', '=', input.creditorId)
        .executeTakeFirst();
      if (!creditor) throw notFound('Credor');
      const portfolio = await q
        .selectFrom('portfolios')
        .select(['id'])
        .where('id', '=', input.portfolioId)
        .where('creditor_id', '=', input.creditorId)
        .executeTakeFirst();
      if (!portfolio) throw notFound('Carteira deste credor');

      // One import at a time per tenant: debtors are shared by the tenant's creditors, and two
      // snapshots must not settle each other's debts. Sorting and hashing a large file needs memory.
      await sql.query(`select pg_advisory_xact_lock(hashtext('recupera.import'), hashtext($1))`, [scope.tenantId]);
      await sql.query(`set local work_mem = '64MB'`);
      const created = await q
        .insertInto('imports')
        .values({
          tenant_id: scope.tenantId,
          creditor_id: input.creditorId,
          portfolio_id: input.portfolioId,
          file_name: input.fileName,
          status: 'running',
          options: JSON.stringify({ allOrNothing: !!input.allOrNothing, snapshot: !!input.snapshot, via: input.via, ...input.reader }),
          created_by: scope.userId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = created.id;
      importId = id;
      await sql.exec(CREATE_STAGE);

      let records = 0;
      let rejectedRows = 0;
      let unidentifiedRejects = 0;
      let bytesRead = 0;
      let writing: Promise<void> = Promise.resolve();
      const summary = await readRecords(
        input.input,
        {
          ...input.reader,
          fileName: input.fileName,
          batchSize: input.batchSize ?? 5000,
          onBytes: (bytes) => {
            bytesRead = bytes;
          },
        },
        {
          onShape: (s) => {
            shape = s;
          },
          onBatch: async (batch: RawRecord[]) => {
            const ctx = {
              decimal: input.reader?.decimal ?? (shape!.format === 'jsonl' || shape!.delimiter === ',' ? 'point' : 'comma'),
              defaultRelationship: creditor.business_kind,
              asOf: input.asOf,
              headerOf: shape!.headerOf,
            } as const;
            let staged = '';
            let errorLines = '';
            let seen = '';
            for (const record of batch) {
              const result = validateRow(record, ctx);
              if ('row' in result) {
                staged += stageLine(result.row);
                continue;
              }
              rejectedRows++;
              const externalId = fieldText(record, 'externalId')?.trim();
              if (externalId) seen += copyLine([externalId]);
              else unidentifiedRejects++;
              const fields = new Set<string>();
              for (const error of result.errors) {
                if (fields.has(error.field)) continue;
                fields.add(error.field);
                errorLines += copyLine([error.line, error.field, error.value, error.reason]);
              }
            }
            // The database loads this batch while the next one is read and validated: at most
            // one batch waits, so memory stays bounded and both processors work.
            await writing;
            writing = (async () => {
              if (staged) await sql.copyIn('import_stage', STAGE_COLUMNS, staged);
              if (errorLines) await sql.copyIn('import_stage_errors', ERROR_COLUMNS, errorLines);
              if (seen) await sql.copyIn('import_stage_seen', ['external_id'], seen);
            })();
            writing.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
            records += batch.length;
            input.onProgress?.({ bytes: bytesRead, records });
          },
        },
      );
      await writing;
      phase('read+copy');
      const fileShape = shape as FileShape | null;

      rejectedRows += await rejectDuplicateIds(sql, fileShape?.headerOf('externalId') ?? 'id');
      phase('duplicates');
      await sql.query(
        `insert into import_errors (tenant_id, import_id, line, field, value, reason)
         select $1, $2, line, field, value, reason from import_stage_errors on conflict do nothing`,
        [scope.tenantId, id],
      );

      const counts = { created: 0, updated: 0, settled: 0, debtorsCreated: 0, debtorsUpdated: 0 };
      let status: ImportStatus = 'completed';
      let message: string | null = null;
      if (input.allOrNothing && rejectedRows > 0) {
        status = 'rejected';
        message = `Arquivo recusado por inteiro: ${rejectedRows} linha(s) com erro e a opção tudo-ou-nada ativa. Nada foi importado.`;
      } else {
        phase('errors');
        await sql.query('analyze import_stage');
        phase('analyze');
        const actor = { kind: scope.userId ? 'user' : 'system', userId: scope.userId ?? null, via: input.via };
        Object.assign(counts, await mergeDebtors(sql, scope.tenantId, input.creditorId, id, actor));
        phase('debtors');
        await mergeContacts(sql, scope.tenantId, id);
        phase('contacts');
        Object.assign(counts, await mergeDebts(sql, scope.tenantId, input.creditorId, input.portfolioId, id, actor));
        phase('debts');
        if (input.snapshot) {
          if (unidentifiedRejects > 0) {
            message = `Baixa por arquivo completo não aplicada: ${unidentifiedRejects} linha(s) rejeitada(s) sem id do título legível.`;
          } else {
            counts.settled = await settleAbsent(sql, scope.tenantId, input.creditorId, input.portfolioId, id, actor);
          }
        }
      }

      const unchanged = status === 'completed' ? records - rejectedRows - counts.created - counts.updated : 0;
      await q
        .updateTable('imports')
        .set({
          status,
          file_sha256: summary.sha256,
          format: fileShape?.format ?? null,
          total_rows: records,
          created_rows: counts.created,
          updated_rows: counts.updated,
          unchanged_rows: unchanged,
          rejected_rows: rejectedRows,
          settled_rows: counts.settled,
          debtors_created: counts.debtorsCreated,
          debtors_updated: counts.debtorsUpdated,
          message,
          finished_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      // Outbound webhooks (issue 9): one debt.imported event per batch, in the import's transaction.
      if (status === 'completed') {
        await publishImport({ db: q, sql }, { tenantId: scope.tenantId, importId: id, creditorId: input.creditorId, portfolioId: input.portfolioId, fileName: input.fileName, via: input.via, created: counts.created, updated: counts.updated, settled: counts.settled, rejected: rejectedRows });
      }

      const { rows: errorCountRows } = await sql.query<{ n: number }>(
        'select count(*)::int as n from import_errors where import_id = $1',
        [id],
      );
      const errors = await q
        .selectFrom('import_errors')
        .select(['line', 'field', 'value', 'reason'])
        .where('import_id', '=', id)
        .orderBy('line')
        .orderBy('field')
        .limit(REPORTED_ERRORS_LIMIT)
        .execute();
      return {
        importId: id,
        status,
        fileName: input.fileName,
        format: fileShape?.format ?? null,
        encoding: fileShape?.encoding ?? null,
        delimiter: fileShape?.delimiter ?? null,
        totalRows: records,
        createdRows: counts.created,
        updatedRows: counts.updated,
        unchangedRows: unchanged,
        rejectedRows,
        settledRows: counts.settled,
        debtorsCreated: counts.debtorsCreated,
        debtorsUpdated: counts.debtorsUpdated,
        ignoredColumns: fileShape?.ignoredColumns ?? [],
        errorCount: errorCountRows[0]?.n ?? 0,
        errors,
        message,
      };
    });
  } catch (error) {
    // The transaction rolled back; keep a record that the attempt happened and why it failed.
    if (!input.tx && (importId !== null || error instanceof AppError)) {
      if (!(error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden'))) {
        await recordFailure(input, error).catch(() => {});
      }
    }
    throw error;
  }
}

async function recordFailure(input: RunImportInput, error: unknown): Promise<void> {
  const message = error instanceof AppError ? error.message : 'Erro interno durante a importação; nada foi gravado.';
  await input.db.scoped(input.scope, async ({ db: q }) => {
    await q
      .insertInto('imports')
      .values({
        tenant_id: input.scope.tenantId,
        creditor_id: input.creditorId,
        portfolio_id: input.portfolioId,
        file_name: input.fileName,
        status: 'failed',
        message,
        options: JSON.stringify({ allOrNothing: !!input.allOrNothing, snapshot: !!input.snapshot, via: input.via }),
        created_by: input.scope.userId ?? null,
        finished_at: new Date(),
      })
      .execute();
  });
}

/**
 * An id that appears on several lines is rejected on all of them: the file contradicts itself
 * and we cannot tell which line is right. The id still counts as present for a snapshot.
 */
async function rejectDuplicateIds(sql: SqlClient, header: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `with dup as (
       select line, external_id, string_agg(line::text, ', ') over (partition by external_id) as lines,
              count(*) over (partition by external_id) as n
       from import_stage
     ), rejected as (
       delete from import_stage s using dup
       where dup.n > 1 and s.line = dup.line
       returning s.line, s.external_id, dup.lines
     ), seen as (
       insert into import_stage_seen (external_id) select distinct external_id from rejected
     ), errors as (
       insert into import_stage_errors (line, field, value, reason)
       select line, $1, external_id, 'id do título repetido no arquivo (linhas ' || lines || ')' from rejected
     )
     select count(*)::int as n from rejected`,
    [header],
  );
  return rows[0]?.n ?? 0;
}

interface Actor {
  kind: string;
  userId: string | null;
  via: string;
}

async function mergeDebtors(sql: SqlClient, tenantId: string, creditorId: string, importId: string, actor: Actor) {
  const { rows } = await sql.query<{ created: number; updated: number }>(
    `with src as materialized (
       select distinct on (debtor_document) debtor_document, debtor_kind, debtor_name, search_name, birth_date,
              declared_income_cents, uf, city
       from import_stage order by debtor_document, line desc
     ), created as (
       insert into debtors (tenant_id, kind, document, name, search_name, birth_date, declared_income_cents, uf, city)
       select $1, debtor_kind, debtor_document, debtor_name, search_name, birth_date, declared_income_cents, uf, city from src
       where not exists (select 1 from debtors d where d.tenant_id = $1 and d.document = src.debtor_document)
       returning id
     ), changed as materialized (
       -- Blank fields in the file keep what we know; a name is always replaced by the newest.
       select d.id, d.name as old_name, d.birth_date as old_birth_date, d.declared_income_cents as old_income, d.uf as old_uf, d.city as old_city,
              src.debtor_name as name, src.search_name, coalesce(src.birth_date, d.birth_date) as birth_date,
              coalesce(src.declared_income_cents, d.declared_income_cents) as income, coalesce(src.uf, d.uf) as uf, coalesce(src.city, d.city) as city
       from debtors d join src on d.tenant_id = $1 and d.document = src.debtor_document
       where (d.name, d.birth_date, d.declared_income_cents, d.uf, d.city) is distinct from
             (src.debtor_name, coalesce(src.birth_date, d.birth_date), coalesce(src.declared_income_cents, d.declared_income_cents),
              coalesce(src.uf, d.uf), coalesce(src.city, d.city))
     ), updated as (
       update debtors d set name = c.name, search_name = c.search_name, birth_date = c.birth_date,
              declared_income_cents = c.income, uf = c.uf, city = c.city, updated_at = now()
       from changed c where d.tenant_id = $1 and d.id = c.id
       returning d.id
     ), events as (
       insert into events (tenant_id, debtor_id, creditor_id, type, actor_kind, actor_user_id, data)
       select $1, c.id, $2, 'debtor.updated', $4, $5, jsonb_build_object('importId', $3::uuid, 'via', $6::text,
         'changes', jsonb_strip_nulls(jsonb_build_object(
           'name', case when c.old_name is distinct from c.name then jsonb_build_array(c.old_name, c.name) end,
           'birthDate', case when c.old_birth_date is distinct from c.birth_date then jsonb_build_array(c.old_birth_date, c.birth_date) end,
           'declaredIncomeCents', case when c.old_income is distinct from c.income then jsonb_build_array(c.old_income, c.income) end,
           'uf', case when c.old_uf is distinct from c.uf then jsonb_build_array(c.old_uf, c.uf) end,
           'city', case when c.old_city is distinct from c.city then jsonb_build_array(c.old_city, c.city) end)))
       from changed c
     )
     select (select count(*)::int from created) as created, (select count(*)::int from updated) as updated`,
    [tenantId, creditorId, importId, actor.kind, actor.userId, actor.via],
  );
  return { debtorsCreated: rows[0]!.created, debtorsUpdated: rows[0]!.updated };
}

/** New contacts enter unverified with their provenance; existing ones are never overwritten. */
async function mergeContacts(sql: SqlClient, tenantId: string, importId: string): Promise<void> {
  await sql.query(
    `insert into contact_points (tenant_id, debtor_id, channel, value, phone_kind, address, source)
     select $1, debtor_id, channel, value, max(phone_kind), (array_agg(address))[1], 'import:' || $2
     from (
       select d.id as debtor_id, c.channel, c.value, c.phone_kind, c.address
       from import_stage s
       join debtors d on d.tenant_id = $1 and d.document = s.debtor_document
       cross join lateral (values
         ('email', s.email, null::text, null::jsonb),
         ('phone', s.phone, s.phone_kind, null::jsonb),
         ('phone', s.phone2, s.phone2_kind, null::jsonb),
         ('address', s.address_line, null::text, s.address)) as c (channel, value, phone_kind, address)
       where c.value is not null
     ) found
     where not exists (
       select 1 from contact_points cp where cp.debtor_id = found.debtor_id and cp.channel = found.channel and cp.value = found.value)
     group by debtor_id, channel, value`,
    [tenantId, importId],
  );
}

/** The debt columns an import sets, in the order of the insert; each one is compared to detect a change. */
const DEBT_FIELDS = [
  ['portfolio_id', 'portfolioId'], ['debtor_id', 'debtorId'], ['document_kind', 'documentKind'], ['description', 'description'],
  ['original_amount_cents', 'originalAmountCents'], ['issue_date', 'issueDate'], ['due_date', 'dueDate'],
  ['installment_number', 'installmentNumber'], ['installment_count', 'installmentCount'],
  ['correction_index', 'correctionIndex'], ['interest_rate', 'interestRate'], ['interest_kind', 'interestKind'],
  ['fine_rate', 'fineRate'], ['fees_rate', 'feesRate'], ['relationship', 'relationship'], ['status', 'status'],
] as const;

async function mergeDebts(sql: SqlClient, tenantId: string, creditorId: string, portfolioId: string, importId: string, actor: Actor) {
  const columns = DEBT_FIELDS.map(([c]) => c);
  const fresh = (c: string) => (c === 'portfolio_id' ? '$3::uuid' : c === 'status' ? 'src.new_status' : `src.${c}`);
  const oldColumns = columns.map((c) => `o.${c} as old_${c}`).join(', ');
  const diff = DEBT_FIELDS.map(([c, key]) => `'${key}', case when src.old_${c} is distinct from ${fresh(c)} then jsonb_build_array(src.old_${c}, ${fresh(c)}) end`).join(',\n ');
  const { rows } = await sql.query<{ created: number; updated: number }>(
    `with src as materialized (
       select s.*, d.id as debtor_id, o.id as old_id, ${oldColumns},
              -- A debt the creditor reports open keeps the state we manage (in agreement, paid);
              -- one we had settled because it left a snapshot comes back open.
              case when s.status = 'open' and o.status is not null
                   then (case when o.status = 'settled' then 'open' else o.status end)
                   else s.status end as new_status
       from import_stage s
       join debtors d on d.tenant_id = $1 and d.document = s.debtor_document
       left join debts o on o.creditor_id = $2 and o.external_id = s.external_id
     ), created as (
       insert into debts (tenant_id, creditor_id, external_id, import_id, ${columns.join(', ')})
       select $1, $2, src.external_id, $4, ${columns.map(fresh).join(', ')} from src where src.old_id is null
       returning id, external_id, debtor_id, original_amount_cents
     ), updated as (
       update debts t set ${columns.map((c) => `${c} = ${fresh(c)}`).join(', ')},
         status_changed_at = case when t.status <> src.new_status then now() else t.status_changed_at end,
         import_id = $4, updated_at = now()
       from src
       where src.old_id is not null and t.tenant_id = $1 and t.id = src.old_id
         and (${columns.map((c) => `src.old_${c}`).join(', ')}) is distinct from (${columns.map(fresh).join(', ')})
       returning t.id, t.external_id, t.debtor_id
     ), imported as (
       insert into events (tenant_id, debtor_id, creditor_id, type, actor_kind, actor_user_id, data)
       select $1, debtor_id, $2, 'debts.imported', $5, $6, jsonb_build_object('importId', $4::uuid, 'via', $7::text,
         'count', count(*), 'totalCents', sum(original_amount_cents), 'debtIds', jsonb_agg(id order by external_id))
       from created group by debtor_id
     ), changed as (
       insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, actor_user_id, data)
       select $1, updated.debtor_id, $2, updated.id, 'debt.updated', $5, $6, jsonb_build_object('importId', $4::uuid, 'via', $7::text,
         'externalId', updated.external_id, 'changes', jsonb_strip_nulls(jsonb_build_object(${diff})))
       from updated join src on src.old_id = updated.id
     )
     select (select count(*)::int from created) as created, (select count(*)::int from updated) as updated`,
    [tenantId, creditorId, portfolioId, importId, actor.kind, actor.userId, actor.via],
  );
  return { created: rows[0]!.created, updated: rows[0]!.updated };
}

/** Snapshot import: open debts of the portfolio that the file no longer lists were settled by the creditor. */
async function settleAbsent(sql: SqlClient, tenantId: string, creditorId: string, portfolioId: string, importId: string, actor: Actor) {
  const { rows } = await sql.query<{ n: number }>(
    `with gone as (
       update debts t set status = 'settled', status_changed_at = now(), updated_at = now(), import_id = $4
       where t.creditor_id = $2 and t.portfolio_id = $3 and t.status = 'open'
         and not exists (select 1 from import_stage s where s.external_id = t.external_id)
         and not exists (select 1 from import_stage_seen x where x.external_id = t.external_id)
       returning t.id, t.debtor_id, t.external_id
     ), ev as (
       insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, actor_user_id, data)
       select $1, debtor_id, $2, id, 'debt.settled_by_creditor', $5, $6,
         jsonb_build_object('importId', $4::uuid, 'via', $7::text, 'externalId', external_id,
                            'reason', 'ausente do arquivo completo do credor')
       from gone
     )
     select count(*)::int as n from gone`,
    [tenantId, creditorId, portfolioId, importId, actor.kind, actor.userId, actor.via],
  );
  return rows[0]?.n ?? 0;
}
