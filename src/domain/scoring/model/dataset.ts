import { AppError } from '../../../shared/errors.ts';

/**
 * A tabular training set: rows as read from a file or a query (one record per line), the column
 * that holds the outcome, and the columns that may become features. The encoder turns rows into
 * numbers; it is learned on the training rows only and saved inside the model, so a debtor is
 * scored tomorrow exactly as the model saw its training data.
 */
export type Cell = string | number | boolean | null | undefined;
export type DataRow = Readonly<Record<string, Cell>>;

export interface DatasetOptions {
  outcome: string;
  /** The outcome value that counts as 1 ("good", "1", "pagou"); any other value is 0. Without it: 1/0, sim/não, true/false, yes/no. */
  positive?: string | null;
  /** Columns to use (default: every column but the outcome and `ignore`). */
  features?: readonly string[];
  /** Columns never used, such as ids. */
  ignore?: readonly string[];
  /** Columns read as text even when every value is a number (codes: a rank, a branch, a region). */
  categorical?: readonly string[];
  /** The header (default: the keys of the rows, in order of appearance). */
  columns?: readonly string[];
  /** The file line of each row, for messages (default: index + 2, the header being line 1). */
  lines?: ArrayLike<number>;
}

export interface Dataset {
  outcome: string;
  positive: string | null;
  columns: readonly string[];
  /** Columns that may become features, in header order. */
  features: readonly string[];
  categorical: readonly string[];
  rows: readonly DataRow[];
  /** 1 for the positive outcome. */
  y: Uint8Array;
  positives: number;
}

const TRUE_VALUES = new Set(['1', 'true', 'sim', 's', 'yes']);
const FALSE_VALUES = new Set(['0', 'false', 'nao', 'não', 'n', 'no']);

const normalized = (value: Cell): string => String(value).trim().toLowerCase();
const isMissing = (value: Cell): boolean => value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (typeof value === 'number' && Number.isNaN(value));

export function createDataset(rows: readonly DataRow[], options: DatasetOptions): Dataset {
  const columns = options.columns ? [...options.columns] : columnsOf(rows);
  const has = new Set(columns);
  const { outcome } = options;
  if (!has.has(outcome)) {
    throw new AppError('validation', `A coluna de resultado "${outcome}" não está no arquivo (colunas: ${columns.join(', ')}).`, { field: 'outcome' });
  }
  for (const name of [...(options.features ?? []), ...(options.ignore ?? []), ...(options.categorical ?? [])]) {
    if (!has.has(name)) throw new AppError('validation', `A coluna "${name}" não está no arquivo (colunas: ${columns.join(', ')}).`, { field: name });
  }
  if (options.features?.includes(outcome)) throw new AppError('validation', `A coluna de resultado "${outcome}" não pode ser também uma variável.`, { field: outcome });
  const ignore = new Set([outcome, ...(options.ignore ?? [])]);
  const features = options.features ? columns.filter((c) => options.features!.includes(c) && !ignore.has(c)) : columns.filter((c) => !ignore.has(c));

  const positive = options.positive === undefined || options.positive === null || options.positive === '' ? null : options.positive;
  const y = new Uint8Array(rows.length);
  const wanted = positive === null ? null : normalized(positive);
  let negativeValue: string | null = null;
  let positives = 0;
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]![outcome];
    const line = options.lines ? options.lines[i]! : i + 2;
    const where = `Linha ${line}, coluna ${outcome}`;
    if (isMissing(raw)) throw new AppError('validation', `${where}: resultado vazio.`, { field: outcome });
    const value = normalized(raw);
    let label: number;
    if (wanted !== null) {
      if (value === wanted) label = 1;
      else if (negativeValue === null || value === negativeValue) {
        negativeValue = value;
        label = 0;
      } else {
        throw new AppError(
          'validation',
          `${where}: valor "${String(raw).trim()}" — o resultado deve ter só dois valores ("${positive}" conta como positivo, "${negativeValue}" como negativo).`,
          { field: outcome },
        );
      }
    } else if (TRUE_VALUES.has(value)) label = 1;
    else if (FALSE_VALUES.has(value)) label = 0;
    else {
      throw new AppError(
        'validation',
        `${where}: valor "${String(raw).trim()}" não é um resultado reconhecido (use 1/0, sim/não, true/false ou yes/no, ou indique qual valor conta como positivo com --positive).`,
        { field: outcome },
      );
    }
    y[i] = label;
    positives += label;
  }
  return { outcome, positive, columns, features, categorical: [...(options.categorical ?? [])], rows, y, positives };
}

