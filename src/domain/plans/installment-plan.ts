import { Decimal } from '../decimal.ts';
import { addMonths, daysBetween, type IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';
import type { BusinessCalendar } from '../calendar/business-days.ts';

/**
 * Installment plans (parcelamento): Price (French, equal installments) and SAC (constant
 * amortization). Rounding: each installment's interest is the balance × rate rounded half up to
 * the centavo; Price installments are PMT rounded half up; the last installment absorbs the
 * rounding difference so that the balance ends at exactly zero (the plan says so in
 * `roundingAdjustedInstallment`).
 */
export interface PlanRequest {
  method: 'price' | 'sac';
  /** Amount negotiated, before the down payment. */
  principal: Cents;
  /** Monthly rate as a fraction ("0.02"). */
  monthlyRate: string;
  installments: number;
  firstDueDate: IsoDate;
  /** Paid on `downPaymentDate` (default: one month before the first installment), reduces what is financed. */
  downPayment?: Cents;
  downPaymentDate?: IsoDate;
  /** Move due dates that fall on weekends or holidays to the next business day (amounts unchanged). */
  calendar?: BusinessCalendar;
}

export interface PlanInstallment {
  number: number;
  dueDate: IsoDate;
  amount: Cents;
  interest: Cents;
  amortization: Cents;
  /** What is still owed after this installment. */
  balance: Cents;
}

export interface Plan {
  method: 'price' | 'sac';
  financed: Cents;
  downPayment: Cents;
  /** When the financing starts: the down payment date, or one month before the first installment. */
  startDate: IsoDate;
  installments: PlanInstallment[];
  /** Down payment plus every installment. */
  total: Cents;
  totalInterest: Cents;
  roundingAdjustedInstallment: number;
  /** Total effective cost: the internal rate of return of the cash flows, per month and per year (days/365). */
  cet: { monthly: string; yearly: string };
}

const round = (value: Decimal) => value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();

export function buildPlan(request: PlanRequest): Plan {
  const { installments: n, monthlyRate } = request;
  if (!Number.isInteger(n) || n < 1 || n > 480) throw new RangeError('installments must be an integer from 1 to 480');
  const down = request.downPayment ?? 0;
  const financed = request.principal - down;
  if (financed <= 0) throw new RangeError('the down payment must be less than the principal');
  const rate = new Decimal(monthlyRate);
  if (rate.isNegative()) throw new RangeError('monthlyRate must not be negative');
  const startDate = request.downPaymentDate ?? addMonths(request.firstDueDate, -1);
  if (startDate >= request.firstDueDate) throw new RangeError('the down payment date must come before the first installment');

  const pmt = rate.isZero()
    ? new Decimal(financed).div(n)
    : new Decimal(financed).times(rate).div(new Decimal(1).minus(rate.plus(1).pow(-n)));
  const level = round(pmt);

  const rows: PlanInstallment[] = [];
  let balance = financed;
  for (let k = 1; k <= n; k++) {
    const interest = round(new Decimal(balance).times(rate));
    // SAC: cumulative rounding (k·F/n rounded minus (k−1)·F/n rounded): every amortization within a
    // centavo of F/n, never negative, and they add up to F exactly.
    let amortization = request.method === 'price' ? level - interest : round(new Decimal(financed).times(k).div(n)) - round(new Decimal(financed).times(k - 1).div(n));
    // Rounding of tiny amounts at high rates must not overshoot: never negative, never beyond the balance.
    amortization = Math.min(Math.max(amortization, 0), balance);
    if (k === n) amortization = balance; // the last installment closes the balance exactly
    balance -= amortization;
    const scheduled = addMonths(request.firstDueDate, k - 1);
    rows.push({
      number: k,
      dueDate: request.calendar ? request.calendar.nextBusinessDay(scheduled) : scheduled,
      amount: interest + amortization,
      interest,
      amortization,
      balance,
    });
  }
  const total = down + rows.reduce((s, r) => s + r.amount, 0);
  return {
    method: request.method,
    financed,
    downPayment: down,
    startDate,
    installments: rows,
    total,
    totalInterest: rows.reduce((s, r) => s + r.interest, 0),
    roundingAdjustedInstallment: n,
    cet: effectiveCost(financed, startDate, rows),
  };
}

/**
 * CET as the IRR of the cash flows on calendar days (the formula of Res. CMN 3.517/2007):
 * financed = Σ amount_j / (1 + CETyear)^(days_j/365), solved by bisection on the yearly rate.
 * A rate, not money: solved in double precision to 1e-13, then given with 8 decimals (a tie at
 * the 8th decimal closer than 1e-13 is the only case where the last digit could differ).
 * The monthly rate is (1 + yearly)^(1/12) − 1.
 */
export function effectiveCost(financed: Cents, start: IsoDate, flows: ReadonlyArray<{ dueDate: IsoDate; amount: Cents }>): { monthly: string; yearly: string } {
  const years = flows.map((f) => daysBetween(start, f.dueDate) / 365);
  const presentValue = (yearly: number) => flows.reduce((s, f, i) => s + f.amount / Math.pow(1 + yearly, years[i]!), 0);
  let low = -0.99;
  let high = 1;
  for (let i = 0; presentValue(high) > financed; i++) {
    if (i > 60) throw new RangeError('the cash flows have no internal rate of return');
    high = high * 2 + 1;
  }
  for (let i = 0; i < 300 && high - low > 1e-13; i++) {
    const mid = (low + high) / 2;
    if (presentValue(mid) > financed) low = mid;
    else high = mid;
  }
  const yearly = (low + high) / 2;
  return { monthly: new Decimal(Math.pow(1 + yearly, 1 / 12) - 1).toFixed(8), yearly: new Decimal(yearly).toFixed(8) };
}
