/**
 * Where each bank's CNAB 240 remessa (registro de títulos) departs from FEBRABAN v08.4/v09.1:
 * the account block of the headers (33–72 / 34–73), the first 45 positions of segment P
 * (agência, conta, nosso número, carteira) and a few tails. Sources, per bank:
 *   BB        — "Layout de Arquivo Retorno/Remessa CNAB 240 — Cobrança" v8.4 (header 33–52:
 *               convênio 9 + 0014 + carteira 2 + variação 3; P 38–57: convênio + sequência [+ DV])
 *   Santander — "Layout CNAB 240 Cobrança" v8.x (código de transmissão 33–47 / 54–68; agência
 *               4 + conta 9 + conta cobrança 9; P 45–57 nosso número 12 + DV; P 58 tipo de cobrança)
 *   CAIXA     — "Leiaute CNAB 240 SIGCB" (código do beneficiário 59–64 / 34–39, 60–65; P 24–29
 *               código, 41–57 modalidade + nosso número; documento 63–73)
 *   Bradesco  — "Cobrança CNAB 240" (código do beneficiário 33–52; P 38–40 carteira, 46–56 + DV 57)
 *   Itaú      — "Cobrança FEBRABAN 240", item 3.1 (agência 54–57, conta 66–70, DAC 72; P 38–40
 *               carteira, 41–48 + DAC 49; seu número 63–72; prazo de baixa 225–226)
 *   Sicoob    — "CNAB 240 Sicoob" (P 38–57: nosso número 9 + DV + parcela + modalidade + formulário)
 * cross-read with brcobranca (remessa/cnab240/*.rb), BoletoNetCore (Bradesco) and OpenCnabPHP.
 * None of this has been through a bank's homologation here: do that before production use.
 */
import { alpha, zeros, type Span } from './fields.ts';
import type { CnabBankCode } from './banks.ts';
import type { BankNossoNumero, NormalizedAccount } from './input.ts';

/** A value put at its positions; the string already has the field's width. */
export type Put = readonly [Span, string];

const blank = (width: number): string => ' '.repeat(width);

export interface RemessaBank {
  /** Header de arquivo 103–132. */
  name: string;
  fileVersion: string;
  batchVersion: string;
  /** Inscrição do beneficiário in the file header (Santander: 17 / 18–32). */
  headerDocument: { type: Span; document: Span };
  /** Bank part of the file header (and any generic position it overrides). */
  header(a: NormalizedAccount): Put[];
  /** Bank part of the batch header (12–13, 34–73 …). */
  batch(a: NormalizedAccount): Put[];
  /** Segment P 18–62: agência, conta, nosso número, carteira, cadastramento, emissão, distribuição. */
  p(a: NormalizedAccount, nn: BankNossoNumero): Put[];
  /** Seu número in P (15 positions, 11 for CAIXA, 10 for Itaú). */
  pDocumentNumber: Span;
  /** Segment P from 221 (protesto, baixa, moeda) and other bank-specific positions. */
  pTail: Put[];
  /** Nome do pagador in Q (Itaú: 30 positions). */
  qName: Span;
  qTail: Put[];
  rTail: Put[];
  /** Trailer de lote 24–115: totals of cobrança simples (false: blanks). */
  batchTotals: boolean;
  /** Trailer de arquivo 30–35: quantidade de contas para conciliação as zeros (Sicoob, Bradesco), or blanks. */
  fileTrailerZeros: boolean;
  /** Reading back: where the account and the nosso número are. */
  read: {
    agreement: Span | null;
    agency: { record: 'header' | 'p'; span: Span; digit: Span | null };
    account: { record: 'header' | 'p'; span: Span; digit: Span | null } | null;
    wallet: Span | null;
    nossoNumero: Span;
    nossoNumeroDigit: Span | null;
  };
}

/** FEBRABAN account block: agência 5 + DV, conta 12 + DV, DV agência/conta. */
const accountBlock = (a: NormalizedAccount, start: number, lastDigit = ' '): Put[] => [
  [[start, start + 4], zeros(a.agency, 5)],
  [[start + 5, start + 5], a.agencyDigit || ' '],
  [[start + 6, start + 17], zeros(a.account, 12)],
  [[start + 18, start + 18], a.accountDigit || ' '],
  [[start + 19, start + 19], lastDigit],
];

