import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { encodeBoleto } from './barcode.ts';
import { itfBars, itfWidths } from './itf.ts';

/** The bars as a grey-level image (quiet zones of 12 narrow modules each side), read by ZXing's ITF reader. */
function scan(digits: string, pixelsPerModule: number): string {
  const modules = [...Array(12).fill(false), ...itfBars(digits), ...Array(12).fill(false)] as boolean[];
  const width = modules.length * pixelsPerModule;
  const height = 24;
  const luminance = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) luminance[y * width + x] = modules[Math.floor(x / pixelsPerModule)] ? 0 : 255;
  }
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.ITF]]]);
  const result = reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height))), hints);
  expect(result.getBarcodeFormat()).toBe(BarcodeFormat.ITF);
  return result.getText();
}

describe('interleaved 2 of 5', () => {
  const published = '23794486900008280000278060000212552500392320'; // pyboleto's Bradesco barcode

  it('has the FEBRABAN start and stop codes, 1:3 widths and 405 modules for 44 digits (103 mm at 0.254 mm)', () => {
    const widths = itfWidths(published);
    expect(widths.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(widths.slice(-3)).toEqual([3, 1, 1]);
    expect(new Set(widths)).toEqual(new Set([1, 3]));
    expect(widths.length).toBe(4 + 44 * 5 + 3);
    expect(itfBars(published).length).toBe(405);
    // every digit has exactly two wide elements of its five
    for (let pair = 0; pair < 22; pair++) {
      const elements = widths.slice(4 + pair * 10, 14 + pair * 10);
      expect(elements.filter((w, i) => i % 2 === 0 && w === 3)).toHaveLength(2);
      expect(elements.filter((w, i) => i % 2 === 1 && w === 3)).toHaveLength(2);
    }
  });

  it('encodes 0 as narrow-narrow-wide-wide-narrow in the bars and 1 as wide-narrow-narrow-narrow-wide in the spaces', () => {
    expect(itfWidths('01')).toEqual([1, 1, 1, 1, 1, 3, 1, 1, 3, 1, 3, 1, 1, 3, 3, 1, 1]);
  });

  it('is read back by ZXing as the same 44 digits', () => {
    expect(scan(published, 2)).toBe(published);
    expect(scan(published, 3)).toBe(published);
  });

  it('is read back by ZXing for random boletos', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-79]\d{2}$/), fc.integer({ min: 0, max: 9_999_999_999 }), fc.stringMatching(/^\d{25}$/), (bankCode, amount, freeField) => {
        const { barcode } = encodeBoleto({ bankCode, amount, dueDate: null, freeField });
        expect(scan(barcode, 2)).toBe(barcode);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an odd number of digits or non-digits', () => {
    expect(() => itfWidths('123')).toThrow(AppError);
    expect(() => itfWidths('12a4')).toThrow(AppError);
    expect(() => itfWidths('')).toThrow(AppError);
  });
});
