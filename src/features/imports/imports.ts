import { z, zPage } from '../../api/zod.ts';
import { csvCell } from '../../shared/csv.ts';
import { notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { Import } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

export const importStatus = z.enum(['running', 'completed', 'rejected', 'failed']);

/** What an import did, row by row; the same counts in the stored import and in the report. */
export const importCounts = {
  totalRows: z.number().int(),
  createdRows: z.number().int(),
  updatedRows: z.number().int(),
  unchangedRows: z.number().int(),
  rejectedRows: z.number().int(),
  settledRows: z.number().int(),
  debtorsCreated: z.number().int(),
  debtorsUpdated: z.number().int(),
};

export const importOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  portfolioId: z.uuid(),
  fileName: z.string(),
  fileSha256: z.string().nullable(),
  format: z.string().nullable(),
  status: importStatus,
  ...importCounts,
  message: z.string().nullable(),
  options: z.record(z.string(), z.unknown()),
  createdBy: z.uuid().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});

export function toImportOutput(row: Import): z.infer<typeof importOutput> {
  return {
    id: row.id,
    creditorId: row.creditor_id,
    portfolioId: row.portfolio_id,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    format: row.format,
    status: row.status,
    totalRows: row.total_rows,
    createdRows: row.created_rows,
    updatedRows: row.updated_rows,
    unchangedRows: row.unchanged_rows,
    rejectedRows: row.rejected_rows,
    settledRows: row.settled_rows,
    debtorsCreated: row.debtors_created,
    debtorsUpdated: row.debtors_updated,
    message: row.message,
    options: row.options,
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export const importListQuery = z.object({ creditorId: z.uuid().optional(), ...zPage });

export async function listImports(db: Database, actor: Actor, query: z.infer<typeof importListQuery>) {
  requirePermission(actor, 'imports.read');
  return db.scoped(scopeOf(actor), async ({ db: q }) => {
    let s = q.selectFrom('imports').selectAll();
    if (query.creditorId) s = s.where('creditor_id', '=', query.creditorId);
    const rows = await s.orderBy('started_at', 'desc').orderBy('id').limit(query.limit + 1).offset(query.offset).execute();
    return { items: rows.slice(0, query.limit).map(toImportOutput), limit: query.limit, offset: query.offset, hasMore: rows.length > query.limit };
  });
}

export async function getImport(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'imports.read');
  const row = await db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst());
  if (!row) throw notFound('Importação');
  return row;
}

export const importErrorOutput = z.object({ line: z.number().int(), field: z.string(), value: z.string().nullable(), reason: z.string() });
export const importErrorsQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(500), offset: zPage.offset });

/** The row report. The rejected values may hold personal data (a CPF), so reading it is audited. */
export async function listImportErrors(db: Database, actor: Actor, id: string, query: z.infer<typeof importErrorsQuery>, route?: string) {
  requirePermission(actor, 'imports.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const found = await tx.db.selectFrom('imports').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) throw notFound('Importação');
    const rows = await tx.db
      .selectFrom('import_errors')
      .select(['line', 'field', 'value', 'reason'])
      .where('import_id', '=', id)
      .orderBy('line')
      .orderBy('field')
      .limit(query.limit + 1)
      .offset(query.offset)
      .execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'import_errors', ...(route ? { route } : {}), details: { importId: id } });
    return { items: rows.slice(0, query.limit), limit: query.limit, offset: query.offset, hasMore: rows.length > query.limit };
  });
}

/** The row report as CSV (semicolon, UTF-8 with BOM so spreadsheet programs show accents). */
export function importErrorsCsv(rows: Array<z.infer<typeof importErrorOutput>>): string {
  const cell = (v: string | number | null) => csvCell(v === null ? '' : String(v));
  return '\uFEFFlinha;campo;valor;motivo\r\n' + rows.map((r) => [r.line, r.field, r.value, r.reason].map(cell).join(';')).join('\r\n') + '\r\n';
}
