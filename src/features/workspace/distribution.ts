import { z, zUuid } from '../../api/zod.ts';
import { ASSIGNMENT_REASON_LABELS, distribute, reassign, type CaseToAssign, type Collector, type DistributionStrategy } from '../../domain/collection/index.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/**
 * Distribution of cases (a debtor with overdue open debts, i.e. a row in debtor_scores) to
 * collectors, in the daily run after scoring and on demand: assignments of debtors with nothing
 * left to collect are closed (keeping their collector for the sticky strategy), then the
 * unassigned cases go out by the tenant's strategy within each collector's limit. Set-based: one
 * read of the cases, one of the loads, one write of the assignments and their timeline events.
 */
export const STRATEGIES = ['round_robin', 'balanced', 'skill', 'sticky'] as const;

export interface DistributionSummary {
  closed: number;
  assigned: number;
  unassigned: number;
  strategy: DistributionStrategy;
  /** Why cases stayed unassigned (pt-BR reasons, counted). */
  reasons: Record<string, number>;
}

/** The tenant's collectors with their loads: every active user with the collector role, with its settings. */
export async function collectorsWithLoad(tx: Tx): Promise<Array<Collector & { name: string; email: string }>> {
  const { rows } = await tx.sql.query<{ id: string; name: string; email: string; active: boolean; max_open_cases: number | null; skills: string[]; portfolio_ids: string[]; team: string | null; open_cases: number; open_amount: string }>(
    `select u.id, u.name, u.email, u.active and coalesce(c.active, true) as active, c.max_open_cases, coalesce(c.skills, '{}') as skills,
            coalesce(c.portfolio_ids, '{}') as portfolio_ids, c.team,
            coalesce(l.cases, 0)::int as open_cases, coalesce(l.amount, 0)::text as open_amount
     from users u
     left join collectors c on c.tenant_id = u.tenant_id and c.user_id = u.id
     left join lateral (
       select count(*) as cases, sum(s.open_amount_cents) as amount
       from case_assignments a left join debtor_scores s on s.tenant_id = a.tenant_id and s.debtor_id = a.debtor_id
       where a.tenant_id = u.tenant_id and a.user_id = u.id and a.status = 'active'
     ) l on true
     where u.role = 'collector'
     order by u.id`,
  );
  return rows.map((r) => ({
    id: r.id, name: r.name, email: r.email, active: r.active, maxOpenCases: r.max_open_cases, skills: r.skills, portfolioIds: r.portfolio_ids, team: r.team,
    openCases: r.open_cases, openAmountCents: Number(r.open_amount),
  }));
}

