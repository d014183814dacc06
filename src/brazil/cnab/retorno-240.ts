/**
 * A bank's CNAB 240 return file as the bank would send it — header de arquivo, one lote with a
 * T and a U segment per payment, trailers — for tests and the demo to stand in for the bank.
 * It writes every field at the positions the reader's tables (layouts-240.ts) take them from,
 * plus the bank's own nosso número block (carteira, DV, modalidade), so parseCnabReturn gives
 * the payments back for each of the six banks.
 */
import { alpha, ddmmyyyy, RecordWriter, zeros, type Span } from './fields.ts';
import { CNAB_BANKS } from './banks.ts';
import { bankNossoNumero, checkCents, checkDate, normalizeAccount, normalizeBeneficiary, Problems, type BankNossoNumero, type NormalizedAccount } from './input.ts';
import { C240, RETURN_240 } from './layouts-240.ts';
import type { RetornoInput, RetornoPayment } from './types.ts';

/** The bank's block around the nosso número in segment T (up to position 58, carteira code). */
function nossoNumeroBlock(a: NormalizedAccount, nn: BankNossoNumero): Array<readonly [Span, string]> {
  const digit = nn.digit ?? '0';
  switch (a.bankCode) {
    case '001':
      return [[[38, 57], alpha(nn.number + (nn.digit ?? ''), 20)], [[58, 58], a.wallet === '17' ? '7' : '1']];
    case '033':
      return [[[41, 52], nn.number], [[53, 53], digit], [[54, 54], a.wallet]];
    case '104':
      return [[[40, 56], nn.number], [[57, 57], '0'], [[58, 58], '1']];
    case '237':
      return [[[38, 40], zeros(a.wallet, 3)], [[41, 45], zeros(0, 5)], [[46, 56], nn.number], [[57, 57], digit], [[58, 58], '1']];
    case '341':
      return [[[38, 40], a.wallet], [[41, 48], nn.number], [[49, 49], digit], [[50, 57], ' '.repeat(8)], [[58, 58], '0']];
    case '756':
      return [[[38, 57], `${zeros(nn.number, 9)}${digit}01${a.wallet}4     `], [[58, 58], '1']];
  }
}

interface Checked {
  payment: RetornoPayment;
  nossoNumero: BankNossoNumero;
  occurrence: string;
}

function validate(input: RetornoInput): { account: NormalizedAccount; payments: Checked[] } {
  const problems = new Problems();
  const account = normalizeAccount(input?.account, problems);
  normalizeBeneficiary(input?.beneficiary, problems);
  checkDate(input?.generatedOn, 'generatedOn', problems);
  if (!Number.isInteger(input?.fileSequence) || input.fileSequence < 1 || input.fileSequence > 999_999) {
    problems.add('fileSequence', 'número sequencial do arquivo deve ser um inteiro de 1 a 999999');
  }
  const payments = Array.isArray(input?.payments) ? input.payments : [];
  if (payments.length > 49_998) problems.add('payments', 'no máximo 49998 pagamentos por lote');
  const checked = account
    ? payments.map((payment, index): Checked => {
        const at = `payments[${index}]`;
        const p = payment ?? ({} as RetornoPayment);
        const nossoNumero = bankNossoNumero(account, p.nossoNumero, p.nossoNumeroDigit, `${at}.nossoNumero`, problems, { digitOptional: true });
        checkCents(p.faceValue, `${at}.faceValue`, problems);
        checkCents(p.amountPaid, `${at}.amountPaid`, problems);
        for (const key of ['fees', 'interest', 'discount'] as const) if (p[key] !== undefined) checkCents(p[key], `${at}.${key}`, problems);
        if (p.dueDate !== undefined) checkDate(p.dueDate, `${at}.dueDate`, problems);
        checkDate(p.paymentDate, `${at}.paymentDate`, problems);
        checkDate(p.creditDate, `${at}.creditDate`, problems);
        const occurrence = p.occurrence ?? '06';
        if (typeof occurrence !== 'string' || !/^\d{2}$/.test(occurrence)) problems.add(`${at}.occurrence`, 'código de ocorrência tem 2 dígitos (06 = liquidação)');
        if (p.documentNumber !== undefined && typeof p.documentNumber !== 'string') problems.add(`${at}.documentNumber`, 'número do documento deve ser texto');
        return { payment: p, nossoNumero, occurrence };
      })
    : [];
  problems.throwIfAny('Retorno CNAB 240 inválido');
  return { account: account!, payments: checked };
}

