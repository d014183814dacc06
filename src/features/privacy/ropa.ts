import { csvCell } from '../../shared/csv.ts';
import type { Config } from '../../shared/config.ts';
import type { Tx } from '../../store/database.ts';
import { DEFAULT_RETENTION_YEARS } from '../../domain/privacy/erasure.ts';

/**
 * The record of processing activities (LGPD art. 37) for the DPO, generated from what the code
 * does and from this installation's configuration (which providers process data on our behalf).
 * Not a questionnaire to fill in: change the code or the config and the record follows.
 */

/** The legal bases the access report and the record cite (LGPD art. 7º). */
export const LEGAL_BASES = {
  credit: 'LGPD art. 7º X (proteção do crédito)',
  contract: 'LGPD art. 7º V (execução de contrato do qual o titular é parte)',
  legalObligation: 'LGPD art. 7º II (cumprimento de obrigação legal ou regulatória)',
  rights: 'LGPD art. 7º VI (exercício regular de direitos em processo judicial, administrativo ou arbitral)',
  consent: 'LGPD art. 7º I (consentimento)',
} as const;

export interface Processor {
  name: string;
  purpose: string;
  usedFor: Array<'messages' | 'payments' | 'enrichment' | 'calls' | 'listing'>;
  /** Where the provider's endpoint is, without credentials. */
  endpoint: string | null;
  internationalTransfer: string;
}

const host = (url: string | undefined) => {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
};

