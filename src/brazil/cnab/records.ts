/**
 * From bytes to padded records: the decoding and line handling every CNAB reader shares, and
 * the readers of the few fields whose meaning needs a rule (nosso número, documents, agencies).
 */
import { Buffer } from 'node:buffer';
import { fieldError, lineError, readCode, shown, slice, type CnabRecord, type Span } from './fields.ts';
import type { NossoNumeroRule } from './layouts-240.ts';
import type { CnabLayout } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Buffers are read as UTF-8 when they are valid UTF-8, else as Latin-1 (what banks send). */
export function decode(content: string | Buffer | Uint8Array): string {
  if (typeof content === 'string') return content;
  try {
    return utf8.decode(content);
  } catch {
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
  }
}

/**
 * Splits a file into records of the layout's length. The layout comes from the first line's
 * length: a CNAB 400 header ends with its sequence number at 395–400, so it is never shorter
 * than 241; CNAB 240 lines may arrive with their trailing blanks trimmed and are padded back.
 * CRLF, LF and CR are all line ends; trailing blank lines and the DOS end-of-file mark (0x1A)
 * are ignored; a line longer than the record is an error unless the excess is blank.
 */
export function toRecords(content: string | Buffer | Uint8Array): { layout: CnabLayout; length: 240 | 400; records: CnabRecord[] } {
  const text = decode(content).replace(/^\uFEFF/, '').replace(/[\s\u001a]+$/u, '');
  if (text === '') throw lineError(1, 'o arquivo está vazio — nenhum registro CNAB.');
  const lines = text.split(/\r\n|\r|\n/);
  const length = lines[0]!.replace(/\s+$/u, '').length > 240 ? 400 : 240;
  const layout: CnabLayout = length === 400 ? 'cnab400' : 'cnab240';
  const records = lines.map((raw, index): CnabRecord => {
    const line = index + 1;
    let textLine = raw;
    if (textLine.length > length) {
      if (textLine.slice(length).trim() !== '') {
        throw lineError(line, `tem ${textLine.length} caracteres; os registros do arquivo (CNAB ${length}, pelo header) têm ${length}.`);
      }
      textLine = textLine.slice(0, length);
    }
    if (textLine.trim() === '') throw lineError(line, 'linha em branco no meio do arquivo.');
    return { line, text: textLine.padEnd(length, ' ') };
  });
  return { layout, length, records };
}

/**
 * The nosso número as our number: the field's digits without leading zeros and without the
 * check digit when the field carries it (see NossoNumeroRule). BB's DV follows the sequence
 * only for 4- and 6-digit convênios; when the convênio is unknown, the field's length decides
 * (12 = convênio + sequence + DV, 17 = 7-digit convênio + sequence).
 */
export function readNossoNumero(record: CnabRecord, span: Span, rule: NossoNumeroRule, agreement: string | null): string {
  const field = slice(record, span).trim();
  if (field === '') throw fieldError(record, span, 'nossoNumero', 'em branco.');
  const hasDigit =
    rule === 'dropCheckDigit' || (rule === 'bbAgreement' && (agreement ? agreement.length === 4 || agreement.length === 6 : field.length === 12));
  const body = hasDigit ? field.slice(0, -1) : field;
  if (!/^\d+$/.test(body) || (hasDigit && !/^[0-9XP]$/i.test(field.slice(-1)))) {
    throw fieldError(record, span, 'nossoNumero', `"${shown(field)}" não é um nosso número (dígitos${hasDigit ? ' e o DV' : ''}).`);
  }
  return body.replace(/^0+(?=\d)/, '');
}

/** CPF (type 1) or CNPJ (type 2) digits with their leading zeros; null when zero or blank. */
export function readDocument(record: CnabRecord, typeSpan: Span, span: Span): string | null {
  const digits = readCode(record, 'document', span);
  if (digits === null) return null;
  const type = slice(record, typeSpan).trim().replace(/^0+/, '');
  return digits.padStart(type === '1' ? 11 : 14, '0');
}

/** '3027-2' (number without leading zeros, then its digit), or null when the number is zero. */
export function withDigit(number: string | null, digit: string | null): string | null {
  if (number === null) return null;
  return digit && digit.trim() !== '' ? `${number}-${digit.trim()}` : number;
}

/** Two-character codes of a motivos field, without blanks and '00'. */
export function readReasons(record: CnabRecord, span: Span | null): string[] {
  if (!span) return [];
  const text = slice(record, span);
  const reasons: string[] = [];
  for (let i = 0; i + 2 <= text.length; i += 2) {
    const code = text.slice(i, i + 2);
    if (/^[0-9A-Z]{2}$/.test(code) && code !== '00') reasons.push(code);
  }
  return reasons;
}
