import { AGING_BUCKETS, CONVERSION_WINDOW_DAYS, type Granularity, type Period, type RollTransition } from '../../domain/analytics/index.ts';
import { centsOf } from '../../domain/analytics/rates.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { instantAt } from '../../domain/compliance/local-time.ts';
import type { Tx } from '../../store/database.ts';

/**
 * The dashboard's reads: grouped SQL, one statement per figure, each returning a handful of rows
 * whatever the size of the portfolio (docs/dashboard.md defines every figure). Dates are Brasília
 * days: a timestamp counts on its day in America/Sao_Paulo; a period is [from 00:00, to + 1 00:00).
 *
 * Every statement starts from the same filter, as parameters $1–$4: tenant, creditor, portfolio and
 * segment (null = any). Row-level security applies on top: a creditor viewer reads only its creditor.
 */
export interface DashboardScope {
  tenantId: string;
  creditorId: string | null;
  portfolioId: string | null;
  segment: string | null;
}

const TZ = `'America/Sao_Paulo'`;
const day = (column: string) => `(${column} at time zone ${TZ})::date`;

/** The index in AGING_BUCKETS of an integer number of days past due (mirrors agingBucketIndex). */
export function agingBucketSql(daysPastDue: string): string {
  const whens = AGING_BUCKETS.flatMap((b, i) => (b.maxDays === null ? [] : [`when ${daysPastDue} <= ${b.maxDays} then ${i}`]));
  return `(case ${whens.join(' ')} else ${AGING_BUCKETS.length - 1} end)`;
}

/** The debtors of the segment now ($4), a set for `in (…)`. */
const SEGMENT_DEBTORS = `select s.debtor_id from debtor_scores s where s.tenant_id = $1 and s.segment = $4`;

/**
 * The filtered debts with the days that matter for their state on any date: placed (created), and,
 * for a debt paid, settled or cancelled, the day its status last changed (it stays so); and the
 * days accepted agreements held them — a multirange of [accepted day, closing day) — with the days
 * those agreements were accepted. Everything after is row-local: no join on dates.
 */
const DEBTS_CTE = `
  fd as materialized (
    select d.id, d.debtor_id, d.due_date, d.original_amount_cents as face, d.status,
           ${day('d.created_at')} as placed_on,
           case when d.status in ('paid', 'settled', 'cancelled') then ${day('d.status_changed_at')} end as closed_on,
           h.held, coalesce(h.starts, '{}') as held_starts
    from debts d
    left join (
      select ad.debt_id, range_agg(daterange(${day('a.accepted_at')}, ${day('a.closed_at')}, '[)')) as held, array_agg(${day('a.accepted_at')}) as starts
      from agreements a join agreement_debts ad on ad.tenant_id = a.tenant_id and ad.agreement_id = a.id
      where a.tenant_id = $1 and a.accepted_at is not null
      group by ad.debt_id
    ) h on h.debt_id = d.id
    where d.tenant_id = $1 and ($2::uuid is null or d.creditor_id = $2) and ($3::uuid is null or d.portfolio_id = $3)
      and ($4::text is null or d.debtor_id in (${SEGMENT_DEBTORS}))
  )`;

/** Held by an agreement at the close of `x`. */
const heldOn = (x: string) => `coalesce(fd.held @> (${x})::date, false)`;
/** Outstanding (placed, not settled) at the close of `x`. */
const outstandingOn = (x: string) => `fd.placed_on <= ${x} and (fd.closed_on is null or fd.closed_on > ${x})`;

function scopeParams(scope: DashboardScope): unknown[] {
  return [scope.tenantId, scope.creditorId, scope.portfolioId, scope.segment];
}

/** Brasília instants of the period's edges. */
export function instantsOf(period: Period): { start: Date; end: Date } {
  return { start: instantAt(period.from, 0, 'America/Sao_Paulo'), end: instantAt(addDays(period.to, 1), 0, 'America/Sao_Paulo') };
}

// ─── The portfolio's state: summary, aging, roll and cure rates ──────────────────────────────

export interface StateGroup {
  day: IsoDate;
  held: boolean;
  bucket: number;
  debts: number;
  amountCents: number;
}

