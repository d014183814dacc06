import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../dates.ts';
import { IndexSet, MissingIndexError } from '../indices/series.ts';
import { createBalanceCalculator } from './balance-calculator.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type DebtTerms } from './updated-balance.ts';

const base: DebtTerms = {
  principalCents: 100_000, // R$ 1.000,00
  dueDate: '2025-01-10',
  relationship: 'consumer',
  correctionIndex: 'none',
  interestRate: '0.01',
  interestKind: 'simple',
  fineRate: '0.02',
  feesRate: null,
};
// Index values used by the hand-worked examples (percent per month).
const indices = new IndexSet({
  ipca: [
    { period: '2024-08', value: '-0.02' }, { period: '2024-09', value: '0.44' },
    { period: '2025-01', value: '0.16' }, { period: '2025-02', value: '1.31' }, { period: '2025-03', value: '0.56' },
  ],
  selic: [{ period: '2024-08', value: '0.87' }],
  taxa_legal: [{ period: '2024-08', value: '0.5' }, { period: '2024-09', value: '0.45' }],
});

const sumOf = (memory: { amountCents: number }[]) => memory.reduce((s, l) => s + l.amountCents, 0);

describe('updated balance: hand-worked examples', () => {
  it('contract rate, simple interest, fine, no correction', () => {
    // 10/01 → 11/03/2025 = 21 + 28 + 11 = 60 days.
    // interest = 1.000,00 × 1% × 60/30 = 20,00; fine = 2% × 1.000,00 = 20,00; total 1.040,00
    const r = updatedBalance(base, [], '2025-03-11', indices);
    expect(r.daysOverdue).toBe(60);
    expect(r.components).toEqual({ principal: 100_000, correction: 0, interest: 2_000, fine: 2_000, fees: 0 });
    expect(r.total).toBe(104_000);
    expect(sumOf(r.memory)).toBe(r.total);
  });

  it('caps a consumer fine at 2% and adds contract fees as their own line', () => {
    // contract fine 10% → 2% (CDC art. 52 §1º); fees 10% of 1.040,00 = 104,00; total 1.144,00
    const r = updatedBalance({ ...base, fineRate: '0.10', feesRate: '0.10' }, [], '2025-03-11', indices);
    expect(r.components).toEqual({ principal: 100_000, correction: 0, interest: 2_000, fine: 2_000, fees: 10_400 });
    expect(r.memory.find((l) => l.component === 'fine')!.description).toContain('limitada a 2%');
    // B2B: the usury law's 10% applies instead
    expect(updatedBalance({ ...base, relationship: 'b2b', fineRate: '0.15' }, [], '2025-03-11', indices).components.fine).toBe(10_000);
  });

  it('corrects by IPCA pro rata die (exponential) month by month', () => {
    // 10/01 → 20/03/2025: Jan 21/31 days at 0,16%, Feb 28/28 at 1,31%, Mar 20/31 at 0,56%
    // F = 1,0016^(21/31) × 1,0131 × 1,0056^(20/31) = 1,0178583535771…
    // correction = 1.000,00 × (F − 1) = 17,858… → 17,86
    // interest   = 1.000,00 × F × 1% × 69/30 = 23,41074… → 23,41
    // fine       = 1.000,00 × F × 2% = 20,35716… → 20,36          total = 1.061,63
    const r = updatedBalance({ ...base, correctionIndex: 'ipca' }, [], '2025-03-20', indices);
    expect(r.components).toEqual({ principal: 100_000, correction: 1_786, interest: 2_341, fine: 2_036, fees: 0 });
    expect(r.total).toBe(106_163);
    const ipcaLines = r.memory.filter((l) => l.component === 'correction');
    expect(ipcaLines.map((l) => [l.index!.period, l.index!.percent, l.days])).toEqual([['2025-01', '0.16', 21], ['2025-02', '1.31', 28], ['2025-03', '0.56', 20]]);
  });

  it('applies a partial payment to interest first, then the fine, then principal (CC art. 354)', () => {
    // 30 days to 09/02: interest 10,00, fine 20,00. Paying 30,00 clears both; 30 more days: 10,00.
    expect(updatedBalance(base, [{ date: '2025-02-09', amountCents: 3_000 }], '2025-03-11', indices).components)
      .toEqual({ principal: 100_000, correction: 0, interest: 1_000, fine: 0, fees: 0 });
    // Paying 50,00: 10,00 interest, 20,00 fine, 20,00 principal → 980,00; 30 days at 1% = 9,80.
    const r = updatedBalance(base, [{ date: '2025-02-09', amountCents: 5_000 }], '2025-03-11', indices);
    expect(r.components).toEqual({ principal: 98_000, correction: 0, interest: 980, fine: 0, fees: 0 });
    expect(r.total).toBe(98_980);
    expect(r.paidCents).toBe(5_000);
    expect(sumOf(r.memory)).toBe(r.total);
  });

  it('keeps an overpayment as a credit, never as a negative balance', () => {
    const r = updatedBalance(base, [{ date: '2025-01-10', amountCents: 150_000 }], '2025-03-11', indices);
    expect(r.total).toBe(0);
    expect(r.creditCents).toBe(50_000);
  });

  it('uses the legal regime when the contract sets neither rate nor index: Selic, then IPCA + taxa legal', () => {
    // due 31/07/2024, asOf 30/09/2024:
    //  01–29/08 (29 of 31 days): Selic 0,87% → interest 1.000,00 × 0,87% × 29/31 = 8,1387…; no correction (Selic covers it)
    //  30–31/08 (2 days): IPCA −0,02% — deflation with no correction to give back changes nothing; taxa legal 0,5% × 2/31
    //  09/2024 (30 days): IPCA 0,44% on 1.000,00 = 4,40 (interest corrected too); taxa legal 0,45% × 30/30 on 1.004,40
    //  correction = 4,40; interest = (8,1387 + 0,3226) × 1,0044 + 4,5198 = 13,0183… → 13,02
    const r = updatedBalance({ ...base, dueDate: '2024-07-31', correctionIndex: null, interestRate: null, interestKind: null, fineRate: null }, [], '2024-09-30', indices);
    expect(r.components).toEqual({ principal: 100_000, correction: 440, interest: 1_302, fine: 0, fees: 0 });
    expect(r.memory.filter((l) => l.component === 'interest' && l.index && l.index.series !== 'ipca').map((l) => [l.index!.series, l.from, l.to])).toEqual([
      ['selic', '2024-08-01', '2024-08-29'],
      ['taxa_legal', '2024-08-30', '2024-08-31'],
      ['taxa_legal', '2024-09-01', '2024-09-30'],
    ]);
  });

  it('refuses a missing month naming the series and the month, or uses the last one when told to', () => {
    expect(() => updatedBalance({ ...base, correctionIndex: 'ipca' }, [], '2025-04-15', indices)).toThrowError(MissingIndexError);
    expect(() => updatedBalance({ ...base, correctionIndex: 'ipca' }, [], '2025-04-15', indices)).toThrow(/IPCA de abril\/2025/);
    const r = updatedBalance({ ...base, correctionIndex: 'ipca' }, [], '2025-04-15', indices, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known' });
    expect(r.memory.find((l) => l.index?.period === '2025-04')!.index!.provisional).toBe(true);
    // a gap in the past is never filled
    const gap = new IndexSet({ ipca: [{ period: '2025-01', value: '0.16' }, { period: '2025-03', value: '0.56' }] });
    expect(() => updatedBalance({ ...base, correctionIndex: 'ipca' }, [], '2025-03-20', gap, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known' })).toThrow(/fevereiro\/2025/);
  });

  it('rounds an exact half centavo up, even when the division by 30 is split by month', () => {
    // 109,30 × 1% × 150/30 = 5,465 → 5,47 (a 40-digit quotient gives 546,4999…; snapped first)
    const r = updatedBalance({ ...base, principalCents: 10_930, dueDate: '2025-07-03', fineRate: null }, [], '2025-11-30', indices);
    expect(r.components.interest).toBe(547);
  });

  it('never lets deflation take the debt below its nominal value (STJ REsp 1.265.580)', () => {
    const deflation = new IndexSet({ igpm: [{ period: '2023-05', value: '0.5' }, { period: '2023-06', value: '-1.0' }, { period: '2023-07', value: '-0.7' }] });
    // May +0,5% adds 5,00; June −1% gives back only those 5,00; July changes nothing
    const r = updatedBalance({ ...base, dueDate: '2023-04-30', correctionIndex: 'igpm', fineRate: null, interestRate: '0' }, [], '2023-07-31', deflation);
    expect(r.components).toMatchObject({ principal: 100_000, correction: 0 });
    expect(r.memory.some((l) => l.description.startsWith('Deflação'))).toBe(true);
  });

  it('does not charge a due date that fell on a day without bank business, paid on the next business day', () => {
    // due Saturday 01/03/2025; Carnaval Monday and Tuesday; payable until Wednesday 05/03
    const terms = { ...base, dueDate: '2025-03-01', payableUntil: '2025-03-05' };
    expect(updatedBalance(terms, [], '2025-03-05', indices)).toMatchObject({ total: 100_000, daysOverdue: 0 });
    // one day later it is late, counted from the original due date: 5 days
    expect(updatedBalance(terms, [], '2025-03-06', indices)).toMatchObject({ daysOverdue: 5, components: { interest: 167, fine: 2_000 } });
  });

  it('gives the same linear correction for a month cut into pieces', () => {
    const linear = { ...DEFAULT_BALANCE_POLICY, partialMonth: 'linear' as const };
    const terms = { ...base, correctionIndex: 'ipca' as const };
    const whole = updatedBalance(terms, [], '2025-03-20', indices, linear);
    const cut = updatedBalance(terms, [{ date: '2025-02-14', amountCents: 0 }], '2025-03-20', indices, linear);
    expect(cut.components.correction).toBe(whole.components.correction);
  });

  it('charges nothing before the due date', () => {
    const r = updatedBalance({ ...base, feesRate: '0.1' }, [{ date: '2025-01-05', amountCents: 10_000 }], '2025-01-10', indices);
    expect(r.total).toBe(90_000);
    expect(r.components.fine + r.components.interest + r.components.fees).toBe(0);
  });
});

// Random terms over a synthetic, non-negative index series (so balances can only grow).
const months = Array.from({ length: 48 }, (_, i) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const positive = new IndexSet({
  ipca: months.map((period, i) => ({ period, value: String(((i * 37) % 120) / 100) })),
  igpm: months.map((period, i) => ({ period, value: String(((i * 53) % 150) / 100) })),
});
// IGP-M-like: negative months too
const mixed = new IndexSet({
  ipca: months.map((period, i) => ({ period, value: String(((i * 37) % 120) / 100) })),
  igpm: months.map((period, i) => ({ period, value: String((((i * 53) % 250) - 100) / 100) })),
});
const termsArb = fc.record({
  principalCents: fc.integer({ min: 1, max: 5_000_000_000 }),
  dueDate: fc.integer({ min: 0, max: 700 }).map((d) => addDays('2022-01-01', d)),
  relationship: fc.constantFrom('consumer' as const, 'b2b' as const),
  correctionIndex: fc.constantFrom('none' as const, 'ipca' as const, 'igpm' as const),
  interestRate: fc.integer({ min: 0, max: 1200 }).map((n) => String(n / 10_000)),
  interestKind: fc.constantFrom('simple' as const, 'compound' as const),
  fineRate: fc.option(fc.integer({ min: 0, max: 2000 }).map((n) => String(n / 10_000)), { nil: null }),
  feesRate: fc.option(fc.integer({ min: 0, max: 2000 }).map((n) => String(n / 10_000)), { nil: null }),
});

describe('updated balance: properties', () => {
  it('the calculation memory adds up to each component and to the total', () => {
    fc.assert(
      fc.property(termsArb, fc.integer({ min: 0, max: 700 }), fc.array(fc.record({ day: fc.integer({ min: 0, max: 700 }), amountCents: fc.integer({ min: 1, max: 1_000_000 }) }), { maxLength: 4 }), (terms, offset, pays) => {
        const asOf = addDays(terms.dueDate, offset);
        const payments = pays.map((p) => ({ date: addDays(terms.dueDate, p.day % (offset + 1)), amountCents: p.amountCents }));
        const r = updatedBalance(terms, payments, asOf, mixed);
        for (const component of ['principal', 'correction', 'interest', 'fine', 'fees'] as const) {
          expect(sumOf(r.memory.filter((l) => l.component === component))).toBe(r.components[component]);
        }
        expect(sumOf(r.memory)).toBe(r.total);
        expect(r.total).toBeGreaterThanOrEqual(0);
        expect(r.components.correction).toBeGreaterThanOrEqual(0); // never below the nominal value
      }),
      { numRuns: 300 },
    );
  });

  it('paying exactly the total shown leaves nothing owed and no credit', () => {
    fc.assert(
      fc.property(termsArb, fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 200 }), (terms, offset, later) => {
        const payDay = addDays(terms.dueDate, offset);
        const shown = updatedBalance(terms, [], payDay, mixed).total;
        // on the day it was shown, and still settled when looked at later
        const laterDay = addDays(payDay, later);
        for (const asOf of [payDay, laterDay <= '2025-12-31' ? laterDay : payDay]) { // the synthetic series ends in 12/2025
          const after = updatedBalance(terms, [{ date: payDay, amountCents: shown }], asOf, mixed);
          expect([after.total, after.creditCents]).toEqual([0, 0]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a later asOf never lowers a balance without payments', () => {
    fc.assert(
      fc.property(termsArb, fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 90 }), (terms, offset, more) => {
        const earlier = updatedBalance(terms, [], addDays(terms.dueDate, offset), positive).total;
        const later = updatedBalance(terms, [], addDays(terms.dueDate, offset + more), positive).total;
        expect(later).toBeGreaterThanOrEqual(earlier);
      }),
      { numRuns: 300 },
    );
  });

  it('the bulk calculator gives exactly the same totals as the full calculation', () => {
    const asOf = '2025-11-30';
    const calculator = createBalanceCalculator(asOf, mixed);
    fc.assert(
      fc.property(termsArb, (terms) => {
        expect(calculator(terms)).toBe(updatedBalance(terms, [], asOf, mixed).total);
      }),
      { numRuns: 500 },
    );
  });
});
