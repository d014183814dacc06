import type { Channel } from '../../domain/compliance/rules.ts';
import { EXAMPLE_SCHEDULE } from '../../domain/dunning/schedule.ts';
import type { Tx } from '../../store/database.ts';

/** The demo agency's message templates: one per template of the example schedule, all passing the checks. */
export const DEMO_TEMPLATES: ReadonlyArray<{ key: string; channel: Channel; body: string }> = [
  {
    key: 'lembrete-vencimento', channel: 'email',
    body: 'Olá, {{primeiroNome debtor.name}}.\nLembramos que o título {{#each debts}}{{externalId}} vence em {{data dueDate}}{{/each}}.\n{{discriminacao}}\n{{identificacaoCredor}}\nSegunda via e negociação: {{portalUrl}}\n{{agency.name}} — {{agency.phone}}',
  },
  { key: 'aviso-atraso', channel: 'sms', body: '{{primeiroNome debtor.name}}, consta um valor em aberto com {{creditor.tradeName}}. Veja os detalhes e negocie: {{portalUrl}}' },
  { key: 'aviso-whatsapp', channel: 'whatsapp', body: 'Olá, {{primeiroNome debtor.name}}! Identificamos um valor em aberto.\n{{discriminacao}}\n{{identificacaoCredor}}\nNegocie pelo link {{portalUrl}} e escolha a melhor forma de pagamento.' },
  { key: 'roteiro-alerta', channel: 'voice', body: 'Falo com {{debtor.name}}? Esta ligação é gravada. Falo em nome de {{creditor.legalName}} sobre um valor em aberto; os detalhes estão em {{portalUrl}}. Podemos encontrar uma solução hoje?' },
  {
    key: 'notificacao-escrita', channel: 'letter',
    body: 'Prezado(a) {{debtor.name}},\n\nNotificamos a existência do débito abaixo, que pode ser negociado com condições especiais.\n{{discriminacao}}\n\n{{identificacaoCredor}}\nAcesse {{portalUrl}} ou ligue {{agency.phone}}.\n\n{{agency.name}}',
  },
  { key: 'negativacao', channel: 'bureau', body: 'Comunicação prévia de inclusão em cadastro de proteção ao crédito (CDC art. 43 §2º).\n{{discriminacao}}\n{{identificacaoCredor}}\nRegularize em {{portalUrl}}.' },
  { key: 'protesto', channel: 'protest', body: 'Título enviado a protesto.\n{{discriminacao}}\n{{identificacaoCredor}}' },
  { key: 'ajuizamento', channel: 'legal', body: 'Encaminhamento para cobrança judicial.\n{{discriminacao}}\n{{identificacaoCredor}}' },
  {
    key: 'lembrete-parcela', channel: 'email',
    body: 'Olá, {{primeiroNome debtor.name}}.\nLembramos o próximo pagamento do seu acordo:\n{{discriminacao}}\nPIX e boleto da parcela: {{portalUrl}}\n{{identificacaoCredor}}\n{{agency.name}} — {{agency.phone}}',
  },
  { key: 'promessa-quebrada', channel: 'sms', body: '{{primeiroNome debtor.name}}, não identificamos o pagamento combinado com {{creditor.tradeName}}. Veja as opções para regularizar: {{portalUrl}}' },
  { key: 'quebra-de-acordo', channel: 'sms', body: '{{primeiroNome debtor.name}}, a parcela do seu acordo com {{creditor.tradeName}} não foi paga. Veja como regularizar: {{portalUrl}}' },
];

/** The templates and the example schedule for every portfolio of a tenant. */
export async function seedDemoDunning(tx: Tx, tenantId: string, portfolios: ReadonlyArray<{ id: string; creditorId: string }>): Promise<void> {
  for (const t of DEMO_TEMPLATES) await tx.db.insertInto('message_templates').values({ tenant_id: tenantId, key: t.key, channel: t.channel, body: t.body }).execute();
  for (const p of portfolios) {
    const s = await tx.db.insertInto('schedules').values({ tenant_id: tenantId, creditor_id: p.creditorId, portfolio_id: p.id, name: EXAMPLE_SCHEDULE.name }).returning('id').executeTakeFirstOrThrow();
    await tx.db
      .insertInto('schedule_versions')
      .values({ tenant_id: tenantId, schedule_id: s.id, creditor_id: p.creditorId, version: 1, steps: JSON.stringify(EXAMPLE_SCHEDULE.steps), stop_conditions: [...EXAMPLE_SCHEDULE.stopConditions] })
      .execute();
  }
}