export interface PortfolioFigures {
  /** Debts outstanding (placed, not settled) at the close of each day asked, by held (under an agreement) or open, and aging bucket that day. */
  states: StateGroup[];
  /** Debtors with at least one open debt (outstanding, not held) at the close of `to`. */
  debtorsOpenAtEnd: number;
  /** Debts placed (created) in the period. */
  placed: { debts: number; amountCents: number };
  /**
   * For each month [m0, m1): the debts open at the close of m0 − 1, by their bucket on m0, and where
   * each is at the close of m1 − 1 — cured (paid or settled in the month, or an agreement accepted
   * in it), closed (cancelled in the month), or open in some bucket on m1.
   */
  roll: RollTransition[];
}

/** Everything read from the debts' states, in one statement (the filtered debts are read once). */
export async function portfolioFigures(tx: Tx, scope: DashboardScope, period: Period, days: readonly IsoDate[], months: ReadonlyArray<{ start: IsoDate; next: IsoDate }>): Promise<PortfolioFigures> {
  const { rows } = await tx.sql.query<{ kind: string; day: string | null; held: boolean | null; bucket: number | null; to_state: string | null; n: number; cents: string | null }>(
    `with ${DEBTS_CTE},
     st as (
       select x.day, fd.face, fd.due_date, ${heldOn('x.day')} as held
       from unnest($5::date[]) as x (day)
       join fd on ${outstandingOn('x.day')}
     ),
     pop as (
       select mo.m0, mo.m1, fd.*
       from unnest($8::date[], $9::date[]) as mo (m0, m1)
       join fd on ${outstandingOn('mo.m0 - 1')} and not ${heldOn('mo.m0 - 1')}
     )
     select 'state' as kind, day::text as day, held, ${agingBucketSql('day - due_date')} as bucket, null::text as to_state, count(*)::int as n, sum(face)::text as cents
     from st group by 2, 3, 4
     union all
     select 'debtors', null, null, null, null, count(distinct fd.debtor_id)::int, null
     from fd where ${outstandingOn('$7::date')} and not ${heldOn('$7::date')}
     union all
     select 'placed', null, null, null, null, count(*)::int, sum(face)::text
     from fd where fd.placed_on between $6::date and $7::date
     union all
     select 'roll', pop.m0::text, null, ${agingBucketSql('pop.m0 - pop.due_date')},
            case when exists (select 1 from unnest(pop.held_starts) s (day) where s.day >= pop.m0 and s.day < pop.m1)
                      or (pop.closed_on < pop.m1 and pop.status in ('paid', 'settled')) then 'cured'
                 when pop.closed_on < pop.m1 then 'closed'
                 else ${agingBucketSql('pop.m1 - pop.due_date')}::text end,
            count(*)::int, sum(pop.face)::text
     from pop group by 2, 4, 5`,
    [...scopeParams(scope), [...days], period.from, period.to, months.map((m) => m.start), months.map((m) => m.next)],
  );
  const one = (kind: string) => rows.find((r) => r.kind === kind)!;
  return {
    states: rows.filter((r) => r.kind === 'state').map((r) => ({ day: r.day!, held: r.held!, bucket: r.bucket!, debts: r.n, amountCents: centsOf(r.cents) })),
    debtorsOpenAtEnd: one('debtors').n,
    placed: { debts: one('placed').n, amountCents: centsOf(one('placed').cents) },
    roll: rows.filter((r) => r.kind === 'roll').map((r) => ({
      month: r.day!, from: r.bucket!, to: r.to_state === 'cured' || r.to_state === 'closed' ? r.to_state : Number(r.to_state), debts: r.n, amountCents: centsOf(r.cents),
    })),
  };
}

// ─── Money and agreements over time ───────────────────────────────────────────────────────────

/** A payment in scope: its creditor, and its portfolio — its agreement's, or its debt's. */
const PAYMENT_SCOPE = `
  ($2::uuid is null or p.creditor_id = $2)
  and ($3::uuid is null or coalesce(
    (select pa.portfolio_id from agreements pa where pa.tenant_id = p.tenant_id and pa.id = p.agreement_id),
    (select pd.portfolio_id from debts pd where pd.tenant_id = p.tenant_id and pd.id = p.debt_id)) = $3)
  and ($4::text is null or p.debtor_id in (${SEGMENT_DEBTORS}))`;

const AGREEMENT_SCOPE = `($2::uuid is null or a.creditor_id = $2) and ($3::uuid is null or a.portfolio_id = $3) and ($4::text is null or a.debtor_id in (${SEGMENT_DEBTORS}))`;

