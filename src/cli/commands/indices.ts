import fs from 'node:fs';
import path from 'node:path';
import { formatPeriod, isSeriesName, parseSgsExport, SERIES_NAMES } from '../../domain/indices/series.ts';
import { importSeries, listSeries } from '../../features/indices/index-store.ts';
import { withDatabase } from '../context.ts';
import { ExitError, printJson } from '../output.ts';

export async function importIndicesCommand(file: string, options: { series: string; source?: string; json?: boolean }) {
  if (!isSeriesName(options.series)) throw new ExitError(`série desconhecida "${options.series}"; use uma de: ${SERIES_NAMES.join(', ')}`);
  if (!fs.existsSync(file)) throw new ExitError(`arquivo ${file} não encontrado`);
  const parsed = parseSgsExport(fs.readFileSync(file, 'utf8'), options.series);
  if (!parsed.ok) {
    for (const p of parsed.problems.slice(0, 50)) process.stderr.write(`linha ${p.line}, campo ${p.field}${p.value ? ` ("${p.value}")` : ''}: ${p.reason}\n`);
    throw new ExitError(`${parsed.problems.length} problema(s) em ${file}; nada foi importado`);
  }
  const result = await withDatabase('indices import', (db) => importSeries(db, options.series as never, parsed.values, options.source ?? `arquivo ${path.basename(file)}`));
  if (options.json) return printJson(result);
  process.stdout.write(
    `${options.series}: ${result.total} períodos (${formatPeriod(result.first!)} a ${formatPeriod(result.last!)}): ` +
      `${result.inserted} novos, ${result.updated} revistos, ${result.unchanged} iguais\n`,
  );
}

export async function listIndicesCommand() {
  const series = await withDatabase('indices list', listSeries);
  if (series.length === 0) process.stdout.write('Nenhuma série cadastrada. Importe com: recupera indices import ARQUIVO --series ipca\n');
  for (const s of series) process.stdout.write(`${s.series.padEnd(12)} ${String(s.count).padStart(5)} períodos  ${formatPeriod(s.first)} a ${formatPeriod(s.last)}\n`);
}
