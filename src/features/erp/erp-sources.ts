import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { ErpSource } from '../../store/schema.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { FIELD_NAMES, type FieldName } from '../imports/columns.ts';
import { checkPullUrl } from './fetch-export.ts';

/**
 * The places the scheduler pulls a creditor's export from: a folder on the server (inside
 * ERP_FOLDER_ROOT) or an HTTP(S) URL, on an interval or a cron expression (Brasília time).
 * Credentials for the URL live in `httpHeaders` and are never returned, only their names.
 */
export const ERP_TIME_ZONE = 'America/Sao_Paulo';

const readerOptions = z.strictObject({
  encoding: z.enum(['utf-8', 'latin1']).optional(),
  delimiter: z.enum([';', ',', '\t', '|']).optional(),
  decimal: z.enum(['comma', 'point']).optional(),
  mapping: z.record(z.string(), z.string().max(200)).optional().describe('{"campo": "coluna do arquivo"}; campos: ' + FIELD_NAMES.join(', ')),
});

const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

export const erpSourceInput = z.strictObject({
  name: z.string().trim().min(1).max(120),
  creditorId: zUuid,
  portfolioId: zUuid,
  kind: z.enum(['folder', 'http']),
  location: z.string().trim().min(1).max(2000).describe('Pasta (relativa a ERP_FOLDER_ROOT, ou absoluta dentro dela) ou URL http(s)'),
  format: z.enum(['csv', 'jsonl']).nullable().optional().describe('Padrão: pela extensão do arquivo ou pelo conteúdo'),
  readerOptions: readerOptions.optional(),
  allOrNothing: z.boolean().optional().describe('Recusar o arquivo inteiro se alguma linha tiver erro (padrão: sim)'),
  snapshot: z.boolean().optional().describe('O arquivo é a carteira completa: títulos em aberto ausentes são baixados'),
  intervalMinutes: z.number().int().min(1).max(44640).nullable().optional(),
  cron: z.string().trim().max(100).nullable().optional().describe('Expressão cron em horário de Brasília, por exemplo "0 7 * * 1-5"'),
  httpHeaders: z.record(z.string(), z.string().max(2000)).optional().describe('Cabeçalhos enviados ao ERP (por exemplo Authorization); nunca devolvidos pela API'),
  active: z.boolean().optional(),
});
export const erpSourcePatch = erpSourceInput.partial();

export const erpSourceOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  creditorId: z.uuid(),
  portfolioId: z.uuid(),
  kind: z.enum(['folder', 'http']),
  location: z.string(),
  format: z.enum(['csv', 'jsonl']).nullable(),
  readerOptions: z.record(z.string(), z.unknown()),
  allOrNothing: z.boolean(),
  snapshot: z.boolean(),
  intervalMinutes: z.number().int().nullable(),
  cron: z.string().nullable(),
  httpHeaderNames: z.array(z.string()).describe('Só os nomes: os valores (credenciais) não são devolvidos'),
  active: z.boolean(),
  nextRunAt: z.date().nullable(),
  lastRunAt: z.date().nullable(),
  lastOutcome: z.string().nullable(),
  lastMessage: z.string().nullable(),
  lastImportId: z.uuid().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  lastSha256: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ErpSourceOutput = z.infer<typeof erpSourceOutput>;

export function toErpSourceOutput(s: ErpSource): ErpSourceOutput {
  return {
    id: s.id, name: s.name, creditorId: s.creditor_id, portfolioId: s.portfolio_id, kind: s.kind, location: s.location, format: s.format,
    readerOptions: s.reader_options, allOrNothing: s.all_or_nothing, snapshot: s.snapshot, intervalMinutes: s.interval_minutes, cron: s.cron,
    httpHeaderNames: Object.keys(s.http_headers ?? {}), active: s.active, nextRunAt: s.next_run_at, lastRunAt: s.last_run_at,
    lastOutcome: s.last_outcome, lastMessage: s.last_message, lastImportId: s.last_import_id, etag: s.etag, lastModified: s.last_modified,
    lastSha256: s.last_sha256, createdAt: s.created_at, updatedAt: s.updated_at,
  };
}

/** The next pull after `from`: the interval, or the cron expression's next occurrence in Brasília time. */
export function nextRunAfter(source: Pick<ErpSource, 'interval_minutes' | 'cron'>, from: Date): Date {
  if (source.interval_minutes) return new Date(from.getTime() + source.interval_minutes * 60_000);
  return CronExpressionParser.parse(source.cron!, { currentDate: from, tz: ERP_TIME_ZONE }).next().toDate();
}

