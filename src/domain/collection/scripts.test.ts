import { describe, expect, it } from 'vitest';
import { checkWording } from '../dunning/templates.ts';
import { checkScript, DEFAULT_SCRIPTS, DEFAULT_STAGE_THRESHOLDS, renderScript, sampleScriptContext, stageOf } from './scripts.ts';

const STAGES = ['aviso', 'alerta', 'acao'] as const;

describe('stageOf', () => {
  it('the schedule’s last stage when there is one; else ≤ 15 days aviso, ≤ 60 alerta, then ação', () => {
    expect([-3, 0, 15, 16, 60, 61, 400].map((d) => stageOf(d, null))).toEqual(['aviso', 'aviso', 'aviso', 'alerta', 'alerta', 'acao', 'acao']);
    expect(stageOf(3, 'acao')).toBe('acao');
    expect(stageOf(100, 'aviso')).toBe('aviso');
    expect(stageOf(20, null, { ...DEFAULT_STAGE_THRESHOLDS, avisoMaxDaysPastDue: 30 })).toBe('aviso');
  });
});

describe('default call scripts', () => {
  for (const stage of STAGES) {
    it(`${stage}: passes the guard, renders against the sample case, confirms the debtor before any debt, tells the call is recorded`, () => {
      const source = DEFAULT_SCRIPTS[stage];
      expect(checkScript(source)).toEqual([]);
      const context = { ...sampleScriptContext(), case: { ...sampleScriptContext().case, stage } };
      const text = renderScript(source, context);
      expect(checkWording(text)).toEqual([]);
      expect(text).toContain('Meu nome é Ana Paula. Esta ligação está sendo gravada.');
      expect(text).toContain('cópia da gravação');
      // the identity is confirmed before the creditor, the agency, the amount or the word "débito" appear
      const confirm = text.indexOf('Por favor, eu poderia falar com Maria da Silva Souza?');
      const cpf = text.indexOf('dígitos do meio do seu CPF');
      expect(confirm).toBeGreaterThan(0);
      expect(cpf).toBeGreaterThan(confirm);
      for (const revealing of ['Credor: Magazine Horizonte', 'Lojas Horizonte', 'Assessoria Recupera', 'Valor original: R$ 459,90', 'R$ 483,12', 'título', 'débito', 'dívida', 'pagamento']) {
        const at = text.indexOf(revealing);
        if (at >= 0) expect(at, revealing).toBeGreaterThan(cpf);
      }
      expect(text).toContain('Credor: Magazine Horizonte Comércio de Utilidades Ltda (Lojas Horizonte), CNPJ 11.222.333/0001-81');
      expect(text).toContain('Total em 23/11/2026: R$ 483,12');
      expect(text).toContain('Consta(m) 1 título(s) em aberto, com 74 dias de atraso.');
      expect(text).toContain('***.982.247-**');
      expect(text).not.toMatch(/\{\{|\}\}/);
    });
  }

  it('per stage: aviso looks for the reason and offers help; alerta proposes an agreement with a deadline and the next step; ação the legal measures and the agreement still open', () => {
    const text = Object.fromEntries(STAGES.map((s) => [s, renderScript(DEFAULT_SCRIPTS[s], sampleScriptContext())]));
    expect(text.aviso).toMatch(/Houve algum imprevisto/);
    expect(text.aviso).toMatch(/Queremos ajudar/);
    expect(text.alerta).toMatch(/propor um acordo/);
    expect(text.alerta).toMatch(/vale até/);
    expect(text.alerta).toMatch(/cadastro de proteção ao crédito, sempre com aviso prévio por escrito/);
    expect(text.acao).toMatch(/protesto do título em cartório \(com intimação do cartório\) e cobrança judicial/);
    expect(text.acao).toMatch(/O acordo continua disponível/);
    expect(sampleScriptContext().case).toEqual({ daysPastDue: 74, stage: 'acao', openDebts: 1 });
  });
});

describe('checkScript', () => {
  const ok = `Bom dia, aqui é {{collector.name}}; esta ligação é gravada. Falo com {{debtor.name}}? {{identificacaoCredor}} {{discriminacao}}`;

  it('accepts a minimal script and refuses forbidden wording with the rule that fired', () => {
    expect(checkScript(ok)).toEqual([]);
    expect(checkScript(`${ok} Se não pagar, a polícia vai até a sua casa.`).map((p) => p.rule)).toEqual(['threat']);
    expect(checkScript(`${ok} Vamos contar aos seus vizinhos.`).map((p) => p.rule)).toEqual(['exposure']);
    expect(checkScript('{{#if}}').map((p) => p.rule)).toEqual(['template_syntax']);
  });

  it('a script is read to a person: the portal link does not replace the identification and the itemized amount', () => {
    const withLink = 'Falo com {{debtor.name}}? Esta ligação é gravada. Os detalhes estão em {{portalUrl}}.';
    expect(checkScript(withLink).map((p) => p.rule)).toEqual(['creditor_identification', 'itemized_amount']);
  });

  it('requires the recording notice and the debtor named before the creditor or the debt', () => {
    expect(checkScript('Falo com {{debtor.name}}? {{identificacaoCredor}} {{discriminacao}}').map((p) => p.rule)).toEqual(['recording_notice']);
    expect(checkScript('Ligação gravada. {{identificacaoCredor}} Falo com {{debtor.name}}? {{discriminacao}}').map((p) => p.rule)).toEqual(['identity_before_debt']);
    expect(checkScript('Ligação gravada. {{identificacaoCredor}} {{discriminacao}}')[0]).toMatchObject({ rule: 'identity_before_debt', source: 'CDC art. 42' });
  });
});
