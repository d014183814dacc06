import { describe, expect, it } from 'vitest';
import { formatPhone, maskPhone, parsePhone } from './phones.ts';
import { isValidEmail, maskEmail, normalizeEmail } from './email.ts';
import { UF_INFO, UFS, ufOfCep } from './uf.ts';

describe('phones', () => {
  it('normalizes the usual ways of writing a number to E.164', () => {
    for (const input of ['(11) 98765-4321', '11987654321', '+55 11 98765-4321', '5511987654321', '0 11 98765-4321']) {
      expect(parsePhone(input)).toEqual({ ok: true, phone: { e164: '+5511987654321', ddd: 11, kind: 'mobile' } });
    }
    expect(parsePhone('(41) 3200-2500')).toEqual({ ok: true, phone: { e164: '+554132002500', ddd: 41, kind: 'landline' } });
  });

  it('names what is wrong', () => {
    expect(parsePhone('(11) 1234')).toEqual({ ok: false, problem: 'length' });
    expect(parsePhone('(20) 98765-4321')).toEqual({ ok: false, problem: 'ddd' });
    expect(parsePhone('(11) 88765-4321')).toEqual({ ok: false, problem: 'subscriber' });
    expect(parsePhone('11 9876a-4321')).toEqual({ ok: false, problem: 'characters' });
    expect(parsePhone('+1 415 555 0100')).toEqual({ ok: false, problem: 'ddd' });
  });

  it('formats and masks', () => {
    expect(formatPhone('+5511987654321')).toBe('(11) 98765-4321');
    expect(formatPhone('+554132002500')).toBe('(41) 3200-2500');
    expect(maskPhone('+5511987654321')).toBe('(11) *****-4321');
  });
});

describe('e-mail', () => {
  it('checks and masks', () => {
    expect(isValidEmail(normalizeEmail(' Maria.Silva@Exemplo.COM.br '))).toBe(true);
    for (const bad of ['x@', '@x.com', 'a b@c.com', 'a@b', 'a..b@c.com']) expect(isValidEmail(bad)).toBe(false);
    expect(maskEmail('maria@exemplo.test')).toBe('m***a@exemplo.test');
  });
});

describe('UF and CEP', () => {
  it('knows 27 UFs, each with a time zone, and the CEP of each capital falls in its UF', () => {
    expect(UFS).toHaveLength(27);
    const capitals: Record<string, string> = {
      AC: '69900000', AL: '57000000', AP: '68900000', AM: '69000000', BA: '40000000', CE: '60000000', DF: '70000000', ES: '29000000',
      GO: '74000000', MA: '65000000', MT: '78000000', MS: '79000000', MG: '30000000', PA: '66000000', PB: '58000000', PR: '80000000',
      PE: '50000000', PI: '64000000', RJ: '20000000', RN: '59000000', RS: '90000000', RO: '76800000', RR: '69300000', SC: '88000000',
      SP: '01000000', SE: '49000000', TO: '77000000',
    };
    for (const uf of UFS) {
      expect(ufOfCep(capitals[uf]!)).toBe(uf);
      expect(() => new Intl.DateTimeFormat('pt-BR', { timeZone: UF_INFO[uf].timeZone })).not.toThrow();
    }
    expect(ufOfCep('00000000')).toBeNull();
    expect(UF_INFO.AC.timeZone).toBe('America/Rio_Branco');
  });
});
