import type { Actor } from '../auth/permissions.ts';
import type { Tx } from '../../store/database.ts';
import type { AuditAction } from '../../store/schema.ts';

/**
 * Records a read, export or change of personal data in the tenant's audit log, in the same
 * transaction as the access itself (LGPD arts. 37 and 46): no read goes unrecorded.
 */
export async function recordAccess(
  tx: Tx,
  actor: Actor,
  entry: { action: AuditAction; resource: string; subjectIds?: readonly string[]; route?: string; details?: Record<string, unknown> },
): Promise<void> {
  await tx.db
    .insertInto('audit_log')
    .values({
      tenant_id: actor.tenantId,
      user_id: actor.userId,
      action: entry.action,
      resource: entry.resource,
      route: entry.route ?? null,
      subject_ids: [...new Set(entry.subjectIds ?? [])],
      ip: actor.ip ?? null,
      // A debtor in the portal has no user: the entry names the portal session it came through.
      details: JSON.stringify(actor.role === 'debtor' ? { ...entry.details, via: 'portal', debtorId: actor.debtorId, portalSession: actor.sessionRef } : (entry.details ?? {})),
    })
    .execute();
}
