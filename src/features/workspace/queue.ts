import { z } from '../../api/zod.ts';
import { isUf, type Uf } from '../../brazil/uf.ts';
import { rankQueue, type QueueCase, type RankedQueue } from '../../domain/collection/index.ts';
import { localTime, instantAt } from '../../domain/compliance/local-time.ts';
import { DEFAULT_COMPLIANCE_POLICY } from '../../domain/compliance/rules.ts';
import type { Database, Tx } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/**
 * A collector's work queue: its active cases, ranked by the pure rules of src/domain/collection/queue.ts
 * (callbacks due, promises due, then expected recovery = open amount × score), minus the cases that
 * must wait (paused, outside the debtor's contact hours, call caps reached, already worked today).
 * The cases of one collector are a few hundred to a few thousand: one query reads them all.
 */
const CASES_SQL = `
  select a.debtor_id, s.score, s.open_amount_cents::text as open_amount_cents, a.callback_at, a.last_worked_at, r.uf, r.city,
         r.deceased_at is not null
           or not exists (select 1 from debts d where d.tenant_id = a.tenant_id and d.debtor_id = a.debtor_id and d.status = 'open' and d.disputed_at is null) as paused,
         (select min(p.promised_for)::text from promises p where p.tenant_id = a.tenant_id and p.debtor_id = a.debtor_id and p.status = 'pending') as promise_due_on,
         coalesce(t.attempts, 0)::int as attempts, coalesce(t.answered, 0)::int as answered
  from case_assignments a
  join debtor_scores s on s.tenant_id = a.tenant_id and s.debtor_id = a.debtor_id
  join debtors r on r.tenant_id = a.tenant_id and r.id = a.debtor_id
  left join lateral (
    select count(*) filter (where x.attempt) as attempts, count(*) filter (where x.answered) as answered
    from dispositions x where x.tenant_id = a.tenant_id and x.debtor_id = a.debtor_id and x.at >= $3
  ) t on true
  where a.tenant_id = $1 and a.user_id = $2 and a.status = 'active'`;

/** The start of today in Brasília: the frequency caps count from there (product choice; PRODUCT.md §5). */
export function startOfDay(now: Date): Date {
  return instantAt(localTime(now, 'America/Sao_Paulo').date, 0, 'America/Sao_Paulo');
}

export async function loadQueue(tx: Tx, tenantId: string, userId: string, now: Date): Promise<RankedQueue> {
  const { rows } = await tx.sql.query<{ debtor_id: string; score: number; open_amount_cents: string; callback_at: Date | null; last_worked_at: Date | null; uf: string | null; city: string | null; paused: boolean; promise_due_on: string | null; attempts: number; answered: number }>(
    CASES_SQL,
    [tenantId, userId, startOfDay(now)],
  );
  const cases: QueueCase[] = rows.map((r) => ({
    id: r.debtor_id, openAmountCents: Number(r.open_amount_cents), scorePerMille: r.score, callbackAt: r.callback_at, promiseDueOn: r.promise_due_on,
    lastWorkedAt: r.last_worked_at, paused: r.paused, uf: r.uf && isUf(r.uf) ? (r.uf as Uf) : null, city: r.city, callAttemptsToday: r.attempts, answeredToday: r.answered,
  }));
  return rankQueue(cases, now, DEFAULT_COMPLIANCE_POLICY);
}

export const queueOutput = z.object({
  ready: z.array(z.object({
    debtorId: z.uuid(), position: z.number().int(), tier: z.enum(['callback', 'promise', 'expected_recovery']),
    expectedRecoveryCents: z.number().int(), openAmountCents: z.number().int(), score: z.number().int(),
    callbackAt: z.date().nullable(), promiseDueOn: z.string().nullable(),
  })),
  waiting: z.array(z.object({ debtorId: z.uuid(), reason: z.string(), message: z.string(), until: z.date().nullable() })),
});

/** The collector's queue (a supervisor may look at anyone's). */
export async function queueOf(db: Database, actor: Actor, userId: string, now: Date, limit: number): Promise<z.infer<typeof queueOutput>> {
  requirePermission(actor, userId === actor.userId ? 'queue.work' : 'supervision.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const queue = await loadQueue(tx, actor.tenantId, userId, now);
    return {
      ready: queue.ready.slice(0, limit).map((r) => ({
        debtorId: r.id, position: r.position, tier: r.tier, expectedRecoveryCents: r.expectedRecoveryCents, openAmountCents: r.case.openAmountCents, score: r.case.scorePerMille,
        callbackAt: r.case.callbackAt, promiseDueOn: r.case.promiseDueOn,
      })),
      waiting: queue.waiting.slice(0, limit).map((w) => ({ debtorId: w.id, reason: w.reason, message: w.message, until: w.until ?? null })),
    };
  });
}
