import { addDays, type IsoDate } from '../dates.ts';
import type { Cents } from '../money.ts';

/**
 * A promise to pay (promessa de pagamento): an amount by a date. It is kept on the day the
 * debtor's payments since it was made reach the amount (no later than its date), and broken the
 * day after its date otherwise — the anchor of the schedule's `promise_broken` steps.
 */
export interface PromiseTerms {
  amountCents: Cents;
  createdOn: IsoDate;
  promisedFor: IsoDate;
}

export type PromiseVerdict = { status: 'kept'; on: IsoDate } | { status: 'broken'; on: IsoDate } | { status: 'pending' };

export function judgePromise(promise: PromiseTerms, payments: ReadonlyArray<{ paidOn: IsoDate; amountCents: Cents }>, asOf: IsoDate): PromiseVerdict {
  const counted = payments.filter((p) => p.paidOn >= promise.createdOn && p.paidOn <= promise.promisedFor && p.paidOn <= asOf).sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  let sum = 0;
  for (const payment of counted) {
    sum += payment.amountCents;
    if (sum >= promise.amountCents) return { status: 'kept', on: payment.paidOn };
  }
  const brokenOn = addDays(promise.promisedFor, 1);
  return brokenOn <= asOf ? { status: 'broken', on: brokenOn } : { status: 'pending' };
}