/** Payments received in the period, per month or week: what they applied (excess aside) and how many. */
export async function paymentsByBucket(tx: Tx, scope: DashboardScope, period: Period, granularity: Granularity): Promise<Array<{ start: IsoDate; amountCents: number; payments: number }>> {
  const { rows } = await tx.sql.query<{ start: string; cents: string; n: number }>(
    `select date_trunc($7::text, p.paid_on::timestamp)::date::text as start, sum(p.applied_cents)::text as cents, count(*)::int as n
     from payments p
     where p.tenant_id = $1 and p.paid_on between $5::date and $6::date and ${PAYMENT_SCOPE}
     group by 1`,
    [...scopeParams(scope), period.from, period.to, granularity],
  );
  return rows.map((r) => ({ start: r.start, amountCents: centsOf(r.cents), payments: r.n }));
}

/** Agreements accepted in the period, per month or week. */
export async function agreementsByBucket(tx: Tx, scope: DashboardScope, period: Period, granularity: Granularity): Promise<Array<{ start: IsoDate; agreements: number }>> {
  const { start, end } = instantsOf(period);
  const { rows } = await tx.sql.query<{ start: string; n: number }>(
    `select date_trunc($7::text, ${day('a.accepted_at')}::timestamp)::date::text as start, count(*)::int as n
     from agreements a
     where a.tenant_id = $1 and a.accepted_at >= $5 and a.accepted_at < $6 and ${AGREEMENT_SCOPE}
     group by 1`,
    [...scopeParams(scope), start, end, granularity],
  );
  return rows.map((r) => ({ start: r.start, agreements: r.n }));
}

export interface AgreementFigures {
  made: number;
  madeCents: number;
  fulfilled: number;
  broken: number;
  activeAtEnd: number;
  promisesMade: number;
  promisesKept: number;
  promisesBroken: number;
}

/** Agreements accepted, fulfilled and broken in the period, held at its end; promises made, kept and broken. */
export async function agreementFigures(tx: Tx, scope: DashboardScope, period: Period): Promise<AgreementFigures> {
  const { start, end } = instantsOf(period);
  const { rows } = await tx.sql.query<{ made: number; made_cents: string | null; fulfilled: number; broken: number; active: number; p_made: number; p_kept: number; p_broken: number }>(
    `with ag as (
       select a.status, a.accepted_at, a.closed_at, a.broken_on, a.total_cents from agreements a
       where a.tenant_id = $1 and a.accepted_at is not null and a.accepted_at < $6 and ${AGREEMENT_SCOPE}
     ), pr as (
       select p.status, p.created_on, p.resolved_on from promises p
       where p.tenant_id = $1 and ($2::uuid is null or p.creditor_id = $2)
         and ($3::uuid is null or exists (select 1 from debts pd where pd.tenant_id = p.tenant_id and pd.id = any(p.debt_ids) and pd.portfolio_id = $3))
         and ($4::text is null or p.debtor_id in (${SEGMENT_DEBTORS}))
         and (p.created_on between $7::date and $8::date or p.resolved_on between $7::date and $8::date)
     )
     select (select count(*) from ag where accepted_at >= $5)::int as made,
            (select sum(total_cents) from ag where accepted_at >= $5)::text as made_cents,
            (select count(*) from ag where status = 'fulfilled' and closed_at >= $5 and closed_at < $6)::int as fulfilled,
            (select count(*) from ag where status = 'broken' and broken_on between $7::date and $8::date)::int as broken,
            (select count(*) from ag where closed_at is null or closed_at >= $6)::int as active,
            (select count(*) from pr where created_on between $7::date and $8::date)::int as p_made,
            (select count(*) from pr where status = 'kept' and resolved_on between $7::date and $8::date)::int as p_kept,
            (select count(*) from pr where status = 'broken' and resolved_on between $7::date and $8::date)::int as p_broken`,
    [...scopeParams(scope), start, end, period.from, period.to],
  );
  const r = rows[0]!;
  return { made: r.made, madeCents: centsOf(r.made_cents), fulfilled: r.fulfilled, broken: r.broken, activeAtEnd: r.active, promisesMade: r.p_made, promisesKept: r.p_kept, promisesBroken: r.p_broken };
}

// ─── Funnel ───────────────────────────────────────────────────────────────────────────────────

