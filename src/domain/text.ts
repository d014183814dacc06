/** Lowercase without accents or punctuation runs: the form names are searched in. */
export function searchableText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Column names and code values from files: "Data de Vencimento" → "data_de_vencimento". */
export function normalizeKey(text: string): string {
  return searchableText(text).replace(/ /g, '_');
}
