/**
 * Interleaved 2 of 5 ("2 de 5 intercalado"), the symbology of the boleto's barcode (FEBRABAN;
 * CAIXA SIGCB v015 item 4.2.10.1): each digit is five elements, two of them wide; digits go in
 * pairs, the first drawn by the bars and the second by the spaces between them. Start code:
 * narrow bar, narrow space, narrow bar, narrow space; stop code: wide bar, narrow space, narrow
 * bar. Wide = 3 × narrow. The 44 digits take 405 narrow modules: 103 mm long at 0.254 mm each.
 */
import { AppError } from '../../shared/errors.ts';

const NARROW = 1;
const WIDE = 3;
/** Wide (1) and narrow (0) elements of each digit. */
const PATTERNS = ['00110', '10001', '01001', '11000', '00101', '10100', '01100', '00011', '10010', '01010'] as const;

/** Widths in narrow modules, alternating bar, space, bar … and starting with a bar. */
export function itfWidths(digits: string): number[] {
  if (!/^\d*$/.test(digits) || digits.length === 0 || digits.length % 2 !== 0) {
    throw new AppError('validation', 'O código 2 de 5 intercalado leva um número par de dígitos.', { field: 'codigoBarras' });
  }
  const widths = [NARROW, NARROW, NARROW, NARROW];
  for (let i = 0; i < digits.length; i += 2) {
    const bars = PATTERNS[digits.charCodeAt(i) - 48]!;
    const spaces = PATTERNS[digits.charCodeAt(i + 1) - 48]!;
    for (let k = 0; k < 5; k++) widths.push(bars[k] === '1' ? WIDE : NARROW, spaces[k] === '1' ? WIDE : NARROW);
  }
  widths.push(WIDE, NARROW, NARROW);
  return widths;
}

/** One entry per narrow module: true where ink goes. */
export function itfBars(digits: string): boolean[] {
  const modules: boolean[] = [];
  for (const [i, width] of itfWidths(digits).entries()) for (let k = 0; k < width; k++) modules.push(i % 2 === 0);
  return modules;
}

/** 0.254 mm, FEBRABAN's narrow bar, in points. */
export const FEBRABAN_NARROW_PT = (0.254 * 72) / 25.4;
/** 13 mm, FEBRABAN's barcode height, in points. */
export const FEBRABAN_HEIGHT_PT = (13 * 72) / 25.4;

/** Draws the barcode with its top-left corner at (x, y); returns its width in points. */
export function drawItf(doc: PDFKit.PDFDocument, digits: string, x: number, y: number, options: { narrow?: number; height?: number } = {}): number {
  const narrow = options.narrow ?? FEBRABAN_NARROW_PT;
  const height = options.height ?? FEBRABAN_HEIGHT_PT;
  let position = x;
  doc.save().fillColor('black');
  for (const [i, width] of itfWidths(digits).entries()) {
    if (i % 2 === 0) doc.rect(position, y, width * narrow, height);
    position += width * narrow;
  }
  doc.fill().restore();
  return position - x;
}