export interface FunnelGroups {
  population: number;
  reached: [number, number, number, number, number];
  direct: [number, number, number, number, number];
}

/** An action in scope: its creditor, and its portfolio (its debt's). */
const ACTION_SCOPE = `($2::uuid is null or a.creditor_id = $2)
  and ($3::uuid is null or exists (select 1 from debts ad where ad.tenant_id = a.tenant_id and ad.id = a.debt_id and ad.portfolio_id = $3))
  and ($4::text is null or a.debtor_id in (${SEGMENT_DEBTORS}))`;

/**
 * The funnel's evidence per debtor of the population (debtors with a debt outstanding at some
 * moment of the period), as flags, then counted: reached = furthest stage ≥ k, direct = stage k's
 * own evidence. `withSimulations`: offers simulated (read from the audit log, which records them
 * per debtor) count as offers — off for a creditor viewer (the log does not say for which creditor).
 */
export async function funnelGroups(tx: Tx, scope: DashboardScope, period: Period, withSimulations: boolean): Promise<FunnelGroups> {
  const { start, end } = instantsOf(period);
  const { rows } = await tx.sql.query<Record<string, number>>(
    `with pop as (
       select distinct d.debtor_id from debts d
       where d.tenant_id = $1 and ($2::uuid is null or d.creditor_id = $2) and ($3::uuid is null or d.portfolio_id = $3)
         and ($4::text is null or d.debtor_id in (${SEGMENT_DEBTORS}))
         and d.created_at < $6 and not (d.status in ('paid', 'settled', 'cancelled') and d.status_changed_at < $5)
     ),
     ev as (
       select dl.debtor_id, case when dl.status = 'read' then 2 else 1 end as stage
       from deliveries dl join actions a on a.tenant_id = dl.tenant_id and a.id = dl.action_id
       where dl.tenant_id = $1 and dl.attempted_at >= $5 and dl.attempted_at < $6 and ${ACTION_SCOPE}
         and ((dl.channel in ('email', 'sms', 'whatsapp', 'letter') and dl.status in ('sent', 'delivered', 'read'))
              or (dl.channel = 'voice' and dl.status in ('delivered', 'read')))
       union all
       select dl.debtor_id, 1 from deliveries dl join actions a on a.tenant_id = dl.tenant_id and a.id = dl.action_id
       where dl.tenant_id = $1 and dl.status = 'read' and dl.attempted_at >= $5 and dl.attempted_at < $6 and ${ACTION_SCOPE}
       union all
       select x.debtor_id, case when x.right_party then 2 else 1 end from dispositions x
       where x.tenant_id = $1 and x.at >= $5 and x.at < $6 and x.attempt
       union all
       select x.debtor_id, 1 from dispositions x
       where x.tenant_id = $1 and x.at >= $5 and x.at < $6 and x.attempt and x.right_party
       union all
       select a.debtor_id, 3 from agreements a where a.tenant_id = $1 and a.created_at >= $5 and a.created_at < $6 and ${AGREEMENT_SCOPE}
       union all
       select s.debtor_id, 3 from audit_log l cross join lateral unnest(l.subject_ids) as s (debtor_id)
       where $9::boolean and l.tenant_id = $1 and l.resource = 'offers' and l.action = 'read' and l.at >= $5 and l.at < $6
       union all
       select a.debtor_id, 4 from agreements a where a.tenant_id = $1 and a.accepted_at >= $5 and a.accepted_at < $6 and ${AGREEMENT_SCOPE}
       union all
       select p.debtor_id, 5 from payments p where p.tenant_id = $1 and p.paid_on between $7::date and $8::date and ${PAYMENT_SCOPE}
     ),
     f as (
       select pop.debtor_id, coalesce(max(ev.stage), 0) as furthest,
              coalesce(bool_or(ev.stage = 1), false) as c1, coalesce(bool_or(ev.stage = 2), false) as c2, coalesce(bool_or(ev.stage = 3), false) as c3,
              coalesce(bool_or(ev.stage = 4), false) as c4, coalesce(bool_or(ev.stage = 5), false) as c5
       from pop left join ev on ev.debtor_id = pop.debtor_id
       group by pop.debtor_id
     )
     select count(*)::int as population,
            count(*) filter (where furthest >= 1)::int as r1, count(*) filter (where furthest >= 2)::int as r2, count(*) filter (where furthest >= 3)::int as r3,
            count(*) filter (where furthest >= 4)::int as r4, count(*) filter (where furthest >= 5)::int as r5,
            count(*) filter (where c1)::int as d1, count(*) filter (where c2)::int as d2, count(*) filter (where c3)::int as d3,
            count(*) filter (where c4)::int as d4, count(*) filter (where c5)::int as d5
     from f`,
    [...scopeParams(scope), start, end, period.from, period.to, withSimulations],
  );
  const r = rows[0]!;
  return { population: r.population!, reached: [r.r1!, r.r2!, r.r3!, r.r4!, r.r5!], direct: [r.d1!, r.d2!, r.d3!, r.d4!, r.d5!] };
}

