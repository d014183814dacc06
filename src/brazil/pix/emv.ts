/**
 * The EMV® QRCPS merchant-presented layer under the BR Code: TLV data objects (two-digit id,
 * two-digit length, value) and the CRC16 that closes the payload (Manual do BR Code, BCB;
 * EMV QRCPS Merchant-Presented Mode). Knows nothing about Pix itself.
 */
import { AppError } from '../../shared/errors.ts';

/** EMV's "length" counts characters; a value longer than 99 cannot be written. */
export const MAX_TLV_LENGTH = 99;

export interface TlvElement {
  id: string;
  value: string;
  /** Character offset of the id in the text that was parsed. */
  start: number;
}

/** id + length + value; the caller guarantees 1 ≤ value.length ≤ 99. */
export function tlv(id: string, value: string): string {
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/**
 * CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final xor) over the
 * UTF-8 bytes, as four uppercase hex digits. The BR Code computes it over everything before the
 * CRC value, including its own "6304" (EMV QRCPS-MPM, data object 63).
 */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Splits a run of data objects. `parent` names the template being read ('26', '62') so an error
 * in a nested object says where it is; `offset` is the template's position in the whole payload.
 */
export function parseTlv(text: string, describe: (id: string) => string, parent?: string, offset = 0): TlvElement[] {
  const elements: TlvElement[] = [];
  const where = parent ? `${describe(parent)}: ` : '';
  let i = 0;
  while (i < text.length) {
    const header = text.slice(i, i + 4);
    if (header.length < 4 || !/^\d{4}$/.test(header)) {
      throw new AppError(
        'validation',
        `${where}BR Code malformado na posição ${offset + i + 1}: esperado um identificador e um tamanho de 2 dígitos cada, encontrado "${header}".`,
        { field: parent ?? 'payload' },
      );
    }
    const id = header.slice(0, 2);
    const length = Number(header.slice(2));
    const id2 = parent ? `${parent}.${id}` : id;
    if (length === 0) throw new AppError('validation', `${describe(id2)}: tamanho 00 (um campo presente não pode ser vazio).`, { field: id2 });
    const value = text.slice(i + 4, i + 4 + length);
    if (value.length < length) {
      throw new AppError('validation', `${describe(id2)}: declara ${length} caracteres, mas só restam ${value.length} (BR Code cortado?).`, { field: id2 });
    }
    elements.push({ id, value, start: offset + i });
    i += 4 + length;
  }
  return elements;
}
