import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zPageMeta } from '../../api/zod.ts';
import { auditOutput, auditQuery, listAuditLog } from './audit-log.ts';

export async function auditRoutes(app: App, { db }: ApiContext) {
  app.get(
    '/api/audit-log',
    { schema: { tags: ['auditoria'], summary: 'Registro de acessos a dados pessoais (LGPD)', querystring: auditQuery, response: { 200: z.object({ items: z.array(auditOutput), ...zPageMeta }) } } },
    async (request) => listAuditLog(db, actorOf(request), request.query),
  );
}