export async function distributeCases(db: Database, tenantId: string, asOf: IsoDate, options: { strategy?: DistributionStrategy; onlyIfAuto?: boolean } = {}): Promise<DistributionSummary | null> {
  return db.scoped({ tenantId }, async (tx) => {
    const settings = await tx.db.selectFrom('distribution_settings').selectAll().executeTakeFirst();
    if (options.onlyIfAuto && settings && !settings.auto) return null;
    const strategy = options.strategy ?? settings?.strategy ?? 'balanced';
    // Serialize distributions of a tenant (the daily run and a supervisor's click).
    await tx.sql.query(`select pg_advisory_xact_lock(hashtext('distribution:' || $1::text))`, [tenantId]);
    const closed = await tx.sql.query<{ debtor_id: string; user_id: string }>(
      `update case_assignments a set status = 'closed', closed_on = $2, callback_at = null
       where a.tenant_id = $1 and a.status = 'active'
         and not exists (select 1 from debtor_scores s where s.tenant_id = a.tenant_id and s.debtor_id = a.debtor_id)
       returning a.debtor_id, a.user_id`,
      [tenantId, asOf],
    );
    const { rows: open } = await tx.sql.query<{ debtor_id: string; open_amount_cents: string; segment: string | null; portfolio_id: string; previous: string | null }>(
      `select s.debtor_id, s.open_amount_cents::text, s.segment, p.portfolio_id, a.user_id as previous
       from debtor_scores s
       left join case_assignments a on a.tenant_id = s.tenant_id and a.debtor_id = s.debtor_id
       -- the case's portfolio: where most of its overdue money is
       cross join lateral (
         select d.portfolio_id from debts d where d.tenant_id = s.tenant_id and d.debtor_id = s.debtor_id and d.status = 'open'
         group by d.portfolio_id order by sum(d.original_amount_cents) desc, d.portfolio_id limit 1
       ) p
       where s.tenant_id = $1 and (a.status is null or a.status = 'closed')
       order by s.debtor_id`,
      [tenantId],
    );
    const cases: CaseToAssign[] = open.map((r) => ({ id: r.debtor_id, openAmountCents: Number(r.open_amount_cents), segment: r.segment, portfolioId: r.portfolio_id, previousCollectorId: r.previous }));
    const collectors = await collectorsWithLoad(tx);
    const result = distribute(cases, collectors, strategy, { cursor: settings?.round_robin_cursor ?? null });
    if (result.assignments.length) {
      const { rows } = await tx.sql.query<{ debtor_id: string; user_id: string; reason: string }>(
        `insert into case_assignments as a (tenant_id, debtor_id, user_id, status, strategy, assigned_on)
         select $1, x.debtor_id, x.user_id, 'active', x.reason, $3 from jsonb_to_recordset($2::jsonb) as x (debtor_id uuid, user_id uuid, reason text)
         on conflict (tenant_id, debtor_id) do update
           set user_id = excluded.user_id, status = 'active', strategy = excluded.strategy, assigned_on = excluded.assigned_on, closed_on = null, callback_at = null
           where a.status = 'closed'
         returning a.debtor_id, a.user_id, a.strategy as reason`,
        [tenantId, JSON.stringify(result.assignments.map((a) => ({ debtor_id: a.caseId, user_id: a.collectorId, reason: a.reason }))), asOf],
      );
      await insertAssignmentEvents(tx, tenantId, rows, null);
    }
    if (closed.rows.length) {
      await tx.sql.query(
        `insert into events (tenant_id, debtor_id, type, actor_kind, data)
         select $1, x.debtor_id, 'case.closed', 'system', jsonb_build_object('userId', x.user_id, 'reason', 'sem títulos em atraso para cobrar')
         from jsonb_to_recordset($2::jsonb) as x (debtor_id uuid, user_id uuid)`,
        [tenantId, JSON.stringify(closed.rows)],
      );
    }
    await tx.sql.query(
      `insert into distribution_settings (tenant_id, round_robin_cursor) values ($1, $2)
       on conflict (tenant_id) do update set round_robin_cursor = excluded.round_robin_cursor`,
      [tenantId, result.cursor],
    );
    const reasons: Record<string, number> = {};
    for (const u of result.unassigned) reasons[u.reason] = (reasons[u.reason] ?? 0) + 1;
    return { closed: closed.rows.length, assigned: result.assignments.length, unassigned: result.unassigned.length, strategy, reasons };
  });
}

async function insertAssignmentEvents(tx: Tx, tenantId: string, rows: ReadonlyArray<{ debtor_id: string; user_id: string; reason: string }>, actorUserId: string | null): Promise<void> {
  if (!rows.length) return;
  await tx.sql.query(
    `insert into events (tenant_id, debtor_id, type, actor_kind, actor_user_id, data)
     select $1, x.debtor_id, 'case.assigned', case when $3::uuid is null then 'system' else 'user' end, $3,
            jsonb_build_object('userId', x.user_id, 'userName', u.name, 'reason', x.reason, 'reasonLabel', x.label)
     from jsonb_to_recordset($2::jsonb) as x (debtor_id uuid, user_id uuid, reason text, label text)
     join users u on u.id = x.user_id`,
    [tenantId, JSON.stringify(rows.map((r) => ({ ...r, label: ASSIGNMENT_REASON_LABELS[r.reason as keyof typeof ASSIGNMENT_REASON_LABELS] ?? r.reason }))), actorUserId],
  );
}

export const distributeInput = z.object({ strategy: z.enum(STRATEGIES).optional().describe('Padrão: a estratégia configurada da assessoria') });
export const distributionOutput = z.object({
  closed: z.number().int(), assigned: z.number().int(), unassigned: z.number().int(), strategy: z.enum(STRATEGIES), reasons: z.record(z.string(), z.number().int()),
});

