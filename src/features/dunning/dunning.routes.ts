import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import {
  createSchedule, editSchedule, getSchedule, listSchedules, listTemplates, previewOutput, previewTemplate, saveTemplate, scheduleEdit, scheduleInput,
  scheduleOutput, templateInput, templateOutput,
} from './schedules.ts';

const tags = ['régua de cobrança'];
const params = z.object({ scheduleId: zUuid });

export async function dunningRoutes(app: App, { db }: ApiContext) {
  app.get('/api/schedules', { schema: { tags, summary: 'Listar réguas de cobrança', querystring: z.object({ portfolioId: zUuid.optional() }), response: { 200: z.object({ items: z.array(scheduleOutput) }) } } }, async (request) => ({
    items: await listSchedules(db, actorOf(request), request.query),
  }));
  app.post('/api/schedules', { schema: { tags, summary: 'Criar régua (versão 1) para uma carteira e segmento', body: scheduleInput, response: { 201: scheduleOutput } } }, async (request, reply) =>
    reply.status(201).send(await createSchedule(db, actorOf(request), request.body)),
  );
  app.get('/api/schedules/:scheduleId', { schema: { tags, summary: 'Ver régua: versão atual e histórico de versões', params, response: { 200: scheduleOutput } } }, async (request) =>
    getSchedule(db, actorOf(request), request.params.scheduleId),
  );
  app.put('/api/schedules/:scheduleId', { schema: { tags, summary: 'Editar régua: grava uma nova versão', params, body: scheduleEdit, response: { 200: scheduleOutput } } }, async (request) =>
    editSchedule(db, actorOf(request), request.params.scheduleId, request.body),
  );
  app.get('/api/templates', { schema: { tags, summary: 'Listar modelos de mensagem', response: { 200: z.object({ items: z.array(templateOutput) }) } } }, async (request) => ({
    items: await listTemplates(db, actorOf(request)),
  }));
  app.put('/api/templates', { schema: { tags, summary: 'Criar ou alterar modelo (recusado se faltar a identificação do credor ou houver linguagem proibida)', body: templateInput, response: { 200: templateOutput } } }, async (request) =>
    saveTemplate(db, actorOf(request), request.body),
  );
  app.post('/api/templates/preview', { schema: { tags, summary: 'Pré-visualizar um modelo contra um caso de exemplo, com os alertas de conformidade', body: templateInput.pick({ channel: true, body: true }).extend({ key: templateInput.shape.key.optional() }), response: { 200: previewOutput } } }, async (request) =>
    previewTemplate(actorOf(request), request.body),
  );
}
