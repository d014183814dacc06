import { rateOf } from './rates.ts';

/**
 * The collection funnel over a period (docs/dashboard.md defines each stage): the debtors of the
 * filtered portfolios, then those contacted, reached in person (right-party contact), given an
 * offer, who accepted an agreement, and who paid. A debtor counts in a stage when it reached that
 * stage or a later one ("furthest stage reached"), so the funnel never widens; `direct` counts
 * only the debtors with that stage's own evidence (a debtor who paid without any recorded contact
 * is in every stage, but in `direct` only where it has evidence).
 */
export type FunnelStage = 'debtors' | 'contacted' | 'right_party' | 'offer' | 'agreement' | 'paid';

export const FUNNEL_STAGES: ReadonlyArray<{ stage: FunnelStage; label: string }> = [
  { stage: 'debtors', label: 'Devedores na carteira' },
  { stage: 'contacted', label: 'Contatados' },
  { stage: 'right_party', label: 'Contato com o devedor (CPC)' },
  { stage: 'offer', label: 'Receberam proposta' },
  { stage: 'agreement', label: 'Fecharam acordo' },
  { stage: 'paid', label: 'Pagaram' },
];

export interface FunnelCounts {
  /** Debtors in the funnel's population. */
  population: number;
  /** reached[k]: debtors whose furthest stage is k or later, for k = 1 (contacted) … 5 (paid). */
  reached: readonly [number, number, number, number, number];
  /** direct[k]: debtors with the evidence of stage k itself. */
  direct: readonly [number, number, number, number, number];
}

export interface FunnelRow {
  stage: FunnelStage;
  label: string;
  debtors: number;
  direct: number;
  /** debtors ÷ the previous stage's debtors (null for the first stage or an empty previous one). */
  rateFromPrevious: string | null;
  /** debtors ÷ the population. */
  rateFromStart: string | null;
}

export function funnelOf(counts: FunnelCounts): FunnelRow[] {
  const values = [counts.population, ...counts.reached];
  const direct = [counts.population, ...counts.direct];
  for (let i = 1; i < values.length; i++) {
    if (values[i]! > values[i - 1]!) throw new RangeError(`funil inconsistente: etapa ${FUNNEL_STAGES[i]!.stage} maior que a anterior`);
  }
  return FUNNEL_STAGES.map((s, i) => ({
    stage: s.stage,
    label: s.label,
    debtors: values[i]!,
    direct: direct[i]!,
    rateFromPrevious: i === 0 ? null : rateOf(values[i]!, values[i - 1]!),
    rateFromStart: rateOf(values[i]!, counts.population),
  }));
}

/** The furthest stage (1–5) a debtor reached from its evidence flags, 0 when none. */
export function furthestStage(flags: { contacted: boolean; rightParty: boolean; offer: boolean; agreement: boolean; paid: boolean }): number {
  if (flags.paid) return 5;
  if (flags.agreement) return 4;
  if (flags.offer) return 3;
  if (flags.rightParty) return 2;
  if (flags.contacted) return 1;
  return 0;
}