export interface SourceRules {
  folderRoot: string;
  allowPrivateUrls: boolean;
}

/**
 * A folder source's directory: inside the tenant's own folder, ERP_FOLDER_ROOT/<agency slug>, so
 * one agency's source never reads another's exports nor any other file of the server. This checks
 * the path as written (no `..` out); the pull checks it again on the real path (no symlink out).
 */
export function folderOf(location: string, root: string, tenantSlug: string): string {
  const base = tenantFolderRoot(root, tenantSlug);
  const dir = path.resolve(base, location);
  if (dir !== base && !dir.startsWith(base + path.sep)) {
    throw new AppError('validation', `A pasta ${location} fica fora de ERP_FOLDER_ROOT/${tenantSlug} (${base}); as fontes de pasta desta assessoria só leem dentro dela.`, { field: 'location' });
  }
  return dir;
}

export const tenantFolderRoot = (root: string, tenantSlug: string) => path.resolve(root, tenantSlug);

export async function tenantSlugOf(db: Database, tenantId: string): Promise<string> {
  return (await db.system(({ db: q }) => q.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow())).slug;
}

function checkSource(s: { kind: 'folder' | 'http'; location: string; intervalMinutes?: number | null | undefined; cron?: string | null | undefined; httpHeaders?: Record<string, string> | undefined; readerOptions?: { mapping?: Record<string, string> | undefined } | undefined }, rules: SourceRules, tenantSlug: string) {
  if (s.kind === 'folder') folderOf(s.location, rules.folderRoot, tenantSlug);
  else checkPullUrl(s.location, rules.allowPrivateUrls);
  if (s.kind === 'folder' && s.httpHeaders && Object.keys(s.httpHeaders).length) throw new AppError('validation', 'Cabeçalhos HTTP só valem para fontes http.', { field: 'httpHeaders' });
  for (const name of Object.keys(s.httpHeaders ?? {})) {
    if (!headerName.test(name)) throw new AppError('validation', `Nome de cabeçalho HTTP inválido: ${name}.`, { field: 'httpHeaders' });
  }
  const hasInterval = s.intervalMinutes != null;
  const hasCron = s.cron != null && s.cron !== '';
  if (hasInterval === hasCron) throw new AppError('validation', 'Informe a periodicidade: intervalMinutes ou cron (um dos dois).', { field: 'intervalMinutes' });
  if (hasCron) {
    try {
      CronExpressionParser.parse(s.cron!, { tz: ERP_TIME_ZONE });
    } catch (error) {
      throw new AppError('validation', `Expressão cron inválida: ${(error as Error).message}.`, { field: 'cron' });
    }
  }
  for (const field of Object.keys(s.readerOptions?.mapping ?? {})) {
    if (!FIELD_NAMES.includes(field as FieldName)) throw new AppError('validation', `Campo de mapeamento desconhecido: ${field}.`, { field: 'readerOptions.mapping' });
  }
}

