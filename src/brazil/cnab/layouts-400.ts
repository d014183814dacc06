/**
 * CNAB 400 return files, per bank. There is no FEBRABAN standard for 400; each bank's manual
 * is the source, and they agree on most positions (occurrence 109–110, values from 153 on):
 *   BB   — "Layout CBR643 — posições 7" (Doc2628; detail record type 7, convênio of 7 digits)
 *   Bradesco — "Cobrança Bradesco — layout 4008-524-0121" (retorno)
 *   Itaú — "Cobrança Itaú CNAB 400" (retorno, notas 3, 17, 19, 21)
 *   Santander — "Layout de cobrança CNAB 400 — retorno"
 *   Sicoob — "CNAB 400 (CBR643)" retorno
 * Cross-read with brcobranca (retorno/cnab400/*.rb), CnabPHP (cnab_yaml/cnab400) and
 * OpenCnabPHP (B756/retorno/L400), and checked against the BB, Bradesco and Itaú files in
 * test/fixtures/cnab. CAIXA's SIGCB is read in CNAB 240 only.
 */
import type { Span } from './fields.ts';
import type { NossoNumeroRule } from './layouts-240.ts';

/** Positions every CNAB 400 return shares. */
export const C400 = {
  recordType: [1, 1],
  headerLiteral: [1, 9],
  bankCode: [77, 79],
  generatedOn: [95, 100],
  sequence: [395, 400],
} as const satisfies Record<string, Span>;

/** Where a beneficiary field is found: the header, or (when the header lacks it) the first detail. */
export interface Located {
  record: 'header' | 'detail';
  span: Span;
}

export interface Return400Layout {
  /** Record type of the title details ('1'; BB's 7-digit-convênio layout uses '7'). */
  detailTypes: readonly string[];
  /** Optional records the bank may add (rateio, mensagens) that carry no title movement. */
  ignoredTypes: readonly string[];
  beneficiary: { document: Located | null; agency: Located | null; agencyDigit: Located | null; account: Located | null; accountDigit: Located | null; agreement: Located | null };
  detail: {
    nossoNumero: Span;
    nossoNumeroRule: NossoNumeroRule;
    wallet: Span | null;
    occurrence: Span;
    occurrenceDate: Span;
    documentNumber: Span;
    dueDate: Span;
    faceValue: Span;
    collectingBank: Span;
    collectingAgency: Span;
    collectingAgencyDigit: Span | null;
    fees: Span;
    iof: Span;
    rebate: Span;
    discount: Span;
    amountPaid: Span;
    interest: Span;
    otherCredits: Span;
    creditDate: Span;
    reasons: Span | null;
    settlementCode: Span | null;
    dda: Span | null;
  };
}

const COMMON_DETAIL = {
  occurrence: [109, 110],
  occurrenceDate: [111, 116],
  documentNumber: [117, 126],
  dueDate: [147, 152],
  faceValue: [153, 165],
  collectingBank: [166, 168],
  fees: [176, 188],
  iof: [215, 227],
  rebate: [228, 240],
  discount: [241, 253],
  amountPaid: [254, 266],
  interest: [267, 279],
  otherCredits: [280, 292],
  creditDate: [296, 301],
} as const satisfies Record<string, Span>;

const header = (span: Span): Located => ({ record: 'header', span });
const detail = (span: Span): Located => ({ record: 'detail', span });

