/** Pix: BR Code, txid, QR images, the BCB API Pix shapes, a PSP client and a local stand-in PSP. */
export { decodePix, describeField, encodePix, formatPixAmount, MAX_PIX_AMOUNT_CENTS, PIX_GUI, type PixFields } from './br-code.ts';
export { crc16 } from './emv.ts';
export { checkPixKey, type PixKeyKind } from './pix-key.ts';
export { isValidTxid, newTxid, STATIC_TXID_NONE, type TxidKind } from './txid.ts';
export { pixQrPng, pixQrSvg } from './qr.ts';
export {
  centsToValor,
  cobRequestSchema,
  cobResponseSchema,
  cobvRequestSchema,
  pixSchema,
  pixWebhookSchema,
  problemSchema,
  valorToCents,
  type CobRequest,
  type CobResponse,
  type CobStatus,
  type CobvRequest,
  type Pix,
  type PixWebhook,
  type Problem,
} from './bcb-api.ts';
export { createPspClient, type PspClient, type PspClientOptions } from './psp-client.ts';
export { newEndToEndId, startStandInPsp, type PayOptions, type StandInPsp, type StandInPspOptions } from './stand-in-psp.ts';
