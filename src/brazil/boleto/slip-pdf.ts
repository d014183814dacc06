/**
 * The printed boleto: an A4 page with the payer's receipt ("recibo do pagador") on top and the
 * "ficha de compensação" at the bottom, with the fields FEBRABAN's model asks for (Circular Bacen
 * 3.598/2013; CAIXA SIGCB v015 item 4 restates them): bank and code with DV,
 * typeable line, local de pagamento, vencimento, beneficiário with CPF/CNPJ, agência/código,
 * document data, nosso número, carteira, amounts, instructions, pagador, sacador/avalista, and
 * the interleaved 2 of 5 barcode (103 × 13 mm, 5 mm quiet zone) at the bottom left.
 */
import { AppError } from '../../shared/errors.ts';
import { renderPdf } from '../../shared/pdf.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { formatBRL } from '../../domain/money.ts';
import { formatLine, type Boleto } from './barcode.ts';
import { bankRules, validateAccount, type BeneficiaryAccount, type NossoNumero } from './banks.ts';
import { drawItf, FEBRABAN_HEIGHT_PT, FEBRABAN_NARROW_PT } from './itf.ts';

export interface SlipParty {
  name: string;
  /** CPF/CNPJ printed as given (formatted or masked by the caller). */
  document: string;
  address?: string;
}

export interface BoletoSlip {
  boleto: Boleto & { nossoNumero: NossoNumero };
  account: BeneficiaryAccount;
  beneficiary: SlipParty;
  payer: SlipParty;
  /** Sacador/avalista, when someone other than the beneficiary collects. */
  guarantor?: SlipParty;
  documentNumber: string;
  documentDate: IsoDate;
  processingDate: IsoDate;
  /** Espécie do documento: DM (duplicata mercantil), DS (de serviço), RC (recibo)…; default DM. */
  kind?: string;
  /** pt-BR lines, e.g. the fine and interest after the due date. */
  instructions: string[];
  /** Lines for the receipt's "demonstrativo" (what is being paid). */
  demonstrative?: string[];
  paymentPlace?: string;
}

const mm = 72 / 25.4;
const LEFT = 10 * mm;
const WIDTH = 190 * mm;
const RIGHT_COLUMN = 47 * mm;
const LABEL_SIZE = 5.5;
const VALUE_SIZE = 8.5;

export function renderBoletoPdf(slip: BoletoSlip, options: { compress?: boolean } = {}): Promise<Buffer> {
  const account = validateAccount(slip.account);
  if (account.bankCode !== slip.boleto.bankCode) {
    throw new AppError('validation', `O boleto é do banco ${slip.boleto.bankCode} e a conta do beneficiário é do ${account.bankCode}.`, { field: 'account.bankCode' });
  }
  const view = slipView(slip, account);
  return renderPdf(
    { size: 'A4', margin: 0, compress: options.compress ?? true, info: { Title: `Boleto ${view.line}`, Author: slip.beneficiary.name } },
    (doc) => {
      doc.lineWidth(0.6).strokeColor('black').fillColor('black');
      drawReceipt(doc, slip, view, 10 * mm);
      doc.save().dash(3, { space: 2 }).moveTo(LEFT, 176 * mm).lineTo(LEFT + WIDTH, 176 * mm).stroke().restore();
      doc.font('Helvetica').fontSize(LABEL_SIZE).text('Corte na linha pontilhada', LEFT, 177 * mm, { width: WIDTH, align: 'right' });
      drawCompensation(doc, slip, view, 182 * mm);
    },
  );
}

interface SlipView {
  bankName: string;
  bankCode: string;
  line: string;
  dueDate: string;
  amount: string;
  agencyCode: string;
  wallet: string;
  kind: string;
  paymentPlace: string;
}

function slipView(slip: BoletoSlip, account: BeneficiaryAccount): SlipView {
  const rules = bankRules(account.bankCode);
  return {
    bankName: rules.name,
    bankCode: rules.codeWithDigit,
    line: formatLine(slip.boleto.line),
    dueDate: slip.boleto.dueDate === null ? 'Contra-apresentação' : formatDateBR(slip.boleto.dueDate),
    amount: formatBRL(slip.boleto.amount),
    agencyCode: rules.agencyCode(account),
    wallet: rules.walletLabel(account),
    kind: slip.kind ?? 'DM',
    paymentPlace: slip.paymentPlace ?? 'Pagável em qualquer banco ou correspondente bancário',
  };
}

