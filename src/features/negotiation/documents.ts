import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from '../../api/zod.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { agreementTerm, dischargeLetter, documentText, paymentReceipt, type DocumentModel } from '../../domain/negotiation/documents.ts';
import type { Config } from '../../shared/config.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { renderPdf } from '../../shared/pdf.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { documentData } from './agreements.ts';

export type AgreementDocumentKind = 'term' | 'discharge';

export const DOCUMENT_NAMES: Record<AgreementDocumentKind | 'receipt', string> = {
  term: 'Termo de acordo e confissão de dívida',
  discharge: 'Carta de quitação',
  receipt: 'Recibo de pagamento',
};

const mm = 72 / 25.4;

/** A document model drawn on A4: title, headings, paragraphs and simple ruled tables. */
export function renderDocumentPdf(model: DocumentModel, author: string): Promise<Buffer> {
  return renderPdf({ size: 'A4', margin: 20 * mm, info: { Title: model.title, Author: author } }, (doc) => {
    const width = doc.page.width - 40 * mm;
    doc.font('Helvetica-Bold').fontSize(14).text(model.title, { width, align: 'center' }).moveDown();
    for (const block of model.blocks) {
      if (block.kind === 'heading') doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).text(block.text, { width }).moveDown(0.3);
      else if (block.kind === 'paragraph') doc.font('Helvetica').fontSize(10).text(block.text, { width, align: 'justify' }).moveDown(0.4);
      else {
        const col = width / block.columns.length;
        const row = (cells: string[], bold: boolean) => {
          if (doc.y > doc.page.height - 30 * mm) doc.addPage();
          const y = doc.y;
          let height = 0;
          cells.forEach((cell, i) => {
            const options = { width: col - 4, align: block.align?.[i] ?? 'left' } as const;
            doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
            height = Math.max(height, doc.heightOfString(cell, options));
            doc.text(cell, 20 * mm + i * col + 2, y, options);
          });
          doc.y = y + height + 3;
          doc.moveTo(20 * mm, doc.y - 1.5).lineTo(20 * mm + width, doc.y - 1.5).lineWidth(0.3).stroke('#999999');
        };
        row(block.columns, true);
        for (const cells of block.rows) row(cells, false);
        doc.x = 20 * mm;
        doc.moveDown(0.5);
      }
    }
  });
}

export interface RenderedDocument {
  kind: AgreementDocumentKind | 'receipt';
  fileName: string;
  pdf: Buffer;
  text: string;
  debtorId: string;
  creditorId: string;
  agreementNumber: string;
}

async function agreementDocument(tx: Tx, agreementId: string, kind: AgreementDocumentKind, today: IsoDate): Promise<RenderedDocument> {
  const agreement = await tx.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirst();
  if (!agreement) throw notFound('Acordo');
  let model: DocumentModel;
  if (kind === 'term') {
    model = agreementTerm(await documentData(tx, agreement, agreement.as_of));
  } else {
    if (agreement.status !== 'fulfilled') throw new AppError('conflict', `A carta de quitação só existe para um acordo quitado (este está ${agreement.status}).`, { field: 'kind' });
    const data = await documentData(tx, agreement, today);
    const payments = await tx.db.selectFrom('payments').select(['paid_on', 'applied_cents']).where('agreement_id', '=', agreementId).execute();
    model = dischargeLetter({
      creditor: data.creditor, debtor: data.debtor, agreementNumber: agreement.number, paidCents: payments.reduce((s, p) => s + p.applied_cents, 0),
      lastPaymentOn: payments.map((p) => p.paid_on).sort().at(-1)!, debts: data.debts, place: data.place, issuedOn: today,
    });
  }
  return { kind, fileName: `${kind === 'term' ? 'termo-de-acordo' : 'carta-de-quitacao'}-${agreement.number}.pdf`, pdf: await renderDocumentPdf(model, authorOf(agreement.number)), text: documentText(model), debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, agreementNumber: agreement.number };
}

const authorOf = (number: string) => `Recupera — acordo ${number}`;

async function receiptDocument(tx: Tx, paymentId: string, today: IsoDate): Promise<RenderedDocument> {
  const payment = await tx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw notFound('Pagamento');
  if (!payment.agreement_id) throw new AppError('validation', 'O recibo deste módulo é de parcelas de acordo; este pagamento foi feito num título.', { field: 'paymentId' });
  const agreement = await tx.db.selectFrom('agreements').selectAll().where('id', '=', payment.agreement_id).executeTakeFirstOrThrow();
  const installment = await tx.db.selectFrom('installments').select(['number']).where('id', '=', payment.installment_id!).executeTakeFirstOrThrow();
  const paid = await tx.db.selectFrom('payments').select('applied_cents').where('agreement_id', '=', agreement.id).where('paid_on', '<=', payment.paid_on).where('created_at', '<=', payment.created_at).execute();
  const info = await documentData(tx, agreement, today);
  const model = paymentReceipt({
    creditor: info.creditor, debtor: info.debtor, agreementNumber: agreement.number,
    installmentLabel: installment.number === 0 ? 'de entrada' : `${installment.number}/${agreement.installment_count - 1}`, paymentId: payment.id,
    amountCents: payment.amount_cents, paidOn: payment.paid_on, method: METHOD_LABELS[payment.method] ?? payment.method,
    remainingCents: Math.max(0, agreement.total_cents - paid.reduce((s, p) => s + p.applied_cents, 0)), place: info.place, issuedOn: today,
  });
  return { kind: 'receipt', fileName: `recibo-${agreement.number}-${installment.number}.pdf`, pdf: await renderDocumentPdf(model, authorOf(agreement.number)), text: documentText(model), debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, agreementNumber: agreement.number };
}

