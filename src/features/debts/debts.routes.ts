import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zPageMeta, zUuid } from '../../api/zod.ts';
import { debtListQuery, debtOutput, debtPatch, getDebt, listDebts, toDebtOutput, updateDebt } from './debts.ts';

const params = z.object({ debtId: zUuid });
const tags = ['títulos'];

export async function debtRoutes(app: App, { db }: ApiContext) {
  app.get('/api/debts', { schema: { tags, summary: 'Listar títulos com filtros', querystring: debtListQuery, response: { 200: z.object({ items: z.array(debtOutput), ...zPageMeta }) } } }, async (request) =>
    listDebts(db, actorOf(request), request.query, routeOf(request)),
  );
  app.get('/api/debts/:debtId', { schema: { tags, summary: 'Ver título', params, response: { 200: debtOutput } } }, async (request) =>
    toDebtOutput(await getDebt(db, actorOf(request), request.params.debtId, routeOf(request))),
  );
  app.patch('/api/debts/:debtId', { schema: { tags, summary: 'Contestação ou cancelamento de um título, com motivo', params, body: debtPatch, response: { 200: debtOutput } } }, async (request) =>
    toDebtOutput(await updateDebt(db, actorOf(request), request.params.debtId, request.body)),
  );
}
