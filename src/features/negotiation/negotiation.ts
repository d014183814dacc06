import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalancePolicy } from '../../domain/balance/updated-balance.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { IndexSet } from '../../domain/indices/series.ts';
import type { NegotiableDebt, OfferContext } from '../../domain/negotiation/offers.ts';
import type { OfferPolicy } from '../../domain/negotiation/offer-policy.ts';
import { isUf } from '../../brazil/uf.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Tx } from '../../store/database.ts';
import type { Debt, Debtor } from '../../store/schema.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';
import { policyForDebtor } from './offer-policies.ts';

/** Balances are computed with the last known index for a month not yet published (marked provisional in the memory). */
export const NEGOTIATION_BALANCE_POLICY: BalancePolicy = { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known' };

export interface NegotiationScope {
  debtorId: string;
  /** The debts to negotiate; omitted: every open debt of the debtor with the creditor. */
  debtIds?: readonly string[] | undefined;
  creditorId?: string | undefined;
  /** With no debtIds: also the titles not yet due (consolidation). */
  includeNotYetDue?: boolean | undefined;
  asOf: IsoDate;
}

export interface Negotiation {
  debtor: Debtor;
  creditorId: string;
  portfolioId: string;
  debts: Debt[];
  policy: { id: string | null; name: string; rules: OfferPolicy };
  context: OfferContext;
  indices: IndexSet;
}

/**
 * Everything an offer needs, read in one transaction: the debtor, the chosen open debts of one
 * creditor with their updated balances at asOf (payments already credited), the portfolio's
 * policy and the debtor's business calendar.
 */
export async function loadNegotiation(tx: Tx, scope: NegotiationScope): Promise<Negotiation> {
  const debtor = await tx.db.selectFrom('debtors').selectAll().where('id', '=', scope.debtorId).executeTakeFirst();
  if (!debtor) throw notFound('Devedor');
  let query = tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', scope.debtorId).orderBy('due_date').orderBy('external_id');
  if (scope.debtIds?.length) query = query.where('id', 'in', [...scope.debtIds]);
  else {
    query = query.where('status', '=', 'open');
    if (!scope.includeNotYetDue) query = query.where('due_date', '<=', scope.asOf);
  }
  if (scope.creditorId) query = query.where('creditor_id', '=', scope.creditorId);
  const debts = await query.execute();
  if (scope.debtIds?.length) {
    const found = new Set(debts.map((d) => d.id));
    const missing = scope.debtIds.find((id) => !found.has(id));
    if (missing) throw new AppError('validation', `Título ${missing} não encontrado para este devedor.`, { field: 'debtIds' });
    const closed = debts.find((d) => d.status !== 'open');
    if (closed) throw new AppError('conflict', `O título ${closed.external_id} não está em aberto (situação: ${closed.status}).`, { field: 'debtIds' });
  }
  if (debts.length === 0) throw new AppError('validation', 'O devedor não tem títulos em aberto para negociar.', { field: 'debtIds' });
  const creditors = new Set(debts.map((d) => d.creditor_id));
  if (creditors.size > 1) throw new AppError('validation', 'Os títulos são de credores diferentes: informe creditorId ou escolha os títulos de um credor (um acordo é com um credor).', { field: 'creditorId' });
  const first = debts[0]!;
  const indices = await indexSetOf(tx);
  const credits = await creditsOf(tx, debts.map((d) => d.id));
  const negotiable: NegotiableDebt[] = debts.map((debt) => {
    const balance = updatedBalance(termsOf(debt), credits.get(debt.id) ?? [], scope.asOf, indices, NEGOTIATION_BALANCE_POLICY);
    return { debtId: debt.id, externalId: debt.external_id, dueDate: debt.due_date, daysPastDue: balance.daysOverdue, components: balance.components, total: balance.total };
  });
  const policy = await policyForDebtor(tx, first.portfolio_id, first.debtor_id);
  const uf = debtor.uf && isUf(debtor.uf) ? debtor.uf : undefined;
  return {
    debtor,
    creditorId: first.creditor_id,
    portfolioId: first.portfolio_id,
    debts,
    policy,
    indices,
    context: {
      asOf: scope.asOf,
      debts: negotiable,
      policy: policy.rules,
      declaredIncomeCents: debtor.declared_income_cents,
      calendar: new BusinessCalendar({ uf, city: debtor.city ?? undefined }),
    },
  };
}