/** P 58–62: código da carteira, forma de cadastramento (1 com registro), tipo de documento, emissão, distribuição. */
const pCodes = (walletCode: string, document = '1', issuer = '2', distribution = '2'): Put[] => [
  [[58, 58], walletCode],
  [[59, 59], '1'],
  [[60, 60], document],
  [[61, 61], issuer],
  [[62, 62], distribution],
];

const FEBRABAN_Q_TAIL: Put[] = [
  [[210, 212], '000'],
  [[213, 240], blank(28)],
];

const FEBRABAN_R_TAIL: Put[] = [
  [[180, 199], blank(20)],
  [[200, 207], zeros(0, 8)],
  [[208, 210], '000'],
  [[211, 215], '00000'],
  [[216, 216], ' '],
  [[217, 228], zeros(0, 12)],
  [[229, 230], '  '],
  [[231, 231], '0'],
  [[232, 240], blank(9)],
];

/** Baixa/devolução after 60 days (code 1); protest is not requested (code 3, 00 days). */
export const WRITE_OFF_DAYS = 60;

const FEBRABAN_P_TAIL: Put[] = [
  [[221, 221], '3'],
  [[222, 223], '00'],
  [[224, 224], '1'],
  [[225, 227], zeros(WRITE_OFF_DAYS, 3)],
  [[228, 229], '09'],
  [[230, 239], zeros(0, 10)],
  [[240, 240], ' '],
];

