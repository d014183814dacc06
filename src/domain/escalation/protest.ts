import type { DebtKind } from '../debt-kinds.ts';
import { commonIneligibility, type EscalationCandidate, type Ineligibility } from './listing.ts';

/**
 * Protest (Lei 9.492/1997): "títulos e outros documentos de dívida" that are liquid, certain and
 * overdue, of a validated debtor with a known address (the notary serves the summons there).
 */
export interface ProtestPolicy {
  /** Kinds accepted as a "documento de dívida" (art. 1º). A debt of another kind is left out: its liquidity needs a lawyer's look. */
  protestableKinds: readonly DebtKind[];
  /** Smallest balance worth the notary's fees (product choice). */
  minAmountCents: number;
}

export const DEFAULT_PROTEST_POLICY: ProtestPolicy = {
  protestableKinds: ['duplicata', 'promissory_note', 'cheque', 'contract', 'loan', 'consumer_credit', 'credit_card', 'rent', 'tuition', 'bank_slip', 'invoice'],
  minAmountCents: 5_000,
};

/** Why a debt may not be protested (empty: it may). Lei 9.492/97 arts. 1º, 9º e 14. */
export function protestIneligibility(c: EscalationCandidate & { kind: DebtKind; originalAmountCents: number }, asOf: string, policy: ProtestPolicy = DEFAULT_PROTEST_POLICY): Ineligibility[] {
  const out = commonIneligibility(c, asOf);
  if (!policy.protestableKinds.includes(c.kind)) out.push({ reason: 'not_protestable', message: `Documento do tipo ${c.kind} não é aceito para protesto sem revisão jurídica.`, source: 'Lei 9.492/97 art. 1º' });
  if (c.originalAmountCents <= 0) out.push({ reason: 'not_liquid', message: 'Dívida sem valor líquido.', source: 'Lei 9.492/97 art. 1º' });
  if (c.debt.balanceCents < policy.minAmountCents) out.push({ reason: 'below_minimum', message: 'Saldo abaixo do mínimo para protesto.', source: 'política da assessoria' });
  return out;
}
