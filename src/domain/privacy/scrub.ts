import { searchableText } from '../text.ts';

/**
 * Removes personal data from a JSON value (a timeline event's `data`, an agreement's terms):
 * every value under a personal key, and every string that contains one of the subject's own
 * strings (document, name, contacts — compared without accents, case or punctuation), becomes
 * ANONYMIZED. Numbers, booleans, statuses, dates and ids stay, so the statistics still count.
 */
export const ANONYMIZED = '[anonimizado]';

/** Keys whose values identify or describe a person, whatever their content. */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'name', 'nome', 'document', 'cpf', 'cnpj', 'birthdate', 'birth_date', 'email', 'phone', 'telefone', 'recipient', 'value', 'address',
  'street', 'complement', 'district', 'cep', 'city', 'label', 'note', 'message', 'text', 'body', 'referencename', 'reference_name',
  'referencerelation', 'reference_relation', 'ip', 'useragent', 'user_agent', 'payername', 'payer_name', 'payerdocument', 'payer_document',
  'debtorname', 'debtordocument', 'holder', 'partners', 'content', 'termstext', 'terms_text',
]);

export function scrubPersonalData(value: unknown, personal: readonly string[]): unknown {
  const words = personal.map((p) => searchableText(p)).filter((p) => p.length >= 4);
  const digits = personal.map((p) => p.replace(/\D/g, '')).filter((p) => p.length >= 8);
  const isPersonal = (s: string) => {
    const folded = searchableText(s);
    const onlyDigits = s.replace(/\D/g, '');
    return words.some((w) => folded.includes(w)) || digits.some((d) => onlyDigits.includes(d));
  };
  const walk = (v: unknown, key: string | null): unknown => {
    if (key !== null && PERSONAL_KEYS.has(key.toLowerCase()) && (typeof v === 'string' || (typeof v === 'object' && v !== null))) {
      return Array.isArray(v) ? v.map(() => ANONYMIZED) : ANONYMIZED;
    }
    if (typeof v === 'string') return isPersonal(v) ? ANONYMIZED : v;
    if (Array.isArray(v)) return v.map((item) => walk(item, null));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value, null);
}
