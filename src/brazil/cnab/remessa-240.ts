/**
 * CNAB 240 remessa to register boletos (código de movimento 01, entrada de títulos): header de
 * arquivo, one lote with segments P, Q and R per title, trailer de lote, trailer de arquivo
 * (FEBRABAN "Layout Padrão CNAB 240" v08.4/v09.1, cobrança; bank parts in remessa-banks.ts).
 * Lines end in CRLF and are exactly 240 characters; text is uppercase ASCII without accents.
 * parseRemessa240 reads back what buildRemessa240 writes (and checks its structure), so tests
 * and support can see what a file asks the bank to do.
 */
import type { Buffer } from 'node:buffer';
import { addDays } from '../../domain/dates.ts';
import { isUf, normalizeCep } from '../uf.ts';
import { isCnabBank, SUPPORTED_BANKS_TEXT, type CnabBankCode } from './banks.ts';
import { ddmmyyyy, fieldError, lineError, readCode, readDate, readInteger, readMoney, readText, RecordWriter, shown, slice, zeros, type CnabRecord } from './fields.ts';
import { bankNossoNumero, checkCents, checkDate, normalizeAccount, normalizeBeneficiary, normalizePersonDocument, Problems, type BankNossoNumero, type NormalizedAccount } from './input.ts';
import { C240 } from './layouts-240.ts';
import { toRecords } from './records.ts';
import { REMESSA_BANKS, type Put, type RemessaBank } from './remessa-banks.ts';
import type { CnabAccount, RemessaInput, RemessaTitle } from './types.ts';

/** Each title takes P, Q and R; the lot's sequence number has 5 digits. */
export const MAX_TITLES = 33_333;

interface NormalizedTitle {
  title: RemessaTitle;
  nossoNumero: BankNossoNumero;
  documentNumber: string;
  kind: string;
  interestPerDay: number;
  /** Multa: código 1 = valor fixo (centavos), 2 = percentual (2 decimals: 200 = 2,00%). */
  fine: { date: string; code: '1' | '2'; value: number } | null;
  postalCode: string;
  uf: string;
  payerDocument: string;
}

function validate(input: RemessaInput): { account: NormalizedAccount; titles: NormalizedTitle[]; date: string; time: string } {
  const problems = new Problems();
  const account = normalizeAccount(input?.account, problems);
  normalizeBeneficiary(input?.beneficiary, problems);
  if (!Number.isInteger(input?.fileSequence) || input.fileSequence < 1 || input.fileSequence > 999_999) {
    problems.add('fileSequence', 'número sequencial do arquivo deve ser um inteiro de 1 a 999999');
  }
  const when = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(typeof input?.generatedAt === 'string' ? input.generatedAt : '');
  const date = when ? checkDate(when[1], 'generatedAt', problems) : '';
  if (!when || Number(when[2]) > 23 || Number(when[3]) > 59 || Number(when[4] ?? 0) > 59) problems.add('generatedAt', 'data e hora de geração devem ser AAAA-MM-DDTHH:MM[:SS]');
  const time = when ? `${when[2]}${when[3]}${when[4] ?? '00'}` : '';
  const titles = Array.isArray(input?.titles) ? input.titles : [];
  if (titles.length === 0) problems.add('titles', 'a remessa precisa de ao menos um título');
  if (titles.length > MAX_TITLES) problems.add('titles', `no máximo ${MAX_TITLES} títulos por remessa`);
  const normalized = account ? titles.map((title, index) => validateTitle(account, title, `titles[${index}]`, problems)) : [];
  problems.throwIfAny('Remessa CNAB 240 inválida');
  return { account: account!, titles: normalized, date, time };
}

