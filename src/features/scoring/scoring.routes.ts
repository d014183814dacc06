import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { activateInput, activateModel, listModels, modelOutput, trainInput, trainTenantModel } from './models.ts';
import { createExperiment, experimentInput, experimentOutput, experimentReport, experimentReportOutput, listExperiments, stopExperiment } from './experiments.ts';
import { debtorScore, debtorScoreOutput, deleteSegment, listSegments, putSegment, segmentInput, segmentOutput } from './segments.ts';

const tags = ['score e segmentação'];
const debtorParams = z.object({ debtorId: zUuid });
const segmentParams = z.object({ segmentId: zUuid });
const experimentParams = z.object({ experimentId: zUuid });

export async function scoringRoutes(app: App, { db, today }: ApiContext) {
  app.get('/api/debtors/:debtorId/score', {
    schema: { tags, summary: 'Score de cobrança do devedor (0–1000) com os pontos de cada fator e o segmento', params: debtorParams, querystring: z.object({ asOf: zIsoDate.optional() }), response: { 200: debtorScoreOutput } },
  }, async (request) => debtorScore(db, actorOf(request), request.params.debtorId, request.query.asOf ?? today(), routeOf(request)));

  app.get('/api/segments', { schema: { tags, summary: 'Segmentos, na ordem em que são testados, com o número de devedores', response: { 200: z.object({ items: z.array(segmentOutput) }) } } }, async (request) => ({
    items: await listSegments(db, actorOf(request)),
  }));
  app.put('/api/segments', { schema: { tags, summary: 'Criar ou substituir um segmento pelo nome (vale a partir da próxima execução diária)', body: segmentInput, response: { 200: segmentOutput } } }, async (request) =>
    putSegment(db, actorOf(request), request.body));
  app.delete('/api/segments/:segmentId', { schema: { tags, summary: 'Excluir um segmento', params: segmentParams, response: { 204: z.null() } } }, async (request, reply) => {
    await deleteSegment(db, actorOf(request), request.params.segmentId);
    return reply.code(204).send(null);
  });

  app.get('/api/score-models', { schema: { tags, summary: 'Modelos treinados com o histórico da assessoria, com seus relatórios', response: { 200: z.object({ items: z.array(modelOutput) }) } } }, async (request) => ({
    items: await listModels(db, actorOf(request)),
  }));
  app.post('/api/score-models', { schema: { tags, summary: 'Treinar um modelo com os desfechos da assessoria (fotografia numa data, desfecho em N dias)', body: trainInput, response: { 201: modelOutput } } }, async (request, reply) =>
    reply.code(201).send(await trainTenantModel(db, actorOf(request), request.body, today())));
  app.post('/api/score-models/active', { schema: { tags, summary: 'Escolher o modelo que pontua (null: o scorecard)', body: activateInput, response: { 200: z.object({ active: z.uuid().nullable() }) } } }, async (request) =>
    activateModel(db, actorOf(request), request.body.modelId));

  app.get('/api/experiments', { schema: { tags, summary: 'Experimentos campeão/desafiante', response: { 200: z.object({ items: z.array(experimentOutput) }) } } }, async (request) => ({
    items: await listExperiments(db, actorOf(request)),
  }));
  app.post('/api/experiments', { schema: { tags, summary: 'Dividir um segmento ao acaso entre duas réguas ou duas políticas de negociação', body: experimentInput, response: { 201: experimentOutput } } }, async (request, reply) =>
    reply.code(201).send(await createExperiment(db, actorOf(request), request.body, today())));
  app.get('/api/experiments/:experimentId/report', { schema: { tags, summary: 'Qual braço recupera mais, com intervalo de confiança de 95 %', params: experimentParams, response: { 200: experimentReportOutput } } }, async (request) =>
    experimentReport(db, actorOf(request), request.params.experimentId));
  app.post('/api/experiments/:experimentId/stop', { schema: { tags, summary: 'Encerrar um experimento (o relatório passa a contar até hoje)', params: experimentParams, response: { 200: experimentOutput } } }, async (request) =>
    stopExperiment(db, actorOf(request), request.params.experimentId, today()));
}
