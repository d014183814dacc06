/**
 * Reading a CNAB 240 return: header de arquivo, lotes (header, T/U pairs, trailer) and trailer
 * de arquivo, in that order (FEBRABAN v09.1, "Composição do arquivo"). The structure is
 * checked as strictly as the manual states it — sequence numbers within the lot, T followed by
 * its U, the trailers' counts — so a truncated, shuffled or doubled file is refused, naming the
 * line, rather than read into wrong payments.
 */
import { CNAB_BANKS, isCnabBank, SUPPORTED_BANKS_TEXT } from './banks.ts';
import { fieldError, lineError, readCode, readDate, readInteger, readMoney, readText, shown, slice, type CnabRecord } from './fields.ts';
import { C240, RETURN_240, type Return240Layout } from './layouts-240.ts';
import { isPaidOccurrence, occurrenceText } from './occurrences.ts';
import { readDocument, readNossoNumero, readReasons, withDigit } from './records.ts';
import type { CnabDetail, CnabReturn } from './types.ts';

/** Segments a cobrança return may carry besides T and U (FEBRABAN: W complemento, Y opcional). */
const OPTIONAL_SEGMENTS = ['W', 'Y'];

export function parseReturn240(records: CnabRecord[]): CnabReturn {
  const header = records[0]!;
  const bankCode = readHeaderBank(header);
  const layout = RETURN_240[bankCode];
  if (slice(header, C240.batch) !== '0000' || slice(header, C240.recordType) !== '0') {
    throw fieldError(header, [4, 8], 'recordType', `a primeira linha não é o header de arquivo (lote 0000, tipo 0): "${shown(slice(header, [4, 8]))}".`);
  }
  const kind = slice(header, C240.fileKind);
  if (kind !== '2') {
    throw fieldError(header, C240.fileKind, 'fileKind', kind === '1' ? 'este é um arquivo de remessa (1); aqui se lê o retorno do banco (2).' : `"${shown(kind)}" — esperado 2 (retorno).`);
  }
  const agreement = layout.header.agreement ? readCode(header, 'agreement', layout.header.agreement) : null;
  const h = layout.header;
  const result: CnabReturn = {
    layout: 'cnab240',
    bankCode,
    bankName: CNAB_BANKS[bankCode],
    generatedOn: readDate(header, 'generatedOn', C240.generatedOn),
    beneficiary: {
      document: readDocument(header, h.documentType, h.document),
      agency: h.agency ? withDigit(readCode(header, 'agency', h.agency), h.agencyDigit ? slice(header, h.agencyDigit) : null) : null,
      account: h.account ? withDigit(readCode(header, 'account', h.account), h.accountDigit ? slice(header, h.accountDigit) : null) : null,
      agreement,
    },
    details: [],
  };

  let batch: { line: number; id: string; records: number; nextSequence: number; pendingT: CnabRecord | null } | null = null;
  let closedBatches = 0;
  let trailer: CnabRecord | null = null;
  for (const record of records.slice(1)) {
    if (trailer) throw lineError(record.line, `registro depois do trailer de arquivo (linha ${trailer.line}).`);
    const bank = slice(record, C240.bankCode);
    if (bank !== bankCode) throw fieldError(record, C240.bankCode, 'bankCode', `"${shown(bank)}", mas o header é do banco ${bankCode}.`);
    const type = slice(record, C240.recordType);
    const id = slice(record, C240.batch);
    switch (type) {
      case '1': {
        if (batch) throw lineError(record.line, `header de lote, mas o lote aberto na linha ${batch.line} não foi fechado (falta o trailer de lote, registro 5).`);
        if (!/^\d{4}$/.test(id) || id === '0000' || id === '9999') throw fieldError(record, C240.batch, 'batch', `"${shown(id)}" não é um número de lote (0001 a 9998).`);
        batch = { line: record.line, id, records: 1, nextSequence: 1, pendingT: null };
        break;
      }
      case '2':
      case '3':
      case '4': {
        if (!batch) throw lineError(record.line, `registro tipo ${type} fora de um lote (falta o header de lote, registro 1, antes dele).`);
        if (id !== batch.id) throw fieldError(record, C240.batch, 'batch', `"${shown(id)}", mas o lote aberto na linha ${batch.line} é ${batch.id}.`);
        batch.records++;
        if (type !== '3') break;
        const sequence = slice(record, C240.sequence);
        const expected = String(batch.nextSequence).padStart(5, '0');
        if (sequence !== expected) throw fieldError(record, C240.sequence, 'sequence', `esperado ${expected} (o registro anterior do lote é o ${batch.nextSequence - 1}), encontrado "${shown(sequence)}".`);
        batch.nextSequence++;
        const segment = slice(record, C240.segment);
        if (segment === 'T') {
          if (batch.pendingT) throw lineError(batch.pendingT.line, `segmento T sem o segmento U correspondente (a linha seguinte, ${record.line}, é outro T).`);
          batch.pendingT = record;
        } else if (segment === 'U') {
          if (!batch.pendingT) throw lineError(record.line, 'segmento U sem o segmento T que deve precedê-lo.');
          result.details.push(readDetail(batch.pendingT, record, bankCode, layout, agreement));
          batch.pendingT = null;
        } else if (OPTIONAL_SEGMENTS.includes(segment)) {
          if (batch.pendingT) throw lineError(batch.pendingT.line, `segmento T sem o segmento U correspondente (a linha seguinte, ${record.line}, é o segmento ${segment}).`);
        } else {
          throw fieldError(record, C240.segment, 'segment', `"${shown(segment)}" não é um segmento do retorno de cobrança (T, U, W ou Y).`);
        }
        break;
      }
      case '5': {
        if (!batch) throw lineError(record.line, 'trailer de lote sem lote aberto.');
        if (id !== batch.id) throw fieldError(record, C240.batch, 'batch', `"${shown(id)}", mas o lote aberto na linha ${batch.line} é ${batch.id}.`);
        if (batch.pendingT) throw lineError(batch.pendingT.line, `segmento T sem o segmento U correspondente (a linha seguinte, ${record.line}, é o trailer de lote).`);
        batch.records++;
        // FEBRABAN counts the lot's header and trailer too; Santander's return counts only the
        // details (the real file in test/fixtures/cnab says 000002 for one T/U pair). Both are taken.
        checkCount(record, 'batchRecords', [batch.records, batch.records - 2], `o lote da linha ${batch.line} tem ${batch.records} registros (${batch.records - 2} detalhes)`);
        batch = null;
        closedBatches++;
        break;
      }
      case '9': {
        if (batch) throw lineError(record.line, `trailer de arquivo, mas o lote aberto na linha ${batch.line} não tem trailer de lote (registro 5).`);
        // FEBRABAN writes lote 9999 here; the real Santander file repeats its lot number (7031), so it is not checked.
        checkCount(record, 'fileBatches', [closedBatches], `o arquivo tem ${closedBatches} lote(s)`);
        checkCount(record, 'fileRecords', [record.line - records[0]!.line + 1], `o arquivo tem ${record.line - records[0]!.line + 1} registros`);
        trailer = record;
        break;
      }
      case '0':
        throw lineError(record.line, `segundo header de arquivo (o primeiro está na linha ${header.line}).`);
      default:
        throw fieldError(record, C240.recordType, 'recordType', `"${shown(type)}" não é um tipo de registro CNAB 240 (0, 1, 2, 3, 4, 5 ou 9).`);
    }
  }
  const last = records[records.length - 1]!;
  if (batch) throw lineError(last.line, `o arquivo terminou com o lote da linha ${batch.line} aberto (sem trailer de lote) — arquivo truncado?`);
  if (!trailer) throw lineError(last.line, 'o arquivo terminou sem o trailer de arquivo (registro 9) — arquivo truncado?');
  return result;
}