function validateTitle(account: NormalizedAccount, title: RemessaTitle, at: string, problems: Problems): NormalizedTitle {
  const t = title ?? ({} as RemessaTitle);
  const nossoNumero = bankNossoNumero(account, t.nossoNumero, t.nossoNumeroDigit, `${at}.nossoNumero`, problems);
  const documentNumber = typeof t.documentNumber === 'string' ? t.documentNumber.trim() : '';
  if (documentNumber === '' || documentNumber.length > 25) problems.add(`${at}.documentNumber`, 'número do documento deve ter de 1 a 25 caracteres');
  const issueDate = checkDate(t.issueDate, `${at}.issueDate`, problems);
  const dueDate = checkDate(t.dueDate, `${at}.dueDate`, problems);
  if (issueDate && dueDate && dueDate < issueDate) problems.add(`${at}.dueDate`, 'vencimento anterior à emissão');
  checkCents(t.amount, `${at}.amount`, problems, { min: 1 });
  const kind = t.kind ?? '02';
  if (typeof kind !== 'string' || !/^\d{2}$/.test(kind)) problems.add(`${at}.kind`, 'espécie do título tem 2 dígitos (02 DM, 04 DS, 12 NP, 99 outros)');
  const interestPerDay = t.interestPerDay === undefined ? 0 : checkCents(t.interestPerDay, `${at}.interestPerDay`, problems);
  let fine: NormalizedTitle['fine'] = null;
  // A fine of zero (amount 0 or 0%) is no fine: the R segment then says "sem multa" (código 0).
  if (t.fine !== undefined && t.fine !== null && t.fine.amount !== 0 && t.fine.rateBasisPoints !== 0) {
    const fineDate = checkDate(t.fine.date, `${at}.fine.date`, problems);
    if (fineDate && dueDate && fineDate < dueDate) problems.add(`${at}.fine.date`, 'a multa não pode começar antes do vencimento');
    const hasAmount = t.fine.amount !== undefined;
    const hasRate = t.fine.rateBasisPoints !== undefined;
    if (hasAmount === hasRate) problems.add(`${at}.fine`, 'informe o valor (amount) ou o percentual (rateBasisPoints) da multa, um dos dois');
    if (hasAmount) fine = { date: fineDate, code: '1', value: checkCents(t.fine.amount, `${at}.fine.amount`, problems, { min: 1 }) };
    if (hasRate) {
      if (!Number.isInteger(t.fine.rateBasisPoints) || t.fine.rateBasisPoints! < 1 || t.fine.rateBasisPoints! > 10_000) {
        problems.add(`${at}.fine.rateBasisPoints`, 'percentual da multa em centésimos de ponto percentual, de 1 a 10000 (200 = 2%)');
      }
      fine = { date: fineDate, code: '2', value: t.fine.rateBasisPoints! };
    }
  }
  const payer = t.payer ?? ({} as RemessaTitle['payer']);
  const payerDocument = normalizePersonDocument(payer.document, `${at}.payer.document`, problems);
  for (const key of ['name', 'street', 'city'] as const) {
    if (typeof payer[key] !== 'string' || payer[key].trim() === '') problems.add(`${at}.payer.${key}`, 'campo obrigatório do pagador não informado');
  }
  if (payer.district !== undefined && typeof payer.district !== 'string') problems.add(`${at}.payer.district`, 'bairro deve ser texto');
  const postalCode = normalizeCep(typeof payer.postalCode === 'string' ? payer.postalCode : '');
  if (!/^\d{8}$/.test(postalCode)) problems.add(`${at}.payer.postalCode`, 'CEP deve ter 8 dígitos');
  const uf = typeof payer.uf === 'string' ? payer.uf.trim().toUpperCase() : '';
  if (!isUf(uf)) problems.add(`${at}.payer.uf`, `UF inválida: ${JSON.stringify(payer.uf)}`);
  return { title: t, nossoNumero, documentNumber, kind, interestPerDay, fine, postalCode, uf, payerDocument };
}

const documentType = (document: string): string => (document.length === 11 ? '1' : '2');

/** The 17 positions every detail record starts with: banco, lote, tipo 3, sequência, segmento, movimento 01. */
function detail(bankCode: string, sequence: number, segment: string): RecordWriter {
  return new RecordWriter(240)
    .put([1, 3], bankCode)
    .put([4, 7], '0001')
    .put([8, 8], '3')
    .num([9, 13], sequence)
    .put([14, 14], segment)
    .put([15, 15], ' ')
    .put([16, 17], '01');
}

const apply = (record: RecordWriter, puts: Put[]): RecordWriter => {
  for (const [span, value] of puts) record.put(span, value);
  return record;
};

