import { z, zIsoDate } from '../../api/zod.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { instantAt } from '../../domain/compliance/local-time.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/**
 * The supervisor's figures per collector and team over a period of Brasília days, read live from the
 * dispositions, promises, agreements and payments:
 *  - cases worked: distinct debtors with a disposition; attempts: call attempts;
 *  - contacts per hour: attempts ÷ logged hours, a day's logged time being from its first to its last
 *    disposition plus one nominal call (5 minutes);
 *  - right-party-contact rate: RPC ÷ attempts; promise rate: promises ÷ RPC;
 *  - promises kept: kept ÷ (kept + broken), of the collector's promises judged in the period;
 *  - agreed: agreements the collector created that were accepted in the period (count, total);
 *  - received: payments in the period from the debtors the collector holds (active or last assignment).
 */
export const supervisionQuery = z.object({
  from: zIsoDate.optional().describe('Primeiro dia (padrão: hoje)'),
  to: zIsoDate.optional().describe('Último dia, inclusive (padrão: hoje)'),
});

const figures = z.object({
  casesWorked: z.number().int(),
  attempts: z.number().int(),
  answered: z.number().int(),
  rightPartyContacts: z.number().int(),
  promises: z.number().int(),
  loggedHours: z.number(),
  contactsPerHour: z.number().nullable(),
  rightPartyContactRate: z.number().nullable(),
  promiseRate: z.number().nullable(),
  promisesKept: z.number().int(),
  promisesBroken: z.number().int(),
  promiseKeptRate: z.number().nullable(),
  agreements: z.number().int(),
  agreedCents: z.number().int(),
  receivedCents: z.number().int(),
  openCases: z.number().int(),
});
export type Figures = z.infer<typeof figures>;

export const supervisionOutput = z.object({
  from: z.string(),
  to: z.string(),
  collectors: z.array(figures.extend({ userId: z.uuid(), name: z.string(), team: z.string().nullable() })),
  teams: z.array(figures.extend({ team: z.string() })),
  total: figures,
});

const NOMINAL_CALL_HOURS = 5 / 60;

/**
 * Restricts the figures to the debtors of a creditor, a portfolio or a segment (the management
 * dashboard's filters): calls and open cases of debtors with a debt in scope; promises, agreements
 * and payments of the scope itself. Without a filter the statement is the plain per-tenant one.
 */
export interface CollectorScope {
  creditorId?: string | null | undefined;
  portfolioId?: string | null | undefined;
  segment?: string | null | undefined;
}

function supervisionSql(filtered: boolean): string {
  // $7 creditor, $8 portfolio, $9 segment (each null for "any")
  const debtorIn = (column: string) => (filtered ? ` and ${column} in (select debtor_id from scope)` : '');
  const scope = filtered
    ? `scope as materialized (
    select distinct d.debtor_id from debts d
    where d.tenant_id = $1 and ($7::uuid is null or d.creditor_id = $7) and ($8::uuid is null or d.portfolio_id = $8)
      and ($9::text is null or d.debtor_id in (select s.debtor_id from debtor_scores s where s.tenant_id = $1 and s.segment = $9))
  ), `
    : '';
  const promiseScope = filtered ? ` and ($7::uuid is null or p.creditor_id = $7) and ($8::uuid is null or exists (select 1 from debts pd where pd.tenant_id = p.tenant_id and pd.id = any(p.debt_ids) and pd.portfolio_id = $8))` : '';
  const agreementScope = filtered ? ` and ($7::uuid is null or a.creditor_id = $7) and ($8::uuid is null or a.portfolio_id = $8)` : '';
  // a payment's portfolio: its agreement's, or its debt's
  const paymentScope = filtered
    ? ` and ($7::uuid is null or p.creditor_id = $7) and ($8::uuid is null or coalesce(
         (select pa.portfolio_id from agreements pa where pa.tenant_id = p.tenant_id and pa.id = p.agreement_id),
         (select pd.portfolio_id from debts pd where pd.tenant_id = p.tenant_id and pd.id = p.debt_id)) = $8)`
    : '';
  return `
  with ${scope}c as (
    select u.id, u.name, col.team from users u left join collectors col on col.tenant_id = u.tenant_id and col.user_id = u.id
    where u.tenant_id = $1 and u.role = 'collector'
  ), disp as (
    select x.user_id, count(distinct x.debtor_id)::int as cases, count(*) filter (where x.attempt)::int as attempts,
           count(*) filter (where x.answered)::int as answered, count(*) filter (where x.right_party)::int as rpc,
           count(*) filter (where x.code = 'promise')::int as promises
    from dispositions x where x.tenant_id = $1 and x.at >= $2 and x.at < $3${debtorIn('x.debtor_id')} group by x.user_id
  ), days as (
    select x.user_id, extract(epoch from max(x.at) - min(x.at)) / 3600 + $6::float8 as hours
    from dispositions x where x.tenant_id = $1 and x.at >= $2 and x.at < $3${debtorIn('x.debtor_id')}
    group by x.user_id, (x.at at time zone 'America/Sao_Paulo')::date
  ), hours as (select user_id, sum(hours)::float8 as hours from days group by user_id),
  prom as (
    select p.taken_by as user_id, count(*) filter (where p.status = 'kept')::int as kept, count(*) filter (where p.status = 'broken')::int as broken
    from promises p where p.tenant_id = $1 and p.resolved_on between $4 and $5${promiseScope}${debtorIn('p.debtor_id')} group by p.taken_by
  ), agr as (
    select a.created_by as user_id, count(*)::int as n, sum(a.total_cents)::text as total
    from agreements a where a.tenant_id = $1 and a.accepted_at >= $2 and a.accepted_at < $3${agreementScope}${debtorIn('a.debtor_id')} group by a.created_by
  ), rec as (
    select ca.user_id, sum(p.applied_cents)::text as received
    from payments p join case_assignments ca on ca.tenant_id = p.tenant_id and ca.debtor_id = p.debtor_id
    where p.tenant_id = $1 and p.paid_on between $4 and $5${paymentScope}${debtorIn('p.debtor_id')} group by ca.user_id
  ), open as (
    select user_id, count(*)::int as n from case_assignments where tenant_id = $1 and status = 'active'${debtorIn('debtor_id')} group by user_id
  )
  select c.id, c.name, c.team, coalesce(disp.cases, 0) as cases, coalesce(disp.attempts, 0) as attempts, coalesce(disp.answered, 0) as answered,
         coalesce(disp.rpc, 0) as rpc, coalesce(disp.promises, 0) as promises, coalesce(hours.hours, 0) as hours,
         coalesce(prom.kept, 0) as kept, coalesce(prom.broken, 0) as broken, coalesce(agr.n, 0) as agreements, coalesce(agr.total, '0') as agreed,
         coalesce(rec.received, '0') as received, coalesce(open.n, 0) as open_cases
  from c left join disp on disp.user_id = c.id left join hours on hours.user_id = c.id left join prom on prom.user_id = c.id
  left join agr on agr.user_id = c.id left join rec on rec.user_id = c.id left join open on open.user_id = c.id
  order by c.name, c.id`;
}

