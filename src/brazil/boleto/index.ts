export { decodeBoleto, encodeBoleto, formatLine, lineFromBarcode, barcodeFromLine, MAX_BOLETO_AMOUNT, type Boleto, type BoletoFields } from './barcode.ts';
export { barcodeCheckDigit, mod10, mod11Remainder } from './check-digits.ts';
export { dueFactorOf, dueDateOfFactor, factorWindow, FACTOR_BASE_DATE, FACTOR_RESET_DATE, FACTOR_CYCLE_DAYS } from './due-factor.ts';
export {
  bankRules,
  freeFieldFor,
  issueBoleto,
  nossoNumeroFor,
  nossoNumeroKey,
  validateAccount,
  SUPPORTED_BANKS,
  type BankCode,
  type BeneficiaryAccount,
  type NossoNumero,
} from './banks.ts';
export { itfBars, itfWidths, drawItf, FEBRABAN_NARROW_PT, FEBRABAN_HEIGHT_PT } from './itf.ts';
export { renderBoletoPdf, type BoletoSlip, type SlipParty } from './slip-pdf.ts';
export { encodeBoletoRequest } from './request.ts';
