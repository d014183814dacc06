import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../calendar/business-days.ts';
import { addDays, type IsoDate } from '../dates.ts';
import { IndexSet } from '../indices/series.ts';
import { updatedBalance, type Component, type DebtTerms } from '../balance/updated-balance.ts';
import { AppError } from '../../shared/errors.ts';
import { applyToInstallment, breachDate, nextStatus, TRANSITIONS, type AgreementEvent, type AgreementStatus } from './agreement-lifecycle.ts';
import { imputeAgreementPayments } from './breach.ts';
import { agreementTerm, documentText } from './documents.ts';
import { COMPONENTS, computeOffers, priceProposal, type NegotiableDebt, type OfferContext } from './offers.ts';
import { DEFAULT_OFFER_POLICY, type OfferPolicy } from './offer-policy.ts';
import { judgePromise } from './promises.ts';

const ASOF = '2026-11-23';
const calendar = new BusinessCalendar({ uf: 'SP', city: 'São Paulo' });

function debt(id: string, dueDate: IsoDate, components: Partial<Record<Component, number>>): NegotiableDebt {
  const full = { principal: 0, correction: 0, interest: 0, fine: 0, fees: 0, ...components };
  return { debtId: id, externalId: id, dueDate, daysPastDue: Math.max(0, Math.round((Date.parse(ASOF) - Date.parse(dueDate)) / 86_400_000)), components: full, total: COMPONENTS.reduce((s, c) => s + full[c], 0) };
}

const context = (debts: NegotiableDebt[], extra: Partial<OfferContext> = {}): OfferContext => ({ asOf: ASOF, debts, policy: DEFAULT_OFFER_POLICY, declaredIncomeCents: null, calendar, ...extra });

