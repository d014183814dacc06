import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import {
  commissionRuleInput, commissionRuleOutput, commissionRuleUpdate, createCommissionRule, deleteCommissionRule, listCommissionRules, updateCommissionRule,
} from './commission-rules.ts';
import { statementCsv, statementFileName, statementPdf } from './statement-documents.ts';
import {
  createStatement, getStatement, issueStatement, listStatements, statementCreateInput, statementListQuery, statementOutput, statementSummaryOutput,
} from './statements.ts';

const tags = ['repasse ao credor'];
const ruleParams = z.object({ ruleId: zUuid });
const statementParams = z.object({ statementId: zUuid });

export async function remittanceRoutes(app: App, { db, today, now }: ApiContext) {
  app.get('/api/commission-rules', {
    schema: { tags, summary: 'Regras de comissão (padrão do credor e por carteira)', querystring: z.object({ creditorId: zUuid.optional() }), response: { 200: z.object({ items: z.array(commissionRuleOutput) }) } },
  }, async (request) => ({ items: await listCommissionRules(db, actorOf(request), request.query.creditorId) }));

  app.post('/api/commission-rules', {
    schema: {
      tags, summary: 'Criar uma regra de comissão',
      description: 'Percentuais como frações em texto ("0.15" = 15%), por faixas de dias em atraso na data do pagamento ou de valor recuperado no mês, e taxas fixas em centavos. A regra da carteira prevalece sobre a padrão do credor; vigências do mesmo credor e carteira não podem coincidir.',
      body: commissionRuleInput, response: { 201: commissionRuleOutput },
    },
  }, async (request, reply) => reply.status(201).send(await createCommissionRule(db, actorOf(request), request.body)));

  app.put('/api/commission-rules/:ruleId', {
    schema: { tags, summary: 'Alterar uma regra de comissão (demonstrativos já emitidos não mudam)', params: ruleParams, body: commissionRuleUpdate, response: { 200: commissionRuleOutput } },
  }, async (request) => updateCommissionRule(db, actorOf(request), request.params.ruleId, request.body));

  app.delete('/api/commission-rules/:ruleId', {
    schema: { tags, summary: 'Excluir uma regra de comissão', params: ruleParams },
  }, async (request, reply) => {
    await deleteCommissionRule(db, actorOf(request), request.params.ruleId);
    return reply.status(204).send();
  });

  app.get('/api/remittance/statements', {
    schema: { tags, summary: 'Demonstrativos de repasse (prestação de contas) por mês e credor; o credor vê só os emitidos', querystring: statementListQuery, response: { 200: z.object({ items: z.array(statementSummaryOutput) }) } },
  }, async (request) => ({ items: await listStatements(db, actorOf(request), request.query) }));

  app.post('/api/remittance/statements', {
    schema: {
      tags, summary: 'Abrir o demonstrativo de um credor e mês (rascunho); pedir de novo devolve o mesmo',
      body: statementCreateInput, response: { 200: statementOutput, 201: statementOutput },
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const { id, created } = await createStatement(db, actor, request.body, today());
    return reply.status(created ? 201 : 200).send(await getStatement(db, actor, id, now(), { route: routeOf(request) }));
  });

  app.get('/api/remittance/statements/:statementId', {
    schema: { tags, summary: 'Um demonstrativo: linhas, taxas, totais e a conferência com os pagamentos', params: statementParams, response: { 200: statementOutput } },
  }, async (request) => getStatement(db, actorOf(request), request.params.statementId, now(), { route: routeOf(request) }));

  app.post('/api/remittance/statements/:statementId/issue', {
    schema: {
      tags, summary: 'Emitir o demonstrativo: conferido centavo a centavo com os pagamentos, numerado e congelado',
      description: 'Só depois do fim do mês. Recusado (409) se algum pagamento não tem regra de comissão ou se a soma não bate com a tabela de pagamentos. Emitir de novo devolve o mesmo demonstrativo.',
      params: statementParams, response: { 200: statementOutput },
    },
  }, async (request) => issueStatement(db, actorOf(request), request.params.statementId, today(), now()));

  app.get('/api/remittance/statements/:statementId/statement.pdf', {
    schema: { tags, summary: 'O demonstrativo em PDF', params: statementParams },
  }, async (request, reply) => {
    const statement = await getStatement(db, actorOf(request), request.params.statementId, now(), { route: routeOf(request), action: 'export', format: 'pdf' });
    reply.header('content-disposition', `attachment; filename="${statementFileName(statement, 'pdf')}"`);
    return reply.type('application/pdf').send(await statementPdf(statement));
  });

  app.get('/api/remittance/statements/:statementId/statement.csv', {
    schema: { tags, summary: 'O demonstrativo em CSV (;, UTF-8 com BOM, valores 1234,56)', params: statementParams },
  }, async (request, reply) => {
    const statement = await getStatement(db, actorOf(request), request.params.statementId, now(), { route: routeOf(request), action: 'export', format: 'csv' });
    reply.header('content-disposition', `attachment; filename="${statementFileName(statement, 'csv')}"`);
    return reply.type('text/csv; charset=utf-8').send(statementCsv(statement));
  });
}