export const RETURN_400: Record<string, Return400Layout> = {
  // BB CBR643 (type 7): agência 18–22 and conta 23–31 with DVs, convênio 32–38; nosso número
  // 64–80 = convênio (7) + sequência (10), no DV. Crédito 176–181 and tarifa 182–188 (9(05)V99).
  '001': {
    detailTypes: ['7'],
    ignoredTypes: ['5'],
    beneficiary: {
      document: null,
      agency: header([27, 30]),
      agencyDigit: header([31, 31]),
      account: header([32, 39]),
      accountDigit: header([40, 40]),
      agreement: header([150, 156]),
    },
    detail: {
      ...COMMON_DETAIL,
      nossoNumero: [64, 80],
      nossoNumeroRule: 'bbAgreement',
      wallet: [107, 108],
      collectingAgency: [169, 172],
      collectingAgencyDigit: [173, 173],
      creditDate: [176, 181],
      fees: [182, 188],
      reasons: [87, 88],
      settlementCode: null,
      dda: null,
    },
  },
  // Bradesco: código da empresa 27–46 (header); carteira 22–24, agência 25–29, conta 30–36-37
  // (detail); nosso número 71–82 = 11 digits + DV (0–9 or P); motivos 319–328.
  '237': {
    detailTypes: ['1'],
    ignoredTypes: ['3', '4'],
    beneficiary: {
      document: detail([4, 17]),
      agency: detail([25, 29]),
      agencyDigit: null,
      account: detail([30, 36]),
      accountDigit: detail([37, 37]),
      agreement: header([27, 46]),
    },
    detail: {
      ...COMMON_DETAIL,
      nossoNumero: [71, 82],
      nossoNumeroRule: 'dropCheckDigit',
      wallet: [22, 24],
      collectingAgency: [169, 173],
      collectingAgencyDigit: null,
      reasons: [319, 328],
      settlementCode: null,
      dda: null,
    },
  },
  // Itaú: agência 27–30, conta 33–37, DAC 38 (header); nosso número 63–70 with its DAC apart
  // at 94; carteira 83–85; erros 378–385; indicador DDA 293; código de liquidação 393–394.
  '341': {
    detailTypes: ['1'],
    ignoredTypes: ['4'],
    beneficiary: {
      document: detail([4, 17]),
      agency: header([27, 30]),
      agencyDigit: null,
      account: header([33, 37]),
      accountDigit: header([38, 38]),
      agreement: null,
    },
    detail: {
      ...COMMON_DETAIL,
      nossoNumero: [63, 70],
      nossoNumeroRule: 'plain',
      wallet: [83, 85],
      collectingAgency: [169, 172],
      collectingAgencyDigit: [173, 173],
      reasons: [378, 385],
      settlementCode: [393, 394],
      dda: [293, 293],
    },
  },
  // Santander: agência 18–21, conta 22–29, conta cobrança 30–37 (detail); nosso número 63–70 =
  // 7 digits + DV; motivos 137–146.
  '033': {
    detailTypes: ['1'],
    ignoredTypes: [],
    beneficiary: {
      document: detail([4, 17]),
      agency: detail([18, 21]),
      agencyDigit: null,
      account: detail([22, 29]),
      accountDigit: null,
      agreement: detail([30, 37]),
    },
    detail: {
      ...COMMON_DETAIL,
      nossoNumero: [63, 70],
      nossoNumeroRule: 'dropCheckDigit',
      wallet: [108, 108],
      collectingAgency: [169, 173],
      collectingAgencyDigit: null,
      reasons: [137, 146],
      settlementCode: null,
      dda: null,
    },
  },
  // Sicoob (CBR643-like): agência 27–30-31, conta 32–39-40, convênio 41–46 (header); nosso
  // número 63–73 + DV 74; crédito 176–181, tarifa 182–188 as BB.
  '756': {
    detailTypes: ['1'],
    ignoredTypes: [],
    beneficiary: {
      document: detail([4, 17]),
      agency: header([27, 30]),
      agencyDigit: header([31, 31]),
      account: header([32, 39]),
      accountDigit: header([40, 40]),
      agreement: header([41, 46]),
    },
    detail: {
      ...COMMON_DETAIL,
      nossoNumero: [63, 74],
      nossoNumeroRule: 'dropCheckDigit',
      wallet: [107, 108],
      collectingAgency: [169, 172],
      collectingAgencyDigit: [173, 173],
      creditDate: [176, 181],
      fees: [182, 188],
      reasons: null,
      settlementCode: null,
      dda: null,
    },
  },
};