export function buildRetorno240(input: RetornoInput): string {
  const { account, payments } = validate(input);
  const code = account.bankCode;
  const layout = RETURN_240[code];
  const h = layout.header;
  const document = input.beneficiary.document.replace(/\D/g, '');
  const date = ddmmyyyy(input.generatedOn);
  const lines: string[] = [];

  const header = new RecordWriter(240)
    .put(C240.bankCode, code)
    .put(C240.batch, '0000')
    .put(C240.recordType, '0')
    .put(h.documentType, document.length === 11 ? '1' : '2')
    .num(h.document, document)
    .alpha(h.beneficiaryName, input.beneficiary.name)
    .alpha([103, 132], CNAB_BANKS[code])
    .put(C240.fileKind, '2')
    .put(C240.generatedOn, date)
    .num(C240.generatedTime, 0)
    .num(C240.fileSequence, input.fileSequence)
    .put([164, 166], '040')
    .num([167, 171], 0);
  if (h.agreement && account.agreement) header.num(h.agreement, account.agreement);
  if (h.agency) header.num(h.agency, account.agency);
  if (h.agencyDigit) header.put(h.agencyDigit, account.agencyDigit || ' ');
  if (h.account) header.num(h.account, account.account);
  if (h.accountDigit) header.put(h.accountDigit, account.accountDigit || ' ');
  if (code === '001') header.put([42, 45], '0014').put([46, 50], account.wallet + account.walletVariation);
  lines.push(header.toString());

  lines.push(
    new RecordWriter(240)
      .put(C240.bankCode, code)
      .put(C240.batch, '0001')
      .put(C240.recordType, '1')
      .put([9, 9], 'T')
      .put([10, 11], '01')
      .put([12, 13], '00')
      .put([14, 16], '030')
      .put([18, 18], document.length === 11 ? '1' : '2')
      .num([19, 33], document)
      .alpha([74, 103], input.beneficiary.name)
      .num([184, 191], input.fileSequence)
      .put([192, 199], date)
      .num([200, 207], 0)
      .toString(),
  );

  let sequence = 0;
  let total = 0;
  for (const { payment: p, nossoNumero, occurrence } of payments) {
    const T = layout.t;
    const U = layout.u;
    const fees = p.fees ?? 0;
    const t = segment(code, ++sequence, 'T', occurrence);
    for (const [span, value] of nossoNumeroBlock(account, nossoNumero)) t.put(span, value);
    t.alpha(T.documentNumber, p.documentNumber ?? '')
      .put(T.dueDate, p.dueDate ? ddmmyyyy(p.dueDate) : zeros(0, 8))
      .num(T.faceValue, p.faceValue)
      .put(T.collectingBank, code)
      .num(T.collectingAgency, 0)
      .put(T.collectingAgencyDigit, '0')
      .alpha(T.companyUse, p.documentNumber ?? '')
      .num(T.fees, fees);
    lines.push(t.toString());
    const u = segment(code, ++sequence, 'U', occurrence)
      .num(U.interest, p.interest ?? 0)
      .num(U.discount, p.discount ?? 0)
      .num(U.rebate, 0)
      .num(U.iof, 0)
      .num(U.amountPaid, p.amountPaid)
      // BB credits what was paid less its fee; CAIXA and Santander credit it all and debit the
      // fee apart (so their real files in test/fixtures/cnab show).
      .num(U.netAmount, code === '001' ? Math.max(0, p.amountPaid - fees) : p.amountPaid)
      .num(U.otherExpenses, 0)
      .num(U.otherCredits, 0)
      .put(U.occurrenceDate, ddmmyyyy(p.paymentDate))
      .put(U.creditDate, ddmmyyyy(p.creditDate));
    lines.push(u.toString());
    total += p.faceValue;
  }

  lines.push(
    new RecordWriter(240)
      .put(C240.bankCode, code)
      .put(C240.batch, '0001')
      .put(C240.recordType, '5')
      .num(C240.batchRecords, sequence + 2)
      .num([24, 29], payments.length)
      .num([30, 46], total)
      .toString(),
  );
  lines.push(
    new RecordWriter(240)
      .put(C240.bankCode, code)
      .put(C240.batch, '9999')
      .put(C240.recordType, '9')
      .num(C240.fileBatches, 1)
      .num(C240.fileRecords, lines.length + 1)
      .toString(),
  );
  return lines.join('\r\n') + '\r\n';
}

function segment(code: string, sequence: number, name: 'T' | 'U', occurrence: string): RecordWriter {
  return new RecordWriter(240)
    .put(C240.bankCode, code)
    .put(C240.batch, '0001')
    .put(C240.recordType, '3')
    .num(C240.sequence, sequence)
    .put(C240.segment, name)
    .put(C240.occurrence, occurrence);
}