/** One collector's counts in the period (integers; centavos as bigint text). */
export interface CollectorRow {
  id: string; name: string; team: string | null; cases: number; attempts: number; answered: number; rpc: number; promises: number; hours: number;
  kept: number; broken: number; agreements: number; agreed: string; received: string; open_cases: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

function figuresOf(rows: readonly CollectorRow[]): Figures {
  const sum = (f: (r: CollectorRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const attempts = sum((r) => r.attempts);
  const rpc = sum((r) => r.rpc);
  const hours = sum((r) => r.hours);
  const kept = sum((r) => r.kept);
  const broken = sum((r) => r.broken);
  const promises = sum((r) => r.promises);
  return {
    casesWorked: sum((r) => r.cases), attempts, answered: sum((r) => r.answered), rightPartyContacts: rpc, promises,
    loggedHours: Math.round(hours * 100) / 100, contactsPerHour: hours > 0 ? Math.round((attempts / hours) * 100) / 100 : null,
    rightPartyContactRate: ratio(rpc, attempts), promiseRate: ratio(promises, rpc), promisesKept: kept, promisesBroken: broken, promiseKeptRate: ratio(kept, kept + broken),
    agreements: sum((r) => r.agreements),
    // integer centavos, summed exactly (BigInt) before leaving the database's text
    agreedCents: Number(rows.reduce((s, r) => s + BigInt(r.agreed), 0n)),
    receivedCents: Number(rows.reduce((s, r) => s + BigInt(r.received), 0n)),
    openCases: sum((r) => r.open_cases),
  };
}

/** The raw per-collector counts of a period of Brasília days, in the caller's transaction (the dashboard ranks collectors with them). */
export async function collectorFigures(tx: Tx, tenantId: string, period: { from: IsoDate; to: IsoDate }, scope: CollectorScope = {}): Promise<CollectorRow[]> {
  const start = instantAt(period.from, 0, 'America/Sao_Paulo');
  const end = instantAt(addDays(period.to, 1), 0, 'America/Sao_Paulo');
  const filtered = !!(scope.creditorId || scope.portfolioId || scope.segment);
  const params: unknown[] = [tenantId, start, end, period.from, period.to, NOMINAL_CALL_HOURS];
  if (filtered) params.push(scope.creditorId ?? null, scope.portfolioId ?? null, scope.segment ?? null);
  const { rows } = await tx.sql.query<CollectorRow>(supervisionSql(filtered), params);
  return rows;
}

export async function supervision(db: Database, actor: Actor, query: z.infer<typeof supervisionQuery>, today: IsoDate): Promise<z.infer<typeof supervisionOutput>> {
  requirePermission(actor, 'supervision.read');
  const from = query.from ?? today;
  const to = query.to ?? today;
  if (to < from) throw new AppError('validation', 'O fim do período é anterior ao início.', { field: 'to' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const rows = await collectorFigures(tx, actor.tenantId, { from, to });
    const teams = new Map<string, CollectorRow[]>();
    for (const r of rows) if (r.team) teams.set(r.team, [...(teams.get(r.team) ?? []), r]);
    return {
      from, to,
      collectors: rows.map((r) => ({ userId: r.id, name: r.name, team: r.team, ...figuresOf([r]) })),
      teams: [...teams].sort(([a], [b]) => (a < b ? -1 : 1)).map(([team, members]) => ({ team, ...figuresOf(members) })),
      total: figuresOf(rows),
    };
  });
}
