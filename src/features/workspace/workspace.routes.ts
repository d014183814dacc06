import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { addNote, caseOutput, dispositionInput, dispositionOutput, getCase, listScripts, nextCase, nextCaseOutput, noteInput, putScript, recordDisposition, scriptInput, scriptOutput } from './cases.ts';
import { collectorInput, collectorOutput, distributionSettingsInput, getDistributionSettings, listCollectors, putCollector, putDistributionSettings } from './collectors.ts';
import { distributeInput, distributionOutput, reassignCases, reassignInput, runDistribution } from './distribution.ts';
import { queueOf, queueOutput } from './queue.ts';
import { supervision, supervisionOutput, supervisionQuery } from './supervision.ts';

const tags = ['fila de trabalho e supervisão'];
const debtorParams = z.object({ debtorId: zUuid });

export async function workspaceRoutes(app: App, { db, today, now }: ApiContext) {
  app.get('/api/queue', {
    schema: { tags, summary: 'A fila do operador: casos prontos em ordem de prioridade e os que esperam (com o motivo)', querystring: z.object({ userId: zUuid.optional().describe('Outro operador (supervisor)'), limit: z.coerce.number().int().min(1).max(1000).default(50) }), response: { 200: queueOutput } },
  }, async (request) => {
    const actor = actorOf(request);
    return queueOf(db, actor, request.query.userId ?? actor.userId, now(), request.query.limit);
  });
  app.get('/api/queue/next', { schema: { tags, summary: 'O próximo caso da fila, com telefones, títulos, saldo e o roteiro preenchido', response: { 200: nextCaseOutput } } }, async (request) =>
    nextCase(db, actorOf(request), now(), today(), routeOf(request)));
  app.get('/api/cases/:debtorId', { schema: { tags, summary: 'Um caso da fila (o operador vê só os seus)', params: debtorParams, response: { 200: caseOutput } } }, async (request) =>
    getCase(db, actorOf(request), request.params.debtorId, today(), routeOf(request)));
  app.post('/api/cases/:debtorId/dispositions', {
    schema: { tags, summary: 'Tabular a ligação: registra o resultado e age sobre o caso (promessa, retorno, número errado, contestação…)', params: debtorParams, body: dispositionInput, response: { 201: dispositionOutput } },
  }, async (request, reply) => reply.code(201).send(await recordDisposition(db, actorOf(request), request.params.debtorId, request.body, now(), today())));
  app.post('/api/cases/:debtorId/notes', { schema: { tags, summary: 'Anotação na linha do tempo do caso', params: debtorParams, body: noteInput, response: { 204: z.null() } } }, async (request, reply) => {
    await addNote(db, actorOf(request), request.params.debtorId, request.body);
    return reply.code(204).send(null);
  });

  app.get('/api/call-scripts', { schema: { tags, summary: 'Roteiros de ligação por estágio (da carteira, da assessoria ou o padrão)', querystring: z.object({ portfolioId: zUuid.optional() }), response: { 200: z.object({ items: z.array(scriptOutput) }) } } }, async (request) => ({
    items: await listScripts(db, actorOf(request), request.query.portfolioId ?? null),
  }));
  app.put('/api/call-scripts', { schema: { tags, summary: 'Personalizar o roteiro de um estágio (recusado sem identificação do credor, aviso de gravação, ou com linguagem proibida)', body: scriptInput, response: { 200: scriptOutput } } }, async (request) =>
    putScript(db, actorOf(request), request.body));

  app.get('/api/collectors', { schema: { tags, summary: 'Operadores com equipe, limite, especialidades e carga atual', response: { 200: z.object({ items: z.array(collectorOutput) }) } } }, async (request) => ({
    items: await listCollectors(db, actorOf(request)),
  }));
  app.put('/api/collectors/:userId', { schema: { tags, summary: 'Configurar um operador', params: z.object({ userId: zUuid }), body: collectorInput, response: { 200: collectorOutput } } }, async (request) =>
    putCollector(db, actorOf(request), request.params.userId, request.body));
  app.get('/api/distribution/settings', { schema: { tags, summary: 'Estratégia de distribuição', response: { 200: distributionSettingsInput } } }, async (request) => getDistributionSettings(db, actorOf(request)));
  app.put('/api/distribution/settings', { schema: { tags, summary: 'Escolher a estratégia de distribuição', body: distributionSettingsInput, response: { 200: distributionSettingsInput } } }, async (request) =>
    putDistributionSettings(db, actorOf(request), request.body));
  app.post('/api/distribution/run', { schema: { tags, summary: 'Distribuir agora os casos sem operador', body: distributeInput, response: { 200: distributionOutput } } }, async (request) =>
    runDistribution(db, actorOf(request), request.body, today()));
  app.post('/api/distribution/reassign', { schema: { tags, summary: 'Transferir casos para um operador (respeita o limite, salvo decisão do supervisor)', body: reassignInput, response: { 200: z.object({ moved: z.number().int() }) } } }, async (request) =>
    reassignCases(db, actorOf(request), request.body, today()));

  app.get('/api/supervision', { schema: { tags, summary: 'Números ao vivo por operador e equipe: casos trabalhados, contatos por hora, CPC, promessas, acordos, recebido', querystring: supervisionQuery, response: { 200: supervisionOutput } } }, async (request) =>
    supervision(db, actorOf(request), request.query, today()));
}