/** A boxed field: small label at the top, value below (one line per entry, cut with … if long). */
function field(doc: PDFKit.PDFDocument, x: number, y: number, w: number, h: number, label: string, values: string[] = [], options: { align?: 'left' | 'right'; bold?: boolean } = {}): void {
  doc.rect(x, y, w, h).stroke();
  doc.font('Helvetica').fontSize(LABEL_SIZE).text(label, x + 1.2 * mm, y + 0.8 * mm, { width: w - 2.4 * mm, height: LABEL_SIZE + 1, ellipsis: true, lineBreak: false });
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(VALUE_SIZE);
  values.forEach((value, i) => {
    doc.text(value, x + 1.2 * mm, y + 3.2 * mm + i * (VALUE_SIZE + 1.5), {
      width: w - 2.4 * mm,
      height: VALUE_SIZE + 1,
      ellipsis: true,
      lineBreak: false,
      align: options.align ?? 'left',
    });
  });
}

/** Bank name | bank code with DV | typeable line, over a thick rule. */
function header(doc: PDFKit.PDFDocument, view: SlipView, y: number, caption: string): number {
  const codeX = LEFT + 42 * mm;
  const lineX = codeX + 22 * mm;
  doc.font('Helvetica-Bold').fontSize(12).text(view.bankName, LEFT, y + 2.5 * mm, { width: 41 * mm, height: 14, ellipsis: true, lineBreak: false });
  doc.fontSize(15).text(view.bankCode, codeX, y + 1.8 * mm, { width: 22 * mm, align: 'center', lineBreak: false });
  doc.moveTo(codeX, y).lineTo(codeX, y + 8 * mm).moveTo(lineX, y).lineTo(lineX, y + 8 * mm).stroke();
  let size = 11;
  doc.fontSize(size);
  while (size > 7 && doc.widthOfString(view.line) > LEFT + WIDTH - lineX - 2 * mm) doc.fontSize(--size);
  doc.text(view.line, lineX + 1 * mm, y + 3 * mm, { width: LEFT + WIDTH - lineX - 1 * mm, align: 'right', lineBreak: false });
  doc.font('Helvetica').fontSize(LABEL_SIZE).text(caption, LEFT, y - 3 * mm, { width: WIDTH, align: 'right' });
  doc.save().lineWidth(1.5).moveTo(LEFT, y + 8 * mm).lineTo(LEFT + WIDTH, y + 8 * mm).stroke().restore();
  return y + 8 * mm;
}

function partyLine(party: SlipParty): string {
  return `${party.name} — CPF/CNPJ ${party.document}`;
}

/** Name, then document and address: the law asks for all three of the beneficiary (Lei 12.039/2009). */
function partyLines(party: SlipParty): string[] {
  return [party.name, `CPF/CNPJ ${party.document}${party.address ? ` — ${party.address}` : ''}`];
}

function drawReceipt(doc: PDFKit.PDFDocument, slip: BoletoSlip, view: SlipView, top: number): void {
  let y = header(doc, view, top + 3 * mm, 'Recibo do Pagador');
  const row = 7.5 * mm;
  const left = WIDTH - 2 * RIGHT_COLUMN;
  field(doc, LEFT, y, left, 11 * mm, 'Beneficiário', partyLines(slip.beneficiary));
  field(doc, LEFT + left, y, RIGHT_COLUMN, 11 * mm, 'Agência/Código do beneficiário', [view.agencyCode]);
  field(doc, LEFT + left + RIGHT_COLUMN, y, RIGHT_COLUMN, 11 * mm, 'Vencimento', [view.dueDate], { align: 'right', bold: true });
  y += 11 * mm;
  field(doc, LEFT, y, left, 11 * mm, 'Pagador', partyLines(slip.payer));
  field(doc, LEFT + left, y, RIGHT_COLUMN, 11 * mm, 'Nosso número', [slip.boleto.nossoNumero.printed]);
  field(doc, LEFT + left + RIGHT_COLUMN, y, RIGHT_COLUMN, 11 * mm, '(=) Valor do documento', [view.amount], { align: 'right', bold: true });
  y += 11 * mm;
  const sixth = WIDTH / 6;
  const cells: [string, string][] = [
    ['Nº do documento', slip.documentNumber],
    ['Data do documento', formatDateBR(slip.documentDate)],
    ['Espécie doc.', view.kind],
    ['(-) Desconto/Abatimento', ''],
    ['(+) Mora/Multa', ''],
    ['(=) Valor cobrado', ''],
  ];
  cells.forEach(([label, value], i) => field(doc, LEFT + i * sixth, y, sixth, row, label, value ? [value] : []));
  y += row;
  const lines = slip.demonstrative ?? [];
  const boxHeight = 176 * mm - 14 * mm - y;
  doc.rect(LEFT, y, WIDTH, boxHeight).stroke();
  doc.font('Helvetica').fontSize(LABEL_SIZE).text('Demonstrativo', LEFT + 1.2 * mm, y + 0.8 * mm);
  doc.fontSize(VALUE_SIZE).text(lines.join('\n'), LEFT + 1.2 * mm, y + 3.5 * mm, { width: WIDTH - 2.4 * mm, height: boxHeight - 4.5 * mm, ellipsis: true });
  y += boxHeight;
  doc.font('Helvetica').fontSize(LABEL_SIZE).text(`Linha digitável: ${view.line}`, LEFT, y + 1.5 * mm, { width: WIDTH * 0.6 });
  doc.text('Autenticação mecânica — Recibo do Pagador', LEFT, y + 1.5 * mm, { width: WIDTH, align: 'right' });
}

