import { describe, expect, it } from 'vitest';
import type { ContactPoint } from '../../store/schema.ts';
import { codeContact } from './portal-identity.ts';
import {
  attemptVerdict, codeHash, codeMatches, codeMessage, dataSubjectDueOn, DATA_SUBJECT_RESPONSE_DAYS, documentKey, formatCode, greetingName, maskedDocument, portalNegotiates,
  portalShowsDebt, type AttemptCounts,
} from './portal-rules.ts';

describe('data-subject request deadline (LGPD art. 19 II)', () => {
  it('is 15 calendar days after the request, across months and years', () => {
    expect(DATA_SUBJECT_RESPONSE_DAYS).toBe(15);
    for (const day of ['2026-11-23', '2026-12-20', '2028-02-20', '2026-01-31']) {
      // independent: UTC midnight + 15 × 24 h
      const expected = new Date(Date.parse(`${day}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
      expect(dataSubjectDueOn(day)).toBe(expected);
    }
    expect(dataSubjectDueOn('2026-12-20')).toBe('2027-01-04');
  });
});

describe('how the debtor is shown', () => {
  it('greets a person by the first name (capitals softened) and a company by its name', () => {
    expect(greetingName('MARIA DA SILVA', 'pf')).toBe('Maria');
    expect(greetingName('  João Souza ', 'pf')).toBe('João');
    expect(greetingName('ÉRICA LIMA', 'pf')).toBe('Érica');
    expect(greetingName('Padaria Pão Quente Ltda', 'pj')).toBe('Padaria Pão Quente Ltda');
  });

  it('masks a CPF and shows a CNPJ', () => {
    expect(maskedDocument('52998224725')).toBe('***.982.247-**');
    expect(maskedDocument('11222333000181')).toBe('11.222.333/0001-81');
  });
});

describe('which debts the portal lists and negotiates', () => {
  const asOf = '2026-11-23';
  const debt = (over: Partial<{ status: string; due_date: string; document_kind: string; prescription_interrupted_on: string | null }>) => ({
    status: 'open', due_date: '2025-06-10', document_kind: 'contract', prescription_interrupted_on: null, ...over,
  });

  it('lists open and held debts, not paid or cancelled ones', () => {
    expect(portalShowsDebt(debt({}), asOf, false)).toBe(true);
    expect(portalShowsDebt(debt({ status: 'in_agreement' }), asOf, false)).toBe(true);
    for (const status of ['paid', 'settled', 'cancelled']) expect(portalShowsDebt(debt({ status }), asOf, false)).toBe(false);
  });

  it('hides a prescribed debt unless the switch is on (STJ REsp 2.088.100), counting to the day', () => {
    // 5 years (CC art. 206 §5º I): due 2021-11-22 → prescribed from 2026-11-23
    expect(portalShowsDebt(debt({ due_date: '2021-11-22' }), asOf, false)).toBe(false);
    expect(portalShowsDebt(debt({ due_date: '2021-11-23' }), asOf, false)).toBe(true);
    expect(portalShowsDebt(debt({ due_date: '2021-11-22' }), asOf, true)).toBe(true);
    // an interruption restarts the period (CC art. 202)
    expect(portalShowsDebt(debt({ due_date: '2020-01-10', prescription_interrupted_on: '2024-01-10' }), asOf, false)).toBe(true);
    // rent prescribes in 3 years (CC art. 206 §3º I)
    expect(portalShowsDebt(debt({ due_date: '2023-06-10', document_kind: 'rent' }), asOf, false)).toBe(false);
    expect(portalShowsDebt(debt({ due_date: '2023-06-10', document_kind: 'contract' }), asOf, false)).toBe(true);
  });

  it('negotiates only open debts already due', () => {
    expect(portalNegotiates(debt({ due_date: asOf }), asOf, false)).toBe(true);
    expect(portalNegotiates(debt({ due_date: '2026-11-24' }), asOf, false)).toBe(false);
    expect(portalNegotiates(debt({ status: 'in_agreement' }), asOf, false)).toBe(false);
    expect(portalNegotiates(debt({ due_date: '2015-01-10' }), asOf, false)).toBe(false);
    expect(portalNegotiates(debt({ due_date: '2015-01-10' }), asOf, true)).toBe(true);
  });
});

describe('attempt limits', () => {
  const limits = { windowMinutes: 15, perDocument: 5, perDocumentPerDay: 20, perIp: 20 };
  const now = new Date('2026-11-23T17:00:00Z');
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const counts = (over: { ip?: number; ipOldest?: Date; window?: number; windowOldest?: Date; day?: number; dayOldest?: Date } = {}): AttemptCounts => ({
    ip: { inWindow: over.ip ?? 0, oldest: over.ipOldest ?? null },
    document: { inWindow: over.window ?? 0, oldestInWindow: over.windowOldest ?? null, inDay: over.day ?? over.window ?? 0, oldestInDay: over.dayOldest ?? over.windowOldest ?? null },
  });

  it('lets attempts through below every limit', () => {
    expect(attemptVerdict(counts({ ip: 19, window: 4, day: 19 }), limits, now)).toEqual({ ok: true });
    expect(attemptVerdict({ ip: { inWindow: 0, oldest: null }, document: null }, limits, now)).toEqual({ ok: true });
  });

  it('refuses the sixth attempt on a document until the oldest leaves the window', () => {
    const verdict = attemptVerdict(counts({ window: 5, windowOldest: ago(10) }), limits, now);
    expect(verdict).toMatchObject({ ok: false, scope: 'document', retryAfterSeconds: 5 * 60 });
    expect(!verdict.ok && verdict.message).toMatch(/Muitas tentativas para este CPF\/CNPJ/);
  });

  it('refuses by address whatever the document, and caps a document per day', () => {
    expect(attemptVerdict(counts({ ip: 20, ipOldest: ago(14) }), limits, now)).toMatchObject({ ok: false, scope: 'ip', retryAfterSeconds: 60 });
    const day = attemptVerdict(counts({ window: 1, day: 20, dayOldest: ago(23 * 60) }), limits, now);
    expect(day).toMatchObject({ ok: false, scope: 'document', retryAfterSeconds: 3600 });
  });

  it('keys the counters by hash, per tenant, never the CPF itself', () => {
    const key = documentKey('t1', '52998224725');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('52998224725');
    expect(documentKey('t2', '52998224725')).not.toBe(key);
  });
});

describe('one-time codes', () => {
  it('has six digits, kept only as a salted hash', () => {
    expect(formatCode(42)).toBe('000042');
    expect(formatCode(999_999)).toBe('999999');
    expect(() => formatCode(1_000_000)).toThrow(RangeError);
    expect(() => formatCode(1.5)).toThrow(RangeError);
    const hash = codeHash('salt-a', '123456');
    expect(hash).not.toContain('123456');
    expect(codeHash('salt-b', '123456')).not.toBe(hash);
    expect(codeMatches('salt-a', hash, '123456')).toBe(true);
    expect(codeMatches('salt-a', hash, '123457')).toBe(false);
    expect(codeMatches('salt-a', hash, '12345')).toBe(false);
    expect(codeMatches('salt-b', hash, '123456')).toBe(false);
  });

  it('says nothing about a debt in the message (the contact may be read by someone else, CDC art. 42)', () => {
    const { subject, text } = codeMessage('Assessoria Exemplo', '042137', 10);
    expect(text).toContain('042137');
    expect(text).toContain('10 minutos');
    expect(`${subject} ${text}`).not.toMatch(/d[ée]bito|d[íi]vida|R\$|cobran|atras/i);
  });

  it('goes to the debtor’s own usable contact: verified first, then the newest; never a reference, an invalid one or an opted-out channel', () => {
    let n = 0;
    const contact = (over: Partial<ContactPoint>): ContactPoint => ({
      tenant_id: 't', id: `c${++n}`, debtor_id: 'd', channel: 'email', value: `x${n}@exemplo.test`, address: null, phone_kind: null, label: null, source: 'import', verified: false,
      is_reference: false, reference_name: null, reference_relation: null, opted_out_channels: [], whatsapp_opt_in_at: null, invalid_at: null,
      created_at: new Date(Date.UTC(2026, 0, n)), updated_at: new Date(), ...over,
    });
    const old = contact({});
    const newer = contact({});
    const verified = contact({});
    verified.verified = true;
    verified.created_at = new Date(Date.UTC(2025, 0, 1));
    expect(codeContact([old, newer], 'email')?.id).toBe(newer.id);
    expect(codeContact([old, newer, verified], 'email')?.id).toBe(verified.id);
    expect(codeContact([contact({ is_reference: true }), contact({ invalid_at: new Date() })], 'email')).toBeUndefined();
    expect(codeContact([old, contact({ channel: 'phone', value: '+5511987654321', phone_kind: 'mobile', opted_out_channels: ['email'] })], 'email')).toBeUndefined();
    const landline = contact({ channel: 'phone', value: '+551133334444', phone_kind: 'landline' });
    const mobile = contact({ channel: 'phone', value: '+5511987654321', phone_kind: 'mobile' });
    expect(codeContact([landline, old], 'sms')).toBeUndefined();
    expect(codeContact([landline, mobile, old], 'sms')?.id).toBe(mobile.id);
  });
});