describe('offers', () => {
  const old = debt('A', '2025-10-10', { principal: 100_000, correction: 5_123, interest: 40_007, fine: 2_001, fees: 0 }); // 409 days: band 361+
  const mid = debt('B', '2026-07-10', { principal: 50_000, correction: 1_001, interest: 7_777, fine: 1_000 }); // 136 days: band 91+
  const future = debt('C', '2026-12-10', { principal: 30_000 }); // not yet due

  it('gives à vista the band maxima, rounded down, per debt and component', () => {
    const set = computeOffers(context([old, mid, future]));
    const cash = set.offers[0]!;
    expect(cash.kind).toBe('cash');
    const line = (id: string, c: Component) => cash.breakdown.find((l) => l.debtId === id && l.component === c)!;
    // band 361+: principal 30%, correction/interest/fine 100%
    expect(line('A', 'principal').discountCents).toBe(30_000);
    expect(line('A', 'interest').discountCents).toBe(40_007);
    // band 91+: correction 30% of 1.001 = 300,3 → 300 (down); interest 60% of 7.777 = 4.666,2 → 4.666
    expect(line('B', 'correction').discountCents).toBe(300);
    expect(line('B', 'interest').discountCents).toBe(4_666);
    expect(line('B', 'principal').discountCents).toBe(0);
    // a title not yet due enters at face value, without discount
    expect(line('C', 'principal').discountCents).toBe(0);
    expect(cash.negotiatedCents).toBe(cash.balanceCents - cash.discountCents);
    expect(cash.totalCents).toBe(cash.negotiatedCents);
    expect(set.floorCents).toBe(cash.negotiatedCents);
    // first payment: asOf + 3 days, moved to a business day
    expect(cash.payments[0]!.dueDate).toBe('2026-11-26');
    expect(cash.validUntil).toBe('2026-11-28');
    expect(cash.withinPolicy).toBe(true);
  });

  it('keeps only the policy share of the discounts in installment offers and charges the plan rate', () => {
    const set = computeOffers(context([old, mid]));
    const six = set.offers.find((o) => o.installmentCount === 6)!;
    const cash = set.offers[0]!;
    expect(six.discountCents).toBeLessThan(cash.discountCents);
    expect(six.breakdown.find((l) => l.debtId === 'A' && l.component === 'principal')!.discountCents).toBe(15_000); // 30% × 0.5
    expect(six.payments[0]!.number).toBe(0);
    expect(six.downPaymentCents).toBe(Math.ceil(six.negotiatedCents * 0.1));
    expect(six.payments).toHaveLength(6);
    expect(six.totalCents).toBe(six.negotiatedCents + six.interestCents);
    for (const p of six.payments) expect(calendar.isBusinessDay(p.dueDate)).toBe(true);
  });

  it('prices installments as the closed-form Price payment (within a centavo)', () => {
    const set = computeOffers(context([mid]));
    for (const offer of set.offers.filter((o) => o.kind === 'installments')) {
      const n = offer.installmentCount - 1;
      const r = Number(offer.monthlyRate);
      const pmt = (offer.financedCents * r) / (1 - (1 + r) ** -n);
      expect(Math.abs(offer.payments[1]!.amountCents - pmt)).toBeLessThanOrEqual(0.5);
    }
  });

  it('leaves out counts whose installment is below the minimum, saying why', () => {
    const set = computeOffers(context([debt('S', '2026-10-01', { principal: 20_000 })]));
    expect(set.offers.every((o) => o.kind === 'cash' || o.payments[1]!.amountCents >= DEFAULT_OFFER_POLICY.minInstallmentCents)).toBe(true);
    expect(set.excluded.length).toBeGreaterThan(0);
    expect(set.excluded[0]!.reason).toMatch(/abaixo do mínimo da política/);
  });

  it('never offers a plan that leaves the declared income below the subsistence minimum (CDC 104-A)', () => {
    const big = debt('D', '2026-09-01', { principal: 1_000_000 });
    const income = 150_000; // R$ 1.500: installments up to R$ 900
    const set = computeOffers(context([big], { declaredIncomeCents: income }));
    for (const offer of set.offers.filter((o) => o.kind === 'installments')) {
      for (const p of offer.payments) expect(income - p.amountCents).toBeGreaterThanOrEqual(60_000);
    }
    expect(set.excluded.some((e) => /mínimo existencial/.test(e.reason))).toBe(true);
    expect(() => priceProposal(context([big], { declaredIncomeCents: income }), { installments: 3 })).toThrow(/mínimo existencial/);
    // a large down payment counts too: it falls in a month of the same income
    expect(() => priceProposal(context([big], { declaredIncomeCents: income }), { installments: 24, downPaymentCents: 100_000 })).toThrow(/mínimo existencial/);
  });

  it('lists what a proposal takes beyond the policy, for a supervisor to approve', () => {
    const inside = priceProposal(context([old]), { installments: 12 });
    expect(inside.withinPolicy).toBe(true);
    const outside = priceProposal(context([old]), { installments: 24, discountRates: { principal: '0.5' }, downPaymentCents: 1_000 });
    expect(outside.withinPolicy).toBe(false);
    expect(outside.violations.map((v) => v.rule).sort()).toEqual(['max_discount', 'max_installments', 'min_down_payment', 'min_installment']);
    expect(outside.violations.find((v) => v.rule === 'max_discount')!.message).toMatch(/principal do título A/);
  });

  it('refuses impossible terms with a field-named error', () => {
    const error = (() => {
      try {
        priceProposal(context([old]), { installments: 3, downPaymentCents: 10_000_000 });
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error!.field).toBe('downPaymentCents');
    expect(() => computeOffers(context([]))).toThrow(/ao menos um título/);
  });

  it('property: payments add up to the offer total to the centavo, the down payment meets the policy, discounts never exceed it', () => {
    const arbDebt = fc.record({
      days: fc.integer({ min: -30, max: 2_000 }),
      principal: fc.integer({ min: 1_000, max: 50_000_000 }),
      correction: fc.integer({ min: 0, max: 5_000_000 }),
      interest: fc.integer({ min: 0, max: 20_000_000 }),
      fine: fc.integer({ min: 0, max: 1_000_000 }),
      fees: fc.integer({ min: 0, max: 1_000_000 }),
    });
    const arbPolicy = fc.record({
      maxInstallments: fc.integer({ min: 1, max: 36 }),
      monthlyRate: fc.constantFrom('0', '0.0099', '0.0199', '0.035'),
      minDownPaymentRate: fc.constantFrom('0', '0.05', '0.1', '0.3'),
      installmentDiscountShare: fc.constantFrom('0', '0.5', '1'),
      minInstallmentCents: fc.constantFrom(0, 5_000, 20_000),
    });
    fc.assert(
      fc.property(fc.array(arbDebt, { minLength: 1, maxLength: 5 }), arbPolicy, fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: null }), (debts, overrides, income) => {
        const policy: OfferPolicy = { ...DEFAULT_OFFER_POLICY, ...overrides };
        const list = debts.map((d, i) => {
          const n = debt(`D${i}`, addDays(ASOF, -d.days), d.days > 0 ? d : { principal: d.principal });
          return { ...n, daysPastDue: Math.max(0, d.days) };
        });
        const set = computeOffers(context(list, { policy, declaredIncomeCents: income }));
        for (const offer of set.offers) {
          expect(offer.payments.reduce((s, p) => s + p.amountCents, 0)).toBe(offer.totalCents);
          expect(offer.payments.reduce((s, p) => s + p.amortizationCents, 0)).toBe(offer.negotiatedCents);
          expect(offer.negotiatedCents).toBeGreaterThanOrEqual(set.floorCents);
          for (const line of offer.breakdown) expect(line.discountCents).toBeLessThanOrEqual(line.balanceCents);
          expect(offer.violations).toEqual([]);
          if (offer.kind === 'installments') {
            expect(offer.downPaymentCents * 1).toBeGreaterThanOrEqual(Math.ceil(offer.negotiatedCents * Number(policy.minDownPaymentRate)) - 0);
            if (income !== null) for (const p of offer.payments) expect(income - p.amountCents).toBeGreaterThanOrEqual(policy.subsistenceMinimumCents);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('agreement lifecycle', () => {
  const statuses = Object.keys(TRANSITIONS) as AgreementStatus[];
  const events: AgreementEvent[] = ['accept', 'activate', 'fulfil', 'break', 'cancel', 'expire'];
  const allowed: Record<string, AgreementStatus> = {
    'proposed accept': 'accepted', 'proposed cancel': 'cancelled', 'proposed expire': 'cancelled',
    'accepted activate': 'active', 'accepted fulfil': 'fulfilled', 'accepted break': 'broken', 'accepted cancel': 'cancelled',
    'active fulfil': 'fulfilled', 'active break': 'broken', 'active cancel': 'cancelled',
  };

  it('allows exactly the documented transitions and refuses every other with a clear conflict', () => {
    for (const status of statuses) {
      for (const event of events) {
        const expected = allowed[`${status} ${event}`];
        if (expected) expect(nextStatus(status, event)).toBe(expected);
        else expect(() => nextStatus(status, event), `${status} ${event}`).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringMatching(/^Um acordo \S+ não pode ser/) }));
      }
    }
  });

  it('breaks on the day after the grace period of the earliest unpaid installment, not before', () => {
    const installments = [
      { number: 0, dueDate: '2026-01-05', amountCents: 100, paidCents: 100, status: 'paid' as const },
      { number: 1, dueDate: '2026-02-05', amountCents: 100, paidCents: 0, status: 'open' as const },
      { number: 2, dueDate: '2026-03-05', amountCents: 100, paidCents: 0, status: 'open' as const },
    ];
    expect(breachDate(installments, 5, '2026-02-10')).toBeNull();
    expect(breachDate(installments, 5, '2026-02-11')).toBe('2026-02-11');
    expect(breachDate(installments, 5, '2026-04-30')).toBe('2026-02-11'); // a late run breaks it on the same day
    expect(breachDate(installments, 0, '2026-02-06')).toBe('2026-02-06');
  });

  it('applies a payment to an installment up to what it still owes, reporting the excess', () => {
    const open = { number: 1, dueDate: '2026-02-05', amountCents: 10_000, paidCents: 4_000, status: 'open' as const };
    expect(applyToInstallment(open, 5_000)).toEqual({ appliedCents: 5_000, excessCents: 0, paidInFull: false });
    expect(applyToInstallment(open, 7_500)).toEqual({ appliedCents: 6_000, excessCents: 1_500, paidInFull: true });
    expect(() => applyToInstallment({ ...open, status: 'paid' }, 1)).toThrow(/não está em aberto/);
    expect(() => applyToInstallment(open, 0)).toThrow(/inteiro positivo/);
  });
});

describe('breach: payments imputed to the original debts', () => {
  const indices = new IndexSet({});
  const plain = (principal: number, dueDate: IsoDate): DebtTerms => ({ principalCents: principal, dueDate, relationship: 'consumer', correctionIndex: 'none', interestRate: '0', interestKind: 'simple', fineRate: null, feesRate: null });
  const charged = (principal: number, dueDate: IsoDate): DebtTerms => ({ principalCents: principal, dueDate, relationship: 'consumer', correctionIndex: 'none', interestRate: '0.01', interestKind: 'simple', fineRate: '0.02', feesRate: null });

  it('pays the oldest debt first, then the next (CC art. 355)', () => {
    const debts = [
      { debtId: 'new', terms: plain(50_000, '2026-03-10'), credits: [] },
      { debtId: 'old', terms: plain(30_000, '2026-01-10'), credits: [] },
    ];
    const { imputations, excessCents } = imputeAgreementPayments(debts, [{ paymentId: 'p1', date: '2026-05-01', amountCents: 40_000 }], indices);
    expect(imputations).toEqual([
      { debtId: 'old', paymentId: 'p1', date: '2026-05-01', amountCents: 30_000 },
      { debtId: 'new', paymentId: 'p1', date: '2026-05-01', amountCents: 10_000 },
    ]);
    expect(excessCents).toBe(0);
  });

  it('property: without charges, each restored balance is the principal less what was imputed, and the imputations add up to what was paid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ principal: fc.integer({ min: 1, max: 10_000_000 }), day: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), day: fc.integer({ min: 301, max: 600 }) }), { minLength: 1, maxLength: 6 }),
        (debtSpecs, paymentSpecs) => {
          const debts = debtSpecs.map((d, i) => ({ debtId: `d${i}`, terms: plain(d.principal, addDays('2025-01-01', d.day)), credits: [] }));
          const payments = paymentSpecs.map((p, i) => ({ paymentId: `p${i}`, date: addDays('2025-01-01', p.day), amountCents: p.amount }));
          const { imputations, excessCents } = imputeAgreementPayments(debts, payments, indices);
          const paid = payments.reduce((s, p) => s + p.amountCents, 0);
          const owed = debtSpecs.reduce((s, d) => s + d.principal, 0);
          expect(imputations.reduce((s, i) => s + i.amountCents, 0) + excessCents).toBe(paid);
          expect(excessCents).toBe(Math.max(0, paid - owed));
          for (const d of debts) {
            const applied = imputations.filter((i) => i.debtId === d.debtId).map((i) => ({ date: i.date, amountCents: i.amountCents }));
            const restored = updatedBalance(d.terms, applied, '2027-01-01', indices).total;
            expect(restored).toBe(d.terms.principalCents - applied.reduce((s, p) => s + p.amountCents, 0));
            expect(restored).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: with interest and fine, no debt takes more than its balance on the payment day and nothing is lost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ principal: fc.integer({ min: 100, max: 5_000_000 }), day: fc.integer({ min: 0, max: 200 }) }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 3_000_000 }), day: fc.integer({ min: 201, max: 400 }) }), { minLength: 1, maxLength: 4 }),
        (debtSpecs, paymentSpecs) => {
          const debts = debtSpecs.map((d, i) => ({ debtId: `d${i}`, terms: charged(d.principal, addDays('2025-01-01', d.day)), credits: [] }));
          const payments = paymentSpecs.map((p, i) => ({ paymentId: `p${i}`, date: addDays('2025-01-01', p.day), amountCents: p.amount }));
          const { imputations, excessCents } = imputeAgreementPayments(debts, payments, indices);
          expect(imputations.reduce((s, i) => s + i.amountCents, 0) + excessCents).toBe(payments.reduce((s, p) => s + p.amountCents, 0));
          for (const d of debts) {
            const applied = imputations.filter((i) => i.debtId === d.debtId).map((i) => ({ date: i.date, amountCents: i.amountCents }));
            const after = updatedBalance(d.terms, applied, addDays('2025-01-01', 400), indices);
            expect(after.creditCents).toBe(0); // never more than was owed
            expect(after.total).toBeGreaterThanOrEqual(0);
          }
          // excess only when every debt is settled
          if (excessCents > 0) for (const d of debts) expect(updatedBalance(d.terms, imputations.filter((i) => i.debtId === d.debtId).map((i) => ({ date: i.date, amountCents: i.amountCents })), payments.map((p) => p.date).sort().at(-1)!, indices).total).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('promises', () => {
  const promise = { amountCents: 10_000, createdOn: '2026-11-20', promisedFor: '2026-11-25' };
  it('is kept on the day the payments reach the amount, broken the day after its date otherwise', () => {
    expect(judgePromise(promise, [], '2026-11-25')).toEqual({ status: 'pending' });
    expect(judgePromise(promise, [], '2026-11-26')).toEqual({ status: 'broken', on: '2026-11-26' });
    expect(judgePromise(promise, [{ paidOn: '2026-11-22', amountCents: 6_000 }, { paidOn: '2026-11-24', amountCents: 4_000 }], '2026-11-30')).toEqual({ status: 'kept', on: '2026-11-24' });
    // a payment before the promise or after its date does not count
    expect(judgePromise(promise, [{ paidOn: '2026-11-19', amountCents: 10_000 }, { paidOn: '2026-11-26', amountCents: 10_000 }], '2026-11-30')).toEqual({ status: 'broken', on: '2026-11-26' });
  });
});

describe('agreement term', () => {
  it('identifies the creditor, itemizes the discounts and lists every payment', () => {
    const offer = computeOffers(context([debt('CRED-1', '2026-07-10', { principal: 50_000, interest: 7_777, fine: 1_000 })])).offers.find((o) => o.installmentCount === 4)!;
    const text = documentText(
      agreementTerm({
        number: '2026-000001', creditor: { name: 'Magazine Horizonte Ltda', tradeName: 'Lojas Horizonte', document: '11222333000181', address: 'Avenida Paulista, 1000, São Paulo/SP' },
        agency: { name: 'Assessoria Demo' }, debtor: { name: 'Maria da Silva', document: '52998224725', address: 'Rua A, 1, São Paulo/SP' }, offer,
        debts: [{ externalId: 'CRED-1', dueDate: '2026-07-10', originalCents: 50_000, description: null }], graceDays: 5, place: 'São Paulo/SP', issuedOn: ASOF,
      }),
    );
    expect(text).toContain('CNPJ 11.222.333/0001-81');
    expect(text).toContain('CPF 529.982.247-25');
    expect(text).toMatch(/juros de mora \| R\$ 77,77 \| R\$ [\d.,]+ \|/);
    for (const p of offer.payments) expect(text).toContain(p.dueDate.split('-').reverse().join('/'));
    expect(text).toContain('por mais de 5 dia(s) rompe este acordo');
  });
});
