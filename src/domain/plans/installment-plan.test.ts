import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal.ts';
import { BusinessCalendar } from '../calendar/business-days.ts';
import { buildPlan, effectiveCost } from './installment-plan.ts';

describe('installment plans', () => {
  it('Price: the issue example and the closed-form PMT', () => {
    const plan = buildPlan({ method: 'price', principal: 1_000_000, monthlyRate: '0.02', installments: 12, firstDueDate: '2025-01-10' });
    // PMT = 10.000 × 0,02 / (1 − 1,02^−12) = 945,5960 → 945,60
    expect(plan.installments.slice(0, 11).every((i) => i.amount === 94_560)).toBe(true);
    expect(plan.installments[0]).toEqual({ number: 1, dueDate: '2025-01-10', amount: 94_560, interest: 20_000, amortization: 74_560, balance: 925_440 });
    expect(plan.installments[11]!.balance).toBe(0);
    expect(plan.installments.reduce((s, i) => s + i.amortization, 0)).toBe(1_000_000);
  });

  it('Price: a textbook example (R$ 100.000,00 in 5 at 4% a.m. → R$ 22.462,71)', () => {
    const plan = buildPlan({ method: 'price', principal: 10_000_000, monthlyRate: '0.04', installments: 5, firstDueDate: '2025-02-01' });
    expect(plan.installments.map((i) => i.amount).slice(0, 4)).toEqual([2_246_271, 2_246_271, 2_246_271, 2_246_271]);
  });

  it('SAC: a textbook example (R$ 100.000,00 in 5 at 4%: 24.000,00 down to 20.800,00; interest 12.000,00)', () => {
    const plan = buildPlan({ method: 'sac', principal: 10_000_000, monthlyRate: '0.04', installments: 5, firstDueDate: '2025-02-01' });
    expect(plan.installments.map((i) => i.amount)).toEqual([2_400_000, 2_320_000, 2_240_000, 2_160_000, 2_080_000]);
    expect(plan.totalInterest).toBe(1_200_000);
  });

  it('takes a down payment and moves due dates to business days', () => {
    const plan = buildPlan({
      method: 'price', principal: 500_000, downPayment: 100_000, monthlyRate: '0.015', installments: 6, firstDueDate: '2025-03-03',
      calendar: new BusinessCalendar({ uf: 'SP' }),
    });
    expect(plan.financed).toBe(400_000);
    expect(plan.installments[0]!.dueDate).toBe('2025-03-05'); // Carnaval Monday and Tuesday
    expect(plan.installments[3]!.dueDate).toBe('2025-06-03');
    expect(plan.total).toBe(100_000 + plan.installments.reduce((s, i) => s + i.amount, 0));
  });

  it('SAC of a tiny amount in many installments never has a negative installment', () => {
    const plan = buildPlan({ method: 'sac', principal: 1_000, monthlyRate: '0.01', installments: 60, firstDueDate: '2026-01-31' });
    expect(plan.installments.every((i) => i.amortization === 16 || i.amortization === 17)).toBe(true);
    expect(() => buildPlan({ method: 'price', principal: 100_000, downPayment: 1_000, downPaymentDate: '2025-06-01', monthlyRate: '0.02', installments: 3, firstDueDate: '2025-01-31' })).toThrow(/down payment date/);
  });

  it('CET agrees with the closed form for a single payment: (A/F)^(365/d) − 1', () => {
    const cet = effectiveCost(100_000, '2025-01-01', [{ dueDate: '2025-03-02', amount: 104_000 }]); // 60 days
    const expected = new Decimal(104_000).div(100_000).pow(new Decimal(365).div(60)).minus(1);
    expect(cet.yearly).toBe(expected.toFixed(8));
  });

  it('properties: installments add up to the total, the balance ends at zero, Price installments are level', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('price' as const, 'sac' as const),
        fc.integer({ min: 1_000, max: 100_000_000 }),
        fc.integer({ min: 0, max: 800 }).map((n) => String(n / 10_000)),
        fc.integer({ min: 1, max: 60 }),
        (method, principal, monthlyRate, installments) => {
          const plan = buildPlan({ method, principal, monthlyRate, installments, firstDueDate: '2026-01-31' });
          expect(plan.installments.reduce((s, i) => s + i.amortization, 0)).toBe(principal);
          expect(plan.installments.at(-1)!.balance).toBe(0);
          expect(plan.total).toBe(plan.installments.reduce((s, i) => s + i.amount, 0));
          for (const i of plan.installments) {
            expect(i.amount).toBe(i.interest + i.amortization);
            expect(i.amortization).toBeGreaterThanOrEqual(0);
            expect(i.balance).toBeGreaterThanOrEqual(0);
          }
          if (method === 'price' && principal >= installments * 1_000) { // level up to rounding once installments are at least R$ 10
            const level = plan.installments[0]!.amount;
            expect(plan.installments.slice(0, -1).every((i) => i.amount === level)).toBe(true);
            // each rounding is at most half a centavo, and it compounds at the plan's rate
            expect(Math.abs(plan.installments.at(-1)!.amount - level)).toBeLessThanOrEqual(Math.ceil(installments * (1 + Number(monthlyRate)) ** installments));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