// ─── Dunning effectiveness ────────────────────────────────────────────────────────────────────

export interface EffectivenessGroup {
  stepId: string | null;
  stage: string | null;
  channel: string;
  template: string | null;
  sent: number;
  delivered: number;
  failed: number;
  debtorsReached: number;
  debtorsConverted: number;
}

/**
 * The schedule's actions that went out (a delivery exists) or failed, sent in the period (the day of
 * the delivery, else the day the step fell due), per step and per channel: sent, delivered, failed,
 * distinct debtors reached and, of those, who paid the action's creditor or accepted an agreement
 * with it from the day of the message through CONVERSION_WINDOW_DAYS days later.
 */
export async function effectivenessGroups(tx: Tx, scope: DashboardScope, period: Period): Promise<{ steps: EffectivenessGroup[]; channels: EffectivenessGroup[] }> {
  const { rows } = await tx.sql.query<{ by_channel: number; step_id: string | null; stage: string | null; channel: string; template: string | null; sent: number; delivered: number; failed: number; reached: number; converted: number }>(
    `with acts as materialized (
       select a.id, a.debtor_id, a.creditor_id, a.step_id, a.stage, a.channel, a.template, a.status as astatus, dl.status as dstatus,
              coalesce(${day('dl.attempted_at')}, a.due_on) as sent_on
       from actions a
       left join deliveries dl on dl.tenant_id = a.tenant_id and dl.action_id = a.id
       where a.tenant_id = $1 and ${ACTION_SCOPE}
         and (dl.action_id is not null or a.status = 'failed')
         and coalesce(${day('dl.attempted_at')}, a.due_on) between $5::date and $6::date
     ), converted as (
       select f.*, f.reached and (
         exists (select 1 from payments p where p.tenant_id = $1 and p.debtor_id = f.debtor_id and p.creditor_id = f.creditor_id
                 and p.paid_on between f.sent_on and f.sent_on + $7::int)
         or exists (select 1 from agreements g where g.tenant_id = $1 and g.debtor_id = f.debtor_id and g.creditor_id = f.creditor_id
                 and g.accepted_at is not null and ${day('g.accepted_at')} between f.sent_on and f.sent_on + $7::int)) as converted
       from (select acts.*, coalesce(acts.dstatus in ('sent', 'delivered', 'read'), false) as reached from acts) f
     )
     select grouping(step_id, stage, template) as by_channel, step_id, stage, channel, template,
            count(*) filter (where dstatus in ('sent', 'delivered', 'read', 'undelivered'))::int as sent,
            count(*) filter (where dstatus in ('delivered', 'read'))::int as delivered,
            count(*) filter (where astatus = 'failed' or dstatus in ('failed', 'undelivered'))::int as failed,
            count(distinct debtor_id) filter (where reached)::int as reached,
            count(distinct debtor_id) filter (where converted)::int as converted
     from converted
     group by grouping sets ((step_id, stage, channel, template), (channel))
     order by by_channel, channel, step_id`,
    [...scopeParams(scope), period.from, period.to, CONVERSION_WINDOW_DAYS],
  );
  const groups = rows.map((r) => ({
    byChannel: r.by_channel !== 0, stepId: r.step_id, stage: r.stage, channel: r.channel, template: r.template,
    sent: r.sent, delivered: r.delivered, failed: r.failed, debtorsReached: r.reached, debtorsConverted: r.converted,
  }));
  const strip = ({ byChannel: _, ...g }: (typeof groups)[number]): EffectivenessGroup => g;
  return { steps: groups.filter((g) => !g.byChannel).map(strip).sort((a, b) => (a.stepId! < b.stepId! ? -1 : 1)), channels: groups.filter((g) => g.byChannel).map(strip) };
}