export function buildRemessa240(input: RemessaInput): string {
  const { account, titles, date, time } = validate(input);
  const bank = REMESSA_BANKS[account.bankCode];
  const code = account.bankCode;
  const document = input.beneficiary.document.replace(/\D/g, '');
  const lines: string[] = [];

  const header = new RecordWriter(240).put([1, 3], code).put([4, 7], '0000').put([8, 8], '0');
  header
    .put(bank.headerDocument.type, documentType(document))
    .num(bank.headerDocument.document, document)
    .alpha([73, 102], input.beneficiary.name)
    .alpha([103, 132], bank.name)
    .put([143, 143], '1')
    .put([144, 151], ddmmyyyy(date))
    .put([152, 157], time)
    .num([158, 163], input.fileSequence)
    .put([164, 166], bank.fileVersion)
    .put([167, 171], '00000');
  lines.push(apply(header, bank.header(account)).toString());

  const batch = new RecordWriter(240)
    .put([1, 3], code)
    .put([4, 7], '0001')
    .put([8, 8], '1')
    .put([9, 9], 'R')
    .put([10, 11], '01')
    .put([14, 16], bank.batchVersion)
    .put([18, 18], documentType(document))
    .num([19, 33], document)
    .alpha([74, 103], input.beneficiary.name)
    .num([184, 191], input.fileSequence)
    .put([192, 199], ddmmyyyy(date))
    .num([200, 207], 0);
  lines.push(apply(batch, bank.batch(account)).toString());

  let sequence = 0;
  let total = 0;
  for (const t of titles) {
    total += t.title.amount;
    lines.push(segmentP(bank, account, t, ++sequence).toString());
    lines.push(segmentQ(bank, code, t, ++sequence).toString());
    lines.push(segmentR(bank, code, t, ++sequence).toString());
  }

  const batchTrailer = new RecordWriter(240).put([1, 3], code).put([4, 7], '0001').put([8, 8], '5').num([18, 23], sequence + 2);
  if (bank.batchTotals) {
    batchTrailer.num([24, 29], titles.length).num([30, 46], total).num([47, 52], 0).num([53, 69], 0).num([70, 75], 0).num([76, 92], 0).num([93, 98], 0).num([99, 115], 0);
  }
  lines.push(batchTrailer.toString());
  const fileTrailer = new RecordWriter(240).put([1, 3], code).put([4, 7], '9999').put([8, 8], '9').num([18, 23], 1).num([24, 29], lines.length + 1);
  if (bank.fileTrailerZeros) fileTrailer.num([30, 35], 0);
  lines.push(fileTrailer.toString());
  return lines.join('\r\n') + '\r\n';
}

function segmentP(bank: RemessaBank, account: NormalizedAccount, t: NormalizedTitle, sequence: number): RecordWriter {
  const { title } = t;
  const hasInterest = t.interestPerDay > 0;
  const record = detail(account.bankCode, sequence, 'P');
  apply(record, bank.p(account, t.nossoNumero));
  record
    .alpha(bank.pDocumentNumber, t.documentNumber)
    .put([78, 85], ddmmyyyy(title.dueDate))
    .num([86, 100], title.amount)
    .num([101, 105], 0)
    .put([106, 106], '0')
    .put([107, 108], t.kind)
    .put([109, 109], 'N')
    .put([110, 117], ddmmyyyy(title.issueDate))
    // Juros de mora: 1 = valor por dia, from the day after the due date; 3 = isento.
    .put([118, 118], hasInterest ? '1' : '3')
    .put([119, 126], hasInterest ? ddmmyyyy(addDays(title.dueDate, 1)) : zeros(0, 8))
    .num([127, 141], t.interestPerDay)
    .put([142, 142], '0')
    .num([143, 150], 0)
    .num([151, 165], 0)
    .num([166, 180], 0)
    .num([181, 195], 0)
    .alpha([196, 220], t.documentNumber);
  return apply(record, bank.pTail);
}

function segmentQ(bank: RemessaBank, code: CnabBankCode, t: NormalizedTitle, sequence: number): RecordWriter {
  const payer = t.title.payer;
  const record = detail(code, sequence, 'Q')
    .put([18, 18], documentType(t.payerDocument))
    .num([19, 33], t.payerDocument)
    .alpha([34, 73], '')
    .alpha(bank.qName, payer.name)
    .alpha([74, 113], payer.street)
    .alpha([114, 128], payer.district ?? '')
    .put([129, 136], t.postalCode)
    .alpha([137, 151], payer.city)
    .put([152, 153], t.uf)
    .put([154, 154], '0')
    .num([155, 169], 0)
    .alpha([170, 209], '');
  return apply(record, bank.qTail);
}

function segmentR(bank: RemessaBank, code: CnabBankCode, t: NormalizedTitle, sequence: number): RecordWriter {
  const { fine } = t;
  const record = detail(code, sequence, 'R')
    .put([18, 18], '0')
    .num([19, 26], 0)
    .num([27, 41], 0)
    .put([42, 42], '0')
    .num([43, 50], 0)
    .num([51, 65], 0)
    .put([66, 66], fine ? fine.code : '0')
    .put([67, 74], fine ? ddmmyyyy(fine.date) : zeros(0, 8))
    .num([75, 89], fine ? fine.value : 0)
    .alpha([90, 179], '');
  return apply(record, bank.rTail);
}