/** The rows at these indices, as a dataset of their own (a split keeps the same columns). */
export function subsetDataset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const rows: DataRow[] = new Array(indices.length);
  const y = new Uint8Array(indices.length);
  let positives = 0;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    rows[i] = dataset.rows[k]!;
    y[i] = dataset.y[k]!;
    positives += y[i]!;
  }
  return { ...dataset, rows, y, positives };
}

function columnsOf(rows: readonly DataRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Numbers in a cell: plain JS syntax ("12.5", "-3", "1e5") or a decimal comma ("12,5").
// Thousands separators are not guessed: "1.234,56" is text.

const JS_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** A cell as a number: null when missing, NaN when it is not a number. */
export function parseCellNumber(value: Cell): number | null {
  if (typeof value === 'number') return Number.isNaN(value) ? null : Number.isFinite(value) ? value : Number.NaN;
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return Number.NaN;
  const text = value.trim();
  if (text === '') return null;
  if (JS_NUMBER.test(text)) return Number(text);
  if (DECIMAL_COMMA.test(text)) return Number(text.replace(',', '.'));
  return Number.NaN;
}

/** A cell as a category level: null when missing. */
export function cellLevel(value: Cell): string | null {
  if (isMissing(value)) return null;
  return typeof value === 'string' ? value.trim() : String(value);
}

// ---------------------------------------------------------------------------------------------
// The encoder: learned on training rows, saved with the model.

/** Text columns with more distinct values than this are dropped (ids, names, free text). */
export const MAX_LEVELS = 30;
export const MISSING_SUFFIX = '__ausente';

export interface NumericEncoding {
  kind: 'numeric';
  column: string;
  mean: number;
  std: number;
  /** What a missing value becomes (the training median), before standardizing. */
  median: number;
  /** A 0/1 feature `<column>__ausente` follows, because the training data had missing values. */
  missingIndicator: boolean;
}

export interface CategoricalEncoding {
  kind: 'categorical';
  column: string;
  /** One 0/1 feature per level; a level not seen in training is all zeros. */
  levels: string[];
  missingIndicator: boolean;
}

export type ColumnEncoding = NumericEncoding | CategoricalEncoding;

export interface Encoder {
  columns: ColumnEncoding[];
  /** Names of the encoded features, in the order of the model's parameters. */
  features: string[];
  /** The source column of each encoded feature. */
  featureColumns: string[];
  /** Columns left out, and why (pt-BR, for the report). */
  notes: string[];
}

export function fitEncoder(dataset: Dataset): Encoder {
  const columns: ColumnEncoding[] = [];
  const notes: string[] = [];
  const forcedText = new Set(dataset.categorical);
  const n = dataset.rows.length;
  for (const column of dataset.features) {
    const numbers: number[] = [];
    let missing = 0;
    let numeric = !forcedText.has(column);
    for (let i = 0; i < n && numeric; i++) {
      const value = parseCellNumber(dataset.rows[i]![column]);
      if (value === null) missing++;
      else if (Number.isNaN(value)) numeric = false;
      else numbers.push(value);
    }
    if (numeric) {
      if (numbers.length === 0) {
        notes.push(`coluna "${column}" ignorada: sem valores nos dados de treino`);
        continue;
      }
      let sum = 0;
      for (const v of numbers) sum += v;
      const mean = sum / numbers.length;
      let squares = 0;
      for (const v of numbers) squares += (v - mean) * (v - mean);
      const std = Math.sqrt(squares / numbers.length);
      if (!(std > 0)) {
        notes.push(`coluna "${column}" ignorada: valor constante nos dados de treino`);
        continue;
      }
      const median = medianOf(Float64Array.from(numbers));
      columns.push({ kind: 'numeric', column, mean, std, median, missingIndicator: missing > 0 });
      continue;
    }
    const levels = new Set<string>();
    missing = 0;
    for (let i = 0; i < n; i++) {
      const level = cellLevel(dataset.rows[i]![column]);
      if (level === null) missing++;
      else if (levels.size <= MAX_LEVELS) levels.add(level);
    }
    if (levels.size > MAX_LEVELS) {
      notes.push(`coluna "${column}" ignorada: texto com mais de ${MAX_LEVELS} valores distintos`);
      continue;
    }
    if (levels.size + (missing > 0 ? 1 : 0) < 2) {
      notes.push(`coluna "${column}" ignorada: valor constante nos dados de treino`);
      continue;
    }
    columns.push({ kind: 'categorical', column, levels: [...levels].sort(), missingIndicator: missing > 0 });
  }
  const features: string[] = [];
  const featureColumns: string[] = [];
  for (const encoding of columns) {
    if (encoding.kind === 'numeric') {
      features.push(encoding.column);
      featureColumns.push(encoding.column);
    } else {
      for (const level of encoding.levels) {
        features.push(`${encoding.column}=${level}`);
        featureColumns.push(encoding.column);
      }
    }
    if (encoding.missingIndicator) {
      features.push(`${encoding.column}${MISSING_SUFFIX}`);
      featureColumns.push(encoding.column);
    }
  }
  return { columns, features, featureColumns, notes };
}

/** The median by quickselect (a full sort of every column costs more than the rest of the fit). Reorders `values`. */
export function medianOf(values: Float64Array): number {
  const n = values.length;
  const mid = n >> 1;
  const upper = select(values, mid);
  if (n % 2 === 1) return upper;
  let lower = -Infinity; // the largest value left of `mid` after the selection
  for (let i = 0; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/** Hoare's quickselect: puts the k-th smallest value at k, smaller ones before it, and returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

export interface CompiledEncoder {
  width: number;
  /** Writes the encoded row into `out` from `offset`; allocates nothing for numbers and known levels. */
  encode(row: DataRow, out: Float64Array, offset?: number): void;
}

/**
 * The encoder with its level lookups built once. A text value in a numeric column, at prediction
 * time, is read as missing: a scoring run over a million debtors should not stop on one bad cell.
 */
export function compileEncoder(encoder: Encoder): CompiledEncoder {
  const width = encoder.features.length;
  const steps = encoder.columns.map((encoding) =>
    encoding.kind === 'numeric'
      ? { numeric: true as const, column: encoding.column, mean: encoding.mean, std: encoding.std, median: encoding.median, indicator: encoding.missingIndicator, size: 1 + (encoding.missingIndicator ? 1 : 0), index: new Map<string, number>() }
      : { numeric: false as const, column: encoding.column, mean: 0, std: 1, median: 0, indicator: encoding.missingIndicator, size: encoding.levels.length + (encoding.missingIndicator ? 1 : 0), index: new Map(encoding.levels.map((level, i) => [level, i])) },
  );
  return {
    width,
    encode(row, out, offset = 0) {
      let at = offset;
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s]!;
        const raw = row[step.column];
        if (step.numeric) {
          let value = typeof raw === 'number' && Number.isFinite(raw) ? raw : parseCellNumber(raw);
          const missing = value === null || Number.isNaN(value);
          if (missing) value = step.median;
          out[at] = ((value as number) - step.mean) / step.std;
          if (step.indicator) out[at + 1] = missing ? 1 : 0;
        } else {
          for (let k = 0; k < step.size; k++) out[at + k] = 0;
          const level = typeof raw === 'string' ? raw.trim() : cellLevel(raw);
          if (level === null || level === '') {
            if (step.indicator) out[at + step.size - 1] = 1;
          } else {
            const k = step.index.get(level);
            if (k !== undefined) out[at + k] = 1;
          }
        }
        at += step.size;
      }
    },
  };
}

/** Every row encoded, row-major (n × width). */
export function encodeRows(encoder: Encoder, rows: readonly DataRow[]): Float64Array {
  const compiled = compileEncoder(encoder);
  const out = new Float64Array(rows.length * compiled.width);
  for (let i = 0; i < rows.length; i++) compiled.encode(rows[i]!, out, i * compiled.width);
  return out;
}
