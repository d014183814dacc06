import { actorOf, routeOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { buildDossier, dossierPdf } from './dossier.ts';

export async function dossierRoutes(app: App, { db, today }: ApiContext) {
  app.get(
    '/api/debtors/:debtorId/dossier',
    {
      schema: {
        tags: ['régua de cobrança'],
        summary: 'Dossiê de evidências para ajuizamento ou terceirização (JSON ou PDF, com o SHA-256 do JSON); a exportação é auditada',
        params: z.object({ debtorId: zUuid }),
        querystring: z.object({ format: z.enum(['json', 'pdf']).default('json'), asOf: zIsoDate.optional() }),
      },
    },
    async (request, reply) => {
      const { dossier, json, sha256 } = await buildDossier(db, actorOf(request), request.params.debtorId, request.query.asOf ?? today(), routeOf(request));
      reply.header('x-content-sha256', sha256);
      if (request.query.format === 'pdf') {
        reply.header('content-disposition', `attachment; filename="dossie-${dossier.debtor.id}.pdf"`);
        return reply.type('application/pdf').send(await dossierPdf(dossier, sha256));
      }
      reply.header('content-disposition', `attachment; filename="dossie-${dossier.debtor.id}.json"`);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
}
