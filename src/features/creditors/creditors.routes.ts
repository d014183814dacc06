import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { createCreditor, creditorInput, creditorOutput, creditorPatch, getCreditor, listCreditors, toCreditorOutput, updateCreditor } from './creditors.ts';

const params = z.object({ creditorId: zUuid });
const tags = ['credores'];

export async function creditorRoutes(app: App, { db }: ApiContext) {
  app.get('/api/creditors', { schema: { tags, summary: 'Listar credores', response: { 200: z.object({ items: z.array(creditorOutput) }) } } }, async (request) => ({
    items: (await listCreditors(db, actorOf(request))).map(toCreditorOutput),
  }));
  app.post('/api/creditors', { schema: { tags, summary: 'Cadastrar credor (identificação do CDC art. 42-A)', body: creditorInput, response: { 201: creditorOutput } } }, async (request, reply) =>
    reply.status(201).send(toCreditorOutput(await createCreditor(db, actorOf(request), request.body))),
  );
  app.get('/api/creditors/:creditorId', { schema: { tags, summary: 'Ver credor', params, response: { 200: creditorOutput } } }, async (request) =>
    toCreditorOutput(await getCreditor(db, actorOf(request), request.params.creditorId)),
  );
  app.patch('/api/creditors/:creditorId', { schema: { tags, summary: 'Alterar credor', params, body: creditorPatch, response: { 200: creditorOutput } } }, async (request) =>
    toCreditorOutput(await updateCreditor(db, actorOf(request), request.params.creditorId, request.body)),
  );
}
