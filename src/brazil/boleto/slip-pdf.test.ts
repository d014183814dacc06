import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { formatLine } from './barcode.ts';
import { issueBoleto } from './banks.ts';
import { FEBRABAN_HEIGHT_PT, FEBRABAN_NARROW_PT } from './itf.ts';
import { renderBoletoPdf, type BoletoSlip } from './slip-pdf.ts';

/** The text shown by an uncompressed pdfkit PDF: its TJ operators carry hex strings in WinAnsi (windows-1252). */
function shownText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const winAnsi = new TextDecoder('windows-1252');
  const lines: string[] = [];
  for (const tj of source.matchAll(/\[([^\]]*)\] TJ/g)) {
    lines.push([...tj[1]!.matchAll(/<([0-9a-f]*)>/g)].map((hex) => winAnsi.decode(Buffer.from(hex[1]!, 'hex'))).join(''));
  }
  return lines.join('\n');
}

const account = { bankCode: '341', agency: '1724', account: '12345', wallet: '109' } as const;

function slip(overrides: Partial<BoletoSlip> = {}): BoletoSlip {
  return {
    boleto: issueBoleto({ account, sequence: 12345678, amount: 123456, dueDate: '2026-03-10' }),
    account,
    beneficiary: { name: 'Recupera Assessoria de Cobrança Ltda', document: '11.222.333/0001-81', address: 'Rua Exemplo, 100 — São Paulo/SP' },
    payer: { name: 'Maria da Conceição', document: '***.982.247-**', address: 'Av. Brasil, 1500, ap. 12 — Campinas/SP — CEP 13010-000' },
    documentNumber: 'ACORDO-42/3',
    documentDate: '2026-02-20',
    processingDate: '2026-02-20',
    kind: 'DS',
    instructions: ['Após o vencimento, multa de 2% e juros de mora de 1% ao mês.', 'Não receber após 30 dias do vencimento.'],
    demonstrative: ['Parcela 3 de 6 do acordo 42'],
    ...overrides,
  };
}

describe('renderBoletoPdf', () => {
  it('prints the FEBRABAN fields of both parts, the typeable line and the amounts', async () => {
    const data = slip();
    const pdf = await renderBoletoPdf(data, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = shownText(pdf);
    expect(text).toContain(formatLine(data.boleto.line));
    for (const expected of [
      '341-7',
      'Recibo do Pagador',
      'Local de pagamento',
      'Vencimento',
      '10/03/2026',
      'Agência/Código do beneficiário',
      '1724 / 12345-',
      'Nosso número',
      data.boleto.nossoNumero.printed,
      'Carteira',
      '109',
      'Espécie doc.',
      'DS',
      'Aceite',
      'Data do processamento',
      '20/02/2026',
      '(=) Valor do documento',
      'R$ 1.234,56',
      '(-) Desconto/Abatimento',
      '(+) Mora/Multa',
      '(=) Valor cobrado',
      'Instruções (texto de responsabilidade do beneficiário)',
      'multa de 2% e juros de mora de 1% ao mês',
      'Maria da Conceição — CPF/CNPJ ***.982.247-**',
      'Recupera Assessoria de Cobrança Ltda',
      'CPF/CNPJ 11.222.333/0001-81 — Rua Exemplo, 100 — São Paulo/SP',
      'Sacador/Avalista',
      'Parcela 3 de 6 do acordo 42',
      'Autenticação mecânica — Ficha de Compensação',
    ]) {
      expect(text).toContain(expected);
    }
    expect(pdf.length).toBeGreaterThan(5_000);
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('draws a barcode that ZXing reads from the PDF’s own rectangles: 103 × 13 mm, 5 mm into the slip', async () => {
    const data = slip();
    const source = (await renderBoletoPdf(data, { compress: false })).toString('latin1');
    const height = FEBRABAN_HEIGHT_PT.toFixed(6).replace(/0+$/, '');
    const bars = [...source.matchAll(new RegExp(`^([\\d.]+) ([\\d.]+) ([\\d.]+) ${height.replace('.', '\\.')} re$`, 'gm'))].map((m) => ({ x: Number(m[1]), w: Number(m[3]) }));
    expect(bars).toHaveLength(2 + 22 * 5 + 2); // start code, 5 bars per digit pair, stop code
    const mm = 72 / 25.4;
    const left = bars[0]!.x;
    const right = bars.at(-1)!.x + bars.at(-1)!.w;
    expect(left / mm).toBeCloseTo(15, 1); // the ficha starts at 10 mm; 5 mm quiet zone
    expect((right - left) / mm).toBeCloseTo(102.87, 1); // 405 modules of 0.254 mm
    // rasterize at 3 pixels per narrow module, with 12 modules of quiet zone, and scan
    const scale = 3 / FEBRABAN_NARROW_PT;
    const margin = 36;
    const width = Math.round((right - left) * scale) + 2 * margin;
    const rows = 20;
    const luminance = new Uint8ClampedArray(width * rows).fill(255);
    for (const bar of bars) {
      const from = margin + Math.round((bar.x - left) * scale);
      const to = margin + Math.round((bar.x + bar.w - left) * scale);
      for (let y = 0; y < rows; y++) luminance.fill(0, y * width + from, y * width + to);
    }
    const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.ITF]]]);
    const result = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, rows))), hints);
    expect(result.getText()).toBe(data.boleto.barcode);
  });

  it('compresses by default and names a sacador/avalista when there is one', async () => {
    const compressed = await renderBoletoPdf(slip());
    const plain = await renderBoletoPdf(slip(), { compress: false });
    expect(compressed.length).toBeLessThan(plain.length);
    const withGuarantor = shownText(await renderBoletoPdf(slip({ guarantor: { name: 'Banco Credor S.A.', document: '00.000.000/0001-91' } }), { compress: false }));
    expect(withGuarantor).toContain('Sacador/Avalista: Banco Credor S.A. — CPF/CNPJ 00.000.000/0001-91');
  });

  it('prints "Contra-apresentação" without a due date and refuses an account of another bank', async () => {
    const data = slip();
    const text = shownText(await renderBoletoPdf({ ...data, boleto: { ...data.boleto, dueDate: null } }, { compress: false }));
    expect(text).toContain('Contra-apresentação');
    await expect(async () => renderBoletoPdf({ ...data, account: { bankCode: '237', agency: '1', account: '1', wallet: '09' } })).rejects.toThrow(AppError);
  });
});
