import { formatDocument } from '../../brazil/documents.ts';
import { Decimal } from '../decimal.ts';
import { formatDateBR as br, type IsoDate } from '../dates.ts';
import { formatBRL, type Cents } from '../money.ts';
import { LABELS } from '../balance/updated-balance.ts';
import { COMPONENTS, type Offer } from './offers.ts';

/**
 * The agreement's documents as data — the term / confession of debt, a receipt per payment and
 * the discharge letter — rendered to PDF at the edge and to plain text for the record of what
 * the debtor accepted (its SHA-256 is stored with the acceptance). Every document carries the
 * creditor's identification (CDC art. 42-A) and itemizes the amounts (SP Lei 14.953/2013).
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; columns: string[]; rows: string[][]; align?: Array<'left' | 'right'> };

export interface DocumentModel {
  title: string;
  blocks: Block[];
}

export interface Party {
  name: string;
  document: string;
  address: string;
}

export interface AgreementDocumentData {
  number: string;
  creditor: Party & { tradeName: string | null };
  agency: { name: string };
  debtor: Party;
  offer: Offer;
  debts: ReadonlyArray<{ externalId: string; dueDate: IsoDate; originalCents: Cents; description: string | null }>;
  graceDays: number;
  /** City and date of issue. */
  place: string;
  issuedOn: IsoDate;
}

const documentLabel = (doc: string) => `${doc.length === 14 ? 'CNPJ' : 'CPF'} ${formatDocument(doc)}`;
const creditorLine = (c: AgreementDocumentData['creditor']) => `${c.name}${c.tradeName ? ` (${c.tradeName})` : ''}, ${documentLabel(c.document)}, com sede em ${c.address}`;

export function agreementTerm(data: AgreementDocumentData): DocumentModel {
  const { offer, creditor, debtor } = data;
  const discountRows = COMPONENTS.filter((c) => offer.breakdown.some((l) => l.component === c)).map((c) => {
    const lines = offer.breakdown.filter((l) => l.component === c);
    return [LABELS[c], formatBRL(lines.reduce((s, l) => s + l.balanceCents, 0)), formatBRL(lines.reduce((s, l) => s + l.discountCents, 0)), formatBRL(lines.reduce((s, l) => s + l.balanceCents - l.discountCents, 0))];
  });
  const payments = offer.payments.map((p) => [p.number === 0 ? 'Entrada' : offer.kind === 'cash' ? 'À vista' : `${p.number}/${offer.payments.length - 1}`, br(p.dueDate), formatBRL(p.amountCents), formatBRL(p.interestCents)]);
  return {
    title: `Termo de acordo e confissão de dívida nº ${data.number}`,
    blocks: [
      { kind: 'heading', text: 'Partes' },
      { kind: 'paragraph', text: `CREDOR: ${creditorLine(creditor)}.` },
      { kind: 'paragraph', text: `DEVEDOR(A): ${debtor.name}, ${documentLabel(debtor.document)}${debtor.address ? `, residente em ${debtor.address}` : ''}.` },
      { kind: 'paragraph', text: `Intermediação: ${data.agency.name}, em nome do credor.` },
      { kind: 'heading', text: 'Títulos incluídos' },
      {
        kind: 'table',
        columns: ['Título', 'Vencimento', 'Valor original', 'Saldo em ' + br(offer.asOf)],
        rows: data.debts.map((d) => [d.externalId + (d.description ? ` — ${d.description}` : ''), br(d.dueDate), formatBRL(d.originalCents), formatBRL(sumFor(offer, d.externalId))]),
        align: ['left', 'left', 'right', 'right'],
      },
      { kind: 'heading', text: 'Valores discriminados e descontos' },
      { kind: 'table', columns: ['Componente', 'Saldo', 'Desconto', 'Negociado'], rows: [...discountRows, ['Total', formatBRL(offer.balanceCents), formatBRL(offer.discountCents), formatBRL(offer.negotiatedCents)]], align: ['left', 'right', 'right', 'right'] },
      { kind: 'heading', text: 'Forma de pagamento' },
      {
        kind: 'paragraph',
        text:
          offer.kind === 'cash'
            ? `Pagamento à vista de ${formatBRL(offer.totalCents)} até ${br(offer.payments[0]!.dueDate)}.`
            : `Entrada de ${formatBRL(offer.downPaymentCents)} e ${offer.payments.length - 1} parcela(s) mensais, com juros de ${pct(offer.monthlyRate)} ao mês (tabela Price) sobre ${formatBRL(offer.financedCents)}; total de ${formatBRL(offer.totalCents)}; custo efetivo total (CET) de ${pct(offer.cet!.monthly)} ao mês e ${pct(offer.cet!.yearly)} ao ano.`,
      },
      { kind: 'table', columns: ['Parcela', 'Vencimento', 'Valor', 'Juros'], rows: payments, align: ['left', 'left', 'right', 'right'] },
      { kind: 'heading', text: 'Cláusulas' },
      ...CLAUSES(data).map((text, i) => ({ kind: 'paragraph' as const, text: `${i + 1}. ${text}` })),
      { kind: 'paragraph', text: `${data.place}, ${br(data.issuedOn)}.` },
    ],
  };
}

