import { BinaryBitmap, HybridBinarizer, QRCodeReader, ResultMetadataType, RGBLuminanceSource } from '@zxing/library';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePix } from './br-code.ts';
import { pixQrPng, pixQrSvg } from './qr.ts';

// jsqr is CommonJS whose module.exports is the function and also carries it as .default; .default is what TypeScript sees.
const jsQR = jsQRModule.default;

const payloads = [
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D',
  encodePix({ key: null, amount: null, merchantName: 'RECUPERA TESTE', merchantCity: 'SAO PAULO', txid: '***', url: '127.0.0.1:40123/qr/v2/cobv/0123456789abcdef0123456789abcdef' }),
  encodePix({ key: 'cobranca@example.com.br', amount: 123456, merchantName: 'Assessoria de Cobranca SA', merchantCity: 'Rio de Janeiro', txid: 'ACORDO123PARC04', description: 'Acordo 123, parcela 4 de 10' }),
];

/** Reads the QR back with jsQR (an independent decoder) from the PNG's RGBA pixels. */
function readPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

/** The same with ZXing, which also reports the error correction level it found. */
function readPngZxing(png: Buffer): { text: string; level: unknown } {
  const image = PNG.sync.read(png);
  const luminance = new Uint8ClampedArray(image.width * image.height);
  for (let i = 0; i < luminance.length; i++) luminance[i] = image.data[i * 4]!; // black and white: red is enough
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, image.width, image.height)));
  const result = new QRCodeReader().decode(bitmap);
  return { text: result.getText(), level: result.getResultMetadata().get(ResultMetadataType.ERROR_CORRECTION_LEVEL) };
}

describe('QR Code images', () => {
  it('the PNG decodes (jsQR) to the same payload, at the default size and at a small one', async () => {
    for (const payload of payloads) {
      expect(readPng(await pixQrPng(payload))).toBe(payload);
      const small = await pixQrPng(payload, { size: 300 });
      expect(PNG.sync.read(small).width).toBe(300);
      expect(readPng(small)).toBe(payload);
    }
  });

  it('error correction level M, read back by ZXing (a second, independent decoder)', async () => {
    for (const payload of payloads) expect(readPngZxing(await pixQrPng(payload))).toEqual({ text: payload, level: 'M' });
  });

  it('the SVG has the 4-module quiet zone around a symbol of 17 + 4·version modules', async () => {
    for (const payload of payloads) {
      const svg = await pixQrSvg(payload);
      const size = Number(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
      expect((size - 8 - 17) % 4).toBe(0);
      expect(svg).toMatch(/<path stroke="#000000" d="M4 4\.5h7/); // the finder pattern starts after 4 blank modules
    }
  });
});