// ---------------------------------------------------------------------------------------------
// Reading back

/**
 * Reads a remessa written by buildRemessa240 (or any FEBRABAN 240 remessa of these banks with
 * P, Q and optional R segments) back into its input. Text comes back as written (uppercase,
 * without accents, truncated to the fields); numbers without leading zeros.
 */
export function parseRemessa240(content: string | Buffer | Uint8Array): RemessaInput {
  const { layout, records } = toRecords(content);
  const header = records[0]!;
  if (layout !== 'cnab240') throw lineError(1, 'a remessa CNAB 240 tem registros de 240 caracteres.');
  const code = slice(header, C240.bankCode);
  if (!isCnabBank(code)) throw fieldError(header, C240.bankCode, 'bankCode', `banco "${shown(code)}" não suportado (suportados: ${SUPPORTED_BANKS_TEXT}).`);
  if (slice(header, [4, 8]) !== '00000') throw fieldError(header, [4, 8], 'recordType', 'a primeira linha não é o header de arquivo (lote 0000, tipo 0).');
  if (slice(header, C240.fileKind) !== '1') throw fieldError(header, C240.fileKind, 'fileKind', `"${shown(slice(header, C240.fileKind))}" — esperado 1 (remessa).`);
  const bank = REMESSA_BANKS[code];
  const r = bank.read;
  const agreement = r.agreement ? (readCode(header, 'agreement', r.agreement) ?? '') : '';

  const titles: RemessaTitle[] = [];
  let first: CnabRecord | null = null;
  /** The title being read: its P, then its Q and (optionally) R. */
  let open: { p: CnabRecord; q: CnabRecord | null; r: CnabRecord | null } | null = null;
  const close = (): void => {
    if (open && !open.q) throw lineError(open.p.line, 'segmento P sem o segmento Q do pagador.');
    if (open?.q) titles.push(readTitle(code, bank, agreement, open.p, open.q, open.r));
    open = null;
  };
  let expected = 1;
  let batchLine = 0;
  let trailer: CnabRecord | null = null;
  for (const record of records.slice(1)) {
    if (trailer) throw lineError(record.line, `registro depois do trailer de arquivo (linha ${trailer.line}).`);
    if (slice(record, C240.bankCode) !== code) throw fieldError(record, C240.bankCode, 'bankCode', `"${shown(slice(record, C240.bankCode))}", mas o header é do banco ${code}.`);
    const type = slice(record, C240.recordType);
    if (type === '1') {
      if (batchLine) throw lineError(record.line, 'a remessa tem um só lote.');
      batchLine = record.line;
    } else if (type === '3') {
      if (!batchLine) throw lineError(record.line, 'detalhe antes do header de lote.');
      const sequence = readInteger(record, 'sequence', C240.sequence);
      if (sequence !== expected) throw fieldError(record, C240.sequence, 'sequence', `esperado ${String(expected).padStart(5, '0')}.`);
      expected++;
      first ??= record;
      const segment = slice(record, C240.segment);
      const current = open;
      if (segment === 'P') {
        close();
        open = { p: record, q: null, r: null };
      } else if (segment === 'Q' && current && !current.q) current.q = record;
      else if (segment === 'R' && current?.q && !current.r) current.r = record;
      else if (segment === 'S' && current?.q) continue;
      else throw fieldError(record, C240.segment, 'segment', `"${shown(segment)}" fora de ordem (cada título é P, Q e, opcionalmente, R).`);
    } else if (type === '5') {
      close();
      const stated = readInteger(record, 'batchRecords', C240.batchRecords);
      if (stated !== expected + 1) throw fieldError(record, C240.batchRecords, 'batchRecords', `informa ${stated}, mas o lote tem ${expected + 1} registros.`);
    } else if (type === '9') {
      if (open) throw lineError(record.line, 'trailer de arquivo sem o trailer de lote antes dele.');
      const stated = readInteger(record, 'fileRecords', C240.fileRecords);
      if (stated !== record.line - header.line + 1) throw fieldError(record, C240.fileRecords, 'fileRecords', `informa ${stated}, mas o arquivo tem ${record.line - header.line + 1} registros.`);
      trailer = record;
    } else {
      throw fieldError(record, C240.recordType, 'recordType', `"${shown(type)}" não é um registro da remessa (1, 3, 5 ou 9).`);
    }
  }
  if (!trailer) throw lineError(records[records.length - 1]!.line, 'a remessa terminou sem o trailer de arquivo (registro 9).');

  const place = (where: 'header' | 'p'): CnabRecord => (where === 'header' ? header : (first ?? header));
  const digitAt = (record: CnabRecord, span: readonly [number, number] | null): string | undefined => {
    const value = span ? slice(record, span).trim() : '';
    return value === '' ? undefined : value;
  };
  const agencyRecord = place(r.agency.record);
  const accountRecord = r.account ? place(r.account.record) : null;
  let wallet = r.wallet ? (readText(code === '001' ? header : (first ?? header), r.wallet) ?? '') : 'RG';
  if (code === '001') {
    const variation = slice(header, [48, 50]);
    if (variation !== '000' && variation.trim() !== '') wallet = `${wallet}-${variation}`;
  }
  if (code === '237') wallet = wallet.replace(/^0(?=\d\d$)/, '');
  const account: CnabAccount = {
    bankCode: code,
    agency: readCode(agencyRecord, 'agency', r.agency.span) ?? '0',
    account: accountRecord && r.account ? (readCode(accountRecord, 'account', r.account.span) ?? '0') : '',
    wallet,
  };
  const agencyDigit = digitAt(agencyRecord, r.agency.digit);
  if (agencyDigit) account.agencyDigit = agencyDigit;
  const accountDigit = accountRecord && r.account ? digitAt(accountRecord, r.account.digit) : undefined;
  if (accountDigit) account.accountDigit = accountDigit;
  if (agreement) account.agreement = agreement;
  const docSpan = bank.headerDocument;
  const date = readDate(header, 'generatedOn', C240.generatedOn) ?? '';
  const time = slice(header, C240.generatedTime);
  return {
    account,
    beneficiary: {
      name: readText(header, [73, 102]) ?? '',
      document: (readCode(header, 'document', docSpan.document) ?? '').padStart(slice(header, docSpan.type) === '1' ? 11 : 14, '0'),
    },
    fileSequence: readInteger(header, 'fileSequence', C240.fileSequence),
    generatedAt: `${date}T${/^\d{6}$/.test(time) ? `${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}` : '00:00:00'}`,
    titles,
  };
}

