import { formatDateBR, MONTH_NAMES } from '../../domain/dates.ts';
import { formatBRL } from '../../domain/money.ts';
import { formatPercent as formatRate } from '../../domain/rates.ts';
import { csvCell } from '../../shared/csv.ts';
import { renderPdf } from '../../shared/pdf.ts';
import type { StatementDocument } from './statements.ts';

export function monthLabel(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} de ${month.slice(0, 4)}`;
}

export function statementFileName(s: StatementDocument, extension: 'pdf' | 'csv'): string {
  return `prestacao-de-contas-${s.month}-${s.number ?? 'rascunho'}.${extension}`;
}

/** Centavos as a spreadsheet number in pt-BR ("-1234,05"), as the other CSV exports write them. */
export function csvMoney(cents: number): string {
  const abs = Math.abs(cents);
  const centavos = abs % 100;
  return `${cents < 0 ? '-' : ''}${(abs - centavos) / 100},${String(centavos).padStart(2, '0')}`;
}

/** Rate as a pt-BR percentage number for a spreadsheet ("15" for 15%, "12,5" for 12.5%). */
function csvPercent(rate: string): string {
  return formatRate(rate).replace('%', '').replace(/,00$/, '');
}

/**
 * The statement as CSV: UTF-8 with BOM, ';' separated, amounts "1234,56" — one row per line, then
 * the fees and the totals, each row labelled in its first column so a spreadsheet can filter it.
 */
export function statementCsv(s: StatementDocument): string {
  const header = ['tipo', 'data_pagamento', 'devedor', 'documento', 'acordo', 'titulo', 'valor_recebido', 'dias_atraso', 'faixa', 'percentual', 'comissao', 'liquido', 'atrasado'];
  const rows: string[][] = [header];
  for (const l of s.lines) {
    rows.push([
      l.kind === 'excess' ? 'excesso' : 'recebimento', l.paidOn, l.debtorName, l.debtorDocument, l.agreementNumber ?? '', l.debtExternalId ?? '', csvMoney(l.amountCents),
      l.daysPastDue === null ? '' : String(l.daysPastDue), l.band, csvPercent(l.rate), csvMoney(l.commissionCents), csvMoney(l.netCents), l.late ? 'sim' : 'não',
    ]);
  }
  for (const f of s.fees) rows.push(['taxa', '', f.description, '', '', '', '', '', `${f.count} × ${csvMoney(f.unitCents)}`, '', csvMoney(f.totalCents), csvMoney(-f.totalCents), '']);
  const t = s.totals;
  rows.push(['total', s.periodEnd, `Recebido ${s.month}${s.number ? ` (${s.number})` : ' (rascunho)'}`, '', '', '', csvMoney(t.recoveredCents), '', '', '', csvMoney(t.commissionCents + t.feesCents), csvMoney(t.netCents), '']);
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/** The statement as PDF: who renders the account to whom, the period, the lines, the totals and a signature line. */
export function statementPdf(s: StatementDocument, options: { compress?: boolean } = {}): Promise<Buffer> {
  const title = `Prestação de contas — ${monthLabel(s.month)}`;
  return renderPdf({ size: 'A4', layout: 'landscape', margin: 36, compress: options.compress ?? true, info: { Title: title, Author: s.agency.name } }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(15).text(title);
    doc.font('Helvetica').fontSize(9);
    doc.text(s.number ? `Demonstrativo nº ${s.number}, emitido em ${formatDateBR(s.issuedAt!.slice(0, 10))}` : 'RASCUNHO — não emitido; os valores podem mudar até a emissão.');
    doc.text(`Período: ${formatDateBR(s.periodStart)} a ${formatDateBR(s.periodEnd)}`);
    doc.moveDown(0.5).font('Helvetica-Bold').text('Assessoria (prestadora)').font('Helvetica');
    doc.text([s.agency.name, s.agency.document ? `CNPJ ${s.agency.document}` : null, s.agency.address].filter(Boolean).join(' — '));
    doc.moveDown(0.3).font('Helvetica-Bold').text('Credor').font('Helvetica');
    doc.text(`${s.creditor.legalName} — CNPJ/CPF ${s.creditor.document} — ${s.creditor.address}`);
    doc.moveDown(0.6);

    const columns: Array<{ header: string; width: number; align?: 'right' }> = [
      { header: 'Data', width: 52 }, { header: 'Devedor', width: 150 }, { header: 'Documento', width: 82 }, { header: 'Acordo / título', width: 120 },
      { header: 'Recebido', width: 70, align: 'right' }, { header: 'Atraso', width: 40, align: 'right' }, { header: 'Faixa', width: 80 }, { header: '%', width: 40, align: 'right' },
      { header: 'Comissão', width: 65, align: 'right' }, { header: 'Líquido', width: 70, align: 'right' },
    ];
    const left = doc.page.margins.left;
    const row = (cells: string[], bold = false) => {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
      const y = doc.y;
      let x = left;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
      let height = 0;
      cells.forEach((cell, i) => {
        const c = columns[i]!;
        doc.text(cell, x, y, { width: c.width - 4, align: c.align ?? 'left' });
        height = Math.max(height, doc.y - y);
        x += c.width;
      });
      doc.x = left;
      doc.y = y + height + 2;
    };
    row(columns.map((c) => c.header), true);
    for (const l of s.lines) {
      row([
        formatDateBR(l.paidOn) + (l.late ? ' *' : ''), l.debtorName, l.debtorDocument, [l.agreementNumber ? `acordo ${l.agreementNumber}` : null, l.debtExternalId].filter(Boolean).join(' / ') || '—',
        formatBRL(l.amountCents), l.daysPastDue === null ? '—' : String(l.daysPastDue), l.band, formatRate(l.rate), formatBRL(l.commissionCents), formatBRL(l.netCents),
      ]);
    }
    if (s.lines.length === 0) doc.fontSize(9).text('Nenhum pagamento no período.');
    if (s.lines.some((l) => l.late)) doc.fontSize(7.5).text('* pago em mês já prestado, recebido depois da emissão daquele demonstrativo.');

    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(10).text('Taxas fixas').font('Helvetica').fontSize(9);
    if (s.fees.length === 0) doc.text('Nenhuma.');
    for (const f of s.fees) doc.text(`${f.description}: ${f.count} × ${formatBRL(f.unitCents)} = ${formatBRL(f.totalCents)}`);

    const t = s.totals;
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(10).text('Totais').font('Helvetica').fontSize(9);
    doc.text(`Total recebido: ${formatBRL(t.recoveredCents)} (${t.payments} pagamento(s); no período ${formatBRL(t.inPeriodCents)}, atrasados ${formatBRL(t.lateCents)}, excesso ${formatBRL(t.excessCents)})`);
    doc.text(`Comissão: ${formatBRL(t.commissionCents)}`);
    doc.text(`Taxas fixas: ${formatBRL(t.feesCents)}`);
    doc.font('Helvetica-Bold').text(`Líquido a repassar: ${formatBRL(t.netCents)}`).font('Helvetica');
    doc.fontSize(7.5).text(`Conferido com a tabela de pagamentos: ${s.reconciliation.matches ? 'confere' : 'NÃO CONFERE'} (${formatBRL(s.reconciliation.paymentsInPeriodCents)} em ${s.reconciliation.paymentsInPeriodCount} pagamento(s) no mês). Comissão por linha, arredondada ao centavo (meio para cima).`);

    doc.moveDown(3).fontSize(9);
    const lineWidth = 260;
    const y = doc.y;
    doc.moveTo(left, y).lineTo(left + lineWidth, y).stroke();
    doc.moveTo(left + 320, y).lineTo(left + 320 + lineWidth, y).stroke();
    doc.text(s.agency.name, left, y + 4, { width: lineWidth, align: 'center' });
    doc.text(s.creditor.legalName, left + 320, y + 4, { width: lineWidth, align: 'center' });
  });
}
