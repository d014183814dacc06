/**
 * The Pix BR Code ("Pix copia e cola"): the EMV® merchant-presented payload the BCB adopted,
 * with the Pix arrangement in field 26 (Manual de Padrões para Iniciação do Pix, BCB, v2.x,
 * seções "QR Code estático" e "QR Code dinâmico"; Manual do BR Code, BCB).
 *
 * A static code carries the receiver's key (and optionally a fixed amount and a txid up to 25
 * characters); a dynamic code carries only the location (URL without scheme) of a charge created
 * through the API Pix, from which the payer's app reads amount and txid.
 */
import { AppError } from '../../shared/errors.ts';
import { crc16, MAX_TLV_LENGTH, parseTlv, tlv, type TlvElement } from './emv.ts';
import { checkPixKey } from './pix-key.ts';
import { STATIC_TXID_NONE, isValidTxid } from './txid.ts';

export interface PixFields {
  /** Receiver's key (static codes); null in dynamic codes. */
  key: string | null;
  /** Fixed amount in centavos, or null when the payer types it (always null in dynamic codes). */
  amount: number | null;
  /** Up to 25 characters, ASCII (accents are removed on encoding). */
  merchantName: string;
  /** Up to 15 characters, ASCII. */
  merchantCity: string;
  /** Static: up to 25 letters and digits, or '***' for none. Dynamic: '***' (the txid lives in the charge). */
  txid: string;
  /** Dynamic codes only: the charge's location, without "https://". */
  url?: string;
  /** Static codes only: a message shown to the payer (field 26-02). */
  description?: string;
  /** CEP, 8 digits (field 61, optional). */
  postalCode?: string;
}

export const PIX_GUI = 'br.gov.bcb.pix';
/** A BR Code is at most 512 characters (Manual do BR Code). */
export const MAX_BR_CODE_LENGTH = 512;
/** Field 54 holds at most 13 characters: 9999999999.99. */
export const MAX_PIX_AMOUNT_CENTS = 999_999_999_999;
export const MAX_MERCHANT_NAME = 25;
export const MAX_MERCHANT_CITY = 15;
/** BCB API Pix: a location is at most 77 characters. */
export const MAX_URL_LENGTH = 77;

const FIELD_NAMES: Record<string, string> = {
  '00': 'indicador de formato',
  '01': 'método de iniciação',
  '26': 'conta Pix do recebedor',
  '26.00': 'GUI do arranjo',
  '26.01': 'chave Pix',
  '26.02': 'descrição',
  '26.25': 'URL da cobrança',
  '52': 'categoria do estabelecimento',
  '53': 'moeda',
  '54': 'valor',
  '58': 'país',
  '59': 'nome do recebedor',
  '60': 'cidade do recebedor',
  '61': 'CEP',
  '62': 'dados adicionais',
  '62.05': 'txid',
  '63': 'CRC',
};

/** "campo 59 (nome do recebedor)": how every message names the EMV field at fault. */
export function describeField(id: string): string {
  const name = FIELD_NAMES[id];
  return name ? `campo ${id} (${name})` : `campo ${id}`;
}

// ————————————————————————————————————————— encoding

/**
 * The BR Code admits only printable ASCII in names and texts: accents are removed (São → Sao,
 * nº → no, by compatibility decomposition); any other character outside 0x20–0x7E is an error
 * rather than a silent substitution.
 */
function asciiText(value: string, field: string, emvId: string, max: number): string {
  const folded = value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const bad = /[^\x20-\x7e]/.exec(folded);
  if (bad) {
    throw new AppError('validation', `${describeField(emvId)}: caractere "${bad[0]}" não é permitido (use letras sem acento, dígitos e pontuação comum).`, { field });
  }
  if (folded.trim().length === 0) throw new AppError('validation', `${describeField(emvId)}: não pode ficar vazio.`, { field });
  if (folded.length > max) throw new AppError('validation', `${describeField(emvId)}: ${folded.length} caracteres, o máximo é ${max}.`, { field });
  return folded;
}

/** Centavos to the BR Code's "123.45", by integer arithmetic. */
export function formatPixAmount(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount)) throw new AppError('validation', `${describeField('54')}: o valor deve ser um número inteiro de centavos.`, { field: 'amount' });
  if (amount <= 0) throw new AppError('validation', `${describeField('54')}: o valor deve ser maior que zero (omita-o para o pagador digitar).`, { field: 'amount' });
  if (amount > MAX_PIX_AMOUNT_CENTS) throw new AppError('validation', `${describeField('54')}: valor acima de 9999999999.99, o máximo que cabe no BR Code.`, { field: 'amount' });
}

