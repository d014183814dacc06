/** A cell of a semicolon-separated file (the pt-BR spreadsheet convention), quoted only when it must be. */
export function csvCell(value: string): string {
  return /[";\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
