import Handlebars from 'handlebars';
import { formatDocument, maskDocument } from '../../brazil/documents.ts';
import type { Channel } from '../compliance/rules.ts';
import { formatDateBR, type IsoDate } from '../dates.ts';
import { formatBRL, type Cents } from '../money.ts';
import { searchableText } from '../text.ts';

/**
 * Message templates: Handlebars (strict: a missing variable is an error, not a blank) with pt-BR
 * helpers, checked before they are saved and rendered:
 *  - the creditor's identification and the itemized amount must be in every collection message
 *    (CDC art. 42-A; SP Lei 14.953/2013), or, on channels too short for them, a link to the page
 *    that has both;
 *  - forbidden wording is refused with the rule that fired (CDC arts. 42 and 71).
 */
export interface MessageContext {
  asOf: IsoDate;
  debtor: { name: string; document: string; kind: 'pf' | 'pj' };
  creditor: { legalName: string; tradeName: string | null; document: string; address: string };
  debts: ReadonlyArray<{ externalId: string; dueDate: IsoDate; originalCents: Cents }>;
  balance: { total: Cents; principal: Cents; correction: Cents; interest: Cents; fine: Cents; fees: Cents };
  /** For a reminder of an agreement's installment: the installment it is about. */
  installment?: { agreementNumber: string; number: number; count: number; dueDate: IsoDate; amountCents: Cents; interestCents: Cents };
  /** The debtor's page in the portal, with the identification and the itemized amount. */
  portalUrl: string;
  agency: { name: string; phone: string };
}

/** Channels whose messages are too short for the full identification: they must carry the portal link instead. */
export const SHORT_CHANNELS: ReadonlySet<Channel> = new Set(['sms', 'voice']);

const engine = Handlebars.create();
engine.registerHelper('brl', (cents: unknown) => formatBRL(Number(cents)));
engine.registerHelper('data', (date: unknown) => formatDateBR(String(date)));
engine.registerHelper('documentoMascarado', (doc: unknown) => maskDocument(String(doc)));
engine.registerHelper('documento', (doc: unknown) => formatDocument(String(doc)));
engine.registerHelper('primeiroNome', (name: unknown) => String(name).trim().split(/\s+/)[0] ?? '');
engine.registerHelper('identificacaoCredor', function (this: MessageContext) {
  const c = this.creditor;
  return `Credor: ${c.legalName}${c.tradeName ? ` (${c.tradeName})` : ''}, ${c.document.length === 14 ? 'CNPJ' : 'CPF'} ${formatDocument(c.document)}, ${c.address}.`;
});
engine.registerHelper('discriminacao', function (this: MessageContext) {
  const i = this.installment;
  if (i) {
    // An installment is itemized as the agreement set it: the installment, and the plan's interest in it.
    const label = i.number === 0 ? 'Entrada' : `Parcela ${i.number} de ${i.count - 1}`;
    return [`${label} do acordo nº ${i.agreementNumber}: ${formatBRL(i.amountCents)}, vencimento em ${formatDateBR(i.dueDate)}`, ...(i.interestCents ? [`Juros do parcelamento incluídos: ${formatBRL(i.interestCents)}`] : [])].join('\n');
  }
  const b = this.balance;
  const lines = [
    `Valor original: ${formatBRL(b.principal)}`,
    `Correção monetária: ${formatBRL(b.correction)}`,
    `Juros de mora: ${formatBRL(b.interest)}`,
    `Multa: ${formatBRL(b.fine)}`,
    ...(b.fees ? [`Honorários: ${formatBRL(b.fees)}`] : []),
    `Total em ${formatDateBR(this.asOf)}: ${formatBRL(b.total)}`,
  ];
  return lines.join('\n');
});

export type TemplateRule = 'template_syntax' | 'creditor_identification' | 'itemized_amount' | 'threat' | 'false_legal_claim' | 'exposure' | 'ridicule';

export interface TemplateProblem {
  rule: TemplateRule;
  source: string;
  message: string;
}

/** Forbidden wording, matched without accents or case. Each list is configurable. */
export const FORBIDDEN_WORDING: ReadonlyArray<{ rule: TemplateRule; source: string; patterns: readonly RegExp[] }> = [
  { rule: 'threat', source: 'CDC art. 71 (ameaça, coação)', patterns: [/\bpolicia\b/, /\bprisao\b/, /\bpreso\b/, /\bcadeia\b/, /processo criminal/, /\bcrime\b/, /\bdelegacia\b/] },
  { rule: 'false_legal_claim', source: 'CDC art. 71 (afirmações falsas)', patterns: [/penhora imediata/, /nome sujo para sempre/, /perdera (seu|o) emprego/, /bloqueio (imediato )?do salario/, /oficial de justica (ira|vai)/] },
  { rule: 'exposure', source: 'CDC art. 42 (exposição ao ridículo)', patterns: [/(seus|aos) vizinhos/, /(seu|ao) empregador/, /(sua|a sua) familia saber/, /divulga(r|remos) (seu nome|sua divida)/, /lista de devedores/] },
  { rule: 'ridicule', source: 'CDC art. 42 (constrangimento)', patterns: [/\bcaloteir[oa]s?\b/, /\bvagabund[oa]s?\b/, /\bvergonha\b/, /\bmau pagador\b/] },
];

function referenced(source: string, ...names: string[]): boolean {
  return names.some((n) => new RegExp(`{{[^}]*\\b${n.replace('.', '\\.')}\\b[^}]*}}`).test(source));
}