/** Builds the payload, CRC included. Validates everything; rounds and truncates nothing. */
export function encodePix(fields: PixFields): string {
  const dynamic = fields.url !== undefined && fields.url !== null;
  const merchantName = asciiText(fields.merchantName ?? '', 'merchantName', '59', MAX_MERCHANT_NAME);
  const merchantCity = asciiText(fields.merchantCity ?? '', 'merchantCity', '60', MAX_MERCHANT_CITY);

  let account = tlv('00', PIX_GUI);
  if (dynamic) {
    if (fields.key !== null && fields.key !== undefined) {
      throw new AppError('validation', `${describeField('26')}: um BR Code leva a chave (estático) ou a URL (dinâmico), não as duas.`, { field: 'key' });
    }
    const url = fields.url!;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new AppError('validation', `${describeField('26.25')}: informe a URL sem o esquema (sem "https://"), como o Manual de Padrões pede.`, { field: 'url' });
    }
    if (!/^[\x21-\x7e]+$/.test(url)) throw new AppError('validation', `${describeField('26.25')}: a URL deve ter só caracteres ASCII visíveis, sem espaços.`, { field: 'url' });
    if (url.length > MAX_URL_LENGTH) throw new AppError('validation', `${describeField('26.25')}: ${url.length} caracteres, o máximo é ${MAX_URL_LENGTH}.`, { field: 'url' });
    if (fields.amount !== null && fields.amount !== undefined) {
      throw new AppError('validation', `${describeField('54')}: o BR Code dinâmico não leva valor; o pagador o lê da cobrança no PSP (Manual de Padrões para Iniciação do Pix).`, { field: 'amount' });
    }
    if (fields.txid !== STATIC_TXID_NONE) {
      throw new AppError('validation', `${describeField('62.05')}: no BR Code dinâmico o txid é "***"; o txid da cobrança vem do PSP.`, { field: 'txid' });
    }
    if (fields.description !== undefined && fields.description !== '') {
      throw new AppError('validation', `${describeField('26.02')}: o BR Code dinâmico não leva descrição; use solicitacaoPagador na cobrança.`, { field: 'description' });
    }
    account += tlv('25', url);
  } else {
    if (typeof fields.key !== 'string') {
      throw new AppError('validation', `${describeField('26.01')}: informe a chave Pix (código estático) ou a URL da cobrança (código dinâmico).`, { field: 'key' });
    }
    const key = checkPixKey(fields.key);
    if (!key.ok) throw new AppError('validation', `${describeField('26.01')}: ${key.message}.`, { field: 'key' });
    account += tlv('01', fields.key);
    if (fields.description !== undefined && fields.description !== '') {
      account += tlv('02', asciiText(fields.description, 'description', '26.02', MAX_TLV_LENGTH));
    }
    if (fields.amount !== null && fields.amount !== undefined) checkAmount(fields.amount);
    if (typeof fields.txid !== 'string' || (fields.txid !== STATIC_TXID_NONE && !isValidTxid(fields.txid, 'static'))) {
      throw new AppError('validation', `${describeField('62.05')}: o txid do código estático tem até 25 letras e dígitos (sem espaços nem símbolos), ou "***" para nenhum.`, { field: 'txid' });
    }
  }
  if (account.length > MAX_TLV_LENGTH) {
    throw new AppError('validation', `${describeField('26')}: chave e descrição somam ${account.length} caracteres com os cabeçalhos; o máximo é ${MAX_TLV_LENGTH}. Encurte a descrição.`, {
      field: 'description',
    });
  }
  if (fields.postalCode !== undefined && !/^\d{8}$/.test(fields.postalCode)) {
    throw new AppError('validation', `${describeField('61')}: o CEP deve ter 8 dígitos, sem hífen.`, { field: 'postalCode' });
  }

  const body =
    tlv('00', '01') +
    (dynamic ? tlv('01', '12') : '') + // 12: single use, as in the Manual de Padrões' dynamic example
    tlv('26', account) +
    tlv('52', '0000') +
    tlv('53', '986') +
    (fields.amount !== null && fields.amount !== undefined ? tlv('54', formatPixAmount(fields.amount)) : '') +
    tlv('58', 'BR') +
    tlv('59', merchantName) +
    tlv('60', merchantCity) +
    (fields.postalCode !== undefined ? tlv('61', fields.postalCode) : '') +
    tlv('62', tlv('05', fields.txid)) +
    '6304';
  return body + crc16(body);
}

// ————————————————————————————————————————— decoding

function fail(id: string, message: string): never {
  throw new AppError('validation', `${describeField(id)}: ${message}`, { field: id });
}

/** One data object per id: a repeated one is ambiguous, so refused. */
function byId(elements: TlvElement[], parent?: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const element of elements) {
    const id = parent ? `${parent}.${element.id}` : element.id;
    if (map.has(element.id)) fail(id, 'aparece mais de uma vez.');
    map.set(element.id, element.value);
  }
  return map;
}

function required(map: Map<string, string>, id: string, label = id): string {
  const value = map.get(id.slice(-2));
  if (value === undefined) fail(label, 'obrigatório e ausente.');
  return value;
}