function drawCompensation(doc: PDFKit.PDFDocument, slip: BoletoSlip, view: SlipView, top: number): void {
  let y = header(doc, view, top + 3 * mm, '');
  const row = 7.5 * mm;
  const left = WIDTH - RIGHT_COLUMN;
  const rightX = LEFT + left;
  field(doc, LEFT, y, left, row, 'Local de pagamento', [view.paymentPlace]);
  field(doc, rightX, y, RIGHT_COLUMN, row, 'Vencimento', [view.dueDate], { align: 'right', bold: true });
  y += row;
  field(doc, LEFT, y, left, 10 * mm, 'Beneficiário', partyLines(slip.beneficiary));
  field(doc, rightX, y, RIGHT_COLUMN, 10 * mm, 'Agência/Código do beneficiário', [view.agencyCode], { align: 'right' });
  y += 10 * mm;
  const docCells: [string, string, number][] = [
    ['Data do documento', formatDateBR(slip.documentDate), 0.2],
    ['Nº do documento', slip.documentNumber, 0.26],
    ['Espécie doc.', view.kind, 0.14],
    ['Aceite', 'N', 0.1],
    ['Data do processamento', formatDateBR(slip.processingDate), 0.3],
  ];
  row5(doc, docCells, y, left, row);
  field(doc, rightX, y, RIGHT_COLUMN, row, 'Nosso número', [slip.boleto.nossoNumero.printed], { align: 'right' });
  y += row;
  const bankCells: [string, string, number][] = [
    ['Uso do banco', '', 0.2],
    ['Carteira', view.wallet, 0.14],
    ['Espécie', 'R$', 0.12],
    ['Quantidade', '', 0.24],
    ['Valor', '', 0.3],
  ];
  row5(doc, bankCells, y, left, row);
  field(doc, rightX, y, RIGHT_COLUMN, row, '(=) Valor do documento', [view.amount], { align: 'right', bold: true });
  y += row;
  const adjustments = ['(-) Desconto/Abatimento', '(-) Outras deduções', '(+) Mora/Multa', '(+) Outros acréscimos', '(=) Valor cobrado'];
  const adjustmentRow = 7 * mm;
  adjustments.forEach((label, i) => field(doc, rightX, y + i * adjustmentRow, RIGHT_COLUMN, adjustmentRow, label));
  const instructionsHeight = adjustments.length * adjustmentRow;
  doc.rect(LEFT, y, left, instructionsHeight).stroke();
  doc.font('Helvetica').fontSize(LABEL_SIZE).text('Instruções (texto de responsabilidade do beneficiário)', LEFT + 1.2 * mm, y + 0.8 * mm);
  doc.fontSize(VALUE_SIZE).text(slip.instructions.join('\n'), LEFT + 1.2 * mm, y + 3.5 * mm, { width: left - 2.4 * mm, height: instructionsHeight - 4.5 * mm, ellipsis: true });
  y += instructionsHeight;
  const payerLines = [partyLine(slip.payer), slip.payer.address ?? ''];
  const guarantor = slip.guarantor ? `Sacador/Avalista: ${partyLine(slip.guarantor)}` : 'Sacador/Avalista:';
  field(doc, LEFT, y, WIDTH, 15 * mm, 'Pagador', [...payerLines, guarantor]);
  y += 15 * mm;
  // FEBRABAN: 5 mm quiet zone from the slip's left edge; 103 × 13 mm.
  drawItf(doc, slip.boleto.barcode, LEFT + 5 * mm, y + 2 * mm, { narrow: FEBRABAN_NARROW_PT, height: FEBRABAN_HEIGHT_PT });
  doc.font('Helvetica').fontSize(LABEL_SIZE).text('Autenticação mecânica — Ficha de Compensação', LEFT + 120 * mm, y + 1 * mm, { width: WIDTH - 120 * mm, align: 'right' });
}

/** A row of cells sharing `width` by the given fractions. */
function row5(doc: PDFKit.PDFDocument, cells: [string, string, number][], y: number, width: number, height: number): void {
  let x = LEFT;
  for (const [label, value, share] of cells) {
    field(doc, x, y, width * share, height, label, value ? [value] : []);
    x += width * share;
  }
}
