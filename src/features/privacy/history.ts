import type { Tx } from '../../store/database.ts';
import type { DataSubjectRequestAction } from '../../store/schema.ts';

type Status = 'received' | 'in_progress' | 'answered' | 'refused';

/** One step of a request in its append-only history (a trigger refuses updates and deletes). */
export async function appendHistory(
  tx: Tx,
  entry: { tenantId: string; requestId: string; userId: string | null; action: DataSubjectRequestAction; from?: Status | null; to?: Status | null; note?: string | null },
): Promise<void> {
  await tx.db
    .insertInto('data_subject_request_history')
    .values({ tenant_id: entry.tenantId, request_id: entry.requestId, user_id: entry.userId, action: entry.action, from_status: entry.from ?? null, to_status: entry.to ?? null, note: entry.note ?? null })
    .execute();
}
