import { daysBetween } from '../dates.ts';
import type { Stage } from '../dunning/schedule.ts';
import { checkTemplate, renderTemplate, sampleContext, type MessageContext, type TemplateRule } from '../dunning/templates.ts';
import { searchableText } from '../text.ts';

/**
 * Call scripts (roteiros): what the collector reads, per stage of the case. Handlebars, rendered
 * by the message engine (strict: a missing variable is an error), with the collector and the
 * case added to the message context. Every script:
 *  - confirms it is talking to the debtor before saying anything about a debt: nothing is revealed
 *    to whoever else answers (CDC art. 42);
 *  - tells the call is recorded (SP Lei 14.953/2013: calls recorded, the recording delivered on request);
 *  - identifies the creditor (CDC art. 42-A) and itemizes the amount (SP Lei 14.953/2013);
 *  - states consequences as facts, never as threats (CDC art. 71).
 */
export interface ScriptContext extends MessageContext {
  collector: { name: string };
  case: { daysPastDue: number; stage: Stage; openDebts: number };
}

/** Days past due up to which a case without a schedule stage is in each stage (product defaults). */
export interface StageThresholds {
  avisoMaxDaysPastDue: number;
  alertaMaxDaysPastDue: number;
}

export const DEFAULT_STAGE_THRESHOLDS: StageThresholds = { avisoMaxDaysPastDue: 15, alertaMaxDaysPastDue: 60 };

/** The case's stage: the last stage its dunning schedule reached, if any; else by days past due. */
export function stageOf(daysPastDue: number, lastActionStage: Stage | null, thresholds: StageThresholds = DEFAULT_STAGE_THRESHOLDS): Stage {
  if (lastActionStage) return lastActionStage;
  if (daysPastDue <= thresholds.avisoMaxDaysPastDue) return 'aviso';
  if (daysPastDue <= thresholds.alertaMaxDaysPastDue) return 'alerta';
  return 'acao';
}

// The measures named in alerta and ação are stated as facts with their conditions: notice before a
// bureau listing (CDC art. 43 §2), the notary's summons before a protest (Lei 9.492/97 art. 14),
// removal after payment (Súmula 548 STJ) and the letter of consent for a protest (Lei 9.492/97 art. 26).
// Until the identity is confirmed the collector says only their own name and the recording notice:
// not the agency (its name may reveal a collection), not the creditor, not the reason (CDC art. 42).
const OPENING = `Olá, bom dia (ou boa tarde)! Meu nome é {{collector.name}}. Esta ligação está sendo gravada.
Por favor, eu poderia falar com {{debtor.name}}?

[Se quem atendeu NÃO for {{primeiroNome debtor.name}}: não diga o motivo da ligação, o nome do credor nem da assessoria, nem valores. Pergunte só qual o melhor horário para falar com a pessoa, agradeça e encerre. Tabule "Atendeu terceiro". Caixa postal: não deixe recado sobre o assunto.]

Para sua segurança, antes de continuar: o(a) senhor(a) pode me confirmar os dígitos do meio do seu CPF (ou, se for empresa, o CNPJ)?
[Confira com: {{documentoMascarado debtor.document}}. Sem confirmação, não continue: agradeça e encerre.]

Obrigado(a), {{primeiroNome debtor.name}}. Falo da {{agency.name}}, em nome do credor.
{{identificacaoCredor}}
Lembro que esta ligação é gravada; se quiser, pode pedir uma cópia da gravação.

Consta(m) {{case.openDebts}} título(s) em aberto, com {{case.daysPastDue}} dias de atraso. O valor atualizado, discriminado, é:
{{discriminacao}}
`;

const DISPUTE = `[Se disser que já pagou ou que não reconhece a dívida: não insista na cobrança. Tabule "Alega pagamento" ou "Contesta a dívida" e anote o que foi informado.]`;

