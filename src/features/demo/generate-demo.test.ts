import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../brazil/documents.ts';
import { UF_INFO, type Uf } from '../../brazil/uf.ts';
import { daysBetween } from '../../domain/dates.ts';
import { generateDemo } from './generate-demo.ts';

describe('demo portfolio', () => {
  const plan = generateDemo({ asOf: '2026-11-23' });
  const rows = plan.creditors.flatMap((c) => c.portfolios.flatMap((p) => p.csv.trim().split('\r\n').slice(1).map((l) => l.split(';'))));

  it('is the same for the same seed and date, and different for another seed', () => {
    const hash = (p: typeof plan) => createHash('sha256').update(JSON.stringify(p)).digest('hex');
    expect(hash(generateDemo({ asOf: '2026-11-23' }))).toBe(hash(plan));
    expect(hash(generateDemo({ asOf: '2026-11-23', seed: 'other' }))).not.toBe(hash(plan));
  });

  it('has one agency, two creditors (consumer and B2B), three portfolios, ~2,000 debtors and ~5,000 debts', () => {
    expect(plan.creditors.map((c) => c.input.businessKind)).toEqual(['consumer', 'b2b']);
    expect(plan.creditors.flatMap((c) => c.portfolios)).toHaveLength(3);
    const debtors = new Set(rows.map((r) => r[1]));
    expect(debtors.size).toBe(2000);
    expect(rows.length).toBeGreaterThan(4500);
    expect(rows.length).toBeLessThan(5500);
  });

  it('uses valid documents, several time zones, and due dates over four years, with paid, installment and prescribed debts', () => {
    for (const r of rows) expect(parseDocument(r[1]!).ok).toBe(true);
    const ufs = new Set(rows.map((r) => r[13]).filter(Boolean));
    expect(new Set([...ufs].map((uf) => UF_INFO[uf as Uf].timeZone)).size).toBeGreaterThanOrEqual(6);
    const dues = rows.map((r) => r[19]!.split('/').reverse().join('-'));
    const ages = dues.map((d) => daysBetween(d, '2026-11-23'));
    expect(Math.max(...ages)).toBeGreaterThan(5 * 365); // prescribed (5-year rule)
    expect(Math.min(...ages)).toBeLessThan(0); // still to fall due
    expect(ages.filter((a) => a > 3 * 365 && a < 4 * 365).length).toBeGreaterThan(300);
    expect(rows.filter((r) => r[26] === 'pago').length).toBeGreaterThan(300);
    expect(rows.filter((r) => /^\d+\/\d+$/.test(r[20]!)).length).toBeGreaterThan(1000);
    expect(rows.every((r) => r[5] === '' || r[5]!.endsWith('.test'))).toBe(true);
  });
});
