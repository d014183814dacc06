/**
 * Kinds of debt document. The kind decides the limitation period (prescription) of a debt:
 * credit titles (cheque, nota promissória, duplicata) have their own executive-action terms,
 * liquid debts in a written instrument 5 years (CC art. 206 §5 I), and so on.
 */
export const DEBT_KINDS = {
  contract: 'Contrato',
  credit_card: 'Fatura de cartão de crédito',
  loan: 'Empréstimo / financiamento',
  consumer_credit: 'Crediário / CDC',
  invoice: 'Fatura / conta de consumo',
  tuition: 'Mensalidade',
  rent: 'Aluguel',
  duplicata: 'Duplicata',
  promissory_note: 'Nota promissória',
  cheque: 'Cheque',
  bank_slip: 'Boleto',
  other: 'Outros',
} as const;

export type DebtKind = keyof typeof DEBT_KINDS;

/** How ERPs and spreadsheets name the kinds (normalized: lowercase, no accents, '_' for spaces). */
const ALIASES: Record<string, DebtKind> = {
  contrato: 'contract', contract: 'contract',
  cartao: 'credit_card', cartao_de_credito: 'credit_card', cartao_credito: 'credit_card', fatura_cartao: 'credit_card', credit_card: 'credit_card',
  emprestimo: 'loan', financiamento: 'loan', loan: 'loan',
  crediario: 'consumer_credit', cdc: 'consumer_credit', carne: 'consumer_credit', consumer_credit: 'consumer_credit',
  fatura: 'invoice', conta: 'invoice', nota_fiscal: 'invoice', nf: 'invoice', invoice: 'invoice',
  mensalidade: 'tuition', tuition: 'tuition',
  aluguel: 'rent', locacao: 'rent', rent: 'rent',
  duplicata: 'duplicata', dm: 'duplicata', ds: 'duplicata', duplicata_mercantil: 'duplicata', duplicata_de_servico: 'duplicata',
  nota_promissoria: 'promissory_note', np: 'promissory_note', promissoria: 'promissory_note', promissory_note: 'promissory_note',
  cheque: 'cheque', ch: 'cheque',
  boleto: 'bank_slip', bank_slip: 'bank_slip',
  outros: 'other', outro: 'other', other: 'other',
};

export function parseDebtKind(normalized: string): DebtKind | null {
  return ALIASES[normalized] ?? null;
}

/** A stored kind, or 'other' for one this version does not know (its rules are the general ones). */
export function storedDebtKind(kind: string): DebtKind {
  return Object.hasOwn(DEBT_KINDS, kind) ? (kind as DebtKind) : 'other';
}

export const CORRECTION_INDICES = ['ipca', 'inpc', 'igpm', 'selic', 'tr', 'none'] as const;
export type CorrectionIndex = (typeof CORRECTION_INDICES)[number];

const INDEX_ALIASES: Record<string, CorrectionIndex> = {
  ipca: 'ipca', ipca_e: 'ipca', inpc: 'inpc', igpm: 'igpm', igp_m: 'igpm', selic: 'selic', tr: 'tr',
  nenhum: 'none', sem: 'none', sem_correcao: 'none', none: 'none',
};

export function parseCorrectionIndex(normalized: string): CorrectionIndex | null {
  return INDEX_ALIASES[normalized] ?? null;
}
