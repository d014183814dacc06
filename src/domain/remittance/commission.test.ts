import { describe, expect, it } from 'vitest';
import {
  allocateProportionally, bandFor, bandsProblem, commissionOf, computeStatement, daysPastDue, periodsOverlap, ruleFor,
  type CommissionRule, type StatementPayment,
} from './commission.ts';

const DPD_BANDS = [{ from: 0, rate: '0.10' }, { from: 91, rate: '0.15' }, { from: 181, rate: '0.25' }];

function rule(overrides: Partial<CommissionRule> = {}): CommissionRule {
  return {
    id: 'r-default', name: 'Padrão', creditorId: 'c1', portfolioId: null, validFrom: '2026-01-01', validTo: null, basis: 'days_past_due', bands: DPD_BANDS,
    monthlyFeeCents: 0, perAgreementFeeCents: 0, perPaymentFeeCents: 0, ...overrides,
  };
}

function payment(overrides: Partial<StatementPayment> = {}): StatementPayment {
  return {
    paymentId: 'p1', paidOn: '2026-10-10', late: false, debtorId: 'd1', debtorName: 'Maria', debtorDocument: '***.982.247-**', agreementNumber: null,
    amountCents: 10_000, appliedCents: 10_000, excessCents: 0,
    targets: [{ debtId: 't1', externalId: 'T-1', portfolioId: 'pf1', dueDate: '2026-07-12', weight: 1 }],
    ...overrides,
  };
}

describe('commission bands', () => {
  it('measures days past due at the payment date from the original due date (0 before it)', () => {
    expect(daysPastDue('2026-07-12', '2026-10-10')).toBe(90);
    expect(daysPastDue('2026-07-11', '2026-10-10')).toBe(91);
    expect(daysPastDue('2026-11-01', '2026-10-10')).toBe(0);
  });

  it('picks the band whose start the value reached (0–90: 10%, 91–180: 15%, 181+: 25%)', () => {
    expect(bandFor(DPD_BANDS, 0).rate).toBe('0.10');
    expect(bandFor(DPD_BANDS, 90).rate).toBe('0.10');
    expect(bandFor(DPD_BANDS, 91).rate).toBe('0.15');
    expect(bandFor(DPD_BANDS, 180).rate).toBe('0.15');
    expect(bandFor(DPD_BANDS, 181).rate).toBe('0.25');
    expect(bandFor(DPD_BANDS, 5000).rate).toBe('0.25');
  });

  it('rejects bands that do not start at 0, are out of order or exceed 100%', () => {
    expect(bandsProblem(DPD_BANDS)).toBeNull();
    expect(bandsProblem([{ from: 1, rate: '0.1' }])).toMatch(/começar em 0/);
    expect(bandsProblem([{ from: 0, rate: '0.1' }, { from: 0, rate: '0.2' }])).toMatch(/ordem crescente/);
    expect(bandsProblem([{ from: 0, rate: '1.5' }])).toMatch(/entre 0 e 1/);
    expect(bandsProblem([{ from: 0, rate: '10%' }])).toMatch(/fração/);
  });

  it('prefers the portfolio rule in force, then the creditor default, by validity', () => {
    const rules = [
      rule(),
      rule({ id: 'r-pf', portfolioId: 'pf1', validFrom: '2026-06-01', validTo: '2026-09-30' }),
    ];
    expect(ruleFor(rules, 'pf1', '2026-07-01')!.id).toBe('r-pf');
    expect(ruleFor(rules, 'pf1', '2026-10-01')!.id).toBe('r-default');
    expect(ruleFor(rules, 'pf2', '2026-07-01')!.id).toBe('r-default');
    expect(ruleFor(rules, 'pf1', '2025-12-31')).toBeNull();
    expect(periodsOverlap({ validFrom: '2026-01-01', validTo: '2026-05-31' }, { validFrom: '2026-06-01', validTo: null })).toBe(false);
    expect(periodsOverlap({ validFrom: '2026-01-01', validTo: null }, { validFrom: '2026-06-01', validTo: null })).toBe(true);
  });
});

describe('rounding', () => {
  it('rounds each line half-up to the centavo', () => {
    expect(commissionOf(1_005, '0.10')).toBe(101); // 100,5 → 101
    expect(commissionOf(1_004, '0.10')).toBe(100); // 100,4 → 100
    expect(commissionOf(3_333, '0.15')).toBe(500); // 499,95 → 500
    expect(commissionOf(1, '0.25')).toBe(0); // 0,25 → 0
    expect(commissionOf(2, '0.25')).toBe(1); // 0,5 → 1
    expect(commissionOf(99_999_999_999, '0.125')).toBe(12_500_000_000); // 12.499.999.999,875 → exact, no float
  });

  it('splits an amount in proportion to weights, the parts summing to it exactly', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(1_000, [30_000, 10_000])).toEqual([750, 250]);
    expect(allocateProportionally(7, [0, 0])).toEqual([4, 3]);
    const big = allocateProportionally(123_456_789_012, [987_654_321_098, 123_456_789_012, 1]);
    expect(big.reduce((s, x) => s + x, 0)).toBe(123_456_789_012);
  });
});