export const DEFAULT_SCRIPTS: Readonly<Record<Stage, string>> = {
  aviso: `${OPENING}
Estou ligando para entender o que aconteceu. Houve algum imprevisto que dificultou o pagamento?
[Ouça com atenção e registre o motivo.]

Queremos ajudar: posso enviar agora a segunda via por PIX ou boleto, ou ver uma condição de pagamento que caiba no seu orçamento.
${DISPUTE}

Se precisar, fale conosco pelo telefone {{agency.phone}}. Obrigado(a) pela atenção, {{primeiroNome debtor.name}}!`,

  alerta: `${OPENING}
Hoje posso propor um acordo para regularizar esse valor: [apresente a oferta calculada no sistema, à vista com desconto ou parcelada].
Essa condição vale até [data de validade da oferta, mostrada no sistema].

Para que o(a) senhor(a) esteja informado(a): se não houver pagamento nem acordo, o próximo passo previsto é o registro do débito em cadastro de proteção ao crédito, sempre com aviso prévio por escrito (Código de Defesa do Consumidor, art. 43). [Diga só os passos previstos na régua deste caso.]
${DISPUTE}

Podemos fechar o acordo agora? [Se sim, confirme valor, datas e forma de pagamento e tabule "Promessa de pagamento" ou registre o acordo.]
Obrigado(a) pela atenção, {{primeiroNome debtor.name}}. Nosso telefone é {{agency.phone}}.`,

  acao: `${OPENING}
Como o débito segue em aberto, o credor pode adotar as medidas que a lei permite: [diga só as que valem para este caso] registro em cadastro de proteção ao crédito (com aviso prévio por escrito), protesto do título em cartório (com intimação do cartório) e cobrança judicial.
Com o pagamento ou um acordo, o registro em cadastro é retirado, e para o protesto entregamos a carta de anuência que permite cancelá-lo.

O acordo continua disponível: [apresente a oferta calculada no sistema]. Essa condição vale até [data de validade da oferta].
${DISPUTE}

Podemos fechar o acordo agora? [Se sim, confirme valor, datas e forma de pagamento e registre.]
Obrigado(a) pela atenção, {{primeiroNome debtor.name}}. Nosso telefone é {{agency.phone}}.`,
};

export type ScriptRule = TemplateRule | 'recording_notice' | 'identity_before_debt';

export interface ScriptProblem {
  rule: ScriptRule;
  source: string;
  message: string;
}

/** Offset of the first {{…}} expression that mentions one of the names, or -1. */
function firstReference(source: string, names: readonly string[]): number {
  let first = -1;
  for (const name of names) {
    const match = new RegExp(`{{[^}]*\\b${name.replace('.', '\\.')}\\b[^}]*}}`).exec(source);
    if (match && (first < 0 || match.index < first)) first = match.index;
  }
  return first;
}

/**
 * Problems of a call script; an empty list means it may be saved. The guard of voice templates
 * (syntax, forbidden wording) applies, but a script is read to a person, so a link does not
 * stand in for the identification and the itemized amount: both must be read out. Besides: the
 * recording notice, and the debtor named (identity confirmed) before the creditor or the amount.
 */
export function checkScript(source: string): ScriptProblem[] {
  const base = checkTemplate(source, 'voice');
  if (base.some((p) => p.rule === 'template_syntax')) return base;
  const problems: ScriptProblem[] = [];
  const identification = firstReference(source, ['identificacaoCredor']) >= 0 || ['creditor.legalName', 'creditor.document', 'creditor.address'].every((n) => firstReference(source, [n]) >= 0);
  if (!identification) problems.push({ rule: 'creditor_identification', source: 'CDC art. 42-A', message: 'o roteiro precisa identificar o credor: use {{identificacaoCredor}}' });
  if (firstReference(source, ['discriminacao']) < 0) problems.push({ rule: 'itemized_amount', source: 'SP Lei 14.953/2013; CDC art. 42-A', message: 'o roteiro precisa ler o valor discriminado: use {{discriminacao}}' });
  if (!/\bgravad[ao]\b/.test(searchableText(source))) problems.push({ rule: 'recording_notice', source: 'SP Lei 14.953/2013', message: 'o roteiro precisa avisar que a ligação é gravada' });
  const debtor = firstReference(source, ['debtor.name']);
  const debt = firstReference(source, ['identificacaoCredor', 'discriminacao', 'creditor', 'balance', 'debts', 'installment', 'brl']);
  if (debt >= 0 && (debtor < 0 || debtor > debt)) {
    problems.push({ rule: 'identity_before_debt', source: 'CDC art. 42', message: 'o roteiro precisa confirmar que fala com o devedor ({{debtor.name}}) antes de citar o credor ou a dívida' });
  }
  problems.push(...base.filter((p) => p.rule !== 'creditor_identification' && p.rule !== 'itemized_amount'));
  return problems;
}

/** Renders a script for a case (strict: throws on an unknown variable or forbidden wording in the result). */
export function renderScript(source: string, context: ScriptContext): string {
  return renderTemplate(source, context);
}

/** The sample case of the template editor, with a collector and the case's stage. */
export function sampleScriptContext(asOf?: string): ScriptContext {
  const base = sampleContext(asOf);
  const oldest = base.debts.reduce((min, d) => (d.dueDate < min ? d.dueDate : min), base.debts[0]!.dueDate);
  const daysPastDue = daysBetween(oldest, base.asOf);
  return { ...base, collector: { name: 'Ana Paula' }, case: { daysPastDue, stage: stageOf(daysPastDue, null), openDebts: base.debts.length } };
}
