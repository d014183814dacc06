import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { createPortfolio, getPortfolio, listPortfolios, portfolioInput, portfolioOutput, portfolioPatch, toPortfolioOutput, updatePortfolio } from './portfolios.ts';

const params = z.object({ portfolioId: zUuid });
const tags = ['carteiras'];

export async function portfolioRoutes(app: App, { db }: ApiContext) {
  app.get(
    '/api/portfolios',
    { schema: { tags, summary: 'Listar carteiras com totais em aberto', querystring: z.object({ creditorId: zUuid.optional() }), response: { 200: z.object({ items: z.array(portfolioOutput) }) } } },
    async (request) => ({ items: (await listPortfolios(db, actorOf(request), request.query)).map(toPortfolioOutput) }),
  );
  app.post('/api/portfolios', { schema: { tags, summary: 'Criar carteira', body: portfolioInput, response: { 201: portfolioOutput } } }, async (request, reply) =>
    reply.status(201).send(toPortfolioOutput(await createPortfolio(db, actorOf(request), request.body))),
  );
  app.get('/api/portfolios/:portfolioId', { schema: { tags, summary: 'Ver carteira', params, response: { 200: portfolioOutput } } }, async (request) =>
    toPortfolioOutput(await getPortfolio(db, actorOf(request), request.params.portfolioId)),
  );
  app.patch('/api/portfolios/:portfolioId', { schema: { tags, summary: 'Alterar carteira', params, body: portfolioPatch, response: { 200: portfolioOutput } } }, async (request) =>
    toPortfolioOutput(await updatePortfolio(db, actorOf(request), request.params.portfolioId, request.body)),
  );
}