/** Problems of a template for a channel; an empty list means it may be saved. */
export function checkTemplate(source: string, channel: Channel): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  try {
    engine.precompile(source);
  } catch (error) {
    return [{ rule: 'template_syntax', source: 'Handlebars', message: `modelo inválido: ${(error as Error).message.split('\n')[0]}` }];
  }
  if (channel === 'whatsapp') problems.push(...whatsappShapeProblems(source));
  if (channel !== 'task') {
    const link = referenced(source, 'portalUrl');
    const short = SHORT_CHANNELS.has(channel);
    const identification = referenced(source, 'identificacaoCredor') || (referenced(source, 'creditor.legalName') && referenced(source, 'creditor.document') && referenced(source, 'creditor.address'));
    const itemized = referenced(source, 'discriminacao');
    if (short ? !link && !identification : !identification) {
      problems.push({ rule: 'creditor_identification', source: 'CDC art. 42-A', message: short ? 'a mensagem precisa identificar o credor ou trazer o link {{portalUrl}} para a página que o identifica' : 'a mensagem precisa identificar o credor: use {{identificacaoCredor}}' });
    }
    if (short ? !link && !itemized : !itemized) {
      problems.push({ rule: 'itemized_amount', source: 'SP Lei 14.953/2013; CDC art. 42-A', message: short ? 'a mensagem precisa discriminar o valor ou trazer o link {{portalUrl}}' : 'a mensagem precisa discriminar o valor: use {{discriminacao}}' });
    }
  }
  problems.push(...checkWording(source));
  return problems;
}

/** Forbidden wording in a text (a template, or a message after rendering). */
export function checkWording(text: string): TemplateProblem[] {
  const normalized = searchableText(text);
  const problems: TemplateProblem[] = [];
  for (const { rule, source, patterns } of FORBIDDEN_WORDING) {
    const hit = patterns.find((p) => p.test(normalized));
    if (hit) problems.push({ rule, source, message: `linguagem proibida (${rule}): "${normalized.match(hit)![0]}"` });
  }
  return problems;
}

/** Compiled templates by source: dispatch renders thousands of messages from a handful of templates. */
const compiled = new Map<string, HandlebarsTemplateDelegate>();
function compile(source: string): HandlebarsTemplateDelegate {
  let template = compiled.get(source);
  if (!template) {
    if (compiled.size >= 1000) compiled.clear();
    template = engine.compile(source, { strict: true, noEscape: true });
    compiled.set(source, template);
  }
  return template;
}

/** Renders a template against a case; throws on an unknown variable (strict) or forbidden wording in the result. */
export function renderTemplate(source: string, context: MessageContext): string {
  const text = compile(source)(context);
  const problems = checkWording(text);
  if (problems.length) throw new Error(problems[0]!.message);
  return text;
}

/** The {{…}} expressions of a template without blocks, in order (the parameters of a provider's template). */
const EXPRESSION = /\{\{\{?\s*(?![#/!^>]|else\b)[^}]*\}?\}\}/g;
export function templateExpressions(source: string): string[] {
  return source.match(EXPRESSION) ?? [];
}

/** Each expression rendered on its own: the parameters of a WhatsApp template message, in order. */
export function templateParameters(source: string, context: MessageContext): string[] {
  return templateExpressions(source).map((expression) => compile(expression)(context));
}

/** The text to register at Meta: ours, with each expression replaced by its position ({{1}}, {{2}}…). */
export function whatsappTemplateText(source: string): string {
  let n = 0;
  return source.replace(EXPRESSION, () => `{{${++n}}}`);
}

/** Meta approves fixed text with positional parameters: no blocks, and no parameter at either end. */
function whatsappShapeProblems(source: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const source_ = 'WhatsApp Business Platform — template guidelines';
  if (engine.parse(source).body.some((node) => node.type !== 'ContentStatement' && node.type !== 'MustacheStatement' && node.type !== 'CommentStatement')) {
    problems.push({ rule: 'template_syntax', source: source_, message: 'modelos de WhatsApp não aceitam blocos ({{#if}}, {{#each}}): a Meta aprova um texto fixo com parâmetros' });
  }
  const trimmed = source.trim();
  if (/^\{\{/.test(trimmed) || /\}\}$/.test(trimmed)) {
    problems.push({ rule: 'template_syntax', source: source_, message: 'a Meta recusa modelos que começam ou terminam com uma variável: ponha um texto antes e depois' });
  }
  return problems;
}

/** A believable case for previews in the editor. */
export function sampleContext(asOf: IsoDate = '2026-11-23'): MessageContext {
  return {
    asOf,
    debtor: { name: 'Maria da Silva Souza', document: '52998224725', kind: 'pf' },
    creditor: { legalName: 'Magazine Horizonte Comércio de Utilidades Ltda', tradeName: 'Lojas Horizonte', document: '11222333000181', address: 'Avenida Paulista, 1000, Bela Vista, São Paulo/SP, CEP 01310-100' },
    debts: [{ externalId: 'CRED-1001', dueDate: '2026-09-10', originalCents: 45_990 }],
    balance: { total: 48_312, principal: 45_990, correction: 612, interest: 790, fine: 920, fees: 0 },
    portalUrl: 'https://portal.recupera.dev/p/8fK2x',
    agency: { name: 'Assessoria Recupera Demonstração', phone: '(11) 4000-1000' },
  };
}