function readTitle(code: CnabBankCode, bank: RemessaBank, agreement: string, p: CnabRecord, q: CnabRecord, r: CnabRecord | null): RemessaTitle {
  const field = slice(p, bank.read.nossoNumero).trim();
  let nossoNumero = field;
  let nossoNumeroDigit: string | null = bank.read.nossoNumeroDigit ? slice(p, bank.read.nossoNumeroDigit) : null;
  if (code === '001' && agreement.length !== 7) {
    nossoNumeroDigit = field.slice(-1);
    nossoNumero = field.slice(0, -1);
  }
  if (!/^\d+$/.test(nossoNumero)) throw fieldError(p, bank.read.nossoNumero, 'nossoNumero', `"${shown(field)}" não é um nosso número.`);
  const interestPerDay = readMoney(p, 'interestPerDay', [127, 141]);
  const title: RemessaTitle = {
    nossoNumero: nossoNumero.replace(/^0+(?=\d)/, ''),
    nossoNumeroDigit,
    documentNumber: readText(p, [196, 220]) ?? readText(p, bank.pDocumentNumber) ?? '',
    issueDate: readDate(p, 'issueDate', [110, 117]) ?? '',
    dueDate: readDate(p, 'dueDate', [78, 85]) ?? '',
    amount: readMoney(p, 'faceValue', [86, 100]),
    kind: slice(p, [107, 108]),
    interestPerDay,
    payer: {
      name: readText(q, bank.qName) ?? '',
      document: (readCode(q, 'payerDocument', [19, 33]) ?? '').padStart(slice(q, [18, 18]) === '1' ? 11 : 14, '0'),
      street: readText(q, [74, 113]) ?? '',
      district: readText(q, [114, 128]) ?? '',
      postalCode: slice(q, [129, 136]),
      city: readText(q, [137, 151]) ?? '',
      uf: slice(q, [152, 153]),
    },
  };
  const fineCode = r ? slice(r, [66, 66]) : '0';
  if (r && (fineCode === '1' || fineCode === '2')) {
    const value = readMoney(r, 'fineValue', [75, 89]);
    title.fine = { date: readDate(r, 'fineDate', [67, 74]) ?? '', ...(fineCode === '1' ? { amount: value } : { rateBasisPoints: value }) };
  } else if (r && fineCode !== '0') {
    throw fieldError(r, [66, 66], 'fineCode', `"${shown(fineCode)}" — esperado 0, 1 ou 2.`);
  }
  return title;
}
