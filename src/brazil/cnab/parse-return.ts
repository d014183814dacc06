/**
 * Reads a bank's return file (retorno de cobrança), CNAB 240 or 400, for the six banks in
 * banks.ts. Layout from the record length, bank from the header (240: positions 1–3; 400:
 * 77–79). Anything the reader cannot vouch for is an AppError('validation') whose message
 * names the line, the positions and the field.
 */
import type { Buffer } from 'node:buffer';
import { parseReturn240 } from './parse-240.ts';
import { parseReturn400 } from './parse-400.ts';
import { toRecords } from './records.ts';
import type { CnabReturn } from './types.ts';

export function parseCnabReturn(content: string | Buffer | Uint8Array): CnabReturn {
  const { layout, records } = toRecords(content);
  return layout === 'cnab240' ? parseReturn240(records) : parseReturn400(records);
}
