import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { localTime } from '../../domain/compliance/local-time.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Config } from '../../shared/config.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { ErpPullOutcome, ErpSource } from '../../store/schema.ts';
import type { ReaderOptions } from '../imports/read-records.ts';
import { runImport, type ImportReport } from '../imports/run-import.ts';
import { ERP_TIME_ZONE, folderOf, nextRunAfter, tenantFolderRoot, tenantSlugOf } from './erp-sources.ts';
import { fetchExport } from './fetch-export.ts';

export interface PullOptions {
  now: Date;
  /** The import's "today" (birth dates in the future…); default: the date in Brasília at `now`. */
  today?: IsoDate;
  folderRoot: string;
  allowPrivateUrls: boolean;
  timeoutMs: number;
  maxBytes: number;
}

/** What a pull needs from the configuration (the job and "run now" alike). */
export function pullOptionsOf(config: Pick<Config, 'ERP_FOLDER_ROOT' | 'ERP_ALLOW_PRIVATE_URLS' | 'ERP_PULL_TIMEOUT_MS' | 'MAX_UPLOAD_MB'>, now: Date): PullOptions {
  return { now, folderRoot: config.ERP_FOLDER_ROOT, allowPrivateUrls: config.ERP_ALLOW_PRIVATE_URLS, timeoutMs: config.ERP_PULL_TIMEOUT_MS, maxBytes: config.MAX_UPLOAD_MB * 1024 * 1024 };
}

export interface PulledFile {
  fileName: string;
  sha256: string;
  bytes: number;
  outcome: ErpPullOutcome;
  importId: string | null;
  message: string | null;
  report: ImportReport | null;
}

export interface PullResult {
  sourceId: string;
  outcome: ErpPullOutcome | 'busy';
  message: string | null;
  files: PulledFile[];
}

/** A pull that crashed leaves its lease; after this long another one may start. */
const LEASE_MS = 30 * 60_000;
/** Outcomes after which the same bytes are never imported again (a failure for another reason is retried). */
const FINAL: ErpPullOutcome[] = ['imported', 'unchanged', 'rejected', 'unreadable'];
const IMPORTABLE = /\.(csv|txt|jsonl|ndjson)$/i;

/**
 * Pulls one source: the new files of a folder, or the export at a URL, each through the importer
 * (validation, the row-error report, all or nothing if the source asks, idempotent upserts by the
 * title's id). Re-pulling what did not change imports nothing: the HTTP server's 304 answer to our
 * ETag / Last-Modified, or the SHA-256 of the bytes — the last body for a URL, every file already
 * imported for a folder. Each import is committed with its pull record, so a crash in between
 * cannot make the same file count twice. Used by the scheduled job and by "run now".
 */
export async function pullErpSource(db: Database, sourceId: string, options: PullOptions): Promise<PullResult> {
  const { now } = options;
  const source = await db.system(({ db: q }) =>
    q
      .updateTable('erp_sources')
      .set({ running_since: now })
      .where('id', '=', sourceId)
      .where((eb) => eb.or([eb('running_since', 'is', null), eb('running_since', '<', new Date(now.getTime() - LEASE_MS))]))
      .returningAll()
      .executeTakeFirst(),
  );
  if (!source) {
    const exists = await db.system(({ db: q }) => q.selectFrom('erp_sources').select('id').where('id', '=', sourceId).executeTakeFirst());
    if (!exists) throw notFound('Fonte de sincronização');
    return { sourceId, outcome: 'busy', message: 'Outra busca desta fonte está em andamento.', files: [] };
  }
  const today = options.today ?? localTime(now, ERP_TIME_ZONE).date;
  let result: PullResult = { sourceId, outcome: 'failed', message: null, files: [] };
  const remember: Partial<Pick<ErpSource, 'etag' | 'last_modified' | 'last_sha256'>> = {};
  try {
    result = source.kind === 'folder' ? await pullFolder(db, source, options, today) : await pullHttp(db, source, options, today, remember);
  } catch (error) {
    result = { sourceId, outcome: 'failed', message: error instanceof AppError ? error.message : 'Erro interno ao buscar a fonte; veja o log do servidor.', files: [] };
    if (!(error instanceof AppError)) throw error;
  } finally {
    const lastImport = [...result.files].reverse().find((f) => f.importId)?.importId;
    await db.system(({ db: q }) =>
      q
        .updateTable('erp_sources')
        .set({
          running_since: null, last_run_at: now, last_outcome: result.outcome === 'busy' ? 'failed' : result.outcome, last_message: result.message,
          next_run_at: nextRunAfter(source, now), updated_at: now, ...remember, ...(lastImport ? { last_import_id: lastImport } : {}),
        })
        .where('id', '=', sourceId)
        .execute(),
    );
  }
  return result;
}

