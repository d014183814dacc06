import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { countNewlines, detectDelimiter } from '../../shared/csv.ts';
import { AppError } from '../../shared/errors.ts';
import { normalizeKey } from '../../domain/text.ts';
import type { DecimalSeparator } from '../../domain/money.ts';
import { FIELD_NAMES, FIELDS, fieldLabel, resolveHeaders, type ColumnMap, type FieldName } from './columns.ts';
import type { ColumnIndex, RawRecord } from './validate-row.ts';

/** JSON lines records keep their values in field order. */
const JSON_COLUMNS: ColumnIndex = Object.fromEntries(FIELD_NAMES.map((f, i) => [f, i]));

export type FileFormat = 'csv' | 'jsonl';
export type FileEncoding = 'utf-8' | 'latin1';

export interface ReaderOptions {
  fileName?: string;
  format?: FileFormat;
  encoding?: FileEncoding;
  delimiter?: string;
  /** Field → the file's header name for it, for files whose headers no alias matches. */
  mapping?: Partial<Record<FieldName, string>>;
  /** Decimal notation of amounts and rates written as text. */
  decimal?: DecimalSeparator;
  batchSize?: number;
  onBytes?: (bytesSoFar: number) => void;
}

export interface FileShape {
  format: FileFormat;
  encoding: FileEncoding;
  delimiter: string | null;
  ignoredColumns: string[];
  /** The file's own name for a field: its CSV header, or the field name in JSON lines. */
  headerOf: (field: FieldName) => string;
}

export interface ReadSummary {
  records: number;
  bytes: number;
  sha256: string;
}

export interface RecordHandlers {
  onShape: (shape: FileShape) => void | Promise<void>;
  onBatch: (records: RawRecord[]) => Promise<void>;
}

const SNIFF_BYTES = 64 * 1024;

const unreadable = (message: string) => new AppError('file_unreadable', message);

/**
 * Streams an import file into batches of records. Memory stays bounded by the batch size: the
 * parser pauses while a batch is being written. Line numbers are the file's own lines, counting
 * line breaks inside quoted fields, so a report can be checked in any text editor.
 */
export async function readRecords(input: AsyncIterable<Uint8Array>, options: ReaderOptions, handlers: RecordHandlers): Promise<ReadSummary> {
  const hash = createHash('sha256');
  let bytes = 0;
  const source = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  if (headBytes === 0) throw unreadable('O arquivo está vazio.');
  const headBuffer = Buffer.concat(head);
  const encoding = options.encoding ?? (looksLikeUtf8(headBuffer) ? 'utf-8' : 'latin1');

  async function* rawChunks(): AsyncGenerator<Uint8Array> {
    for (const chunk of head) yield chunk;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  }

  let linesSeen = 1;
  async function* text(): AsyncGenerator<string> {
    // windows-1252 is what "Latin-1" exports from Excel and most ERPs really are.
    const decoder = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'windows-1252', { fatal: true, ignoreBOM: false });
    for await (const chunk of rawChunks()) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      options.onBytes?.(bytes);
      try {
        yield decoder.decode(chunk, { stream: true });
      } catch {
        throw unreadable(
          `O arquivo não está em UTF-8 válido (perto da linha ${linesSeen}). Salve-o em UTF-8 ou informe a codificação latin1.`,
        );
      }
    }
    yield decoder.decode();
  }

  const headText = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'windows-1252').decode(headBuffer).replace(/^\uFEFF/, '');
  const format = options.format ?? detectFormat(options.fileName, headText);
  const batchSize = options.batchSize ?? 5000;
  const countLines = (n: number) => {
    linesSeen = n;
  };
  const records =
    format === 'jsonl'
      ? await readJsonLines(text(), options, encoding, handlers, batchSize, countLines)
      : await readCsv(text(), headText, options, encoding, handlers, batchSize, countLines);
  return { records, bytes, sha256: hash.digest('hex') };
}

function looksLikeUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, lastCompleteUtf8(buffer)));
    return true;
  } catch {
    return false;
  }
}

/** Length of the buffer without a multi-byte sequence cut at its end. */
function lastCompleteUtf8(buffer: Buffer): number {
  let end = buffer.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = buffer[end - i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if ((byte & 0xc0) === 0xc0) return end - i; // a lead byte whose sequence may be incomplete
    break;
  }
  return end;
}