export const REMESSA_BANKS: Record<CnabBankCode, RemessaBank> = {
  '001': {
    name: 'BANCO DO BRASIL S.A.',
    fileVersion: '083',
    batchVersion: '042',
    headerDocument: { type: [18, 18], document: [19, 32] },
    header: (a) => [[[33, 52], zeros(a.agreement, 9) + '0014' + a.wallet + a.walletVariation + '  '], ...accountBlock(a, 53)],
    batch: (a) => [[[34, 53], zeros(a.agreement, 9) + '0014' + a.wallet + a.walletVariation + '  '], ...accountBlock(a, 54)],
    p: (a, nn) => [
      ...accountBlock(a, 18),
      [[38, 57], alpha(nn.number + (nn.digit ?? ''), 20)],
      // Código da carteira: 7 = carteira 17 simples; 1 = carteiras 11/12 simples (nota G069 do BB).
      ...pCodes(a.wallet === '17' ? '7' : '1', '1', '2', '2'),
    ],
    pDocumentNumber: [63, 77],
    // BB does not take a baixa code ("campo não tratado"): zeros.
    pTail: [...FEBRABAN_P_TAIL, [[224, 224], '0'], [[225, 227], '000'], [[106, 106], ' ']],
    qName: [34, 73],
    qTail: FEBRABAN_Q_TAIL,
    rTail: FEBRABAN_R_TAIL,
    batchTotals: true,
    fileTrailerZeros: false,
    read: {
      agreement: [33, 41],
      agency: { record: 'header', span: [53, 57], digit: [58, 58] },
      account: { record: 'header', span: [59, 70], digit: [71, 71] },
      wallet: [46, 47],
      nossoNumero: [38, 57],
      nossoNumeroDigit: null,
    },
  },
  '033': {
    name: 'BANCO SANTANDER',
    fileVersion: '040',
    batchVersion: '030',
    headerDocument: { type: [17, 17], document: [18, 32] },
    header: (a) => [
      [[9, 16], blank(8)],
      [[33, 47], zeros(a.agreement, 15)],
      [[48, 72], blank(25)],
      [[152, 157], blank(6)],
      [[167, 171], blank(5)],
    ],
    batch: (a) => [
      [[34, 53], blank(20)],
      [[54, 68], zeros(a.agreement, 15)],
      [[69, 73], blank(5)],
    ],
    p: (a, nn) => [
      [[18, 21], zeros(a.agency, 4)],
      [[22, 22], a.agencyDigit || ' '],
      [[23, 31], zeros(a.account, 9)],
      [[32, 32], a.accountDigit || ' '],
      [[33, 41], zeros(a.account, 9)],
      [[42, 42], a.accountDigit || ' '],
      [[43, 44], '  '],
      [[45, 56], nn.number],
      [[57, 57], nn.digit ?? '0'],
      ...pCodes(a.wallet, '1', ' ', ' '),
    ],
    pDocumentNumber: [63, 77],
    pTail: [
      [[106, 106], ' '],
      [[221, 221], '3'],
      [[222, 223], '00'],
      [[224, 224], '1'],
      [[225, 225], '0'],
      [[226, 227], zeros(WRITE_OFF_DAYS, 2)],
      [[228, 229], '00'],
      [[230, 240], blank(11)],
    ],
    qName: [34, 73],
    qTail: [
      [[210, 221], zeros(0, 12)],
      [[222, 240], blank(19)],
    ],
    rTail: [[[180, 240], blank(61)]],
    batchTotals: false,
    fileTrailerZeros: false,
    read: {
      agreement: [33, 47],
      agency: { record: 'p', span: [18, 21], digit: [22, 22] },
      account: { record: 'p', span: [23, 31], digit: [32, 32] },
      wallet: [58, 58],
      nossoNumero: [45, 56],
      nossoNumeroDigit: [57, 57],
    },
  },
  '104': {
    name: 'CAIXA ECONOMICA FEDERAL',
    fileVersion: '050',
    batchVersion: '030',
    headerDocument: { type: [18, 18], document: [19, 32] },
    header: (a) => [
      [[33, 52], zeros(0, 20)],
      [[53, 57], zeros(a.agency, 5)],
      [[58, 58], a.agencyDigit || '0'],
      [[59, 64], zeros(a.agreement, 6)],
      [[65, 71], zeros(0, 7)],
      [[72, 72], '0'],
      [[192, 211], alpha('REMESSA-PRODUCAO', 20)],
    ],
    batch: (a) => [
      [[12, 13], '00'],
      [[34, 39], zeros(a.agreement, 6)],
      [[40, 53], zeros(0, 14)],
      [[54, 58], zeros(a.agency, 5)],
      [[59, 59], a.agencyDigit || '0'],
      [[60, 65], zeros(a.agreement, 6)],
      [[66, 72], zeros(0, 7)],
      [[73, 73], '0'],
    ],
    p: (a, nn) => [
      [[18, 22], zeros(a.agency, 5)],
      [[23, 23], a.agencyDigit || '0'],
      [[24, 29], zeros(a.agreement, 6)],
      [[30, 40], zeros(0, 11)],
      [[41, 57], nn.number],
      // Carteira 1 (simples), registrada, tipo 2, emissão 2 (beneficiário), entrega 0 (beneficiário).
      ...pCodes('1', '2', '2', '0'),
    ],
    pDocumentNumber: [63, 73],
    pTail: [...FEBRABAN_P_TAIL, [[74, 77], blank(4)]],
    qName: [34, 73],
    qTail: FEBRABAN_Q_TAIL,
    rTail: [[[180, 240], blank(61)]],
    batchTotals: true,
    fileTrailerZeros: false,
    read: {
      agreement: [59, 64],
      agency: { record: 'header', span: [53, 57], digit: [58, 58] },
      account: null,
      wallet: null,
      nossoNumero: [41, 57],
      nossoNumeroDigit: null,
    },
  },
  '237': {
    name: 'BRADESCO',
    fileVersion: '084',
    batchVersion: '042',
    headerDocument: { type: [18, 18], document: [19, 32] },
    header: (a) => [[[33, 52], zeros(a.agreement, 20)], ...accountBlock(a, 53), [[167, 171], '01600']],
    batch: (a) => [[[34, 53], zeros(a.agreement, 20)], ...accountBlock(a, 54)],
    p: (a, nn) => [
      ...accountBlock(a, 18),
      [[38, 40], zeros(a.wallet, 3)],
      [[41, 45], zeros(0, 5)],
      [[46, 56], nn.number],
      [[57, 57], nn.digit ?? '0'],
      ...pCodes('1'),
    ],
    pDocumentNumber: [63, 77],
    pTail: FEBRABAN_P_TAIL,
    qName: [34, 73],
    qTail: FEBRABAN_Q_TAIL,
    rTail: FEBRABAN_R_TAIL,
    batchTotals: true,
    fileTrailerZeros: true,
    read: {
      agreement: [33, 52],
      agency: { record: 'header', span: [53, 57], digit: [58, 58] },
      account: { record: 'header', span: [59, 70], digit: [71, 71] },
      wallet: [38, 40],
      nossoNumero: [46, 56],
      nossoNumeroDigit: [57, 57],
    },
  },
  '341': {
    name: 'BANCO ITAU SA',
    fileVersion: '040',
    batchVersion: '030',
    headerDocument: { type: [18, 18], document: [19, 32] },
    header: (a) => [
      [[33, 52], blank(20)],
      [[53, 72], `0${zeros(a.agency, 4)} ${zeros(0, 7)}${zeros(a.account, 5)} ${a.accountDigit}`],
      [[212, 240], `${blank(14)}000${blank(12)}`],
    ],
    batch: (a) => [
      [[12, 13], '00'],
      [[34, 53], blank(20)],
      [[54, 73], `0${zeros(a.agency, 4)} ${zeros(0, 7)}${zeros(a.account, 5)} ${a.accountDigit}`],
    ],
    p: (a, nn) => [
      [[18, 37], `0${zeros(a.agency, 4)} ${zeros(0, 7)}${zeros(a.account, 5)} ${a.accountDigit}`],
      [[38, 40], a.wallet],
      [[41, 48], nn.number],
      [[49, 49], nn.digit ?? '0'],
      [[50, 57], blank(8)],
      [[58, 62], zeros(0, 5)],
    ],
    pDocumentNumber: [63, 72],
    pTail: [
      [[73, 77], blank(5)],
      [[118, 118], '0'],
      [[221, 221], '3'],
      [[222, 223], '00'],
      [[224, 224], '1'],
      [[225, 226], zeros(WRITE_OFF_DAYS, 2)],
      [[227, 239], zeros(0, 13)],
      [[240, 240], ' '],
    ],
    qName: [34, 63],
    qTail: [
      [[64, 73], blank(10)],
      [[200, 209], blank(10)],
      [[210, 212], '000'],
      [[213, 240], blank(28)],
    ],
    rTail: FEBRABAN_R_TAIL,
    batchTotals: false,
    fileTrailerZeros: false,
    read: {
      agreement: null,
      agency: { record: 'header', span: [54, 57], digit: null },
      account: { record: 'header', span: [66, 70], digit: [72, 72] },
      wallet: [38, 40],
      nossoNumero: [41, 48],
      nossoNumeroDigit: [49, 49],
    },
  },
  '756': {
    name: 'SICOOB',
    fileVersion: '081',
    batchVersion: '040',
    headerDocument: { type: [18, 18], document: [19, 32] },
    header: (a) => [[[33, 52], blank(20)], ...accountBlock(a, 53, '0')],
    batch: (a) => [[[34, 53], blank(20)], ...accountBlock(a, 54)],
    p: (a, nn) => [
      ...accountBlock(a, 18),
      // Nosso número (9) + DV, parcela 01, modalidade, tipo de formulário 4 (A4 sem envelopamento).
      [[38, 57], `${zeros(nn.number, 9)}${nn.digit ?? '0'}01${a.wallet}4${blank(5)}`],
      ...pCodes('1', ' ', '2', '2'),
      [[59, 59], '0'],
    ],
    pDocumentNumber: [63, 77],
    pTail: [...FEBRABAN_P_TAIL, [[106, 106], ' '], [[224, 224], '0'], [[225, 227], blank(3)]],
    qName: [34, 73],
    qTail: FEBRABAN_Q_TAIL,
    rTail: FEBRABAN_R_TAIL,
    batchTotals: true,
    fileTrailerZeros: true,
    read: {
      agreement: null,
      agency: { record: 'header', span: [53, 57], digit: [58, 58] },
      account: { record: 'header', span: [59, 70], digit: [71, 71] },
      wallet: [50, 51],
      nossoNumero: [38, 46],
      nossoNumeroDigit: [47, 47],
    },
  },
};
