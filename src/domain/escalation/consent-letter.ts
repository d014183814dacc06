import { formatDocument } from '../../brazil/documents.ts';
import { formatDateBR as br, type IsoDate } from '../dates.ts';
import { formatBRL, type Cents } from '../money.ts';
import type { DocumentModel, Party } from '../negotiation/documents.ts';

/**
 * Carta de anuência: the creditor's declaration that a protested debt was paid, with which the
 * debtor (or anyone interested) asks the notary to cancel the protest. Lei 9.492/1997 art. 26
 * §1º: the cancellation needs the protested title or "declaração de anuência" of the creditor,
 * identified and qualified.
 */
export interface ConsentLetterData {
  creditor: Party;
  debtor: Party;
  debt: { externalId: string; kind: string; issueDate: IsoDate | null; dueDate: IsoDate; originalCents: Cents };
  protest: { protestedOn: IsoDate | null; notaryProtocol: string | null };
  paidOn: IsoDate;
  place: string;
  issuedOn: IsoDate;
}

const documentLabel = (doc: string) => `${doc.length === 14 ? 'CNPJ' : 'CPF'} ${formatDocument(doc)}`;

export function consentLetter(data: ConsentLetterData): DocumentModel {
  const protest = data.protest.protestedOn
    ? `protestado em ${br(data.protest.protestedOn)}${data.protest.notaryProtocol ? ` (protocolo ${data.protest.notaryProtocol})` : ''}`
    : 'apresentado a protesto';
  return {
    title: 'Carta de anuência para cancelamento de protesto',
    blocks: [
      {
        kind: 'paragraph',
        text: `${data.creditor.name}, ${documentLabel(data.creditor.document)}, com sede em ${data.creditor.address}, credora do título abaixo, ${protest}, declara que ${data.debtor.name}, ${documentLabel(data.debtor.document)}, quitou a dívida em ${br(data.paidOn)} e, nos termos do art. 26 da Lei 9.492/1997, concede anuência ao cancelamento do protesto, nada mais havendo a reclamar a esse respeito.`,
      },
      {
        kind: 'table',
        columns: ['Título', 'Espécie', 'Emissão', 'Vencimento', 'Valor original'],
        rows: [[data.debt.externalId, data.debt.kind, data.debt.issueDate ? br(data.debt.issueDate) : '—', br(data.debt.dueDate), formatBRL(data.debt.originalCents)]],
        align: ['left', 'left', 'left', 'left', 'right'],
      },
      { kind: 'paragraph', text: 'As custas e emolumentos do cancelamento são pagos no tabelionato, na forma da lei estadual.' },
      { kind: 'paragraph', text: `${data.place}, ${br(data.issuedOn)}.` },
      { kind: 'paragraph', text: `\n\n______________________________________\n${data.creditor.name}\n${documentLabel(data.creditor.document)}` },
    ],
  };
}
