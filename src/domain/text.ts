/**
 * Accent folding for the Latin-1 letters Portuguese uses, by table: the hot path of every import
 * row, so it avoids Unicode normalization unless a character outside the table appears.
 */
const FOLD = new Map<string, string>();
for (const [base, accented] of [
  ['a', 'àáâãäåāª'], ['e', 'èéêëē'], ['i', 'ìíîïī'], ['o', 'òóôõöøōº'], ['u', 'ùúûüū'], ['c', 'ç'], ['n', 'ñ'], ['y', 'ýÿ'],
] as const) {
  for (const ch of accented) {
    FOLD.set(ch, base);
    FOLD.set(ch.toUpperCase(), base);
  }
}

/** Lowercase without accents or punctuation runs: the form names are searched in. */
export function searchableText(text: string): string {
  let out = '';
  let space = true; // collapses separators and trims the start
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let ch: string;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) ch = text[i]!;
    else if (code >= 65 && code <= 90) ch = String.fromCharCode(code + 32);
    else if (code < 128) ch = ' ';
    else ch = FOLD.get(text[i]!) ?? fallbackFold(text[i]!);
    if (ch === ' ') {
      if (!space) out += ' ';
      space = true;
    } else {
      out += ch;
      space = false;
    }
  }
  return space && out.endsWith(' ') ? out.slice(0, -1) : out;
}

function fallbackFold(ch: string): string {
  const folded = ch.normalize('NFKD').replace(/\p{Diacritic}/gu, '').toLowerCase();
  return /^[a-z0-9]+$/.test(folded) ? folded : ' ';
}

/** Column names and code values from files: "Data de Vencimento" → "data_de_vencimento". */
export function normalizeKey(text: string): string {
  return searchableText(text).replace(/ /g, '_');
}
