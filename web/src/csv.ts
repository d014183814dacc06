/**
 * CSV export of the tables on screen, the way a Brazilian spreadsheet opens it: semicolon
 * separated, UTF-8 with BOM, amounts as "1234,56" (integer centavos → text, no float).
 */
export type CsvValue = string | number | null | undefined;

export function toCsv(header: string[], rows: CsvValue[][]): string {
  const cell = (v: CsvValue) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[";\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
}

/** Centavos as a spreadsheet number in pt-BR ("-1234,05"). */
export function csvMoney(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  const abs = Math.abs(cents);
  const centavos = abs % 100;
  return `${cents < 0 ? '-' : ''}${(abs - centavos) / 100},${String(centavos).padStart(2, '0')}`;
}

export function downloadCsv(fileName: string, header: string[], rows: CsvValue[][]): void {
  const blob = new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
