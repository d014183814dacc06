import type { IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';
import type { IndexSet } from '../indices/series.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalancePolicy, type DebtTerms, type Payment } from '../balance/updated-balance.ts';

/**
 * When an agreement breaks, its discounts fall and the original debts come back with what was
 * paid under the agreement imputed to them (PRODUCT.md §2.6). The imputation follows the Civil
 * Code: with no indication by the debtor, each payment goes to the debts already due first, the
 * oldest first, and between debts due together to the more onerous one — the larger balance
 * (CC art. 355); inside each debt, interest first, then the fine, then capital (CC art. 354,
 * which `updatedBalance` applies). A debt never takes more than its balance on the payment day;
 * what no debt can take is excess, reported, never dropped.
 */
export interface BreachDebt {
  debtId: string;
  terms: DebtTerms;
  /** Payments the debt already carried before the agreement. */
  credits: readonly Payment[];
}

export interface AgreementPayment {
  paymentId: string;
  date: IsoDate;
  amountCents: Cents;
}

export interface Imputation {
  debtId: string;
  paymentId: string;
  date: IsoDate;
  amountCents: Cents;
}

export function imputeAgreementPayments(
  debts: readonly BreachDebt[],
  payments: readonly AgreementPayment[],
  indices: IndexSet,
  policy: BalancePolicy = DEFAULT_BALANCE_POLICY,
): { imputations: Imputation[]; excessCents: Cents } {
  const credited = new Map(debts.map((d) => [d.debtId, [...d.credits]]));
  const imputations: Imputation[] = [];
  let excess = 0;
  const ordered = [...payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.paymentId < b.paymentId ? -1 : 1));
  for (const payment of ordered) {
    let left = payment.amountCents;
    const balances = debts.map((d) => ({ debt: d, balance: updatedBalance(d.terms, credited.get(d.debtId)!, payment.date, indices, policy).total }));
    const order = balances.sort((a, b) => {
      const dueA = a.debt.terms.dueDate <= payment.date;
      const dueB = b.debt.terms.dueDate <= payment.date;
      if (dueA !== dueB) return dueA ? -1 : 1; // debts already due first
      if (a.debt.terms.dueDate !== b.debt.terms.dueDate) return a.debt.terms.dueDate < b.debt.terms.dueDate ? -1 : 1; // the oldest first
      if (a.balance !== b.balance) return b.balance - a.balance; // the more onerous
      return a.debt.debtId < b.debt.debtId ? -1 : 1;
    });
    for (const { debt, balance } of order) {
      if (left === 0) break;
      const take = Math.min(balance, left);
      if (take <= 0) continue;
      credited.get(debt.debtId)!.push({ date: payment.date, amountCents: take });
      imputations.push({ debtId: debt.debtId, paymentId: payment.paymentId, date: payment.date, amountCents: take });
      left -= take;
    }
    excess += left;
  }
  return { imputations, excessCents: excess };
}
