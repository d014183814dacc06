import { describe, expect, it } from 'vitest';
import { addDays, addYears } from '../dates.ts';
import { prescriptionOf } from '../prescription.ts';
import { DEFAULT_RETENTION_YEARS, decideErasure, ERASURE_SOURCES, type ErasureDebt } from './erasure.ts';
import { ANONYMIZED, scrubPersonalData } from './scrub.ts';

const debt = (over: Partial<ErasureDebt> = {}): ErasureDebt => ({
  id: 'd1', externalId: 'CT-1', creditorName: 'Banco Exemplo', kind: 'contract', status: 'open', dueDate: '2024-03-10', prescriptionInterruptedOn: null, closedOn: null, ...over,
});

describe('erasure rule (LGPD arts. 16 and 18)', () => {
  it('refuses while a debt is open, naming the debt, the legal source and the day erasure becomes possible', () => {
    const d = decideErasure({ asOf: '2026-11-23', debts: [debt()] });
    expect(d.decision).toBe('refuse');
    if (d.decision !== 'refuse') return;
    // CC art. 206 §5º I: 5 years from the due date, the prescription date is the day after; then 5 years of retention
    expect(prescriptionOf({ kind: 'contract', dueDate: '2024-03-10' }).prescriptionDate).toBe('2029-03-11');
    expect(d.holds).toEqual([expect.objectContaining({ code: 'debt_open', debtId: 'd1', until: '2034-03-11', source: ERASURE_SOURCES.debtOpen })]);
    expect(d.deletableFrom).toBe('2034-03-11');
    expect(d.answer).toContain('CT-1 (Banco Exemplo) está em aberto');
    expect(d.answer).toContain('11/03/2029');
    expect(d.answer).toContain('art. 7º X');
    expect(d.answer).toContain('a partir de 11/03/2034');
  });

  it('an agreement keeps the debt open; an interruption moves the prescription', () => {
    const d = decideErasure({ asOf: '2026-11-23', debts: [debt({ status: 'in_agreement', prescriptionInterruptedOn: '2025-01-15' })] });
    expect(d.decision === 'refuse' && d.holds[0]).toMatchObject({ code: 'debt_open', until: '2035-01-16' });
    expect(d.decision === 'refuse' && d.answer).toContain('(em acordo)');
  });

  it('refuses during the retention period after settlement, until settlement + retention years', () => {
    const d = decideErasure({ asOf: '2026-11-23', debts: [debt({ status: 'paid', closedOn: '2025-06-30' })] });
    expect(d).toMatchObject({ decision: 'refuse', deletableFrom: '2030-06-30', holds: [{ code: 'retention', source: ERASURE_SOURCES.retention }] });
    // the day before the period ends it still refuses; on the day, it anonymizes
    expect(decideErasure({ asOf: '2030-06-29', debts: [debt({ status: 'paid', closedOn: '2025-06-30' })] }).decision).toBe('refuse');
    expect(decideErasure({ asOf: '2030-06-30', debts: [debt({ status: 'paid', closedOn: '2025-06-30' })] }).decision).toBe('anonymize');
  });

  it('a prescribed open debt holds the data for the retention period counted from the prescription', () => {
    const old = debt({ dueDate: '2015-03-10' });
    const prescribed = prescriptionOf({ kind: 'contract', dueDate: '2015-03-10' }).prescriptionDate;
    expect(decideErasure({ asOf: addDays(addYears(prescribed, DEFAULT_RETENTION_YEARS), -1), debts: [old] })).toMatchObject({ decision: 'refuse', holds: [{ code: 'retention' }] });
    expect(decideErasure({ asOf: addYears(prescribed, DEFAULT_RETENTION_YEARS), debts: [old] }).decision).toBe('anonymize');
  });

  it('anonymizes when everything is settled and past retention; the latest debt decides; retention is configurable', () => {
    const debts = [debt({ id: 'a', status: 'settled', closedOn: '2015-01-01' }), debt({ id: 'b', status: 'cancelled', closedOn: '2019-05-02' })];
    expect(decideErasure({ asOf: '2026-11-23', debts })).toMatchObject({ decision: 'anonymize', source: ERASURE_SOURCES.anonymize });
    expect(decideErasure({ asOf: '2026-11-23', debts, retentionYears: 10 })).toMatchObject({ decision: 'refuse', deletableFrom: '2029-05-02', holds: [{ debtId: 'b' }] });
    expect(decideErasure({ asOf: '2026-11-23', debts: [] }).decision).toBe('anonymize');
  });
});

describe('scrubbing personal data from JSON', () => {
  it('replaces personal keys and any string containing the subject, keeps amounts, dates, statuses and ids', () => {
    const data = {
      amountCents: 12_345, paidOn: '2026-01-10', status: { from: 'open', to: 'paid' }, contactId: '0190-abc',
      recipient: '+5511987654321', changes: { name: { from: 'Maria da Silva', to: 'Maria Silva' } },
      text: 'qualquer', summary: 'Enviado a MARIA DA SILVA', doc: 'CPF 123.456.789-09', list: ['maria.silva@exemplo.test', 'ok'], flag: true, n: null,
    };
    expect(scrubPersonalData(data, ['Maria da Silva', '12345678909', 'maria.silva@exemplo.test'])).toEqual({
      amountCents: 12_345, paidOn: '2026-01-10', status: { from: 'open', to: 'paid' }, contactId: '0190-abc',
      recipient: ANONYMIZED, changes: { name: ANONYMIZED }, text: ANONYMIZED, summary: ANONYMIZED, doc: ANONYMIZED, list: [ANONYMIZED, 'ok'], flag: true, n: null,
    });
  });
});
