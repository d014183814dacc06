import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { createUser, getUser, listUsers, toUserOutput, updateUser, userInput, userOutput, userPatch } from './users.ts';

const params = z.object({ userId: zUuid });
const tags = ['usuários'];

export async function userRoutes(app: App, { db }: ApiContext) {
  app.get('/api/users', { schema: { tags, summary: 'Listar usuários', response: { 200: z.object({ items: z.array(userOutput) }) } } }, async (request) => ({
    items: (await listUsers(db, actorOf(request))).map(toUserOutput),
  }));
  app.post('/api/users', { schema: { tags, summary: 'Criar usuário', body: userInput, response: { 201: userOutput } } }, async (request, reply) =>
    reply.status(201).send(toUserOutput(await createUser(db, actorOf(request), request.body))),
  );
  app.get('/api/users/:userId', { schema: { tags, summary: 'Ver usuário', params, response: { 200: userOutput } } }, async (request) =>
    toUserOutput(await getUser(db, actorOf(request), request.params.userId)),
  );
  app.patch('/api/users/:userId', { schema: { tags, summary: 'Alterar usuário (perfil, ativo, senha)', params, body: userPatch, response: { 200: userOutput } } }, async (request) =>
    toUserOutput(await updateUser(db, actorOf(request), request.params.userId, request.body)),
  );
}
