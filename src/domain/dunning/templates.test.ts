import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, sampleContext } from './templates.ts';

const EMAIL = `Olá, {{primeiroNome debtor.name}}.
Consta em aberto o título {{#each debts}}{{externalId}} (vencido em {{data dueDate}}){{/each}}.
{{discriminacao}}
{{identificacaoCredor}}
Negocie em {{portalUrl}} ou pelo telefone {{agency.phone}}. CPF {{documentoMascarado debtor.document}}.`;

describe('message templates', () => {
  it('renders with pt-BR helpers: first name, dates, masked CPF, itemized amount, creditor identification', () => {
    const text = renderTemplate(EMAIL, sampleContext());
    expect(text).toContain('Olá, Maria.');
    expect(text).toContain('CRED-1001 (vencido em 10/09/2026)');
    expect(text).toContain('Valor original: R$ 459,90\nCorreção monetária: R$ 6,12\nJuros de mora: R$ 7,90\nMulta: R$ 9,20\nTotal em 23/11/2026: R$ 483,12');
    expect(text).toContain('Credor: Magazine Horizonte Comércio de Utilidades Ltda (Lojas Horizonte), CNPJ 11.222.333/0001-81, Avenida Paulista, 1000');
    expect(text).toContain('CPF ***.982.247-**');
    expect(checkTemplate(EMAIL, 'email')).toEqual([]);
  });

  it('requires the creditor identification and the itemized amount (CDC art. 42-A), or the portal link on short channels', () => {
    expect(checkTemplate('Olá {{debtor.name}}, pague {{brl balance.total}}.', 'email').map((p) => p.rule)).toEqual(['creditor_identification', 'itemized_amount']);
    expect(checkTemplate('{{primeiroNome debtor.name}}, há um débito com {{creditor.tradeName}}. Detalhes: {{portalUrl}}', 'sms')).toEqual([]);
    expect(checkTemplate('{{primeiroNome debtor.name}}, há um débito. Ligue {{agency.phone}}', 'sms').map((p) => p.rule)).toEqual(['creditor_identification', 'itemized_amount']);
  });

  it('refuses forbidden wording with the rule that fired', () => {
    const cases: Array<[string, string]> = [
      ['Se não pagar, a POLÍCIA será acionada.', 'threat'],
      ['Haverá penhora imediata dos seus bens.', 'false_legal_claim'],
      ['Vamos avisar seus vizinhos da dívida.', 'exposure'],
      ['Caloteiro!', 'ridicule'],
    ];
    for (const [wording, rule] of cases) {
      const problems = checkTemplate(`${EMAIL}\n${wording}`, 'email');
      expect(problems.map((p) => p.rule), wording).toEqual([rule]);
      expect(problems[0]!.source).toMatch(/^CDC art\. (42|71)/);
    }
  });

  it('fails on an unknown variable instead of sending a blank, and on forbidden words coming from the data', () => {
    expect(() => renderTemplate('{{debtor.nickname}}', sampleContext())).toThrow(/nickname/);
    expect(checkTemplate('{{#if}}', 'email')[0]!.rule).toBe('template_syntax');
    const context = { ...sampleContext(), debtor: { ...sampleContext().debtor, name: 'Fulano Caloteiro' } };
    expect(() => renderTemplate('{{debtor.name}}', context)).toThrow(/ridicule/);
  });
});