describe('computeStatement', () => {
  it('makes the commission total the exact sum of the lines (which the commission of the total would not be)', () => {
    // Three payments of R$ 10,05 at 10%: each line 1,005 → 1,01; sum 3,03. On the total (30,15) it would be 3,02 (3,015 → 3,02).
    const payments = ['a', 'b', 'c'].map((id) => payment({ paymentId: id, amountCents: 1_005, appliedCents: 1_005 }));
    const s = computeStatement({ periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [rule()], payments, agreementsClosed: [] });
    expect(s.lines.map((l) => l.commissionCents)).toEqual([101, 101, 101]);
    expect(s.totals.commissionCents).toBe(303);
    expect(commissionOf(3_015, '0.10')).toBe(302);
    expect(s.totals.recoveredCents).toBe(3_015);
    expect(s.totals.netCents).toBe(3_015 - 303);
    expect(s.problems).toEqual([]);
  });

  it('splits an agreement installment among its debts by their balances, each in its own days-past-due band', () => {
    const p = payment({
      agreementNumber: '2026-000001', amountCents: 10_000, appliedCents: 10_000,
      targets: [
        { debtId: 'old', externalId: 'OLD', portfolioId: 'pf1', dueDate: '2026-01-10', weight: 30_000 }, // 273 dpd → 25%
        { debtId: 'new', externalId: 'NEW', portfolioId: 'pf1', dueDate: '2026-09-10', weight: 10_000 }, // 30 dpd → 10%
      ],
    });
    const s = computeStatement({ periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [rule()], payments: [p], agreementsClosed: [] });
    expect(s.lines.map((l) => [l.debtExternalId, l.amountCents, l.daysPastDue, l.rate, l.commissionCents, l.band])).toEqual([
      ['OLD', 7_500, 273, '0.25', 1_875, '181+ dias'],
      ['NEW', 2_500, 30, '0.10', 250, '0–90 dias'],
    ]);
    expect(s.totals.commissionCents).toBe(2_125);
  });

  it('lists an excess as its own line without commission', () => {
    const p = payment({ amountCents: 12_000, appliedCents: 10_000, excessCents: 2_000 });
    const s = computeStatement({ periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [rule()], payments: [p], agreementsClosed: [] });
    expect(s.lines.map((l) => [l.kind, l.amountCents, l.commissionCents, l.netCents])).toEqual([['recovery', 10_000, 1_000, 9_000], ['excess', 2_000, 0, 2_000]]);
    expect(s.totals).toMatchObject({ recoveredCents: 12_000, excessCents: 2_000, commissionCents: 1_000, netCents: 11_000 });
  });

  it('reads amount-recovered bands from what the statement recovers under the rule', () => {
    const amountRule = rule({ basis: 'amount_recovered', bands: [{ from: 0, rate: '0.20' }, { from: 1_000_000, rate: '0.12' }] });
    const small = computeStatement({ periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [amountRule], payments: [payment({ amountCents: 600_000, appliedCents: 600_000 })], agreementsClosed: [] });
    expect(small.lines[0]!.rate).toBe('0.20');
    const two = [payment({ paymentId: 'a', amountCents: 600_000, appliedCents: 600_000 }), payment({ paymentId: 'b', amountCents: 400_000, appliedCents: 400_000 })];
    const large = computeStatement({ periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [amountRule], payments: two, agreementsClosed: [] });
    expect(large.lines.map((l) => l.rate)).toEqual(['0.12', '0.12']);
    expect(large.totals.commissionCents).toBe(72_000 + 48_000);
  });

  it('charges the fixed fees: monthly per rule in force at month end, per agreement closed, per payment', () => {
    const rules = [
      rule({ monthlyFeeCents: 50_000, perPaymentFeeCents: 150 }),
      rule({ id: 'r-pf', name: 'Carteira 2', portfolioId: 'pf2', monthlyFeeCents: 10_000, perAgreementFeeCents: 2_500 }),
      rule({ id: 'r-old', name: 'Antiga', portfolioId: 'pf3', validTo: '2026-09-30', monthlyFeeCents: 99_999 }),
    ];
    const payments = [payment({ paymentId: 'a' }), payment({ paymentId: 'b' })];
    const s = computeStatement({
      periodStart: '2026-10-01', periodEnd: '2026-10-31', rules, payments,
      agreementsClosed: [{ agreementId: 'g1', number: '2026-1', portfolioId: 'pf2', acceptedOn: '2026-10-05' }, { agreementId: 'g2', number: '2026-2', portfolioId: 'pf2', acceptedOn: '2026-10-06' }, { agreementId: 'g3', number: '2026-3', portfolioId: 'pf1', acceptedOn: '2026-10-06' }],
    });
    expect(s.fees.map((f) => [f.kind, f.ruleId, f.count, f.totalCents])).toEqual([
      ['monthly', 'r-default', 1, 50_000],
      ['monthly', 'r-pf', 1, 10_000],
      ['agreement', 'r-pf', 2, 5_000],
      ['payment', 'r-default', 2, 300],
    ]);
    expect(s.totals.feesCents).toBe(65_300);
    expect(s.totals.netCents).toBe(20_000 - 2_000 - 65_300);
  });

  it('puts late payments first, marked, and reports a payment without a rule as a problem', () => {
    const s = computeStatement({
      periodStart: '2026-10-01', periodEnd: '2026-10-31', rules: [rule({ validFrom: '2026-10-01' })],
      payments: [payment({ paymentId: 'now' }), payment({ paymentId: 'late', paidOn: '2026-09-28', late: true })], agreementsClosed: [],
    });
    expect(s.lines.map((l) => [l.paymentId, l.late])).toEqual([['late', true], ['now', false]]);
    expect(s.totals).toMatchObject({ lateCents: 10_000, inPeriodCents: 10_000 });
    expect(s.problems).toEqual(['Sem regra de comissão vigente em 28/09/2026 para a carteira do título T-1.']);
  });
});
