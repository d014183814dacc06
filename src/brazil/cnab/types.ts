export type CnabLayout = 'cnab240' | 'cnab400';

/** One title's movement in a return file (for CNAB 240, a T segment with its U). */
export interface CnabDetail {
  /** 1-based line of the record (for CNAB 240, the T segment's line). */
  line: number;
  bankCode: string;
  /**
   * The title's number at the bank: the field's digits without leading zeros and without the
   * check digit the field carries — the number the boleto is issued with (src/brazil/boleto):
   *   BB        convênio + sequence (17 digits for 7-digit convênios; for 4/6 the DV is dropped)
   *   Santander 12 digits (the field's last digit, its DV, dropped)
   *   CAIXA     modalidade + 15 digits (14… / 24…; SIGCB's CNAB carries no DV)
   *   Bradesco  11 digits (240: DV apart at 57; 400: last digit of 71–82, 0–9 or P, dropped)
   *   Itaú      8 digits (DAC apart)
   *   Sicoob    the number (its DV, the field's last digit, dropped)
   */
  nossoNumero: string;
  /** 2 digits, as in the file. */
  occurrence: string;
  occurrenceText: string;
  /** A liquidation (06, 17 … per bank): money was received for the title. */
  paid: boolean;
  /** Centavos paid by the payer. */
  amountPaid: number;
  /** The occurrence date when the title was paid, null otherwise. */
  paymentDate: string | null;
  creditDate: string | null;
  /** Bank fee (tarifa) in centavos. */
  fees: number;
  faceValue: number;
  dueDate: string | null;
  /** Interest, fine and charges paid (juros/multa/encargos). */
  interest: number;
  discount: number;
  documentNumber: string | null;
  // Beyond the minimum: what the manuals put on every detail and a reconciliation may want.
  occurrenceDate: string | null;
  /** Abatimento. */
  rebate: number;
  iof: number;
  otherCredits: number;
  /** Carteira as the file writes it (e.g. '109'), or null. */
  wallet: string | null;
  /** Agência cobradora/recebedora with its digit ('3027-2'), or null. */
  collectingAgency: string | null;
  /** Codes explaining the occurrence (rejections, liquidation channel), '00' left out. */
  reasons: string[];
  /** Itaú CNAB 400: how the title was settled (e.g. 'B2'); null elsewhere. */
  settlementCode: string | null;
  /** Itaú CNAB 400: the title is a DDA boleto. */
  dda: boolean;
}

export interface CnabReturn {
  layout: CnabLayout;
  bankCode: string;
  bankName: string;
  generatedOn: string | null;
  beneficiary: { document: string | null; agency: string | null; account: string | null; agreement: string | null };
  details: CnabDetail[];
}

/** The beneficiary's account with the bank, as the remessa and the simulated return need it. */
export interface CnabAccount {
  bankCode: string;
  agency: string;
  agencyDigit?: string;
  account: string;
  accountDigit?: string;
  /**
   * Carteira: BB '17' or '17-019' (with variação); Santander '101' or the 1-digit tipo de
   * cobrança; Caixa 'RG' (or '14'); Bradesco '09'; Itaú '109'; Sicoob the modalidade '01'.
   */
  wallet: string;
  /**
   * BB convênio (4, 6 or 7 digits); Santander código de transmissão (up to 15 digits);
   * Caixa código do beneficiário (6 or 7 digits); Bradesco código do beneficiário (up to 20);
   * Sicoob código do cliente (for the check digit; not written in the file); Itaú: unused.
   */
  agreement?: string;
}

export interface CnabBeneficiary {
  name: string;
  /** CPF/CNPJ digits. */
  document: string;
}

export interface RemessaTitle {
  /** Digits, without check digit (BB: convênio + sequence; Caixa: 14 + 15 digits, as the boleto issues them). */
  nossoNumero: string;
  nossoNumeroDigit?: string | null;
  documentNumber: string;
  issueDate: string;
  dueDate: string;
  /** Centavos. */
  amount: number;
  /** Espécie: '02' DM, '04' DS, '12' NP, '99' outros … (default '02'). */
  kind?: string;
  /** Centavos per day of delay, from the day after the due date. */
  interestPerDay?: number;
  fine?: { date: string; amount?: number; rateBasisPoints?: number };
  payer: { name: string; document: string; street: string; district: string; postalCode: string; city: string; uf: string };
}

export interface RemessaInput {
  account: CnabAccount;
  beneficiary: CnabBeneficiary;
  fileSequence: number;
  /** Local date and time of generation, 'YYYY-MM-DDTHH:MM[:SS]' (the digits are written as given). */
  generatedAt: string;
  titles: RemessaTitle[];
}

export interface RetornoPayment {
  nossoNumero: string;
  nossoNumeroDigit?: string | null;
  documentNumber?: string;
  faceValue: number;
  amountPaid: number;
  fees?: number;
  interest?: number;
  discount?: number;
  dueDate?: string;
  paymentDate: string;
  creditDate: string;
  /** Default '06' (liquidação). */
  occurrence?: string;
}

export interface RetornoInput {
  account: CnabAccount;
  beneficiary: CnabBeneficiary;
  generatedOn: string;
  fileSequence: number;
  payments: RetornoPayment[];
}