function detectFormat(fileName: string | undefined, headText: string): FileFormat {
  if (fileName && /\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  if (fileName && /\.(csv|txt)$/i.test(fileName)) return 'csv';
  return headText.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/** A quoted field longer than this is an unclosed quote, not data. */
const MAX_CARRY = 16 * 1024 * 1024;

/**
 * Splits decoded text into slices that end at a line break outside quotes, so each slice holds
 * whole records. The quote state carries over from chunk to chunk ("" inside a field toggles twice).
 */
async function* completeSlices(text: AsyncIterable<string>, lineOf: () => number): AsyncGenerator<string> {
  let carry = '';
  let carryQuoted = false; // quote state at the end of `carry`, which always starts outside quotes
  for await (const chunk of text) {
    let state: boolean = carryQuoted;
    let cut = -1;
    if (!carryQuoted && chunk.indexOf('"') === -1) {
      cut = chunk.lastIndexOf('\n'); // no quotes: every line break ends a record
    } else {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 34) state = !state;
        else if (c === 10 && !state) cut = i;
      }
    }
    if (cut === -1) {
      carry += chunk;
      carryQuoted = state;
      if (carry.length > MAX_CARRY) throw unreadable(`Aspas não fechadas a partir da linha ${lineOf()}: o campo entre aspas não termina.`);
      continue;
    }
    const slice = carry + chunk.slice(0, cut + 1);
    carry = chunk.slice(cut + 1);
    carryQuoted = false;
    for (let i = 0; i < carry.length; i++) if (carry.charCodeAt(i) === 34) carryQuoted = !carryQuoted;
    yield slice;
  }
  if (carry !== '') yield carry;
}

async function readCsv(
  text: AsyncGenerator<string>,
  headText: string,
  options: ReaderOptions,
  encoding: FileEncoding,
  handlers: RecordHandlers,
  batchSize: number,
  onLine: (line: number) => void,
): Promise<number> {
  const delimiter = options.delimiter ?? detectDelimiter(headText.split(/\r?\n/, 1)[0] ?? '');
  const newline = /\r\n/.test(headText) ? '\r\n' : '\n';
  let headers: string[] | null = null;
  let columns: ColumnIndex = {};
  let line = 1;
  let count = 0;
  let batch: RawRecord[] = [];

  for await (const slice of completeSlices(text, () => line)) {
    const parsed = Papa.parse<string[]>(slice, { delimiter, newline, skipEmptyLines: false });
    const mayHaveBreaksInFields = slice.indexOf('"') !== -1;
    const rows = parsed.data;
    // A slice that ends with a line break yields one empty row after it: not a line of the file.
    if (rows.length > 0 && /\n$/.test(slice) && rows[rows.length - 1]!.length === 1 && rows[rows.length - 1]![0] === '') rows.pop();
    const quoteErrors = new Set(parsed.errors.filter((e) => e.type === 'Quotes').map((e) => e.row));
    for (let r = 0; r < rows.length; r++) {
      const values = rows[r]!;
      const start = line;
      line += mayHaveBreaksInFields ? 1 + countNewlines(values) : 1;
      onLine(start);
      if (values.length === 1 && values[0] === '') continue; // blank line
      if (headers === null) {
        headers = values.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
        const resolution = resolveHeaders(headers, options.mapping);
        const problems: string[] = [];
        if (resolution.missing.length) {
          problems.push(
            'colunas obrigatórias ausentes: ' +
              resolution.missing.map((f) => `${fieldLabel(f)} (aceitos: ${FIELDS[f].aliases.slice(0, 4).join(', ')}…)`).join('; '),
          );
        }
        for (const d of resolution.duplicated) problems.push(`as colunas ${d.headers.join(' e ')} disputam o campo ${fieldLabel(d.field)}`);
        if (problems.length) throw unreadable(`Cabeçalho da linha ${start}: ${problems.join('. ')}.`);
        const columnMap: ColumnMap = resolution.map;
        columns = columnMap as ColumnIndex;
        const hs = headers;
        await handlers.onShape({
          format: 'csv',
          encoding,
          delimiter,
          ignoredColumns: resolution.ignored,
          headerOf: (field) => hs[columnMap[field] as number] ?? fieldLabel(field),
        });
        continue;
      }
      count++;
      const width = headers.length;
      let structureProblem: string | undefined;
      if (quoteErrors.size > 0 && quoteErrors.has(r)) {
        structureProblem = 'aspas não fechadas: o campo entre aspas não termina nesta linha';
      } else if (values.length < width || (values.length > width && values.slice(width).some((v) => v.trim() !== ''))) {
        structureProblem = `linha com ${values.length} colunas; o cabeçalho tem ${width}`;
      }
      batch.push(structureProblem ? { line: start, values, columns, structureProblem } : { line: start, values, columns });
      if (batch.length >= batchSize) {
        await handlers.onBatch(batch);
        batch = [];
      }
    }
  }
  if (headers === null) throw unreadable('O arquivo não tem linha de cabeçalho.');
  if (batch.length) await handlers.onBatch(batch);
  return count;
}

