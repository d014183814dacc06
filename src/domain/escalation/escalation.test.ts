import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../calendar/business-days.ts';
import { documentText } from '../negotiation/documents.ts';
import { consentLetter } from './consent-letter.ts';
import { confirmableOn, DEFAULT_LISTING_POLICY, listingIneligibility, removalSchedule, type EscalationCandidate } from './listing.ts';
import { protestIneligibility } from './protest.ts';

const bank = new BusinessCalendar({ kind: 'bank' });
const candidate = (over: { debt?: Partial<EscalationCandidate['debt']>; debtor?: Partial<EscalationCandidate['debtor']>; creditor?: Partial<EscalationCandidate['creditor']> } = {}): EscalationCandidate => ({
  debt: { status: 'open', dueDate: '2026-09-10', disputed: false, prescriptionDate: '2031-09-11', listingExpiry: '2031-09-11', balanceCents: 80_000, ...over.debt },
  debtor: { documentValid: true, hasAddress: true, overIndebted: false, ...over.debtor },
  creditor: { document: '11222333000181', address: 'Av. Paulista, 1000, São Paulo/SP', ...over.creditor },
});
const reasons = (c: EscalationCandidate, asOf = '2026-11-23') => listingIneligibility(c, asOf).map((r) => r.reason);

describe('credit-bureau listing eligibility (CDC 43; Súmulas 323, 359, 404)', () => {
  it('allows a due, open, undisputed, unprescribed debt of an identified creditor against a located debtor', () => {
    expect(listingIneligibility(candidate(), '2026-11-23')).toEqual([]);
  });

  it('names each rule that stops a listing, with its source', () => {
    expect(reasons(candidate({ debt: { dueDate: '2026-11-23' } }))).toEqual(['not_due']);
    expect(reasons(candidate({ debt: { status: 'paid' } }))).toEqual(['not_open']);
    expect(reasons(candidate({ debt: { disputed: true } }))).toEqual(['disputed']);
    expect(reasons(candidate({ debt: { prescriptionDate: '2026-11-23' } }))).toEqual(['prescribed']);
    expect(reasons(candidate({ debt: { listingExpiry: '2026-11-20' } }))).toEqual(['listing_expired']);
    expect(reasons(candidate({ debtor: { hasAddress: false } }))).toEqual(['no_address']);
    expect(reasons(candidate({ debtor: { documentValid: false } }))).toEqual(['invalid_document']);
    expect(reasons(candidate({ debtor: { overIndebted: true } }))).toEqual(['over_indebted']);
    expect(reasons(candidate({ creditor: { address: null } }))).toEqual(['creditor_unidentified']);
    const noAddress = listingIneligibility(candidate({ debtor: { hasAddress: false } }), '2026-11-23')[0]!;
    expect(noAddress.source).toMatch(/Súmula 359/);
    expect(noAddress.message).toMatch(/endereço/);
  });

  it('confirms only after the notice wait (10 days by default, configurable)', () => {
    expect(confirmableOn('2026-11-24')).toBe('2026-12-04');
    expect(confirmableOn('2026-11-24', { ...DEFAULT_LISTING_POLICY, noticeWaitDays: 15 })).toBe('2026-12-09');
  });
});

describe('removal after payment (Súmula 548)', () => {
  it('plans the removal for the next business day and the deadline five business days after, across weekends and bank holidays', () => {
    // Friday → Monday; deadline the Friday after
    expect(removalSchedule('2026-12-04', bank)).toEqual({ plannedOn: '2026-12-07', alertOn: '2026-12-08', deadline: '2026-12-11' });
    // Christmas and New Year's Day are not business days
    expect(removalSchedule('2026-12-24', bank)).toEqual({ plannedOn: '2026-12-28', alertOn: '2026-12-29', deadline: '2027-01-04' });
    // Carnival 2027 (Monday 8 and Tuesday 9 February): paid on Friday 5
    expect(removalSchedule('2027-02-05', bank).plannedOn).toBe('2027-02-10');
  });

  it('counts exactly five business days to the deadline whatever the payment day (closed form against the calendar)', () => {
    for (let d = 0; d < 400; d++) {
      const day = new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
      const s = removalSchedule(day, bank);
      expect(bank.countBusinessDays(addOne(day), s.deadline)).toBe(5);
      expect(bank.countBusinessDays(addOne(day), s.plannedOn)).toBe(1);
      expect(s.plannedOn <= s.alertOn && s.alertOn < s.deadline).toBe(true);
    }
  });
});

describe('protest eligibility (Lei 9.492/97)', () => {
  const p = (kind: 'promissory_note' | 'other', originalAmountCents = 120_000, balanceCents = 130_000) => ({ ...candidate({ debt: { balanceCents } }), kind, originalAmountCents });
  it('accepts a liquid overdue title and refuses other kinds, small balances and unlocated debtors', () => {
    expect(protestIneligibility(p('promissory_note'), '2026-11-23')).toEqual([]);
    expect(protestIneligibility(p('other'), '2026-11-23').map((r) => r.reason)).toEqual(['not_protestable']);
    expect(protestIneligibility(p('promissory_note', 120_000, 1_000), '2026-11-23').map((r) => r.reason)).toEqual(['below_minimum']);
    expect(protestIneligibility({ ...p('promissory_note'), debtor: { documentValid: true, hasAddress: false, overIndebted: false } }, '2026-11-23').map((r) => r.reason)).toEqual(['no_address']);
  });

  it('writes the letter of consent with the creditor identified and the legal basis', () => {
    const text = documentText(
      consentLetter({
        creditor: { name: 'Magazine Horizonte Ltda', document: '11222333000181', address: 'Av. Paulista, 1000, São Paulo/SP' },
        debtor: { name: 'Maria da Silva', document: '52998224725', address: 'Rua A, 1' },
        debt: { externalId: 'NP-7', kind: 'Nota promissória', issueDate: null, dueDate: '2026-07-01', originalCents: 120_000 },
        protest: { protestedOn: '2026-11-25', notaryProtocol: '2026/000123' },
        paidOn: '2026-11-28',
        place: 'São Paulo/SP',
        issuedOn: '2026-11-30',
      }),
    );
    expect(text).toContain('CNPJ 11.222.333/0001-81');
    expect(text).toContain('CPF 529.982.247-25');
    expect(text).toContain('protestado em 25/11/2026 (protocolo 2026/000123)');
    expect(text).toContain('quitou a dívida em 28/11/2026');
    expect(text).toContain('art. 26 da Lei 9.492/1997');
    expect(text).toContain('R$ 1.200,00');
  });
});

function addOne(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