function readHeaderBank(header: CnabRecord): keyof typeof RETURN_240 {
  const bank = slice(header, C240.bankCode);
  if (!isCnabBank(bank)) {
    throw fieldError(header, C240.bankCode, 'bankCode', `banco "${shown(bank)}" não suportado (suportados: ${SUPPORTED_BANKS_TEXT}).`);
  }
  return bank;
}

/** Trailer counts must match what was read; a blank or zero count is not checked (some banks omit them). */
function checkCount(record: CnabRecord, key: 'batchRecords' | 'fileBatches' | 'fileRecords', accepted: number[], what: string): void {
  const span = C240[key];
  const stated = readInteger(record, key, span, { blankIsZero: true });
  if (stated !== 0 && !accepted.includes(stated)) throw fieldError(record, span, key, `informa ${stated}, mas ${what}.`);
}

function readDetail(t: CnabRecord, u: CnabRecord, bankCode: string, layout: Return240Layout, agreement: string | null): CnabDetail {
  const occurrence = slice(t, C240.occurrence);
  if (!/^\d{2}$/.test(occurrence)) throw fieldError(t, C240.occurrence, 'occurrence', `"${shown(occurrence)}" não é um código de ocorrência (2 dígitos).`);
  const T = layout.t;
  const U = layout.u;
  const paid = isPaidOccurrence('cnab240', bankCode, occurrence);
  const occurrenceDate = readDate(u, 'occurrenceDate', U.occurrenceDate);
  const documentNumber = readText(t, T.documentNumber);
  // Read (and so validated) even when unused: a garbled amount anywhere in U is a bad file.
  readMoney(u, 'netAmount', U.netAmount);
  readMoney(u, 'otherExpenses', U.otherExpenses);
  return {
    line: t.line,
    bankCode,
    nossoNumero: readNossoNumero(t, T.nossoNumero, T.nossoNumeroRule, agreement),
    occurrence,
    occurrenceText: occurrenceText('cnab240', bankCode, occurrence),
    paid,
    amountPaid: readMoney(u, 'amountPaid', U.amountPaid),
    paymentDate: paid ? occurrenceDate : null,
    creditDate: readDate(u, 'creditDate', U.creditDate),
    fees: readMoney(t, 'fees', T.fees),
    faceValue: readMoney(t, 'faceValue', T.faceValue),
    dueDate: readDate(t, 'dueDate', T.dueDate),
    interest: readMoney(u, 'interest', U.interest),
    discount: readMoney(u, 'discount', U.discount),
    documentNumber: documentNumber === null || /^0+$/.test(documentNumber) ? null : documentNumber,
    occurrenceDate,
    rebate: readMoney(u, 'rebate', U.rebate),
    iof: readMoney(u, 'iof', U.iof),
    otherCredits: readMoney(u, 'otherCredits', U.otherCredits),
    wallet: readText(t, T.wallet),
    collectingAgency: withDigit(readCode(t, 'collectingAgency', T.collectingAgency), slice(t, T.collectingAgencyDigit)),
    reasons: readReasons(t, T.reasons),
    settlementCode: null,
    dda: false,
  };
}