async function pullFolder(db: Database, source: ErpSource, options: PullOptions, today: IsoDate): Promise<PullResult> {
  const slug = await tenantSlugOf(db, source.tenant_id);
  const dir = folderOf(source.location, options.folderRoot, slug);
  let names: string[];
  try {
    // The real path must stay inside the tenant's folder too: a symlinked directory must not lead out of it.
    const [realDir, realBase] = await Promise.all([fs.promises.realpath(dir), fs.promises.realpath(tenantFolderRoot(options.folderRoot, slug))]);
    if (realDir !== realBase && !realDir.startsWith(realBase + path.sep)) {
      throw new AppError('file_unreadable', `A pasta ${source.location} aponta (por link simbólico) para fora de ERP_FOLDER_ROOT/${slug}: nada foi lido.`);
    }
    names = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && IMPORTABLE.test(e.name)).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('file_unreadable', `Não foi possível ler a pasta ${source.location}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const files: PulledFile[] = [];
  for (const name of names) {
    // Opened once, without following a link: the bytes hashed are the bytes imported, even if the file is swapped meanwhile.
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(path.join(dir, name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch {
      continue; // gone, or became a link since the listing
    }
    try {
      if (!(await handle.stat()).isFile()) continue;
      const { sha256, bytes } = await hashStream(handle.createReadStream({ start: 0, autoClose: false }));
      const done = await db.scoped({ tenantId: source.tenant_id }, ({ db: q }) =>
        q.selectFrom('erp_pulls').select('id').where('source_id', '=', source.id).where('sha256', '=', sha256).where('outcome', 'in', FINAL).executeTakeFirst(),
      );
      if (done) continue;
      if (bytes > options.maxBytes) {
        files.push(await recordPull(db, source, { fileName: name, sha256, bytes }, 'rejected', `Arquivo passa do limite de ${Math.round(options.maxBytes / 1_048_576)} MB.`));
        continue;
      }
      files.push(await importPulled(db, source, { fileName: name, sha256, bytes, open: () => handle.createReadStream({ start: 0, autoClose: false }) }, today));
    } finally {
      await handle.close();
    }
  }
  return summarize(source.id, files);
}

async function pullHttp(db: Database, source: ErpSource, options: PullOptions, today: IsoDate, remember: Partial<ErpSource>): Promise<PullResult> {
  const fetched = await fetchExport(source.location, {
    headers: source.http_headers ?? {}, etag: source.etag, lastModified: source.last_modified,
    allowPrivate: options.allowPrivateUrls, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes,
  });
  if (fetched.status === 'not_modified') return { sourceId: source.id, outcome: 'not_modified', message: 'O ERP respondeu 304: o arquivo não mudou desde a última busca.', files: [] };
  try {
    const validators = { etag: fetched.etag, last_modified: fetched.lastModified };
    if (fetched.sha256 === source.last_sha256) {
      Object.assign(remember, validators);
      return { sourceId: source.id, outcome: 'unchanged', message: 'O arquivo é idêntico ao da última busca (mesmo SHA-256): nada a importar.', files: [] };
    }
    const pulled = await importPulled(db, source, { fileName: fetched.fileName, sha256: fetched.sha256, bytes: fetched.bytes, open: () => fs.createReadStream(fetched.file) }, today);
    // A failure for another reason (the database) is retried with the same bytes next time; anything final is remembered.
    if (FINAL.includes(pulled.outcome)) Object.assign(remember, validators, { last_sha256: fetched.sha256 });
    return summarize(source.id, [pulled]);
  } finally {
    await fs.promises.rm(fetched.file, { force: true });
  }
}

async function importPulled(
  db: Database, source: ErpSource, file: { fileName: string; sha256: string; bytes: number; open: () => AsyncIterable<Uint8Array> }, today: IsoDate,
): Promise<PulledFile> {
  const reader = { ...(source.reader_options as Pick<ReaderOptions, 'encoding' | 'delimiter' | 'decimal' | 'mapping'>), ...(source.format ? { format: source.format } : {}) };
  try {
    return await db.scoped({ tenantId: source.tenant_id }, async (tx) => {
      const report = await runImport({
        db, tx, scope: { tenantId: source.tenant_id }, creditorId: source.creditor_id, portfolioId: source.portfolio_id, fileName: file.fileName,
        input: file.open(), reader, allOrNothing: source.all_or_nothing, snapshot: source.snapshot, asOf: today, via: 'erp',
      });
      const changed = report.createdRows + report.updatedRows + report.settledRows;
      const outcome: ErpPullOutcome = report.status === 'rejected' ? 'rejected' : changed > 0 || report.rejectedRows > 0 ? 'imported' : 'unchanged';
      const message =
        report.message ??
        `${report.totalRows} linha(s): ${report.createdRows} nova(s), ${report.updatedRows} atualizada(s), ${report.unchangedRows} sem alteração, ${report.rejectedRows} rejeitada(s)` +
          (report.settledRows ? `, ${report.settledRows} baixada(s)` : '') + '.';
      await tx.db
        .insertInto('erp_pulls')
        .values({ tenant_id: source.tenant_id, source_id: source.id, file_name: file.fileName, sha256: file.sha256, bytes: file.bytes, outcome, message, import_id: report.importId })
        .execute();
      return { fileName: file.fileName, sha256: file.sha256, bytes: file.bytes, outcome, importId: report.importId, message, report };
    });
  } catch (error) {
    // The import's transaction rolled back: nothing of the file was written. Unreadable is final for these bytes; anything else is retried.
    const unreadable = error instanceof AppError && (error.code === 'file_unreadable' || error.code === 'validation');
    const message = error instanceof AppError ? error.message : 'Erro interno durante a importação; nada foi gravado.';
    return recordPull(db, source, file, unreadable ? 'unreadable' : 'failed', message);
  }
}

async function recordPull(db: Database, source: ErpSource, file: { fileName: string; sha256: string; bytes: number }, outcome: ErpPullOutcome, message: string): Promise<PulledFile> {
  await db.scoped({ tenantId: source.tenant_id }, ({ db: q }) =>
    q.insertInto('erp_pulls').values({ tenant_id: source.tenant_id, source_id: source.id, file_name: file.fileName, sha256: file.sha256, bytes: file.bytes, outcome, message, import_id: null }).execute(),
  );
  return { ...file, outcome, importId: null, message, report: null };
}

function summarize(sourceId: string, files: PulledFile[]): PullResult {
  if (files.length === 0) return { sourceId, outcome: 'no_files', message: 'Nenhum arquivo novo na pasta.', files };
  const worst = (['failed', 'unreadable', 'rejected', 'imported', 'unchanged'] as const).find((o) => files.some((f) => f.outcome === o)) ?? 'unchanged';
  const count = (o: ErpPullOutcome) => files.filter((f) => f.outcome === o).length;
  const parts = [
    [count('imported'), 'importado(s)'], [count('unchanged'), 'sem alteração'], [count('rejected'), 'recusado(s) com o relatório de erros'],
    [count('unreadable'), 'ilegível(is)'], [count('failed'), 'com falha (nova tentativa na próxima busca)'],
  ].filter(([n]) => (n as number) > 0).map(([n, label]) => `${n} ${label}`);
  const message = files.length === 1 ? `${files[0]!.fileName}: ${files[0]!.message ?? files[0]!.outcome}` : `${files.length} arquivo(s): ${parts.join(', ')}.`;
  return { sourceId, outcome: worst, message, files };
}

async function hashStream(stream: AsyncIterable<unknown>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The scheduler's pass: every active source whose time has come, one after the other; one failing does not stop the rest. */
export async function pullDueErpSources(db: Database, options: PullOptions, onError?: (sourceId: string, error: unknown) => void): Promise<PullResult[]> {
  const due = await db.system(({ db: q }) =>
    q.selectFrom('erp_sources').select('id').where('active', '=', true).where('next_run_at', '<=', options.now).orderBy('next_run_at').execute(),
  );
  const results: PullResult[] = [];
  for (const { id } of due) {
    try {
      results.push(await pullErpSource(db, id, options));
    } catch (error) {
      onError?.(id, error);
    }
  }
  return results;
}
