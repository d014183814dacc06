/** pt-BR names of the API's codes, for what users read. */
export const DEBT_STATUS: Record<string, string> = {
  open: 'Em aberto', in_agreement: 'Em acordo', paid: 'Pago', settled: 'Quitado', cancelled: 'Cancelado', disputed: 'Contestado', written_off: 'Baixado',
};
export const AGREEMENT_STATUS: Record<string, string> = {
  proposed: 'Proposto', accepted: 'Aceito', active: 'Ativo', fulfilled: 'Cumprido', broken: 'Quebrado', cancelled: 'Cancelado',
};
export const INSTALLMENT_STATUS: Record<string, string> = { open: 'Em aberto', paid: 'Paga', partial: 'Paga em parte', overdue: 'Vencida', cancelled: 'Cancelada' };
export const CHANNEL: Record<string, string> = {
  email: 'E-mail', sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Ligação', letter: 'Carta', task: 'Tarefa', bureau: 'Negativação', protest: 'Protesto', legal: 'Jurídico',
  phone: 'Telefone', address: 'Endereço', portal: 'Portal', in_person: 'Presencial',
};
export const DISPOSITION: Record<string, string> = {
  right_party_contact: 'Falou com o devedor', promise: 'Promessa de pagamento', refused: 'Recusou', callback: 'Retornar depois', no_answer: 'Não atende',
  busy: 'Ocupado', voicemail: 'Caixa postal', wrong_number: 'Número errado', third_party: 'Falou com terceiro', dispute: 'Contesta a dívida',
  claims_paid: 'Diz que já pagou', deceased: 'Falecido', do_not_call: 'Não quer ligações',
};
export const STAGE: Record<string, string> = { aviso: 'Aviso', alerta: 'Alerta', acao: 'Ação' };
export const IMPORT_STATUS: Record<string, string> = { running: 'Em andamento', completed: 'Concluída', failed: 'Falhou', rejected: 'Recusada' };

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return '—';
  return map[code] ?? code;
}

/** Timeline event types: the known ones named, the rest shown as they are. */
export const EVENT: Record<string, string> = {
  'debts.imported': 'Títulos importados', 'case.assigned': 'Caso atribuído', 'agreement.proposed': 'Proposta de acordo', 'agreement.accepted': 'Acordo aceito',
  'agreement.active': 'Acordo ativo', 'agreement.fulfilled': 'Acordo cumprido', 'agreement.broken': 'Acordo quebrado', 'agreement.cancelled': 'Acordo cancelado',
  'payment.received': 'Pagamento recebido', 'promise.created': 'Promessa registrada', 'promise.kept': 'Promessa cumprida', 'promise.broken': 'Promessa quebrada',
  'message.sent': 'Mensagem enviada', 'message.delivered': 'Mensagem entregue', 'message.failed': 'Falha no envio', 'disposition.recorded': 'Ligação tabulada',
  'note.added': 'Anotação', 'document.sent': 'Documento enviado', 'charge.issued': 'Cobrança emitida',
  'debtor.created': 'Devedor cadastrado', 'debtor.enriched': 'Dados enriquecidos (provedor)', // part A
};

/** Staff roles (the API's ROLE_LABELS). */
export const ROLE: Record<string, string> = {
  admin: 'Administrador', supervisor: 'Supervisor', analyst: 'Analista', collector: 'Operador de cobrança', creditor_viewer: 'Credor (somente leitura)', auditor: 'Auditor / DPO',
};
/** What a pull of an ERP export did (src/features/erp/pull-erp-source.ts). */
export const ERP_OUTCOME: Record<string, string> = {
  imported: 'Importado', unchanged: 'Sem alteração', not_modified: 'Não modificado (304)', no_files: 'Nenhum arquivo novo', rejected: 'Recusado',
  unreadable: 'Ilegível', failed: 'Falhou', busy: 'Em andamento',
};
/** The outcome of an enrichment lookup (src/features/enrichment/enrichment.ts). */
export const ENRICHMENT_OUTCOME: Record<string, string> = {
  found: 'Encontrado', not_found: 'Não encontrado', error: 'Erro do provedor', budget_exceeded: 'Orçamento esgotado', pending: 'Em andamento',
};