const envOf = (config: Config, key: string): string | undefined => {
  const value = (config as unknown as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The providers this installation is configured to use (credentials never appear). */
export function processorsFromConfig(config: Config): Processor[] {
  const list: Processor[] = [];
  if (config.SMTP_URL) list.push({ name: `servidor SMTP ${host(config.SMTP_URL) ?? ''}`.trim(), purpose: 'envio de e-mails de cobrança e documentos', usedFor: ['messages'], endpoint: host(config.SMTP_URL), internationalTransfer: 'depende do provedor de e-mail contratado' });
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) list.push({ name: 'gateway de SMS (API Twilio)', purpose: 'envio de SMS de cobrança e códigos do portal', usedFor: ['messages'], endpoint: host(config.TWILIO_API_URL), internationalTransfer: config.TWILIO_API_URL.includes('twilio.com') ? 'Estados Unidos (Twilio Inc.; LGPD art. 33 II — cláusulas contratuais)' : 'nenhuma (gateway configurado)' });
  if (config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_ACCESS_TOKEN) list.push({ name: 'WhatsApp Cloud API', purpose: 'mensagens de cobrança por WhatsApp (com opt-in)', usedFor: ['messages'], endpoint: host(config.WHATSAPP_API_URL), internationalTransfer: config.WHATSAPP_API_URL.includes('facebook.com') ? 'Estados Unidos e outros (Meta Platforms; LGPD art. 33 II)' : 'nenhuma (endpoint configurado)' });
  if (config.DIALER_URL) list.push({ name: `discador ${host(config.DIALER_URL) ?? ''}`.trim(), purpose: 'ligações da régua e gravação de chamadas', usedFor: ['calls'], endpoint: host(config.DIALER_URL), internationalTransfer: 'depende do discador contratado' });
  if (config.PIX_PSP_URL) list.push({ name: `PSP PIX ${host(config.PIX_PSP_URL) ?? ''}`.trim(), purpose: 'cobranças PIX e avisos de pagamento', usedFor: ['payments'], endpoint: host(config.PIX_PSP_URL), internationalTransfer: 'nenhuma (arranjo PIX do Banco Central)' });
  if (config.BUREAU_URL) list.push({ name: `birô de crédito ${config.BUREAU_NAME}`, purpose: 'negativação e sua retirada', usedFor: ['listing'], endpoint: host(config.BUREAU_URL), internationalTransfer: 'nenhuma' });
  // Enrichment (issue 9 part A) configures its providers with ENRICHMENT_* keys; read without depending on them.
  const enrichment = envOf(config, 'ENRICHMENT_URL') ?? envOf(config, 'ENRICHMENT_BRASILAPI_URL') ?? envOf(config, 'BRASILAPI_URL');
  if (enrichment) list.push({ name: `provedor de enriquecimento ${host(enrichment) ?? ''}`.trim(), purpose: 'consulta de dados cadastrais por CPF/CNPJ e CEP', usedFor: ['enrichment'], endpoint: host(enrichment), internationalTransfer: 'nenhuma' });
  list.push({ name: 'bancos das contas de cobrança (CNAB)', purpose: 'registro de boletos e retorno de pagamentos', usedFor: ['payments'], endpoint: null, internationalTransfer: 'nenhuma' });
  return list;
}

export interface ProcessingActivity {
  activity: string;
  purpose: string;
  legalBasis: string;
  dataCategories: string;
  subjects: string;
  recipients: string;
  internationalTransfer: string;
  retention: string;
  security: string;
  code: string;
}

/** The controller (the agency) and its encarregado (DPO, LGPD art. 41), as the ROPA and the access report name them. */
export interface Controller {
  name: string;
  document: string | null;
  dpo: { name: string | null; email: string | null; phone: string | null };
}

export async function controllerOf(tx: Tx, tenantId: string): Promise<Controller> {
  const t = await tx.db.selectFrom('tenants').select(['name', 'document', 'dpo_name', 'dpo_email', 'dpo_phone']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  return { name: t.name, document: t.document, dpo: { name: t.dpo_name, email: t.dpo_email, phone: t.dpo_phone } };
}

export interface Ropa {
  format: 'recupera.lgpd.ropa/1';
  generatedAt: string;
  controller: Controller;
  retentionYears: number;
  activities: ProcessingActivity[];
  processors: Processor[];
}

const SECURITY = 'isolamento por agência e credor com RLS no banco; perfis e permissões; senhas Argon2id; sessões com expiração; registro de auditoria de toda leitura e exportação; dados pessoais mascarados nos logs; TLS no proxy (docs/security.md)';

export function buildRopa(input: { config: Config; controller: Ropa['controller']; retentionYears?: number; now?: Date }): Ropa {
  const years = input.retentionYears ?? DEFAULT_RETENTION_YEARS;
  const processors = processorsFromConfig(input.config);
  const by = (use: Processor['usedFor'][number]) => processors.filter((p) => p.usedFor.includes(use));
  const names = (use: Processor['usedFor'][number], fallback: string) => by(use).map((p) => p.name).join('; ') || fallback;
  const transfer = (use: Processor['usedFor'][number]) => [...new Set(by(use).map((p) => p.internationalTransfer))].join('; ') || 'nenhuma';
  const retention = `enquanto houver débito em aberto (até a prescrição) e mais ${years} anos após a quitação ou prescrição; depois, anonimização automática (LGPD art. 16; CC arts. 205 e 206)`;
  const debtor = 'devedores (pessoas físicas e representantes de pessoas jurídicas) e seus contatos de referência';
  const row = (a: Omit<ProcessingActivity, 'security' | 'retention' | 'subjects'> & Partial<ProcessingActivity>): ProcessingActivity => ({ subjects: debtor, retention, security: SECURITY, ...a });
  const messageChannels = [
    row({ activity: 'Mensagens de cobrança por e-mail', purpose: 'avisar o débito e oferecer negociação dentro das regras do CDC (horários, frequência, opt-out)', legalBasis: LEGAL_BASES.credit, dataCategories: 'nome, e-mail, débitos, valores', recipients: names('messages', 'nenhum provedor configurado (e-mail não enviado)'), internationalTransfer: transfer('messages'), code: 'src/features/dunning' }),
  ];
  return {
    format: 'recupera.lgpd.ropa/1',
    generatedAt: (input.now ?? new Date()).toISOString(),
    controller: input.controller,
    retentionYears: years,
    processors,
    activities: [
      row({ activity: 'Recebimento da carteira (importação e ERP)', purpose: 'cobrar débitos em nome do credor', legalBasis: `${LEGAL_BASES.credit}; ${LEGAL_BASES.contract}`, dataCategories: 'nome, CPF/CNPJ, data de nascimento, endereço, telefones, e-mails, débitos', recipients: 'credores (origem dos dados)', internationalTransfer: 'nenhuma', code: 'src/features/imports' }),
      ...messageChannels,
      row({ activity: 'Mensagens por SMS e WhatsApp', purpose: 'avisos de cobrança e códigos de acesso ao portal; WhatsApp só com opt-in', legalBasis: `${LEGAL_BASES.credit}; opt-in do WhatsApp (${LEGAL_BASES.consent})`, dataCategories: 'nome, telefone, débitos', recipients: names('messages', 'nenhum provedor configurado'), internationalTransfer: transfer('messages'), code: 'src/features/dunning/channels' }),
      row({ activity: 'Cartas impressas', purpose: 'avisos por correio', legalBasis: LEGAL_BASES.credit, dataCategories: 'nome, endereço, débitos', recipients: 'gráfica contratada (lotes em PDF)', internationalTransfer: 'nenhuma', code: 'src/features/dunning/channels/letters.ts' }),
      row({ activity: 'Ligações e gravação de chamadas', purpose: 'negociação por telefone; tabulações e promessas', legalBasis: LEGAL_BASES.credit, dataCategories: 'nome, telefone, conversas, promessas', recipients: names('calls', 'operadores da própria assessoria'), internationalTransfer: transfer('calls'), code: 'src/features/workspace' }),
      row({ activity: 'Negativação em birô de crédito', purpose: 'registro do débito em cadastro de inadimplentes com notificação prévia; retirada após pagamento', legalBasis: `${LEGAL_BASES.credit}; CDC art. 43`, dataCategories: 'nome, CPF/CNPJ, endereço, débito', recipients: names('listing', 'birô não configurado (negativações aguardam)'), internationalTransfer: 'nenhuma', retention: 'até 5 anos do vencimento ou até a retirada (CDC art. 43 §1º; Súmula 323 STJ)', code: 'src/features/escalation' }),
      row({ activity: 'Protesto de títulos', purpose: 'protesto em cartório e carta de anuência', legalBasis: `${LEGAL_BASES.rights}; Lei 9.492/1997`, dataCategories: 'nome, CPF/CNPJ, endereço, título', recipients: 'tabelionatos de protesto', internationalTransfer: 'nenhuma', code: 'src/features/escalation' }),
      row({ activity: 'Enriquecimento cadastral', purpose: 'localizar o devedor a partir do CPF/CNPJ ou CEP; cada consulta registrada com base legal e custo', legalBasis: LEGAL_BASES.credit, dataCategories: 'nome, endereço, telefones, e-mails, sócios (CNPJ)', recipients: names('enrichment', 'nenhum provedor configurado'), internationalTransfer: transfer('enrichment'), code: 'src/features/enrichment' }),
      row({ activity: 'Acordos, boletos, PIX e pagamentos', purpose: 'formalizar e receber acordos; conciliar pagamentos', legalBasis: `${LEGAL_BASES.contract}; ${LEGAL_BASES.legalObligation} (registros contábeis)`, dataCategories: 'nome, CPF/CNPJ, endereço, valores, dados do pagamento', recipients: names('payments', 'bancos'), internationalTransfer: 'nenhuma', code: 'src/features/negotiation, src/features/payments' }),
      row({ activity: 'Escore de cobrança e segmentação', purpose: 'priorizar casos e escolher a régua; revisão humana a pedido (LGPD art. 20)', legalBasis: LEGAL_BASES.credit, dataCategories: 'débitos, histórico de pagamentos e contatos (sem dados sensíveis)', recipients: 'nenhum (interno)', internationalTransfer: 'nenhuma', code: 'src/features/scoring' }),
      row({ activity: 'Portal do devedor', purpose: 'autoatendimento: ver débitos, negociar, pagar, exercer direitos LGPD', legalBasis: `${LEGAL_BASES.contract}; ${LEGAL_BASES.legalObligation} (registros de acesso, Marco Civil art. 15)`, dataCategories: 'CPF, data de nascimento, IP, navegador, débitos', recipients: names('messages', 'nenhum'), internationalTransfer: transfer('messages'), code: 'src/features/portal' }),
      row({ activity: 'Prestação de contas ao credor (repasse)', purpose: 'demonstrar ao credor o recuperado, a comissão e o repasse', legalBasis: `${LEGAL_BASES.contract}; ${LEGAL_BASES.legalObligation}`, dataCategories: 'identificação do título, valores pagos', subjects: 'devedores', recipients: 'credores', internationalTransfer: 'nenhuma', code: 'src/features/remittance' }),
      row({ activity: 'Atendimento de solicitações LGPD', purpose: 'responder titulares em 15 dias (LGPD art. 19 II) e registrar o atendimento', legalBasis: LEGAL_BASES.legalObligation, dataCategories: 'nome, CPF/CNPJ, contato, pedido', subjects: 'titulares que fazem solicitações', recipients: 'nenhum', internationalTransfer: 'nenhuma', retention: 'enquanto os dados do titular existirem; anonimizada junto com eles', code: 'src/features/privacy' }),
      row({ activity: 'Registro de auditoria', purpose: 'responsabilização: quem leu ou exportou dados pessoais (LGPD arts. 6º X e 37)', legalBasis: LEGAL_BASES.legalObligation, dataCategories: 'usuário, ação, identificadores dos titulares, IP', subjects: 'usuários da assessoria e titulares', recipients: 'nenhum', internationalTransfer: 'nenhuma', retention: 'permanente (append-only); os identificadores deixam de apontar para pessoas após a anonimização', code: 'src/features/audit' }),
    ],
  };
}

const COLUMNS: Array<[keyof ProcessingActivity, string]> = [
  ['activity', 'atividade'], ['purpose', 'finalidade'], ['legalBasis', 'base_legal'], ['dataCategories', 'categorias_de_dados'], ['subjects', 'titulares'],
  ['recipients', 'destinatarios_operadores'], ['internationalTransfer', 'transferencia_internacional'], ['retention', 'retencao'], ['security', 'medidas_de_seguranca'], ['code', 'codigo'],
];

/** Semicolon-separated, UTF-8 with BOM (opens in a pt-BR spreadsheet as is). */
export function ropaCsv(ropa: Ropa): string {
  const lines = [COLUMNS.map(([, h]) => h).join(';'), ...ropa.activities.map((a) => COLUMNS.map(([k]) => csvCell(a[k])).join(';'))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