function CLAUSES(data: AgreementDocumentData): string[] {
  return [
    `O(A) DEVEDOR(A) reconhece e confessa dever ao CREDOR o valor dos títulos acima, atualizado até ${br(data.offer.asOf)} conforme a memória de cálculo que lhe foi apresentada, e se compromete a pagá-lo na forma deste termo.`,
    'Os pagamentos serão feitos por PIX ou boleto emitidos para cada parcela; o pagamento de cada parcela será comprovado por recibo.',
    `O atraso de qualquer parcela por mais de ${data.graceDays} dia(s) rompe este acordo: os descontos concedidos perdem efeito e os títulos originais voltam a ser cobrados pelo seu saldo atualizado, abatidos os valores pagos, imputados na forma dos arts. 354 e 355 do Código Civil.`,
    'Enquanto o acordo estiver em dia, o CREDOR não fará novas cobranças dos títulos incluídos. Havendo registro em cadastro de inadimplentes, sua baixa será solicitada em até 5 dias úteis após o pagamento da entrada ou da parcela à vista (Súmula 548 do STJ).',
    'Paga a última parcela, o CREDOR dará plena quitação dos títulos incluídos e emitirá a carta de quitação.',
    'Os dados pessoais do(a) DEVEDOR(A) são tratados para a proteção do crédito (Lei 13.709/2018, art. 7º, X), e o(a) DEVEDOR(A) pode exercer os direitos do art. 18 da mesma lei pelos canais do CREDOR.',
    'Fica eleito o foro do domicílio do(a) DEVEDOR(A) (CDC, art. 101, I).',
  ];
}

function sumFor(offer: Offer, externalId: string): Cents {
  return offer.breakdown.filter((l) => l.externalId === externalId).reduce((s, l) => s + l.balanceCents, 0);
}

export interface ReceiptData {
  creditor: Party & { tradeName: string | null };
  debtor: Party;
  agreementNumber: string;
  installmentLabel: string;
  paymentId: string;
  amountCents: Cents;
  paidOn: IsoDate;
  method: string;
  /** What is still owed on the agreement after this payment. */
  remainingCents: Cents;
  place: string;
  issuedOn: IsoDate;
}

export function paymentReceipt(data: ReceiptData): DocumentModel {
  return {
    title: `Recibo de pagamento — acordo nº ${data.agreementNumber}`,
    blocks: [
      {
        kind: 'paragraph',
        text: `Recebemos de ${data.debtor.name}, ${documentLabel(data.debtor.document)}, a quantia de ${formatBRL(data.amountCents)}, paga em ${br(data.paidOn)} por ${data.method}, referente à parcela ${data.installmentLabel} do acordo nº ${data.agreementNumber}.`,
      },
      { kind: 'table', columns: ['Pagamento', 'Data', 'Valor', 'Saldo do acordo'], rows: [[data.paymentId, br(data.paidOn), formatBRL(data.amountCents), formatBRL(data.remainingCents)]], align: ['left', 'left', 'right', 'right'] },
      { kind: 'paragraph', text: `Credor: ${creditorLine(data.creditor)}.` },
      { kind: 'paragraph', text: `${data.place}, ${br(data.issuedOn)}.` },
    ],
  };
}

export interface DischargeData {
  creditor: Party & { tradeName: string | null };
  debtor: Party;
  agreementNumber: string;
  paidCents: Cents;
  lastPaymentOn: IsoDate;
  debts: ReadonlyArray<{ externalId: string; dueDate: IsoDate; originalCents: Cents }>;
  place: string;
  issuedOn: IsoDate;
}

export function dischargeLetter(data: DischargeData): DocumentModel {
  return {
    title: `Carta de quitação — acordo nº ${data.agreementNumber}`,
    blocks: [
      {
        kind: 'paragraph',
        text: `${creditorLine(data.creditor)}, declara que ${data.debtor.name}, ${documentLabel(data.debtor.document)}, pagou integralmente o acordo nº ${data.agreementNumber}, no total de ${formatBRL(data.paidCents)}, com último pagamento em ${br(data.lastPaymentOn)}, e lhe dá plena, geral e irrevogável quitação dos títulos abaixo, nada mais havendo a reclamar a seu respeito.`,
      },
      { kind: 'table', columns: ['Título', 'Vencimento', 'Valor original'], rows: data.debts.map((d) => [d.externalId, br(d.dueDate), formatBRL(d.originalCents)]), align: ['left', 'left', 'right'] },
      { kind: 'paragraph', text: 'Havendo registro em cadastro de inadimplentes ou protesto relativos a esses títulos, sua baixa é devida em até 5 dias úteis (Súmula 548 do STJ).' },
      { kind: 'paragraph', text: `${data.place}, ${br(data.issuedOn)}.` },
    ],
  };
}

/** The document as plain text: what is hashed and stored when the debtor accepts. */
export function documentText(model: DocumentModel): string {
  const out = [model.title, ''];
  for (const block of model.blocks) {
    if (block.kind === 'heading') out.push('', block.text.toUpperCase());
    else if (block.kind === 'paragraph') out.push(block.text);
    else {
      out.push(block.columns.join(' | '));
      for (const row of block.rows) out.push(row.join(' | '));
    }
  }
  return out.join('\n') + '\n';
}

const pct = (fraction: string) => `${new Decimal(fraction).times(100).toFixed(2).replace('.', ',')}%`;
