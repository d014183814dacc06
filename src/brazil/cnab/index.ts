/**
 * CNAB files of the six banks (001 BB, 033 Santander, 104 CAIXA, 237 Bradesco, 341 Itaú,
 * 756 Sicoob): reading return files (240 and 400), writing the CNAB 240 remessa that
 * registers boletos, and writing a bank-like return for tests and the demo.
 */
export { parseCnabReturn } from './parse-return.ts';
export { buildRemessa240, parseRemessa240, MAX_TITLES } from './remessa-240.ts';
export { buildRetorno240 } from './retorno-240.ts';
export { occurrenceText, isPaidOccurrence } from './occurrences.ts';
export { CNAB_BANKS, isCnabBank, type CnabBankCode } from './banks.ts';
export { RETURN_240 } from './layouts-240.ts';
export { RETURN_400 } from './layouts-400.ts';
export type {
  CnabLayout,
  CnabDetail,
  CnabReturn,
  CnabAccount,
  CnabBeneficiary,
  RemessaInput,
  RemessaTitle,
  RetornoInput,
  RetornoPayment,
} from './types.ts';
