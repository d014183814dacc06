/**
 * CNAB 240 return files ("cobrança", retorno): where each field sits, per bank.
 * Base: FEBRABAN "Layout Padrão de Arquivos CNAB 240" v08.4/v09.1 — header de arquivo (G-fields),
 * segmento T (pp. 56–57) and U (pp. 58–59). Banks differ only where their own manuals say so:
 * BB "Layout CNAB 240 — cobrança" v8.4 (nosso número 38–57 = convênio + sequência);
 * Santander "CNAB 240 — cobrança" v8.x (agência 4 + conta 9, nosso número 41–53, everything
 * after shifted 4 positions left); CAIXA "Leiaute CNAB 240 SIGCB" (modalidade + nosso número
 * 40–56, documento 59–69); Bradesco "Cobrança CNAB 240" (carteira 38–40, nosso número 46–56,
 * DV 57); Itaú "Cobrança FEBRABAN 240" item 3.2 (carteira 38–40, nosso número 41–48, DAC 49,
 * seu número 59–68); Sicoob "CNAB 240" (nosso número + DV 38–47, parcela, modalidade).
 * Positions cross-read with brcobranca (retorno/cnab240/*.rb), CnabPHP (cnab_yaml) and
 * OpenCnabPHP, and checked against the real files in test/fixtures/cnab.
 */
import type { Span } from './fields.ts';
import type { CnabBankCode } from './banks.ts';

/** Positions every CNAB 240 record shares (FEBRABAN, "controle"). */
export const C240 = {
  bankCode: [1, 3],
  batch: [4, 7],
  recordType: [8, 8],
  sequence: [9, 13],
  segment: [14, 14],
  occurrence: [16, 17],
  fileKind: [143, 143],
  generatedOn: [144, 151],
  generatedTime: [152, 157],
  fileSequence: [158, 163],
  batchRecords: [18, 23],
  fileBatches: [18, 23],
  fileRecords: [24, 29],
} as const satisfies Record<string, Span>;

/**
 * How the digits of the nosso número field become our number:
 *   plain           — the field holds the number only (the DV, if any, sits elsewhere);
 *   dropCheckDigit  — the field's last digit is the DV (Santander, Sicoob);
 *   bbAgreement     — BB: convênio + sequência, with a DV after it for 4- and 6-digit convênios.
 * The convênio is kept: it is part of BB's nosso número (17 digits for 7-digit convênios), the
 * same number the boleto prints and the barcode carries.
 */
export type NossoNumeroRule = 'plain' | 'dropCheckDigit' | 'bbAgreement';

export interface Header240 {
  documentType: Span;
  document: Span;
  agreement: Span | null;
  agency: Span | null;
  agencyDigit: Span | null;
  account: Span | null;
  accountDigit: Span | null;
  beneficiaryName: Span;
}

export interface SegmentT {
  nossoNumero: Span;
  nossoNumeroRule: NossoNumeroRule;
  /** Carteira: the 3-digit carteira where the bank writes it, else FEBRABAN's 1-digit code. */
  wallet: Span;
  documentNumber: Span;
  dueDate: Span;
  faceValue: Span;
  collectingBank: Span;
  collectingAgency: Span;
  collectingAgencyDigit: Span;
  companyUse: Span;
  fees: Span;
  reasons: Span;
}

export interface SegmentU {
  interest: Span;
  discount: Span;
  rebate: Span;
  iof: Span;
  amountPaid: Span;
  netAmount: Span;
  otherExpenses: Span;
  otherCredits: Span;
  occurrenceDate: Span;
  creditDate: Span;
}

export interface Return240Layout {
  header: Header240;
  t: SegmentT;
  u: SegmentU;
}

/** FEBRABAN v09.1 header de arquivo: inscrição 18–32, convênio 33–52, agência/conta 53–72. */
const FEBRABAN_HEADER: Header240 = {
  documentType: [18, 18],
  document: [19, 32],
  agreement: [33, 52],
  agency: [53, 57],
  agencyDigit: [58, 58],
  account: [59, 70],
  accountDigit: [71, 71],
  beneficiaryName: [73, 102],
};

