/**
 * Reading a CNAB 400 return: header ("02RETORNO01COBRANCA"), one record per title movement,
 * trailer (type 9). Every record ends with its sequence number in the file (395–400), which
 * is checked, so a duplicated, dropped or reordered line is refused with its line named.
 */
import { CNAB_BANKS, isCnabBank, SUPPORTED_BANKS_TEXT } from './banks.ts';
import { fieldError, lineError, readCode, readDate, readMoney, readText, shown, slice, type CnabRecord } from './fields.ts';
import { C400, RETURN_400, type Located, type Return400Layout } from './layouts-400.ts';
import { isPaidOccurrence, occurrenceText } from './occurrences.ts';
import { readDocument, readNossoNumero, readReasons, withDigit } from './records.ts';
import type { CnabDetail, CnabReturn } from './types.ts';

export function parseReturn400(records: CnabRecord[]): CnabReturn {
  const header = records[0]!;
  const literal = slice(header, C400.headerLiteral);
  if (literal !== '02RETORNO') {
    throw fieldError(
      header,
      C400.headerLiteral,
      'recordType',
      literal === '01REMESSA' ? 'este é um arquivo de remessa; aqui se lê o retorno do banco ("02RETORNO").' : `"${shown(literal)}" — o header de um retorno CNAB 400 começa com "02RETORNO".`,
    );
  }
  const bankCode = slice(header, C400.bankCode);
  if (!isCnabBank(bankCode)) throw fieldError(header, C400.bankCode, 'bankCode', `banco "${shown(bankCode)}" não suportado (suportados: ${SUPPORTED_BANKS_TEXT}).`);
  const layout = RETURN_400[bankCode];
  if (!layout) {
    throw fieldError(header, C400.bankCode, 'bankCode', `o retorno CNAB 400 do banco ${bankCode} (${CNAB_BANKS[bankCode]}) não é lido; peça ao banco o retorno em CNAB 240.`);
  }

  records.forEach((record, index) => {
    const sequence = slice(record, C400.sequence);
    const expected = String(index + 1).padStart(6, '0');
    if (sequence !== expected) throw fieldError(record, C400.sequence, 'sequence', `esperado ${expected} (registro nº ${index + 1} do arquivo), encontrado "${shown(sequence)}".`);
  });

  const details: CnabRecord[] = [];
  let trailer: CnabRecord | null = null;
  for (const record of records.slice(1)) {
    if (trailer) throw lineError(record.line, `registro depois do trailer (linha ${trailer.line}).`);
    const type = slice(record, C400.recordType);
    if (layout.detailTypes.includes(type)) details.push(record);
    else if (type === '9') trailer = record;
    else if (type === '0') throw lineError(record.line, `segundo header (o primeiro está na linha ${header.line}).`);
    else if (!layout.ignoredTypes.includes(type)) {
      const why =
        bankCode === '001' && type === '1'
          ? 'o registro tipo 1 do Banco do Brasil (convênio de 6 dígitos) não é lido; só o tipo 7 (CBR643, convênio de 7 dígitos).'
          : `"${shown(type)}" não é um registro deste retorno (detalhe ${layout.detailTypes.join('/')}, trailer 9).`;
      throw fieldError(record, C400.recordType, 'recordType', why);
    }
  }
  if (!trailer) throw lineError(records[records.length - 1]!.line, 'o arquivo terminou sem o trailer (registro 9) — arquivo truncado?');

  const first = details[0] ?? null;
  const locate = (located: Located | null): CnabRecord | null => (located === null ? null : located.record === 'header' ? header : first);
  const code = (key: string, located: Located | null): string | null => {
    const record = locate(located);
    return record && located ? readCode(record, key, located.span) : null;
  };
  const digit = (located: Located | null): string | null => {
    const record = locate(located);
    return record && located ? slice(record, located.span) : null;
  };
  const b = layout.beneficiary;
  const documentRecord = locate(b.document);
  const agreement = code('agreement', b.agreement);
  return {
    layout: 'cnab400',
    bankCode,
    bankName: CNAB_BANKS[bankCode],
    generatedOn: readDate(header, 'generatedOn', C400.generatedOn),
    beneficiary: {
      document: documentRecord && b.document ? readDocument(documentRecord, [2, 3], b.document.span) : null,
      agency: withDigit(code('agency', b.agency), digit(b.agencyDigit)),
      account: withDigit(code('account', b.account), digit(b.accountDigit)),
      agreement,
    },
    details: details.map((record) => readDetail(record, bankCode, layout, agreement)),
  };
}

function readDetail(record: CnabRecord, bankCode: string, layout: Return400Layout, agreement: string | null): CnabDetail {
  const d = layout.detail;
  const occurrence = slice(record, d.occurrence);
  if (!/^\d{2}$/.test(occurrence)) throw fieldError(record, d.occurrence, 'occurrence', `"${shown(occurrence)}" não é um código de ocorrência (2 dígitos).`);
  const paid = isPaidOccurrence('cnab400', bankCode, occurrence);
  const occurrenceDate = readDate(record, 'occurrenceDate', d.occurrenceDate);
  const documentNumber = readText(record, d.documentNumber);
  return {
    line: record.line,
    bankCode,
    nossoNumero: readNossoNumero(record, d.nossoNumero, d.nossoNumeroRule, agreement),
    occurrence,
    occurrenceText: occurrenceText('cnab400', bankCode, occurrence),
    paid,
    amountPaid: readMoney(record, 'amountPaid', d.amountPaid),
    paymentDate: paid ? occurrenceDate : null,
    creditDate: readDate(record, 'creditDate', d.creditDate),
    fees: readMoney(record, 'fees', d.fees),
    faceValue: readMoney(record, 'faceValue', d.faceValue),
    dueDate: readDate(record, 'dueDate', d.dueDate),
    interest: readMoney(record, 'interest', d.interest),
    discount: readMoney(record, 'discount', d.discount),
    documentNumber: documentNumber === null || /^0+$/.test(documentNumber) ? null : documentNumber,
    occurrenceDate,
    rebate: readMoney(record, 'rebate', d.rebate),
    iof: readMoney(record, 'iof', d.iof),
    otherCredits: readMoney(record, 'otherCredits', d.otherCredits),
    wallet: d.wallet ? readText(record, d.wallet) : null,
    collectingAgency: withDigit(readCode(record, 'collectingAgency', d.collectingAgency), d.collectingAgencyDigit ? slice(record, d.collectingAgencyDigit) : null),
    reasons: readReasons(record, d.reasons),
    settlementCode: d.settlementCode ? readText(record, d.settlementCode) : null,
    dda: d.dda ? slice(record, d.dda) === '1' : false,
  };
}
