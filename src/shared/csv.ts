/** A cell of a semicolon-separated file (the pt-BR spreadsheet convention), quoted only when it must be. */
export function csvCell(value: string): string {
  return /[";\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The delimiters the readers accept, in order of preference when a header uses none of them. */
export const CSV_DELIMITERS = [';', ',', '\t', '|'] as const;

/** The delimiter the header line uses most outside quotes; `fallback` when it uses none or ties. */
export function detectDelimiter(headerLine: string, fallback: (typeof CSV_DELIMITERS)[number] = ';'): string {
  let best: string = fallback;
  let bestCount = 0;
  for (const candidate of [fallback, ...CSV_DELIMITERS.filter((c) => c !== fallback)]) {
    let count = 0;
    let quoted = false;
    for (const char of headerLine) {
      if (char === '"') quoted = !quoted;
      else if (char === candidate && !quoted) count++;
    }
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

/** Line breaks inside the fields of a record (csv-parse counts lines where a record ends). */
export function countNewlines(values: readonly string[]): number {
  let n = 0;
  for (const value of values) {
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) n++;
  }
  return n;
}
