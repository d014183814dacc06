/**
 * The QR Code image of a BR Code: error correction M (about 15% of the symbol recoverable, enough
 * for a smudged print) and the 4-module quiet zone ISO/IEC 18004 asks for around the symbol.
 */
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** PNG; `size` is the image width in pixels (default: 8 pixels per module). */
export async function pixQrPng(payload: string, options: { size?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...OPTIONS, type: 'png', ...(options.size ? { width: options.size } : { scale: 8 }) });
}

/** SVG text (scales without loss; what goes into PDFs and e-mails). */
export async function pixQrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { ...OPTIONS, type: 'svg' });
}
