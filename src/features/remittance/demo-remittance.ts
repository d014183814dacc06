import { addDays, addMonths, type IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import type { Actor } from '../auth/permissions.ts';
import { createStatement, issueStatement } from './statements.ts';

/**
 * The demo's commission rules — the first creditor by days past due with fixed fees, the second by
 * the amount recovered in the month — and last month's statement of each creditor, issued, so a
 * newcomer (and the creditor viewer, who sees only issued statements) finds a real one.
 */
export async function seedDemoRemittance(db: Database, tenantId: string, asOf: IsoDate, now: Date): Promise<void> {
  const { creditors, admin } = await db.system(async ({ db: q }) => ({
    creditors: await q.selectFrom('creditors').select('id').where('tenant_id', '=', tenantId).orderBy('legal_name').execute(),
    admin: await q.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('role', '=', 'admin').orderBy('email').executeTakeFirstOrThrow(),
  }));
  const validFrom = `${addMonths(asOf, -24).slice(0, 7)}-01`;
  const rules = [
    { name: 'Contrato de cobrança — faixas por atraso', basis: 'days_past_due' as const, bands: [{ from: 0, rate: '0.10' }, { from: 91, rate: '0.15' }, { from: 181, rate: '0.25' }], monthly_fee_cents: 50_000, per_agreement_fee_cents: 2_500, per_payment_fee_cents: 150 },
    { name: 'Contrato de cobrança — faixas por valor recuperado', basis: 'amount_recovered' as const, bands: [{ from: 0, rate: '0.18' }, { from: 5_000_000, rate: '0.15' }, { from: 20_000_000, rate: '0.12' }], monthly_fee_cents: 0, per_agreement_fee_cents: 0, per_payment_fee_cents: 0 },
  ];
  await db.system(async ({ db: q }) => {
    for (const [i, creditor] of creditors.entries()) {
      const rule = rules[i % rules.length]!;
      await q.insertInto('commission_rules').values({ tenant_id: tenantId, creditor_id: creditor.id, portfolio_id: null, valid_from: validFrom, valid_to: null, ...rule, bands: JSON.stringify(rule.bands), updated_by: null }).execute();
    }
  });
  const actor: Actor = { userId: admin.id, tenantId, role: 'admin', creditorId: null };
  const lastMonth = addDays(`${asOf.slice(0, 7)}-01`, -1).slice(0, 7);
  for (const creditor of creditors) {
    const { id } = await createStatement(db, actor, { creditorId: creditor.id, month: lastMonth }, asOf);
    await issueStatement(db, actor, id, asOf, now);
  }
}