export async function runDistribution(db: Database, actor: Actor, input: z.infer<typeof distributeInput>, asOf: IsoDate): Promise<DistributionSummary> {
  requirePermission(actor, 'distribution.write');
  return (await distributeCases(db, actor.tenantId, asOf, input.strategy ? { strategy: input.strategy } : {}))!;
}

export const reassignInput = z.object({
  debtorIds: z.array(zUuid).min(1).max(5_000),
  userId: zUuid.describe('O operador que recebe os casos'),
  overrideLimit: z.boolean().default(false).describe('Passar do limite de casos do operador (o supervisor decide)'),
});

/** Manual reassignment by a supervisor: within the target's limit and portfolios, unless told to override the limit. */
export async function reassignCases(db: Database, actor: Actor, input: z.infer<typeof reassignInput>, asOf: IsoDate): Promise<{ moved: number }> {
  requirePermission(actor, 'distribution.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    await tx.sql.query(`select pg_advisory_xact_lock(hashtext('distribution:' || $1::text))`, [actor.tenantId]);
    const collectors = await collectorsWithLoad(tx);
    const target = collectors.find((c) => c.id === input.userId);
    if (!target) throw new AppError('validation', 'Operador não encontrado (precisa ser um usuário com perfil de operador).', { field: 'userId' });
    const ids = [...new Set(input.debtorIds)];
    const { rows } = await tx.sql.query<{ debtor_id: string; open_amount_cents: string; segment: string | null; portfolio_ids: string[]; current: string | null }>(
      `select s.debtor_id, s.open_amount_cents::text, s.segment, a.user_id as current,
              array(select distinct d.portfolio_id from debts d where d.tenant_id = s.tenant_id and d.debtor_id = s.debtor_id and d.status = 'open') as portfolio_ids
       from debtor_scores s left join case_assignments a on a.tenant_id = s.tenant_id and a.debtor_id = s.debtor_id and a.status = 'active'
       where s.tenant_id = $1 and s.debtor_id = any($2::uuid[])`,
      [actor.tenantId, ids],
    );
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.debtor_id));
      throw notFound(`Caso ${ids.find((id) => !found.has(id))} (devedor sem títulos em atraso)`);
    }
    let load = { ...target };
    const moves: Array<{ debtor_id: string; user_id: string; reason: string }> = [];
    for (const r of rows) {
      if (r.current === target.id) continue;
      // A case spans portfolios: the target must serve one of them (the case's main one is among them).
      const portfolioId = target.portfolioIds.length === 0 ? r.portfolio_ids[0]! : (r.portfolio_ids.find((p) => target.portfolioIds.includes(p)) ?? r.portfolio_ids[0]!);
      const item: CaseToAssign = { id: r.debtor_id, openAmountCents: Number(r.open_amount_cents), segment: r.segment, portfolioId, previousCollectorId: r.current };
      const checked = reassign(item, input.overrideLimit ? { ...load, maxOpenCases: null } : load);
      if (!checked.ok) throw new AppError('conflict', checked.reason, { field: 'userId' });
      load = { ...load, openCases: load.openCases + 1, openAmountCents: load.openAmountCents + item.openAmountCents };
      moves.push({ debtor_id: r.debtor_id, user_id: target.id, reason: 'manual' });
    }
    if (moves.length) {
      await tx.sql.query(
        `insert into case_assignments as a (tenant_id, debtor_id, user_id, status, strategy, assigned_on)
         select $1, x.debtor_id, x.user_id, 'active', 'manual', $3 from jsonb_to_recordset($2::jsonb) as x (debtor_id uuid, user_id uuid)
         on conflict (tenant_id, debtor_id) do update set user_id = excluded.user_id, status = 'active', strategy = 'manual', assigned_on = excluded.assigned_on, closed_on = null, callback_at = null`,
        [actor.tenantId, JSON.stringify(moves), asOf],
      );
      await insertAssignmentEvents(tx, actor.tenantId, moves, actor.userId);
    }
    return { moved: moves.length };
  });
}
