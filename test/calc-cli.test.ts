import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `recupera calc …` as an integrator runs it: JSON in (stdin or file), JSON out, no database. */
function calc(args: string[], input?: unknown) {
  const result = spawnSync(process.execPath, ['bin/recupera.js', 'calc', ...args], {
    input: input === undefined ? undefined : typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: result.status, json: result.status === 0 ? JSON.parse(result.stdout) : null, stderr: result.stderr };
}

describe('recupera calc (the examples of docs/calculations.md)', () => {
  it('plan: Price 10.000,00 at 2% in 12, installments of 945,60 that close the balance', () => {
    const { code, json } = calc(['plan'], { method: 'price', principal: 1000000, monthlyRate: '0.02', installments: 12, firstDueDate: '2025-01-10' });
    expect(code).toBe(0);
    expect(json.installments[0]).toEqual({ number: 1, dueDate: '2025-01-10', amount: 94560, interest: 20000, amortization: 74560, balance: 925440 });
    expect(json.installments).toHaveLength(12);
    expect(json.total).toBe(json.installments.reduce((s: number, i: { amount: number }) => s + i.amount, 0));
    expect(json.cet).toEqual({ monthly: expect.stringMatching(/^0\.0200\d{4}$/), yearly: expect.stringMatching(/^0\.26\d{6}$/) });
  });

  it('offers: the example of docs/negotiation.md, à vista at the floor, installments summing to their totals, the proposal beyond the policy explained', () => {
    const { code, json } = calc(['offers', 'examples/offers.json']);
    expect(code).toBe(0);
    expect(json.offers[0]).toMatchObject({ key: 'a-vista', totalCents: json.floorCents });
    expect(json.offers.map((o: { installmentCount: number }) => o.installmentCount)).toEqual([1, 2, 3, 4, 5, 6]); // the example's policy allows 6
    for (const offer of json.offers) expect(offer.payments.reduce((s: number, p: { amountCents: number }) => s + p.amountCents, 0)).toBe(offer.totalCents);
    expect(json.proposal.withinPolicy).toBe(false);
    expect(json.proposal.violations.map((v: { rule: string }) => v.rule)).toEqual(['max_discount', 'max_discount', 'max_installments']);
    const bad = calc(['offers'], { asOf: '2026-11-23', debts: [{ id: 'X', principal: 100, dueDate: '2026-01-01' }], proposal: { installments: 0 } });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/proposal\.installments/);
  });

  it('plan with business days in SP moves only the dates', () => {
    const { json } = calc(['plan'], { method: 'sac', principal: 600000, monthlyRate: '0.01', installments: 3, firstDueDate: '2026-02-16', businessDays: true, uf: 'SP' });
    expect(json.installments.map((i: { dueDate: string }) => i.dueDate)).toEqual(['2026-02-18', '2026-03-16', '2026-04-16']); // Carnaval 16–17/02/2026
  });

  it('business-days: 2025 in SP, both ends included, with the holidays named', () => {
    const { code, json } = calc(['business-days', '--from', '2025-01-01', '--to', '2025-12-31', '--uf', 'SP']);
    expect(code).toBe(0);
    expect(json.businessDays).toBe(251);
    expect(json.holidays).toContainEqual(expect.objectContaining({ date: '2025-07-09', name: 'Revolução Constitucionalista de 1932' }));
    expect(json.holidays).toContainEqual(expect.objectContaining({ date: '2025-11-20', name: 'Dia Nacional de Zumbi e da Consciência Negra' }));
  });

  it('business-days with municipal holidays from a file', () => {
    const file = path.join(os.tmpdir(), `municipais-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ 'SP/Campinas': [{ month: 7, day: 14, name: 'Fundação de Campinas', source: 'Lei municipal' }] }));
    const { json } = calc(['business-days', '--from', '2025-07-01', '--to', '2025-07-31', '--uf', 'SP', '--city', 'campinas', '--municipal', file]);
    expect(json.holidays.map((h: { date: string }) => h.date)).toEqual(['2025-07-09', '2025-07-14']);
    expect(json.businessDays).toBe(21); // 23 weekdays − 2
    fs.rmSync(file);
  });

  it('prescription and balance', () => {
    expect(calc(['prescription'], { kind: 'contract', dueDate: '2020-03-10' }).json).toMatchObject({ prescriptionDate: '2025-03-11', listingExpiry: '2025-03-11' });
    const balance = calc(['balance'], { principal: 100000, dueDate: '2025-01-10', asOf: '2025-03-20', correctionIndex: 'ipca', interestRate: '0.01', fineRate: '0.02',
      indices: { ipca: [{ period: '2025-01', value: '0.16' }, { period: '2025-02', value: '1.31' }, { period: '2025-03', value: '0.56' }] } });
    expect(balance.json).toMatchObject({ total: 106163, components: { principal: 100000, correction: 1786, interest: 2341, fine: 2036, fees: 0 } });
    expect(balance.json.memory.reduce((s: number, l: { amountCents: number }) => s + l.amountCents, 0)).toBe(106163);
    const debtor = calc(['balance'], { asOf: '2025-03-11', debts: [
      { id: 'a', principal: 100000, dueDate: '2025-01-10', correctionIndex: 'none', interestRate: '0.01', fineRate: '0.02' },
      { id: 'b', principal: 50000, dueDate: '2025-04-10', correctionIndex: 'none', interestRate: '0.01', fineRate: '0.02' },
    ] });
    expect(debtor.json).toMatchObject({ total: 154000, debts: [{ id: 'a', total: 104000 }, { id: 'b', total: 50000 }] });
  });

  it('refuses bad input with exit code 2 and the field at fault, in Portuguese', () => {
    const bad = calc(['plan'], { method: 'price', principal: 10.5, monthlyRate: '2%', installments: 12, firstDueDate: '2025-01-10' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Campo principal: valor em centavos deve ser inteiro/);
    expect(calc(['plan'], '{ not json').stderr).toContain('JSON inválido');
    expect(calc(['plan'], { method: 'price', principal: 100000, downPayment: 1000, downPaymentDate: '2025-06-01', monthlyRate: '0.02', installments: 3, firstDueDate: '2025-01-31' }).stderr)
      .toContain('Campo downPaymentDate: a entrada deve vir antes da primeira parcela');
    expect(calc(['balance'], { principal: 100000, dueDate: '2025-01-10', asOf: '2025-02-20', correctionIndex: 'ipca', interestRate: '0.01', indices: { ipca: [{ period: '2025-01', value: '-150' }] } }).stderr)
      .toContain('Campo indices.ipca.0.value: variação de −100% ou menos é impossível');
    expect(calc(['business-days', '--from', '2025-01-01', '--to', '2025-01-31', '--uf', 'SP'], undefined).code).toBe(0);
    const missing = calc(['balance'], { principal: 100000, dueDate: '2025-01-10', asOf: '2031-03-20', correctionIndex: 'igpm', interestRate: '0.01' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Índice IGP-M de \w+\/\d{4} não está cadastrado/);
  });
});