export async function createErpSource(db: Database, actor: Actor, input: z.infer<typeof erpSourceInput>, rules: SourceRules, now: Date): Promise<ErpSourceOutput> {
  requirePermission(actor, 'erp.sync');
  checkSource(input, rules, await tenantSlugOf(db, actor.tenantId));
  return db.scoped(scopeOf(actor), async ({ db: q }) => {
    const portfolio = await q.selectFrom('portfolios').select('id').where('id', '=', input.portfolioId).where('creditor_id', '=', input.creditorId).executeTakeFirst();
    if (!portfolio) throw new AppError('not_found', 'Carteira não encontrada neste credor.', { field: 'portfolioId' });
    const row = await q
      .insertInto('erp_sources')
      .values({
        tenant_id: actor.tenantId, name: input.name, creditor_id: input.creditorId, portfolio_id: input.portfolioId, kind: input.kind, location: input.location,
        format: input.format ?? null, reader_options: JSON.stringify(input.readerOptions ?? {}), all_or_nothing: input.allOrNothing ?? true,
        snapshot: input.snapshot ?? false, interval_minutes: input.intervalMinutes ?? null, cron: input.cron || null,
        http_headers: JSON.stringify(input.httpHeaders ?? {}), active: input.active ?? true, next_run_at: now, created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toErpSourceOutput(row);
  });
}

export async function updateErpSource(db: Database, actor: Actor, id: string, patch: z.infer<typeof erpSourcePatch>, rules: SourceRules, now: Date): Promise<ErpSourceOutput> {
  requirePermission(actor, 'erp.sync');
  const tenantSlug = await tenantSlugOf(db, actor.tenantId);
  return db.scoped(scopeOf(actor), async ({ db: q }) => {
    const before = await q.selectFrom('erp_sources').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Fonte de sincronização');
    const merged = {
      kind: patch.kind ?? before.kind,
      location: patch.location ?? before.location,
      intervalMinutes: patch.intervalMinutes !== undefined ? patch.intervalMinutes : patch.cron ? null : before.interval_minutes,
      cron: patch.cron !== undefined ? patch.cron || null : patch.intervalMinutes ? null : before.cron,
      httpHeaders: patch.httpHeaders ?? ((patch.kind ?? before.kind) === 'folder' ? {} : before.http_headers),
      readerOptions: patch.readerOptions ?? (before.reader_options as { mapping?: Record<string, string> }),
    };
    checkSource(merged, rules, tenantSlug);
    const creditorId = patch.creditorId ?? before.creditor_id;
    const portfolioId = patch.portfolioId ?? before.portfolio_id;
    if (patch.creditorId || patch.portfolioId) {
      const portfolio = await q.selectFrom('portfolios').select('id').where('id', '=', portfolioId).where('creditor_id', '=', creditorId).executeTakeFirst();
      if (!portfolio) throw new AppError('not_found', 'Carteira não encontrada neste credor.', { field: 'portfolioId' });
    }
    // A new place is a new file: what was remembered of the old one no longer applies.
    const moved = merged.kind !== before.kind || merged.location !== before.location;
    const row = await q
      .updateTable('erp_sources')
      .set({
        name: patch.name ?? before.name, creditor_id: creditorId, portfolio_id: portfolioId, kind: merged.kind, location: merged.location,
        format: patch.format !== undefined ? patch.format : before.format, reader_options: JSON.stringify(merged.readerOptions ?? {}),
        all_or_nothing: patch.allOrNothing ?? before.all_or_nothing, snapshot: patch.snapshot ?? before.snapshot,
        interval_minutes: merged.intervalMinutes ?? null, cron: merged.cron ?? null, http_headers: JSON.stringify(merged.httpHeaders),
        active: patch.active ?? before.active, next_run_at: now, updated_at: now,
        ...(moved ? { etag: null, last_modified: null, last_sha256: null } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toErpSourceOutput(row);
  });
}

export async function listErpSources(db: Database, actor: Actor): Promise<ErpSourceOutput[]> {
  requirePermission(actor, 'erp.sync');
  const rows = await db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('erp_sources').selectAll().orderBy('name').orderBy('id').execute());
  return rows.map(toErpSourceOutput);
}

export async function getErpSource(db: Database, actor: Actor, id: string): Promise<ErpSourceOutput> {
  requirePermission(actor, 'erp.sync');
  const row = await db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('erp_sources').selectAll().where('id', '=', id).executeTakeFirst());
  if (!row) throw notFound('Fonte de sincronização');
  return toErpSourceOutput(row);
}

/** Deletes the source and its pull log; the imports it made stay (they are the debts' provenance). */
export async function deleteErpSource(db: Database, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, 'erp.sync');
  await db.scoped(scopeOf(actor), async ({ db: q }) => {
    const deleted = await q.deleteFrom('erp_sources').where('id', '=', id).returning('id').executeTakeFirst();
    if (!deleted) throw notFound('Fonte de sincronização');
  });
}

export const erpPullOutput = z.object({
  id: z.uuid(),
  fileName: z.string().nullable(),
  sha256: z.string().nullable(),
  bytes: z.number().int().nullable(),
  outcome: z.string(),
  message: z.string().nullable(),
  importId: z.uuid().nullable(),
  startedAt: z.date(),
  finishedAt: z.date(),
});

export async function listErpPulls(db: Database, actor: Actor, sourceId: string, limit: number) {
  requirePermission(actor, 'erp.sync');
  return db.scoped(scopeOf(actor), async ({ db: q }) => {
    const source = await q.selectFrom('erp_sources').select('id').where('id', '=', sourceId).executeTakeFirst();
    if (!source) throw notFound('Fonte de sincronização');
    const rows = await q.selectFrom('erp_pulls').selectAll().where('source_id', '=', sourceId).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, fileName: r.file_name, sha256: r.sha256, bytes: r.bytes, outcome: r.outcome, message: r.message, importId: r.import_id, startedAt: r.started_at, finishedAt: r.finished_at }));
  });
}
