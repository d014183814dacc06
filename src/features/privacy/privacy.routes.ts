import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { requirePermission, scopeOf } from '../auth/permissions.ts';
import { accessReportJson, generateAccessReport, renderAccessReportPdf } from './access-report.ts';
import {
  answerInput, answerRequest, createStaffRequest, deadlinesOutput, getPrivacyRequest, listPrivacyRequests, noteInput, privacyDeadlines, privacyRequestDetail,
  privacyRequestList, privacyRequestOutput, privacyRequestQuery, refuseInput, refuseRequest, staffRequestInput, startRequest, verifyIdentity,
} from './requests.ts';
import { buildRopa, controllerOf, ropaCsv } from './ropa.ts';

const tags = ['privacidade (LGPD)'];
const idParams = z.object({ requestId: zUuid });

/** The staff side of the data subjects' requests (docs/privacy.md); the portal's form stays in src/features/portal. */
export async function privacyRoutes(app: App, { db, config, today }: ApiContext) {
  const retentionYears = config.PRIVACY_RETENTION_YEARS;

  app.get('/api/privacy-requests', {
    schema: { tags, summary: 'Solicitações de titulares (LGPD), mais recentes primeiro, ou as abertas por prazo', querystring: privacyRequestQuery, response: { 200: privacyRequestList } },
  }, async (request) => listPrivacyRequests(db, actorOf(request), request.query, today()));

  app.post('/api/privacy-requests', {
    schema: { tags, summary: 'Registra uma solicitação recebida por carta, e-mail, telefone ou presencialmente (canal staff)', body: staffRequestInput, response: { 201: privacyRequestOutput } },
  }, async (request, reply) => reply.status(201).send(await createStaffRequest(db, actorOf(request), request.body, today())));

  app.get('/api/privacy-requests/deadlines', {
    schema: { tags, summary: 'Solicitações abertas: atrasadas e que vencem em até 5 dias (prazo de 15 dias, LGPD art. 19 II)', response: { 200: deadlinesOutput } },
  }, async (request) => privacyDeadlines(db, actorOf(request), today()));

  app.get('/api/privacy-requests/:requestId', {
    schema: { tags, summary: 'Uma solicitação com o histórico e, para eliminação, a decisão da regra de guarda', params: idParams, response: { 200: privacyRequestDetail } },
  }, async (request) => getPrivacyRequest(db, actorOf(request), request.params.requestId, { today: today(), retentionYears }));

  app.post('/api/privacy-requests/:requestId/verify', {
    schema: { tags, summary: 'Confirma a identidade do titular (como foi conferida) e inicia o atendimento', params: idParams, body: noteInput, response: { 200: privacyRequestOutput } },
  }, async (request) => verifyIdentity(db, actorOf(request), request.params.requestId, request.body, today()));

  app.post('/api/privacy-requests/:requestId/start', {
    schema: { tags, summary: 'Inicia o atendimento de uma solicitação já verificada (feita na sessão do portal)', params: idParams, response: { 200: privacyRequestOutput } },
  }, async (request) => startRequest(db, actorOf(request), request.params.requestId, today()));

  app.post('/api/privacy-requests/:requestId/answer', {
    schema: {
      tags, summary: 'Responde a solicitação; eliminação/anonimização: anonimiza o titular se nada impedir', params: idParams, body: answerInput, response: { 200: privacyRequestOutput },
      description: 'Se um débito em aberto ou o prazo de guarda impedir a eliminação, responde 409 com o motivo: use /refuse (o motivo e o fundamento legal são preenchidos pela regra).',
    },
  }, async (request) => answerRequest(db, actorOf(request), request.params.requestId, request.body, { today: today(), retentionYears }));

  app.post('/api/privacy-requests/:requestId/refuse', {
    schema: { tags, summary: 'Recusa com o motivo e o fundamento legal (para eliminação, preenchidos pela regra de guarda)', params: idParams, body: refuseInput, response: { 200: privacyRequestOutput } },
  }, async (request) => refuseRequest(db, actorOf(request), request.params.requestId, request.body, { today: today(), retentionYears }));

  app.get('/api/privacy-requests/:requestId/report', {
    schema: {
      tags, summary: 'Relatório de acesso: todos os dados do titular, com origem, base legal e quem os leu (JSON = portabilidade; PDF)', params: idParams,
      querystring: z.object({ format: z.enum(['json', 'pdf']).default('json') }),
      description: 'Só depois de confirmada a identidade. Gerar o relatório é registrado na auditoria e no histórico da solicitação.',
    },
  }, async (request, reply) => {
    const report = await generateAccessReport(db, actorOf(request), request.params.requestId, { config, today: today() });
    const fileName = `relatorio-lgpd-${report.protocol}`;
    const { json, sha256 } = accessReportJson(report);
    reply.header('x-content-sha256', sha256);
    if (request.query.format === 'pdf') {
      reply.header('content-disposition', `attachment; filename="${fileName}.pdf"`);
      return reply.type('application/pdf').send(await renderAccessReportPdf(report, sha256));
    }
    reply.header('content-disposition', `attachment; filename="${fileName}.json"`);
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get('/api/privacy/ropa', {
    schema: {
      tags, summary: 'Registro das operações de tratamento (LGPD art. 37), gerado do código e da configuração', querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    requirePermission(actor, 'privacy.read');
    const ropa = buildRopa({ config, retentionYears, controller: await db.scoped(scopeOf(actor), (tx) => controllerOf(tx, actor.tenantId)) });
    if (request.query.format === 'csv') {
      reply.header('content-disposition', 'attachment; filename="registro-de-tratamento.csv"');
      return reply.type('text/csv; charset=utf-8').send(ropaCsv(ropa));
    }
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(ropa, null, 2));
  });
}
