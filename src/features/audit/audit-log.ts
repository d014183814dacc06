import { sql } from 'kysely';
import { z, zIsoDate, zPage, zUuid } from '../../api/zod.ts';
import type { Database } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

export const auditQuery = z.object({
  userId: zUuid.optional(),
  subjectId: zUuid.optional().describe('Devedor: quem leu os dados desta pessoa'),
  action: z.enum(['read', 'export', 'create', 'update', 'delete', 'login', 'login_failed']).optional(),
  from: zIsoDate.optional(),
  to: zIsoDate.optional(),
  ...zPage,
});

export const auditOutput = z.object({
  id: z.number().int(),
  at: z.date(),
  userId: z.uuid().nullable(),
  action: z.string(),
  resource: z.string(),
  route: z.string().nullable(),
  subjectIds: z.array(z.uuid()),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export async function listAuditLog(db: Database, actor: Actor, query: z.infer<typeof auditQuery>) {
  requirePermission(actor, 'audit.read');
  return db.scoped(scopeOf(actor), async ({ db: q }) => {
    let s = q.selectFrom('audit_log').selectAll();
    if (query.userId) s = s.where('user_id', '=', query.userId);
    if (query.subjectId) s = s.where(sql<boolean>`subject_ids @> array[${query.subjectId}]::uuid[]`);
    if (query.action) s = s.where('action', '=', query.action);
    if (query.from) s = s.where('at', '>=', new Date(`${query.from}T00:00:00Z`));
    if (query.to) s = s.where('at', '<', new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000));
    const rows = await s.orderBy('id', 'desc').limit(query.limit + 1).offset(query.offset).execute();
    return {
      items: rows.slice(0, query.limit).map((r) => ({
        id: r.id, at: r.at, userId: r.user_id, action: r.action, resource: r.resource, route: r.route, subjectIds: r.subject_ids, ip: r.ip, details: r.details,
      })),
      limit: query.limit,
      offset: query.offset,
      hasMore: rows.length > query.limit,
    };
  });
}