const METHOD_LABELS: Record<string, string> = { pix: 'PIX', boleto: 'boleto', transfer: 'transferência', cash: 'dinheiro', card: 'cartão', other: 'outro meio' };

export type DocumentRequest = { kind: AgreementDocumentKind; agreementId: string } | { kind: 'receipt'; paymentId: string };

export async function renderDocument(db: Database, actor: Actor, request: DocumentRequest, today: IsoDate, route?: string): Promise<RenderedDocument> {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const document = request.kind === 'receipt' ? await receiptDocument(tx, request.paymentId, today) : await agreementDocument(tx, request.agreementId, request.kind, today);
    await recordAccess(tx, actor, { action: 'export', resource: `document.${request.kind}`, subjectIds: [document.debtorId], ...(route ? { route } : {}) });
    return document;
  });
}

export const sendDocumentInput = z.object({
  to: z.email('e-mail inválido').optional().describe('Destinatário; sem ele, o primeiro e-mail válido do devedor'),
});

/**
 * The analyst sends a document to the debtor's e-mail straight from the case (seed 000): the PDF
 * attached, the send and the PDF's SHA-256 on the timeline. Only to one of the debtor's own,
 * valid e-mails — never to a reference contact (CDC art. 42: no exposure to third parties).
 */
export async function sendDocument(db: Database, actor: Actor, config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>, request: DocumentRequest, to: string | undefined, today: IsoDate) {
  requirePermission(actor, 'documents.send');
  const document = await renderDocument(db, actor, request, today);
  if (!config.SMTP_URL) throw new AppError('config', 'Envio de e-mail não configurado (defina SMTP_URL).');
  const { recipient, creditor } = await db.scoped(scopeOf(actor), async (tx) => {
    const emails = await tx.db.selectFrom('contact_points').select('value').where('debtor_id', '=', document.debtorId).where('channel', '=', 'email').where('invalid_at', 'is', null).where('is_reference', '=', false).orderBy('verified', 'desc').orderBy('created_at').execute();
    const creditor = await tx.db.selectFrom('creditors').select(['legal_name', 'trade_name']).where('id', '=', document.creditorId).executeTakeFirstOrThrow();
    if (to) {
      if (!emails.some((e) => e.value.toLowerCase() === to.toLowerCase())) throw new AppError('validation', 'Este e-mail não é um contato válido do devedor; cadastre-o no caso antes de enviar.', { field: 'to' });
      return { recipient: to, creditor };
    }
    if (!emails[0]) throw new AppError('validation', 'O devedor não tem e-mail válido cadastrado.', { field: 'to' });
    return { recipient: emails[0].value, creditor };
  });
  const transport = nodemailer.createTransport({ url: config.SMTP_URL });
  const title = DOCUMENT_NAMES[document.kind];
  let messageId: string;
  try {
    const info = await transport.sendMail({
      from: config.MAIL_FROM,
      to: recipient,
      subject: `${title} — acordo nº ${document.agreementNumber} — ${creditor.trade_name ?? creditor.legal_name}`,
      text: `${title} do acordo nº ${document.agreementNumber} em anexo (PDF).\n\n${document.text}`,
      attachments: [{ filename: document.fileName, content: document.pdf, contentType: 'application/pdf' }],
    });
    messageId = info.messageId;
  } catch (error) {
    throw new AppError('internal', `O servidor de e-mail recusou o envio: ${(error as Error).message}`, { cause: error });
  } finally {
    transport.close();
  }
  const sha256 = createHash('sha256').update(document.pdf).digest('hex');
  await db.scoped(scopeOf(actor), (tx) =>
    appendEvent(tx, actor, {
      debtorId: document.debtorId, creditorId: document.creditorId, type: 'document.sent',
      data: { kind: document.kind, title, agreementNumber: document.agreementNumber, fileName: document.fileName, to: recipient, pdfSha256: sha256, messageId, bytes: document.pdf.length },
    }),
  );
  return { sent: true, to: recipient, fileName: document.fileName, pdfSha256: sha256, messageId };
}