/** FEBRABAN v09.1 segmento T (retorno). */
const FEBRABAN_T: SegmentT = {
  nossoNumero: [38, 57],
  nossoNumeroRule: 'plain',
  wallet: [58, 58],
  documentNumber: [59, 73],
  dueDate: [74, 81],
  faceValue: [82, 96],
  collectingBank: [97, 99],
  collectingAgency: [100, 104],
  collectingAgencyDigit: [105, 105],
  companyUse: [106, 130],
  fees: [199, 213],
  reasons: [214, 223],
};

/** FEBRABAN v09.1 segmento U (retorno); no bank moves these. */
const FEBRABAN_U: SegmentU = {
  interest: [18, 32],
  discount: [33, 47],
  rebate: [48, 62],
  iof: [63, 77],
  amountPaid: [78, 92],
  netAmount: [93, 107],
  otherExpenses: [108, 122],
  otherCredits: [123, 137],
  occurrenceDate: [138, 145],
  creditDate: [146, 153],
};

export const RETURN_240: Record<CnabBankCode, Return240Layout> = {
  // BB: convênio 33–41 (then 0014, carteira, variação); nosso número left-aligned in 38–57.
  '001': {
    header: { ...FEBRABAN_HEADER, agreement: [33, 41] },
    t: { ...FEBRABAN_T, nossoNumeroRule: 'bbAgreement' },
    u: FEBRABAN_U,
  },
  // Santander: inscrição 17–32 (15 digits), agência 33–36-37, conta 38–46-47, código do
  // beneficiário 53–61; segment T fields from 41 on sit 4 positions left of FEBRABAN's.
  '033': {
    header: {
      documentType: [17, 17],
      document: [18, 32],
      agreement: [53, 61],
      agency: [33, 36],
      agencyDigit: [37, 37],
      account: [38, 46],
      accountDigit: [47, 47],
      beneficiaryName: [73, 102],
    },
    t: {
      nossoNumero: [41, 53],
      nossoNumeroRule: 'dropCheckDigit',
      wallet: [54, 54],
      documentNumber: [55, 69],
      dueDate: [70, 77],
      faceValue: [78, 92],
      collectingBank: [93, 95],
      collectingAgency: [96, 99],
      collectingAgencyDigit: [100, 100],
      companyUse: [101, 125],
      fees: [194, 208],
      reasons: [209, 218],
    },
    u: FEBRABAN_U,
  },
  // CAIXA SIGCB: header has no conta; código do beneficiário 59–64. Nosso número 40–56 is
  // modalidade (2) + 15 digits — the 17 digits the boleto prints (14NNN…); 57 is CAIXA's.
  '104': {
    header: { ...FEBRABAN_HEADER, agreement: [59, 64], account: null, accountDigit: null },
    t: { ...FEBRABAN_T, nossoNumero: [40, 56], documentNumber: [59, 69] },
    u: FEBRABAN_U,
  },
  // Bradesco: código do beneficiário 33–52; carteira 38–40, zeros 41–45, nosso número 46–56, DV 57.
  '237': {
    header: FEBRABAN_HEADER,
    t: { ...FEBRABAN_T, nossoNumero: [46, 56], wallet: [38, 40] },
    u: FEBRABAN_U,
  },
  // Itaú: no convênio; agência 54–57, conta 66–70, DAC 72; carteira 38–40, nosso número
  // 41–48, DAC 49; seu número 59–68; 214–221 erros, 222–223 código de liquidação.
  '341': {
    header: { ...FEBRABAN_HEADER, agreement: null, agency: [54, 57], agencyDigit: null, account: [66, 70], accountDigit: [72, 72] },
    t: { ...FEBRABAN_T, nossoNumero: [41, 48], wallet: [38, 40], documentNumber: [59, 68], reasons: [214, 221] },
    u: FEBRABAN_U,
  },
  // Sicoob: no convênio in the header; nosso número (9) + DV in 38–47, then parcela 48–49,
  // modalidade 50–51, tipo de formulário 52.
  '756': {
    header: { ...FEBRABAN_HEADER, agreement: null },
    t: { ...FEBRABAN_T, nossoNumero: [38, 47], nossoNumeroRule: 'dropCheckDigit' },
    u: FEBRABAN_U,
  },
};
