import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { balanceQuery, debtBalance, debtBalanceOutput, debtorBalance, debtorBalanceOutput } from './balances.ts';

const tags = ['saldos'];

export async function balanceRoutes(app: App, { db, today }: ApiContext) {
  app.get(
    '/api/debts/:debtId/balance',
    { schema: { tags, summary: 'Saldo atualizado de um título, com a memória de cálculo', params: z.object({ debtId: zUuid }), querystring: balanceQuery, response: { 200: debtBalanceOutput } } },
    async (request) => debtBalance(db, actorOf(request), request.params.debtId, { asOf: request.query.asOf ?? today(), unpublished: request.query.unpublished, route: routeOf(request) }),
  );
  app.get(
    '/api/debtors/:debtorId/balance',
    { schema: { tags, summary: 'Saldo atualizado dos títulos em aberto de um devedor', params: z.object({ debtorId: zUuid }), querystring: balanceQuery, response: { 200: debtorBalanceOutput } } },
    async (request) => debtorBalance(db, actorOf(request), request.params.debtorId, { asOf: request.query.asOf ?? today(), unpublished: request.query.unpublished, route: routeOf(request) }),
  );
}
