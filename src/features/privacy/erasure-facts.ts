import { sql } from 'kysely';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import type { ErasureDebt } from '../../domain/privacy/erasure.ts';
import type { Tx } from '../../store/database.ts';

/** A debtor's debts as the erasure rule reads them; closedOn is the day (in Brasília) the debt left the open statuses. */
export async function erasureDebtsOf(tx: Tx, tenantId: string, debtorId: string): Promise<ErasureDebt[]> {
  const rows = await tx.db
    .selectFrom('debts as d')
    .innerJoin('creditors as c', 'c.id', 'd.creditor_id')
    .select([
      'd.id', 'd.external_id', 'd.document_kind', 'd.status', 'd.due_date', 'd.prescription_interrupted_on',
      sql<string>`coalesce(c.trade_name, c.legal_name)`.as('creditor_name'),
      sql<string>`to_char(d.status_changed_at at time zone 'America/Sao_Paulo', 'YYYY-MM-DD')`.as('closed_on'),
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('d.debtor_id', '=', debtorId)
    .orderBy('d.due_date')
    .execute();
  return rows.map((r) => ({
    id: r.id, externalId: r.external_id, creditorName: r.creditor_name, kind: storedDebtKind(r.document_kind), status: r.status,
    dueDate: r.due_date, prescriptionInterruptedOn: r.prescription_interrupted_on, closedOn: r.status === 'open' || r.status === 'in_agreement' ? null : r.closed_on,
  }));
}
