import { Decimal } from '../decimal.ts';
import { isIsoDate, MONTH_NAMES } from '../dates.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * Index series as the Banco Central publishes them in SGS (Sistema Gerenciador de Séries
 * Temporais): one value per month (or per day), a percentage with a decimal point or comma.
 * Values are kept as exact decimal strings; a month that is missing is an error, never a zero.
 */
export const SERIES = {
  ipca: { label: 'IPCA', sgs: 433, periodicity: 'monthly', description: 'IPCA/IBGE, variação mensal (% a.m.)' },
  inpc: { label: 'INPC', sgs: 188, periodicity: 'monthly', description: 'INPC/IBGE, variação mensal (% a.m.)' },
  igpm: { label: 'IGP-M', sgs: 189, periodicity: 'monthly', description: 'IGP-M/FGV, variação mensal (% a.m.)' },
  selic: { label: 'Selic', sgs: 4390, periodicity: 'monthly', description: 'Selic acumulada no mês (% a.m.)' },
  selic_daily: { label: 'Selic diária', sgs: 11, periodicity: 'daily', description: 'Selic diária (% a.d.)' },
  tr: { label: 'TR', sgs: 226, periodicity: 'monthly', description: 'Taxa Referencial mensal, período iniciado no 1º dia do mês (% a.m.)' },
  taxa_legal: { label: 'Taxa legal', sgs: 29543, periodicity: 'monthly', description: 'Taxa legal, CC art. 406 e Res. CMN 5.171/2024 (% a.m.)' },
} as const satisfies Record<string, { label: string; sgs: number | null; periodicity: 'monthly' | 'daily'; description: string }>;

export type SeriesName = keyof typeof SERIES;
export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[];

export function isSeriesName(value: string): value is SeriesName {
  return Object.hasOwn(SERIES, value);
}

/** A period: 'YYYY-MM' for monthly series, 'YYYY-MM-DD' for daily ones. */
export type Period = string;

export interface SeriesValue {
  period: Period;
  /** Percent, exact decimal string with a point: "0.42", "-0.11". */
  value: string;
}

export class MissingIndexError extends AppError {
  readonly series: SeriesName;
  readonly period: Period;

  constructor(series: SeriesName, period: Period) {
    super('validation', `Índice ${SERIES[series].label} de ${formatPeriod(period)} não está cadastrado; importe a série (recupera indices import ARQUIVO --series ${series}).`, {
      field: 'indices',
    });
    this.series = series;
    this.period = period;
  }
}

/** '2025-03' → 'março/2025' */
export function formatPeriod(period: Period): string {
  if (period.length === 7) return `${MONTH_NAMES[Number(period.slice(5, 7)) - 1]}/${period.slice(0, 4)}`;
  return `${period.slice(8, 10)}/${period.slice(5, 7)}/${period.slice(0, 4)}`;
}

export interface ParseProblem {
  line: number;
  field: 'data' | 'valor' | 'arquivo';
  value: string;
  reason: string;
}

/**
 * Reads an SGS export: JSON `[{"data":"dd/mm/aaaa","valor":"0,42"}]` or the CSV the SGS site
 * downloads (`data;valor` header, one `dd/mm/aaaa;0,42` per line, quotes optional). For a
 * monthly series the day must be 01. Every problem is reported with its line; nothing is
 * returned unless the whole file is valid.
 */
