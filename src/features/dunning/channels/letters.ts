import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatCep } from '../../../brazil/uf.ts';
import { formatDateBR } from '../../../domain/dates.ts';
import { localTime } from '../../../domain/compliance/local-time.ts';
import { csvCell } from '../../../shared/csv.ts';
import { renderPdf } from '../../../shared/pdf.ts';
import type { ChannelAdapter, OutgoingMessage } from './channel.ts';

/**
 * Letters for a print house: each dispatch batch becomes one PDF (one A4 page per letter, the
 * recipient's address where a DL window envelope shows it) and a CSV manifest with the page,
 * the action and the postal address of every letter, written atomically (a print house never
 * picks up half a file). The letter's id is "<file>#<page>".
 */
export function letterBatchChannel(options: { dir: string; sender: string }): ChannelAdapter {
  return {
    channel: 'letter',
    async send(messages) {
      const day = localTime(messages[0]!.at, 'America/Sao_Paulo').date;
      const folder = path.join(options.dir, messages[0]!.tenantId, day);
      fs.mkdirSync(folder, { recursive: true });
      const name = `lote-${messages[0]!.at.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${messages[0]!.actionId.slice(-12)}`;
      const { pdf, firstPages } = await letterBatchPdf(messages, options.sender, day);
      const manifest = letterManifest(messages, firstPages, createHash('sha256').update(pdf).digest('hex'));
      writeAtomically(path.join(folder, `${name}.pdf`), pdf);
      writeAtomically(path.join(folder, `${name}.csv`), manifest);
      return messages.map((_, i) => ({ status: 'sent' as const, providerId: `${name}.pdf#${firstPages[i]}` }));
    },
  };
}

/** The batch's PDF and the page each letter starts on (a long letter takes more than one). */
export async function letterBatchPdf(messages: readonly OutgoingMessage[], sender: string, day: string): Promise<{ pdf: Buffer; firstPages: number[] }> {
  const mm = 72 / 25.4;
  const firstPages: number[] = [];
  let pages = 0;
  const pdf = await renderPdf({ size: 'A4', margin: 25 * mm, autoFirstPage: false, info: { Title: `Lote de cartas de ${formatDateBR(day)}`, Author: sender } }, (doc) => {
    doc.on('pageAdded', () => pages++);
    for (const message of messages) {
      doc.addPage();
      firstPages.push(pages);
      doc.font('Helvetica').fontSize(7).text(`Ref. ${message.actionId}`, 25 * mm, 262 * mm, { width: 160 * mm, lineBreak: false });
      doc.font('Helvetica').fontSize(8).text(sender, 25 * mm, 15 * mm);
      // DL window envelope: the address block 20 mm from the left, 45 mm from the top
      const a = message.postalAddress;
      const addressLines = a
        ? [message.recipientName, `${a.street}${a.number ? `, ${a.number}` : ''}${a.complement ? ` — ${a.complement}` : ''}`, ...(a.district ? [a.district] : []), `${a.city}/${a.uf}`, `CEP ${formatCep(a.cep)}`]
        : [message.recipientName, message.to];
      doc.fontSize(10).text(addressLines.join('\n'), 20 * mm, 45 * mm, { width: 90 * mm });
      doc.text(`${formatDateBR(day)}`, 25 * mm, 90 * mm, { align: 'right', width: 160 * mm });
      doc.font('Helvetica-Bold').fontSize(11).text(message.subject, 25 * mm, 100 * mm, { width: 160 * mm });
      doc.font('Helvetica').fontSize(10).moveDown().text(message.text, { width: 160 * mm });
    }
  });
  return { pdf, firstPages };
}

export function letterManifest(messages: readonly OutgoingMessage[], firstPages: readonly number[], pdfSha256: string): string {
  const header = 'pagina;acao;destinatario;logradouro;numero;complemento;bairro;cidade;uf;cep';
  const rows = messages.map((m, i) => {
    const a = m.postalAddress;
    return [String(firstPages[i]), m.actionId, m.recipientName, a?.street ?? m.to, a?.number ?? '', a?.complement ?? '', a?.district ?? '', a?.city ?? '', a?.uf ?? '', a?.cep ?? ''].map(csvCell).join(';');
  });
  return `${[header, ...rows].join('\n')}\n# sha256 do PDF: ${pdfSha256}\n`;
}

function writeAtomically(file: string, content: string | Buffer): void {
  const temporary = `${file}.parcial`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}
