import { Decimal } from '../decimal.ts';
import { addDays, daysBetween, daysInMonth, toDayNumber, type IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';
import type { IndexSet, SeriesName } from '../indices/series.ts';
import { DEFAULT_BALANCE_POLICY, monthlyPercent, monthPieces, pieceFactor, updatedBalance, type BalancePolicy, type DebtTerms } from './updated-balance.ts';

/**
 * Totals of many debts at one asOf, for the daily run and the dashboards: the same numbers as
 * `updatedBalance` (a property test holds them equal), without the calculation memory.
 *
 * The common case — a contract rate and a contract index (or none), no payments — has a closed
 * form: with F the correction factor from the due date to asOf and D the days overdue,
 *   correction = P·(F − 1), interest = P·F·r·D/30 (simple) or P·F·((1+r)^(D/30) − 1) (compound),
 *   fine = P·F·m, fees = h·(P + correction + interest + fine), each rounded half up.
 * F depends only on (index, due date), so it is computed exactly once per pair and kept; each
 * debt then costs a few floating-point operations. A binary float can land on the wrong side
 * of a half centavo, so every rounding checks its distance to the tie and, when it is too close
 * to call, the debt goes through the exact decimal calculation instead.
 */
export function createBalanceCalculator(asOf: IsoDate, indices: IndexSet, policy: BalancePolicy = DEFAULT_BALANCE_POLICY) {
  const asOfDay = toDayNumber(asOf);
  const rates = new Map<string, Ratio>();
  const ratioOf = (text: string): Ratio => {
    let value = rates.get(text);
    if (value === undefined) rates.set(text, (value = toRatio(text)));
    return value;
  };
  const capped = (text: string | null, cap: string): Ratio => (text === null ? ZERO_RATIO : minRatio(ratioOf(text), ratioOf(cap)));
  const consumerCap = policy.consumerFineCap;
  const b2bCap = policy.usuryLawAppliesToB2b ? policy.usuryFineCap : '1';

  /** Per due date: days overdue and, per index, F − 1 (exact decimal, computed once, kept as a double). */
  const dues = new Map<IsoDate, { days: number; factors: Map<string, number> }>();
  const dueOf = (dueDate: IsoDate) => {
    let due = dues.get(dueDate);
    if (due === undefined) dues.set(dueDate, (due = { days: asOfDay - toDayNumber(dueDate), factors: new Map() }));
    return due;
  };
  const factorMinusOne = (index: string, dueDate: IsoDate, cache: Map<string, number>): number => {
    let value = cache.get(index);
    if (value === undefined) {
      let factor = new Decimal(1);
      let deflation = false;
      for (const piece of monthPieces(dueDate, asOf)) {
        const start = addDays(piece.from, 1);
        const month = start.slice(0, 7);
        const monthDays = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
        const monthly = monthlyPercent(indices, index as SeriesName, month, policy, asOf).percent.div(100);
        if (monthly.isNegative()) deflation = true;
        factor = factor.times(pieceFactor(monthly, Number(start.slice(8, 10)) - 1, daysBetween(piece.from, piece.to), monthDays, policy.partialMonth));
      }
      // A month of deflation only gives back correction (never below nominal): no closed form; NaN sends the debt to the full calculation.
      if (deflation) factor = new Decimal(NaN);
      cache.set(index, (value = factor.isNaN() ? NaN : factor.minus(1).toNumber()));
    }
    return value;
  };

  return function totalOf(terms: DebtTerms): Cents {
    const due = dueOf(terms.dueDate);
    const days = due.days;
    if (days <= 0 || (terms.payableUntil !== undefined && terms.payableUntil >= asOf)) return terms.principalCents;
    if (terms.interestRate === null || terms.correctionIndex === null || !terms.interestKind) return updatedBalance(terms, [], asOf, indices, policy).total;
    const p = terms.principalCents;
    const rate = ratioOf(terms.interestRate);
    const fineRate = capped(terms.fineRate, terms.relationship === 'consumer' ? consumerCap : b2bCap);
    let correction: number, interest: number, fine: number;
    if (terms.correctionIndex === 'none') {
      // Rationals of integers: exact, no float involved.
      correction = 0;
      interest = terms.interestKind === 'simple' ? roundRatio(p * rate.num * days, rate.den * 30) : roundOrNaN(p * Math.expm1((Math.log1p(rate.value) * days) / 30));
      fine = roundRatio(p * fineRate.num, fineRate.den);
    } else {
      const fm1 = factorMinusOne(terms.correctionIndex, terms.dueDate, due.factors);
      const corrected = p + p * fm1;
      correction = roundOrNaN(p * fm1);
      interest = roundOrNaN(terms.interestKind === 'simple' ? (corrected * rate.value * days) / 30 : corrected * Math.expm1((Math.log1p(rate.value) * days) / 30));
      fine = roundOrNaN(corrected * fineRate.value);
    }
    const owed = p + correction + interest + fine;
    let total = owed;
    if (terms.feesRate !== null) {
      const fees = capped(terms.feesRate, policy.feesCap);
      total += roundRatio(owed * fees.num, fees.den);
    }
    return Number.isNaN(total) ? updatedBalance(terms, [], asOf, indices, policy).total : total;
  };
}

/** A decimal rate as num/den with den a power of ten (exact), and its double for float paths. */
interface Ratio {
  num: number;
  den: number;
  value: number;
}
const ZERO_RATIO: Ratio = { num: 0, den: 1, value: 0 };

function toRatio(text: string): Ratio {
  const [whole, fraction = ''] = text.split('.');
  const den = 10 ** fraction.length;
  return { num: Number(whole) * den + Number(fraction || '0'), den, value: Number(text) };
}

function minRatio(a: Ratio, b: Ratio): Ratio {
  return a.num * b.den <= b.num * a.den ? a : b;
}

/** a/b rounded half up, exactly, for non-negative integers; NaN if a is beyond exact doubles. */
function roundRatio(a: number, b: number): number {
  if (!(a <= Number.MAX_SAFE_INTEGER)) return NaN;
  const q = Math.floor(a / b);
  const r = a - q * b;
  return 2 * r >= b ? q + 1 : q;
}

/** Round half up, or NaN when a float's error could put it on either side of the half. */
function roundOrNaN(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (Math.abs(fraction - 0.5) < 1e-9 + Math.abs(x) * 1e-12) return NaN;
  return fraction > 0.5 ? floor + 1 : floor;
}
