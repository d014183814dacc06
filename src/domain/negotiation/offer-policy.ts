import type { Cents } from '../money.ts';
import type { Component } from '../balance/updated-balance.ts';

/**
 * An offer policy (política de negociação) of a portfolio or segment: how far an offer may go
 * without a supervisor. Rates are decimal strings (fractions: "0.5" = 50%).
 */
export interface DiscountBand {
  /** The band applies to debts at least this many days past due (until the next band). */
  minDaysPastDue: number;
  /** The largest discount on each component of the updated balance, as a fraction of it. */
  maxDiscount: Record<Component, string>;
}

export interface OfferPolicy {
  /** Ordered by minDaysPastDue; a debt below the first band gets no discount. */
  bands: DiscountBand[];
  /** Installment offers keep this share of the band's discounts (à vista gets all of it). */
  installmentDiscountShare: string;
  /** Payments in all, the down payment included ("entrada + 11" is 12). */
  maxInstallments: number;
  minInstallmentCents: Cents;
  /** The down payment is at least this fraction of the negotiated amount, and at least minDownPaymentCents. */
  minDownPaymentRate: string;
  minDownPaymentCents: Cents;
  /** Monthly interest of the installment plan (Price), a fraction. */
  monthlyRate: string;
  /** How long an offer stands, in calendar days from the day it was computed. */
  validityDays: number;
  /** Days from the offer to its first payment (moved to the next business day). */
  firstPaymentInDays: number;
  /** Days after an unpaid installment's due date before the agreement breaks. */
  graceDays: number;
  /**
   * Subsistence minimum (mínimo existencial): no plan may leave a declared monthly income below
   * it. CDC art. 104-A (Lei 14.181/2021) and Decreto 11.567/2023 (R$ 600,00). Not overridable.
   */
  subsistenceMinimumCents: Cents;
}

const none: Record<Component, string> = { principal: '0', correction: '0', interest: '0', fine: '0', fees: '0' };

/** Used by a portfolio without a policy of its own (docs/negotiation.md explains the figures). */
export const DEFAULT_OFFER_POLICY: OfferPolicy = {
  bands: [
    { minDaysPastDue: 1, maxDiscount: { ...none, interest: '0.3', fine: '0.5' } },
    { minDaysPastDue: 91, maxDiscount: { ...none, correction: '0.3', interest: '0.6', fine: '1', fees: '0.5' } },
    { minDaysPastDue: 181, maxDiscount: { principal: '0.1', correction: '0.6', interest: '0.9', fine: '1', fees: '1' } },
    { minDaysPastDue: 361, maxDiscount: { principal: '0.3', correction: '1', interest: '1', fine: '1', fees: '1' } },
  ],
  installmentDiscountShare: '0.5',
  maxInstallments: 12,
  minInstallmentCents: 5_000,
  minDownPaymentRate: '0.1',
  minDownPaymentCents: 0,
  monthlyRate: '0.0199',
  validityDays: 5,
  firstPaymentInDays: 3,
  graceDays: 5,
  subsistenceMinimumCents: 60_000,
};

export const NO_DISCOUNT = none;

/** The band of a debt this many days past due; debts not yet due (≤ 0) fall below every band. */
export function bandFor(policy: OfferPolicy, daysPastDue: number): DiscountBand | null {
  let band: DiscountBand | null = null;
  for (const candidate of policy.bands) if (daysPastDue >= candidate.minDaysPastDue) band = candidate;
  return band;
}
