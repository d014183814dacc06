import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { creditorByRef } from '../../features/creditors/creditors.ts';
import { FIELD_NAMES, type FieldName } from '../../features/imports/columns.ts';
import { importErrorsCsv } from '../../features/imports/imports.ts';
import { runImport, type ImportReport } from '../../features/imports/run-import.ts';
import { AppError } from '../../shared/errors.ts';
import { isUuid, type Database } from '../../store/database.ts';
import { today, withDatabase } from '../context.ts';
import { EXIT, ExitError, printJson } from '../output.ts';

export interface ImportCommandOptions {
  creditor: string;
  portfolio: string;
  allOrNothing?: boolean;
  snapshot?: boolean;
  format?: 'csv' | 'jsonl';
  encoding?: 'utf-8' | 'latin1';
  delimiter?: string;
  decimal?: 'comma' | 'point';
  mapping?: string;
  json?: boolean;
  errorsCsv?: string;
}

/** The creditor by id or CPF/CNPJ and its portfolio by id or name; the tenant is the creditor's. */
export async function resolveTarget(db: Database, creditor: string, portfolio: string) {
  return db.system(async ({ db: q }) => {
    const c = await creditorByRef(q, creditor).select(['id', 'tenant_id', 'legal_name']).execute();
    if (c.length === 0) throw new AppError('not_found', `Credor ${creditor} não encontrado. Veja os cadastrados com: npx recupera creditors list`);
    if (c.length > 1) throw new AppError('conflict', `Há ${c.length} credores com o documento ${creditor} (em assessorias diferentes); informe o id.`);
    const p = await q
      .selectFrom('portfolios')
      .select(['id', 'name'])
      .where('creditor_id', '=', c[0]!.id)
      .where(isUuid(portfolio) ? 'id' : 'name', '=', portfolio)
      .executeTakeFirst();
    if (!p) throw new AppError('not_found', `Carteira ${portfolio} não encontrada no credor ${c[0]!.legal_name}.`);
    return { tenantId: c[0]!.tenant_id, creditorId: c[0]!.id, portfolioId: p.id };
  });
}

function readMapping(file: string): Partial<Record<FieldName, string>> {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ExitError(`não foi possível ler o mapeamento ${file}: ${(error as Error).message}`);
  }
  const columns = (value as { columns?: unknown }).columns ?? value;
  if (typeof columns !== 'object' || columns === null) throw new ExitError(`o mapeamento ${file} deve ser um objeto {"campo": "coluna"}`);
  for (const [key, header] of Object.entries(columns)) {
    if (!FIELD_NAMES.includes(key as FieldName)) throw new ExitError(`campo desconhecido no mapeamento: ${key} (campos: ${FIELD_NAMES.join(', ')})`);
    if (typeof header !== 'string') throw new ExitError(`no mapeamento, ${key} deve apontar o nome de uma coluna`);
  }
  return columns as Partial<Record<FieldName, string>>;
}

function printReport(report: ImportReport): void {
  const out = process.stdout;
  const fmt = (n: number) => n.toLocaleString('pt-BR');
  out.write(`Importação ${report.importId} — ${report.fileName} (${report.format ?? '?'}, ${report.encoding ?? '?'})\n`);
  out.write(`  linhas lidas:        ${fmt(report.totalRows)}\n`);
  out.write(`  títulos novos:       ${fmt(report.createdRows)}\n`);
  out.write(`  atualizados:         ${fmt(report.updatedRows)}\n`);
  out.write(`  sem alteração:       ${fmt(report.unchangedRows)}\n`);
  out.write(`  rejeitadas:          ${fmt(report.rejectedRows)}\n`);
  if (report.settledRows) out.write(`  baixados (completo): ${fmt(report.settledRows)}\n`);
  out.write(`  devedores novos:     ${fmt(report.debtorsCreated)}; atualizados: ${fmt(report.debtorsUpdated)}\n`);
  if (report.ignoredColumns.length) out.write(`  colunas ignoradas:   ${report.ignoredColumns.join(', ')}\n`);
  if (report.message) out.write(`  ${report.message}\n`);
  if (report.errors.length) {
    out.write(`\nErros (${fmt(report.errorCount)}):\n`);
    for (const e of report.errors.slice(0, 50)) out.write(`  linha ${e.line}, ${e.field}${e.value !== null ? ` = "${e.value}"` : ''}: ${e.reason}\n`);
    if (report.errorCount > 50) out.write(`  … e mais ${fmt(report.errorCount - 50)}; use --errors-csv ARQUIVO para o relatório completo.\n`);
  }
}

export async function importCommand(file: string, options: ImportCommandOptions): Promise<number> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ExitError(`arquivo não encontrado: ${file}`);
  const size = fs.statSync(file).size;
  const mapping = options.mapping ? readMapping(options.mapping) : undefined;
  return withDatabase('import', async (db) => {
    const target = await resolveTarget(db, options.creditor, options.portfolio);
    const bar =
      process.stderr.isTTY && !options.json
        ? new cliProgress.SingleBar({ format: 'importando [{bar}] {percentage}% | {records} linhas', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
    bar?.start(size, 0, { records: 0 });
    let report: ImportReport;
    try {
      report = await runImport({
        db,
        scope: { tenantId: target.tenantId },
        creditorId: target.creditorId,
        portfolioId: target.portfolioId,
        fileName: path.basename(file),
        input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
        reader: {
          ...(options.format ? { format: options.format } : {}),
          ...(options.encoding ? { encoding: options.encoding } : {}),
          ...(options.delimiter ? { delimiter: options.delimiter === '\\t' ? '\t' : options.delimiter } : {}),
          ...(options.decimal ? { decimal: options.decimal } : {}),
          ...(mapping ? { mapping } : {}),
        },
        allOrNothing: !!options.allOrNothing,
        snapshot: !!options.snapshot,
        asOf: today(),
        via: 'cli',
        onProgress: ({ bytes, records }) => bar?.update(bytes, { records }),
      });
      bar?.update(size);
    } finally {
      bar?.stop();
    }
    if (options.errorsCsv) {
      const all = await db.scoped({ tenantId: target.tenantId }, ({ db: q }) =>
        q.selectFrom('import_errors').select(['line', 'field', 'value', 'reason']).where('import_id', '=', report.importId).orderBy('line').orderBy('field').execute(),
      );
      fs.writeFileSync(options.errorsCsv, importErrorsCsv(all));
    }
    if (options.json) printJson(report);
    else printReport(report);
    return report.status === 'rejected' || report.rejectedRows > 0 ? EXIT.partial : EXIT.ok;
  });
}