async function readJsonLines(
  text: AsyncGenerator<string>,
  options: ReaderOptions,
  encoding: FileEncoding,
  handlers: RecordHandlers,
  batchSize: number,
  onLine: (line: number) => void,
): Promise<number> {
  const explicit = new Map<string, FieldName>();
  for (const [field, key] of Object.entries(options.mapping ?? {}) as Array<[FieldName, string]>) explicit.set(normalizeKey(key), field);
  const aliasToField = new Map<string, FieldName | null>();
  const fieldOf = (key: string): FieldName | null => {
    let field = aliasToField.get(key);
    if (field === undefined) {
      const byAlias = Object.keys(resolveHeaders([key]).map)[0] as FieldName | undefined;
      field = explicit.get(normalizeKey(key)) ?? byAlias ?? null;
      aliasToField.set(key, field);
    }
    return field;
  };
  await handlers.onShape({ format: 'jsonl', encoding, delimiter: null, ignoredColumns: [], headerOf: (field) => field });
  let count = 0;
  let lineNumber = 0;
  let batch: RawRecord[] = [];
  let rest = '';
  const handle = async (rawLine: string) => {
    lineNumber++;
    onLine(lineNumber);
    const lineText = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (lineText.trim() === '') return;
    count++;
    const record: RawRecord = { line: lineNumber, values: new Array<string>(FIELD_NAMES.length).fill(''), columns: JSON_COLUMNS };
    let parsed: unknown;
    try {
      parsed = JSON.parse(lineNumber === 1 ? lineText.replace(/^\uFEFF/, '') : lineText);
    } catch (error) {
      record.structureProblem = `JSON inválido: ${(error as Error).message}`;
    }
    if (!record.structureProblem) {
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        record.structureProblem = 'cada linha deve ser um objeto JSON';
      } else {
        flatten(parsed as Record<string, unknown>, record, fieldOf, options.decimal ?? 'point');
      }
    }
    batch.push(record);
    if (batch.length >= batchSize) {
      const full = batch;
      batch = [];
      await handlers.onBatch(full);
    }
  };
  for await (const chunk of text) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) await handle(part);
  }
  if (rest !== '') await handle(rest);
  if (batch.length) await handlers.onBatch(batch);
  return count;
}

/** Copies an object's values into the record's fields; one nested level (e.g. an address) is flattened. */
function flatten(object: Record<string, unknown>, record: RawRecord, fieldOf: (key: string) => FieldName | null, decimal: DecimalSeparator, depth = 0): void {
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth === 0) {
      flatten(value as Record<string, unknown>, record, fieldOf, decimal, 1);
      continue;
    }
    const field = fieldOf(key);
    if (!field) continue;
    const values = record.values as string[];
    const index = JSON_COLUMNS[field]!;
    if (value === null || value === undefined) values[index] = '';
    else if (typeof value === 'string') values[index] = value;
    // JSON numbers always use a decimal point; rewrite them in the notation the validator expects.
    else if (typeof value === 'number') values[index] = decimal === 'comma' ? String(value).replace('.', ',') : String(value);
    else if (typeof value === 'boolean') values[index] = String(value);
    else record.structureProblem = `o campo ${key} deve ser texto ou número`;
  }
}
