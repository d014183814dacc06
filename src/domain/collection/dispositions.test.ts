import { describe, expect, it } from 'vitest';
import { instantAt } from '../compliance/local-time.ts';
import { DEFAULT_DISPOSITION_POLICY, DISPOSITION_CODES, DISPOSITIONS, validateDisposition, type DispositionInput } from './dispositions.ts';

const sp = (date: string, hhmm: string) => instantAt(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), 'America/Sao_Paulo');
const now = sp('2025-06-10', '10:00'); // a Tuesday
const errors = (input: DispositionInput, at = now) => {
  const r = validateDisposition(input, at);
  return r.ok ? [] : r.errors.map((e) => e.field);
};

describe('disposition catalogue', () => {
  it('every code has a pt-BR label, counts as an attempt, and only answered calls can be right-party contacts', () => {
    expect(DISPOSITION_CODES).toHaveLength(13);
    for (const code of DISPOSITION_CODES) {
      const spec = DISPOSITIONS[code];
      expect(spec.code).toBe(code);
      expect(spec.label.length).toBeGreaterThan(3);
      expect(spec.attempt).toBe(true);
      if (spec.rightPartyContact) expect(spec.answered).toBe(true);
    }
  });

  it('what each outcome does', () => {
    const effects = Object.fromEntries(DISPOSITION_CODES.map((c) => [c, DISPOSITIONS[c].effects]));
    expect(effects).toEqual({
      right_party_contact: [], promise: ['create_promise'], refused: [], callback: ['schedule_callback'], no_answer: [], busy: [], voicemail: [],
      wrong_number: ['invalidate_phone'], third_party: [], dispute: ['pause_debts'], claims_paid: ['pause_debts'], deceased: ['mark_deceased'], do_not_call: ['opt_out_voice'],
    });
    // a third party is an attempt, not a contact; nothing about the debt goes to a voicemail (CDC art. 42)
    expect(DISPOSITIONS.third_party).toMatchObject({ attempt: true, answered: true, rightPartyContact: false, source: 'CDC art. 42' });
    expect(DISPOSITIONS.voicemail).toMatchObject({ answered: false, rightPartyContact: false, source: 'CDC art. 42' });
    expect(DISPOSITIONS.wrong_number).toMatchObject({ answered: false, rightPartyContact: false });
    expect(DISPOSITIONS.claims_paid.source).toBe('CDC art. 42, parágrafo único');
    for (const c of ['dispute', 'claims_paid', 'deceased'] as const) expect(DISPOSITIONS[c].required).toEqual(['note']);
  });
});

describe('validateDisposition', () => {
  it('normalizes a simple outcome, dropping fields its code does not use', () => {
    const r = validateDisposition({ code: 'no_answer', amountCents: 500, note: '  ' }, now);
    expect(r).toEqual({ ok: true, disposition: { code: 'no_answer', label: 'Não atendeu', at: now, attempt: true, answered: false, rightPartyContact: false, effects: [], note: null, promise: null, callbackAt: null } });
    expect(validateDisposition({ code: 'toString' }, now)).toEqual({ ok: false, errors: [{ field: 'code', message: 'tabulação desconhecida: "toString"' }] });
  });

  it('promise: an amount > 0 and a date from today to 30 days ahead, in the debtor’s time zone', () => {
    const r = validateDisposition({ code: 'promise', amountCents: 15_000, promisedFor: '2025-06-10' }, now);
    expect(r.ok && r.disposition.promise).toEqual({ amountCents: 15_000, promisedFor: '2025-06-10' });
    expect(errors({ code: 'promise', amountCents: 15_000, promisedFor: '2025-07-10' })).toEqual([]);
    expect(errors({ code: 'promise', amountCents: 15_000, promisedFor: '2025-07-11' })).toEqual(['promisedFor']);
    expect(errors({ code: 'promise', amountCents: 15_000, promisedFor: '2025-06-09' })).toEqual(['promisedFor']);
    expect(errors({ code: 'promise', amountCents: 0, promisedFor: '2025-02-30' })).toEqual(['amountCents', 'promisedFor']);
    expect(errors({ code: 'promise', amountCents: 10.5, promisedFor: '2025-06-12' })).toEqual(['amountCents']);
    expect(errors({ code: 'promise' })).toEqual(['amountCents', 'promisedFor']);
    // 00:30 of the 11th in Brasília is still the 10th in Acre (UTC−5)
    const lateNight = sp('2025-06-11', '00:30');
    expect(errors({ code: 'promise', amountCents: 100, promisedFor: '2025-06-10' }, lateNight)).toEqual(['promisedFor']);
    expect(errors({ code: 'promise', amountCents: 100, promisedFor: '2025-06-10', uf: 'AC' }, lateNight)).toEqual([]);
    // configurable horizon
    expect(validateDisposition({ code: 'promise', amountCents: 100, promisedFor: '2025-06-20' }, now, { ...DEFAULT_DISPOSITION_POLICY, maxPromiseDays: 7 })).toMatchObject({
      ok: false,
      errors: [{ field: 'promisedFor', message: 'a data prometida deve ser até 17/06/2025 (no máximo 7 dias)' }],
    });
  });

  it('callback: in the future, at most 15 days ahead; a Date or an ISO instant with offset', () => {
    const r = validateDisposition({ code: 'callback', callbackAt: '2025-06-11T14:00:00-03:00' }, now);
    expect(r.ok && r.disposition.callbackAt).toEqual(sp('2025-06-11', '14:00'));
    expect(errors({ code: 'callback', callbackAt: sp('2025-06-25', '10:00') })).toEqual([]);
    expect(errors({ code: 'callback', callbackAt: sp('2025-06-25', '10:01') })).toEqual(['callbackAt']);
    expect(errors({ code: 'callback', callbackAt: now })).toEqual(['callbackAt']);
    expect(errors({ code: 'callback', callbackAt: '2025-06-11 14:00' })).toEqual(['callbackAt']); // no offset: ambiguous
    expect(errors({ code: 'callback' })).toEqual(['callbackAt']);
  });

  it('dispute, alleged payment and death need a note', () => {
    for (const code of ['dispute', 'claims_paid', 'deceased']) {
      expect(errors({ code })).toEqual(['note']);
      const r = validateDisposition({ code, note: '  diz que pagou em 02/06 por PIX  ' }, now);
      expect(r.ok && r.disposition.note).toBe('diz que pagou em 02/06 por PIX');
    }
    const r = validateDisposition({ code: 'claims_paid', note: 'comprovante enviado por e-mail' }, now);
    expect(r.ok && r.disposition.effects).toEqual(['pause_debts']);
    expect(errors({ code: 'refused', note: 'x'.repeat(2001) })).toEqual(['note']);
  });
});
