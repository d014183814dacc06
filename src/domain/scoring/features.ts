/**
 * What the score reads about a debtor on a date: its open debts, its history with the agency and
 * the creditors (payments, agreements, promises) and whether it can be reached. The same features
 * feed the day-one scorecard and the models trained on the tenant's own outcomes, and the training
 * set is these features taken on a past date (no later fact may leak into them).
 */
export interface DebtorFeatures {
  kind: 'pf' | 'pj';
  /** Overdue open debts on the date. */
  openDebts: number;
  /** Their original amounts (centavos). */
  openAmountCents: number;
  /** Days past due of the oldest overdue open debt (0 when none). */
  maxDaysPastDue: number;
  /** Debts the debtor paid or settled before the date. */
  paidDebts: number;
  /** Payments received in the 365 days before the date. */
  payments12m: number;
  /** Distinct months with a payment in those 365 days: how regular the debtor's cash is (revenue regularity for a company). */
  paymentMonths12m: number;
  agreementsFulfilled: number;
  agreementsBroken: number;
  promisesKept: number;
  promisesBroken: number;
  /** Valid contact points of the debtor itself (reference contacts do not count). */
  validMobiles: number;
  validLandlines: number;
  validEmails: number;
  validAddresses: number;
  /** Phones found to be wrong. */
  invalidPhones: number;
}

/** The features as named model inputs: the columns of the training CSV and of the predictor's row. */
export const FEATURE_COLUMNS = [
  'tipo_pj', 'titulos_abertos', 'valor_aberto_reais', 'dias_atraso_max', 'titulos_pagos', 'pagamentos_12m', 'meses_com_pagamento_12m',
  'acordos_cumpridos', 'acordos_quebrados', 'promessas_cumpridas', 'promessas_quebradas', 'celulares_validos', 'fixos_validos',
  'emails_validos', 'enderecos_validos', 'telefones_invalidos',
] as const;

export type FeatureRow = Record<(typeof FEATURE_COLUMNS)[number], number>;

/** Money enters a model in reais (a scale, not an amount: models are trained on floats, never on money that is paid). */
export function featureRow(f: DebtorFeatures): FeatureRow {
  return {
    tipo_pj: f.kind === 'pj' ? 1 : 0,
    titulos_abertos: f.openDebts,
    valor_aberto_reais: f.openAmountCents / 100,
    dias_atraso_max: f.maxDaysPastDue,
    titulos_pagos: f.paidDebts,
    pagamentos_12m: f.payments12m,
    meses_com_pagamento_12m: f.paymentMonths12m,
    acordos_cumpridos: f.agreementsFulfilled,
    acordos_quebrados: f.agreementsBroken,
    promessas_cumpridas: f.promisesKept,
    promessas_quebradas: f.promisesBroken,
    celulares_validos: f.validMobiles,
    fixos_validos: f.validLandlines,
    emails_validos: f.validEmails,
    enderecos_validos: f.validAddresses,
    telefones_invalidos: f.invalidPhones,
  };
}