/** "123.45", "123.4" or "123" (EMV allows the decimals to be omitted) to centavos. */
function parsePixAmount(text: string): number {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match || text.length > 13) fail('54', `"${text}" não é um valor válido (use ponto decimal e até 2 casas, ex.: 123.45).`);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (cents === 0) fail('54', 'o valor, quando presente, deve ser maior que zero.');
  return cents;
}

/**
 * Reads a BR Code. The CRC is checked first (a payload copied incompletely or altered usually
 * fails there), then the TLV structure, the mandatory fields, the GUI and the amount. Surrounding
 * whitespace (a pasted line break) is ignored; anything else out of place is an error naming the
 * EMV field. Templates Pix does not use (27–51, 64, 80–99, …) are skipped.
 */
export function decodePix(input: string): PixFields {
  const payload = input.trim();
  if (payload.length === 0) throw new AppError('validation', 'BR Code vazio.', { field: 'payload' });
  if (payload.length > MAX_BR_CODE_LENGTH) {
    throw new AppError('validation', `BR Code com ${payload.length} caracteres; o máximo é ${MAX_BR_CODE_LENGTH}.`, { field: 'payload' });
  }
  if (payload.length < 8 || payload.slice(-8, -4) !== '6304') fail('63', 'o BR Code deve terminar com 6304 seguido do CRC de 4 dígitos hexadecimais.');
  const found = payload.slice(-4);
  const expected = crc16(payload.slice(0, -4));
  if (found !== expected) {
    throw new AppError('validation', `CRC do BR Code não confere: esperado ${expected}, encontrado ${found}. O código foi copiado incompleto ou alterado.`, { field: 'crc' });
  }

  if (!payload.startsWith('000201')) fail('00', 'o BR Code deve começar com 000201.');
  const elements = parseTlv(payload, describeField);
  const last = elements.at(-1)!;
  if (last.id !== '63' || last.start !== payload.length - 8) fail('63', 'o CRC deve ser o último campo.');
  const top = byId(elements);

  if (required(top, '00') !== '01') fail('00', `versão "${top.get('00')}" desconhecida (esperado 01).`);
  const initiation = top.get('01');
  if (initiation !== undefined && initiation !== '11' && initiation !== '12') fail('01', `"${initiation}" inválido (esperado 11 ou 12).`);
  const mcc = required(top, '52');
  if (!/^\d{4}$/.test(mcc)) fail('52', `"${mcc}" inválido (esperado 4 dígitos, 0000 no Pix).`);
  if (required(top, '53') !== '986') fail('53', `moeda "${top.get('53')}" não é o real (986).`);
  if (required(top, '58') !== 'BR') fail('58', `país "${top.get('58')}" não é BR.`);
  const merchantName = required(top, '59');
  if (merchantName.length > MAX_MERCHANT_NAME) fail('59', `${merchantName.length} caracteres, o máximo é ${MAX_MERCHANT_NAME}.`);
  const merchantCity = required(top, '60');
  if (merchantCity.length > MAX_MERCHANT_CITY) fail('60', `${merchantCity.length} caracteres, o máximo é ${MAX_MERCHANT_CITY}.`);

  const accountText = required(top, '26');
  const accountStart = elements.find((e) => e.id === '26')!.start + 4;
  const account = byId(parseTlv(accountText, describeField, '26', accountStart), '26');
  const gui = required(account, '00', '26.00');
  // Several PSPs write the GUI in uppercase; payers' apps compare it without case.
  if (gui.toLowerCase() !== PIX_GUI) fail('26.00', `"${gui}" não é o GUI do Pix (${PIX_GUI}).`);
  const key = account.get('01');
  const url = account.get('25');
  if (key !== undefined && url !== undefined) fail('26', 'traz chave (01) e URL (25) ao mesmo tempo.');
  if (key === undefined && url === undefined) fail('26', 'não traz chave (01) nem URL (25).');
  if (key !== undefined && key.length > 77) fail('26.01', `${key.length} caracteres, o máximo é 77.`);

  const additionalStart = elements.find((e) => e.id === '62')?.start ?? 0;
  const additional = byId(parseTlv(required(top, '62'), describeField, '62', additionalStart + 4), '62');
  const txid = required(additional, '05', '62.05');
  if (txid.length > 25) fail('62.05', `${txid.length} caracteres, o máximo é 25.`);

  const amountText = top.get('54');
  const fields: PixFields = {
    key: key ?? null,
    amount: amountText === undefined ? null : parsePixAmount(amountText),
    merchantName,
    merchantCity,
    txid,
  };
  if (url !== undefined) fields.url = url;
  const description = account.get('02');
  if (description !== undefined) fields.description = description;
  const postalCode = top.get('61');
  if (postalCode !== undefined) fields.postalCode = postalCode;
  return fields;
}
