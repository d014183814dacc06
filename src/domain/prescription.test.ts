import { describe, expect, it } from 'vitest';
import { prescriptionOf } from './prescription.ts';

describe('prescription', () => {
  it('5 years from the day after the due date for a liquid debt; listing until the same day', () => {
    // due 10/03/2020 → counting starts 11/03/2020 → prescribed from 11/03/2025
    expect(prescriptionOf({ kind: 'contract', dueDate: '2020-03-10' })).toMatchObject({ prescriptionDate: '2025-03-11', listingExpiry: '2025-03-11', source: 'CC art. 206 §5º I' });
  });

  it('3 years for rent, so the listing ends with the prescription, not at 5 years', () => {
    expect(prescriptionOf({ kind: 'rent', dueDate: '2022-01-31' })).toMatchObject({ prescriptionDate: '2025-02-01', listingExpiry: '2025-02-01' });
  });

  it('10-year fallback (CC art. 205) with the listing still capped at 5 years (Súmula 323)', () => {
    expect(prescriptionOf({ kind: 'other', dueDate: '2020-02-28' })).toMatchObject({ prescriptionDate: '2030-03-01', listingExpiry: '2025-02-28' }); // 29/02/2020 + 5 years, clamped
    // due 29/02: the period ends on 01/03 of a common year (CC art. 132 §3º), prescribed from 02/03
    expect(prescriptionOf({ kind: 'contract', dueDate: '2020-02-29' }).prescriptionDate).toBe('2025-03-02');
  });

  it('restarts once from an interruption while the claim is alive; a late one does not revive it', () => {
    expect(prescriptionOf({ kind: 'contract', dueDate: '2020-03-10', interruptedOn: '2023-06-15' })).toMatchObject({ prescriptionDate: '2028-06-16', listingExpiry: '2025-03-11', interrupted: true });
    expect(prescriptionOf({ kind: 'contract', dueDate: '2020-03-10', interruptedOn: '2025-06-15' })).toMatchObject({ prescriptionDate: '2025-03-11', interrupted: false });
  });

  it('credit titles: the executive action ends before the collection claim', () => {
    expect(prescriptionOf({ kind: 'duplicata', dueDate: '2021-05-20' })).toMatchObject({ executiveActionUntil: '2024-05-20', prescriptionDate: '2026-05-21' });
    // cheque issued 01/02/2024, same place: presentation until 02/03/2024, execution until 02/09/2024
    expect(prescriptionOf({ kind: 'cheque', dueDate: '2024-02-01' })).toMatchObject({ executiveActionUntil: '2024-09-02', prescriptionDate: '2029-02-02' });
    expect(prescriptionOf({ kind: 'cheque', dueDate: '2024-02-01', chequeOtherPlace: true }).executiveActionUntil).toBe('2024-10-01');
  });
});
