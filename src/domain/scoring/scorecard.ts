import type { DebtorFeatures } from './features.ts';

/**
 * The day-one scorecard (PRODUCT.md §2.3): points for what a debtor's record says, added to a base
 * and clamped to 0–1000, so that a score reads as a per-mille chance of payment before any outcome
 * of the tenant's own is known. "Few debts and a good history: probably forgot — start soft and
 * early. Many debts, unstable revenue: accelerate." The bins are configuration, the factors are
 * named here; every score comes with the points of each factor (its reasons).
 */
export interface Bin {
  /** Highest value in the bin (inclusive); null: everything above the previous bin. */
  upTo: number | null;
  points: number;
}

export type FactorId =
  | 'open_debts' | 'days_past_due' | 'open_amount' | 'paid_debts' | 'agreements_fulfilled' | 'agreements_broken'
  | 'promises_kept' | 'promises_broken' | 'reachable_channels' | 'wrong_numbers' | 'regularity_pf' | 'regularity_pj';

export interface Scorecard {
  base: number;
  factors: Record<FactorId, readonly Bin[]>;
}

const FACTORS: Record<FactorId, { label: string; value: (f: DebtorFeatures) => number | null }> = {
  open_debts: { label: 'títulos em atraso', value: (f) => f.openDebts },
  days_past_due: { label: 'dias em atraso (título mais antigo)', value: (f) => f.maxDaysPastDue },
  // in reais, so the bins read as the policy is written (R$ 200, R$ 1.000…)
  open_amount: { label: 'valor em atraso (R$)', value: (f) => f.openAmountCents / 100 },
  paid_debts: { label: 'títulos pagos (histórico)', value: (f) => f.paidDebts },
  agreements_fulfilled: { label: 'acordos cumpridos', value: (f) => f.agreementsFulfilled },
  agreements_broken: { label: 'acordos quebrados', value: (f) => f.agreementsBroken },
  promises_kept: { label: 'promessas cumpridas', value: (f) => f.promisesKept },
  promises_broken: { label: 'promessas quebradas', value: (f) => f.promisesBroken },
  reachable_channels: {
    label: 'canais de contato válidos (celular, fixo, e-mail, endereço)',
    value: (f) => [f.validMobiles, f.validLandlines, f.validEmails, f.validAddresses].filter((n) => n > 0).length,
  },
  wrong_numbers: { label: 'telefones errados', value: (f) => f.invalidPhones },
  // Revenue regularity: months with a payment in the last year (for a company, how steady its cash is).
  regularity_pf: { label: 'meses com pagamento nos últimos 12 (pessoa física)', value: (f) => (f.kind === 'pf' ? f.paymentMonths12m : null) },
  regularity_pj: { label: 'meses com pagamento nos últimos 12 (empresa)', value: (f) => (f.kind === 'pj' ? f.paymentMonths12m : null) },
};

export const DEFAULT_SCORECARD: Scorecard = {
  base: 450,
  factors: {
    open_debts: [{ upTo: 1, points: 60 }, { upTo: 2, points: 20 }, { upTo: 4, points: -40 }, { upTo: null, points: -100 }],
    days_past_due: [
      { upTo: 15, points: 150 }, { upTo: 30, points: 90 }, { upTo: 60, points: 20 }, { upTo: 90, points: -40 },
      { upTo: 180, points: -110 }, { upTo: 360, points: -180 }, { upTo: null, points: -250 },
    ],
    open_amount: [{ upTo: 200, points: 60 }, { upTo: 1000, points: 30 }, { upTo: 5000, points: 0 }, { upTo: 20000, points: -30 }, { upTo: null, points: -60 }],
    paid_debts: [{ upTo: 0, points: 0 }, { upTo: 2, points: 50 }, { upTo: null, points: 100 }],
    agreements_fulfilled: [{ upTo: 0, points: 0 }, { upTo: null, points: 80 }],
    agreements_broken: [{ upTo: 0, points: 0 }, { upTo: 1, points: -80 }, { upTo: null, points: -160 }],
    promises_kept: [{ upTo: 0, points: 0 }, { upTo: null, points: 40 }],
    promises_broken: [{ upTo: 0, points: 0 }, { upTo: 1, points: -40 }, { upTo: null, points: -90 }],
    reachable_channels: [{ upTo: 0, points: -120 }, { upTo: 1, points: 0 }, { upTo: 2, points: 30 }, { upTo: null, points: 60 }],
    wrong_numbers: [{ upTo: 0, points: 0 }, { upTo: null, points: -20 }],
    regularity_pf: [{ upTo: 0, points: 0 }, { upTo: 5, points: 10 }, { upTo: null, points: 30 }],
    regularity_pj: [{ upTo: 0, points: -40 }, { upTo: 2, points: 0 }, { upTo: 5, points: 20 }, { upTo: null, points: 60 }],
  },
};

export interface ScoreReason {
  factor: FactorId;
  label: string;
  value: number;
  points: number;
}

export interface ScorecardResult {
  score: number;
  reasons: ScoreReason[];
}

function pointsOf(bins: readonly Bin[], value: number): number {
  for (const bin of bins) if (bin.upTo === null || value <= bin.upTo) return bin.points;
  return 0;
}

/** Bins must rise and end open: otherwise a value could fall in none (a configuration error, said at once). */
export function checkScorecard(card: Scorecard): string[] {
  const problems: string[] = [];
  for (const id of Object.keys(FACTORS) as FactorId[]) {
    const bins = card.factors[id];
    if (!bins?.length) {
      problems.push(`${id}: sem faixas`);
      continue;
    }
    if (bins.at(-1)!.upTo !== null) problems.push(`${id}: a última faixa deve ser aberta (upTo: null)`);
    for (let i = 1; i < bins.length; i++) {
      const [a, b] = [bins[i - 1]!.upTo, bins[i]!.upTo];
      if (a === null || (b !== null && b <= a)) problems.push(`${id}: faixas fora de ordem na posição ${i + 1}`);
    }
  }
  return problems;
}

/** The score of a debtor by the scorecard, with the points of each factor that applies. */
export function scoreByScorecard(features: DebtorFeatures, card: Scorecard = DEFAULT_SCORECARD): ScorecardResult {
  let total = card.base;
  const reasons: ScoreReason[] = [];
  for (const id of Object.keys(FACTORS) as FactorId[]) {
    const value = FACTORS[id].value(features);
    if (value === null) continue;
    const points = pointsOf(card.factors[id], value);
    total += points;
    reasons.push({ factor: id, label: FACTORS[id].label, value, points });
  }
  return { score: Math.min(1000, Math.max(0, total)), reasons };
}