export function parseSgsExport(text: string, series: SeriesName): { ok: true; values: SeriesValue[] } | { ok: false; problems: ParseProblem[] } {
  const periodicity = SERIES[series].periodicity;
  const rows: Array<{ line: number; data: string; valor: string }> = [];
  const problems: ParseProblem[] = [];
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return { ok: false, problems: [{ line: 1, field: 'arquivo', value: '', reason: `JSON inválido: ${(error as Error).message}` }] };
    }
    if (!Array.isArray(parsed)) return { ok: false, problems: [{ line: 1, field: 'arquivo', value: '', reason: 'esperava uma lista de {"data","valor"}' }] };
    // One object per line is how SGS formats it; otherwise the item number stands for the line.
    const lineOf = lineFinder(body);
    parsed.forEach((item, i) => {
      const record = (item ?? {}) as Record<string, unknown>;
      rows.push({ line: lineOf(i), data: String(record.data ?? ''), valor: record.valor === undefined || record.valor === null ? '' : String(record.valor) });
    });
  } else {
    const lines = body.split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || (i === 0 && /data/i.test(line))) return;
      const [data = '', valor = ''] = line.split(/[;\t]/).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
      rows.push({ line: i + 1, data, valor });
    });
  }
  if (rows.length === 0) return { ok: false, problems: [{ line: 1, field: 'arquivo', value: '', reason: 'arquivo sem valores' }] };
  const seen = new Map<Period, number>();
  const values: SeriesValue[] = [];
  for (const row of rows) {
    const date = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(row.data);
    if (!date || !isIsoDate(`${date[3]}-${date[2]}-${date[1]}`)) {
      problems.push({ line: row.line, field: 'data', value: row.data, reason: 'data deve estar no formato dd/mm/aaaa' });
      continue;
    }
    if (periodicity === 'monthly' && date[1] !== '01') {
      problems.push({ line: row.line, field: 'data', value: row.data, reason: `série mensal: o dia deve ser 01 (${SERIES[series].label} é mensal)` });
      continue;
    }
    const period = periodicity === 'monthly' ? `${date[3]}-${date[2]}` : `${date[3]}-${date[2]}-${date[1]}`;
    const valor = row.valor.replace(',', '.');
    if (!/^-?\d+(\.\d+)?$/.test(valor)) {
      problems.push({ line: row.line, field: 'valor', value: row.valor, reason: 'valor deve ser um número (ex.: 0,42)' });
      continue;
    }
    if (new Decimal(valor).lte(-100)) {
      problems.push({ line: row.line, field: 'valor', value: row.valor, reason: 'variação de −100% ou menos é impossível' });
      continue;
    }
    const previous = seen.get(period);
    if (previous !== undefined) {
      problems.push({ line: row.line, field: 'data', value: row.data, reason: `período repetido (também na linha ${previous})` });
      continue;
    }
    seen.set(period, row.line);
    values.push({ period, value: new Decimal(valor).toString() });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, values: values.sort((a, b) => (a.period < b.period ? -1 : 1)) };
}

function lineFinder(body: string): (index: number) => number {
  const starts: number[] = [];
  let line = 1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\n') line++;
    else if (c === '{') starts.push(line);
  }
  return (index) => starts[index] ?? index + 1;
}

/**
 * The index values a calculation may use, by series and period. Built from the database (or
 * the shipped files) once and passed to the pure calculations.
 */
export class IndexSet {
  private readonly series = new Map<SeriesName, Map<Period, string>>();

  constructor(values: Partial<Record<SeriesName, readonly SeriesValue[]>> = {}) {
    for (const [name, list] of Object.entries(values) as Array<[SeriesName, SeriesValue[]]>) {
      this.series.set(name, new Map(list.map((v) => [v.period, v.value])));
    }
  }

  has(series: SeriesName, period: Period): boolean {
    return this.series.get(series)?.has(period) ?? false;
  }

  /** Percent for the period; throws MissingIndexError naming the series and month. */
  percent(series: SeriesName, period: Period): string {
    const value = this.series.get(series)?.get(period);
    if (value === undefined) throw new MissingIndexError(series, period);
    return value;
  }

  /** The last period with a value, or null. */
  lastPeriod(series: SeriesName): Period | null {
    const map = this.series.get(series);
    if (!map || map.size === 0) return null;
    let last = '';
    for (const period of map.keys()) if (period > last) last = period;
    return last;
  }
}

/**
 * Taxa legal of a reference month from its two components (Res. CMN 5.171/2024 art. 2º):
 * TL = Fator Selic ÷ Fator IPCA-15 − 1, both of the month before; expressed as a monthly
 * percentage with six decimal places rounded by ABNT NBR 5891 (half to even on an exact tie);
 * a negative result counts as zero (CC art. 406 §3º, Lei 14.905/2024).
 * @param selicFactor Fator Selic of the previous month, eight decimals (e.g. "1.00834567")
 * @param ipca15Percent IPCA-15 of the previous month in percent (e.g. "0.44")
 */
export function taxaLegalPercent(selicFactor: string, ipca15Percent: string): string {
  const ratio = new Decimal(selicFactor).div(new Decimal(ipca15Percent).div(100).plus(1)).minus(1).times(100);
  const rounded = ratio.toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN);
  return rounded.isNegative() ? '0' : rounded.toFixed(6);
}
