import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { countNewlines, detectDelimiter } from '../../shared/csv.ts';
import { AppError } from '../../shared/errors.ts';
import { createDataset, evaluateModel, formatReport, loadModel, trainModel, type DataRow, type ModelKind } from '../../domain/scoring/model/index.ts';
import { printJson } from '../output.ts';

export interface ScoreTrainOptions {
  outcome: string;
  positive?: string;
  model?: ModelKind | 'auto';
  ignore?: string;
  features?: string;
  categorical?: string;
  holdout?: string;
  seed?: string;
  lambda?: string;
  out?: string;
  json?: boolean;
}

export interface ScoreEvaluateOptions {
  model: string;
  outcome?: string;
  positive?: string;
  json?: boolean;
}

/** `recupera score train`: trains on a CSV, prints the holdout report and saves the model. */
export async function scoreTrainCommand(file: string, options: ScoreTrainOptions): Promise<number> {
  const table = readCsvTable(file);
  const dataset = createDataset(table.rows, {
    outcome: options.outcome,
    positive: options.positive ?? null,
    columns: table.columns,
    lines: table.lines,
    ...(options.features ? { features: list(options.features) } : {}),
    ...(options.ignore ? { ignore: list(options.ignore) } : {}),
    ...(options.categorical ? { categorical: list(options.categorical) } : {}),
  });
  const { model, report } = trainModel(dataset, {
    kind: options.model ?? 'auto',
    ...(options.holdout === undefined ? {} : { holdout: numberOption('holdout', options.holdout) }),
    ...(options.lambda === undefined ? {} : { lambda: numberOption('lambda', options.lambda) }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const out = options.out ?? 'modelo.json';
  try {
    fs.writeFileSync(out, JSON.stringify(model) + '\n');
  } catch (error) {
    throw new AppError('validation', `Não foi possível gravar o modelo em ${out}: ${(error as Error).message}`, { field: 'out' });
  }
  if (options.json) printJson({ modelFile: out, report });
  else process.stdout.write(`${formatReport(report)}\nModelo gravado em ${out}\n`);
  return 0;
}

/** `recupera score evaluate`: the report of a saved model on another CSV with outcomes. */
export async function scoreEvaluateCommand(file: string, options: ScoreEvaluateOptions): Promise<number> {
  if (!fs.existsSync(options.model)) throw new AppError('validation', `Arquivo de modelo ${options.model} não encontrado.`, { field: 'model' });
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(options.model, 'utf8'));
  } catch (error) {
    throw new AppError('validation', `Arquivo de modelo ${options.model} não é um JSON válido: ${(error as Error).message}`, { field: 'model' });
  }
  const model = loadModel(json);
  const table = readCsvTable(file);
  const dataset = createDataset(table.rows, {
    outcome: options.outcome ?? model.outcome,
    positive: options.positive ?? model.positive,
    columns: table.columns,
    lines: table.lines,
  });
  const report = evaluateModel(model, dataset);
  if (options.json) printJson({ modelFile: options.model, report });
  else process.stdout.write(formatReport(report));
  return 0;
}

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '');

function numberOption(name: string, value: string): number {
  const n = Number(value.trim().replace(',', '.'));
  if (value.trim() === '' || !Number.isFinite(n)) throw new AppError('validation', `--${name}: "${value}" não é um número.`, { field: name });
  return n;
}

export interface CsvTable {
  columns: string[];
  rows: DataRow[];
  /** File line where each row starts. */
  lines: number[];
}

/**
 * A whole CSV with a header row, as the importer reads one: UTF-8, or Latin-1 (windows-1252)
 * when it is not valid UTF-8; the delimiter the one among , ; tab | that the header uses most
 * (outside quotes). Empty cells are null. Training sets fit in memory: no streaming here.
 */
export function readCsvTable(file: string): CsvTable {
  if (!fs.existsSync(file)) throw new AppError('validation', `Arquivo ${file} não encontrado.`);
  const bytes = fs.readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new AppError('file_unreadable', `O arquivo ${file} está vazio.`);
  const delimiter = detectDelimiter(text.slice(0, text.search(/\r?\n|$/)), ',');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as { code?: string; lines?: number; message: string };
    const where = e.lines ? `linha ${e.lines}: ` : '';
    const what = e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? 'número de colunas diferente do cabeçalho' : e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'aspas não fechadas' : e.message;
    throw new AppError('file_unreadable', `CSV ilegível (${file}), ${where}${what}.`);
  }
  const [header, ...body] = records;
  if (!header) throw new AppError('file_unreadable', `O arquivo ${file} está vazio.`);
  const columns = header.record;
  const seen = new Set<string>();
  for (const [k, name] of columns.entries()) {
    if (name === '') throw new AppError('file_unreadable', `Cabeçalho: a coluna ${k + 1} não tem nome.`);
    if (seen.has(name)) throw new AppError('file_unreadable', `Cabeçalho: a coluna "${name}" aparece mais de uma vez.`);
    seen.add(name);
  }
  const rows: DataRow[] = new Array(body.length);
  const lines: number[] = new Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const { record, info } = body[i]!;
    const row: Record<string, string | null> = {};
    for (let k = 0; k < columns.length; k++) {
      const value = record[k]!;
      row[columns[k]!] = value === '' ? null : value;
    }
    rows[i] = row;
    lines[i] = info.lines - countNewlines(record); // csv-parse counts the line where the record ends
  }
  if (rows.length === 0) throw new AppError('file_unreadable', `O arquivo ${file} só tem o cabeçalho.`);
  return { columns, rows, lines };
}
