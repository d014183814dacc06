import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { dashboardOutput, dashboardQuery, getDashboard } from './dashboard.ts';

const tags = ['painel gerencial'];

export async function dashboardRoutes(app: App, { db, today }: ApiContext) {
  app.get('/api/dashboard', {
    schema: {
      tags,
      summary: 'Painel: carteira em aberto, recuperado no período, aging, funil, rolagem e cura, eficácia da régua e dos canais, ranking de operadores',
      description: 'Definições de cada número em docs/dashboard.md. Dinheiro em centavos (inteiros); taxas como frações em texto com 4 casas ("0.1234"), null sem denominador.',
      querystring: dashboardQuery,
      response: { 200: dashboardOutput },
    },
  }, async (request) => getDashboard(db, actorOf(request), request.query, today()));
}
