import { runEscalation, type EscalationSummary } from '../escalation/escalation-run.ts';
import type { BureauAdapter } from '../escalation/bureau-adapter.ts';
import { disputedDebt, optOut, overIndebtedness, prescribedDebt, whatsappOptIn, type Channel, type ProposedAction, type RuleCheck } from '../../domain/compliance/rules.ts';
import { isUf, type Uf } from '../../brazil/uf.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { storedDebtKind } from '../../domain/debt-kinds.ts';
import { evaluateSchedule, type Anchor, type CaseState, type Schedule } from '../../domain/dunning/schedule.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { ActionTable } from '../../store/schema.ts';
import { followUpAgreements, type FollowUpSummary } from '../negotiation/follow-up.ts';
import { runScoring, type ScoreRunSummary } from '../scoring/score-run.ts';
import { distributeCases, type DistributionSummary } from '../workspace/distribution.ts';

/**
 * The daily run (`recupera run --as-of`): first the follow-up of agreements and promises
 * (`followUpAgreements`); then, for every open debt of every portfolio with a schedule,
 * the steps that fell due since the last completed run become actions in the outbox — planned,
 * or blocked/skipped/stopped with the rule that says why. Per tenant, in chunks of debts ordered
 * by (due date, portfolio, id): each chunk commits its actions and the cursor together, so a run killed at any point
 * resumes after the last committed chunk; a unique key on (debt, schedule, step, day) makes a
 * second run of the same day create nothing.
 */
export interface DailyRunOptions {
  asOf: IsoDate;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Test hook: stop (as a crash would) after this many committed chunks. */
  crashAfterChunks?: number;
  /** The credit bureau the listings go to (none: listings wait as requested), and the name the schedule's listings take. */
  bureau?: BureauAdapter | null;
  bureauName?: string;
  /** Debtors per scoring chunk (default 5,000). */
  scoringChunkSize?: number;
}

export interface DailyRunSummary {
  asOf: IsoDate;
  tenants: number;
  debtsSeen: number;
  newActions: number;
  byStatus: Record<string, number>;
  resumed: boolean;
  /** Agreements and promises settled before planning: expired proposals, breaches, promises kept or broken. */
  followUp: FollowUpSummary;
  /** Scores and segments recomputed (before planning: schedules are chosen by segment). */
  scoring: ScoreRunSummary;
  /** New cases distributed to collectors, per tenant whose distribution is automatic. */
  distribution: { assigned: number; closed: number; unassigned: number };
  /** Bureau and protest steps turned into listings and protest candidates; listings and protests moved along (removals after payment). */
  escalation?: EscalationSummary;
  /** Where the time went, in milliseconds: reading candidates, planning in Node, writing actions and events. */
  timings: { read: number; plan: number; write: number; total: number };
}

/** Rules the plan can apply for a whole day; contact hours and caps are checked when an action is sent. */
const PLANNING_RULES: readonly RuleCheck[] = [prescribedDebt, disputedDebt, optOut, whatsappOptIn, overIndebtedness];

interface DebtRow {
  id: string;
  status: string;
  debtor_id: string;
  creditor_id: string;
  portfolio_id: string;
  due_date: string;
  original_amount_cents: number;
  document_kind: string;
  disputed: boolean;
  prescription_interrupted_on: string | null;
  kind: 'pf' | 'pj';
  uf: string | null;
  city: string | null;
  over_indebted: boolean;
  has_email: boolean | null;
  has_mobile: boolean | null;
  has_phone: boolean | null;
  has_address: boolean | null;
  whatsapp: boolean | null;
  opted_out: string[] | null;
  segment: string | null;
  band: string | null;
  deceased: boolean;
  challenger_of: string[] | null;
}

/** An outbox row as the run writes it (the database adds tenant, id, run date). */
export type PlannedAction = Omit<ActionTable, 'tenant_id' | 'id' | 'run_date' | 'deliver_after' | 'attempts' | 'created_at' | 'status' | 'installment_id'> & {
  status: 'planned' | 'blocked' | 'skipped' | 'stopped';
  installment_id?: string | null;
};

/**
 * Steps anchored on an event instead of the debt's due date: the dates of the events, and, for an
 * installment reminder, the installment — whose agreement is a new obligation, so the original
 * debt's prescription and dispute do not stop it.
 */
export interface EventAnchor {
  events: CaseState['events'];
  installmentId?: string;
}

/** Pure: the actions of one debt for the window (since, asOf]. */
export function planDebt(row: DebtRow, schedule: Schedule, since: IsoDate | null, asOf: IsoDate, anchor?: EventAnchor): PlannedAction[] {
  const uf: Uf | null = row.uf && isUf(row.uf) ? row.uf : null;
  const optedOut = (row.opted_out ?? []) as Channel[];
  const reachable: Channel[] = ['task', 'legal'];
  if (row.has_email) reachable.push('email');
  if (row.has_mobile) reachable.push('sms');
  if (row.has_phone) reachable.push('voice');
  if (row.whatsapp) reachable.push('whatsapp');
  if (row.has_address) reachable.push('letter', 'bureau', 'protest');
  const consented = reachable.filter((c) => !optedOut.includes(c));
  const installment = anchor?.installmentId !== undefined;
  const prescriptionDate = installment ? '9999-12-31' : prescriptionOf({ kind: storedDebtKind(row.document_kind), dueDate: row.due_date, interruptedOn: row.prescription_interrupted_on }).prescriptionDate;
  const disputed = !installment && row.disputed;
  const state: CaseState = {
    dueDate: row.due_date,
    amountCents: row.original_amount_cents,
    debtorKind: row.kind,
    uf,
    scoreBand: row.band,
    events: anchor?.events ?? {},
    // Over-indebtedness suspends only restrictive steps (the guard's rule), not the reminders.
    flags: { disputed, over_indebted: false, prescribed: prescriptionDate <= asOf },
    consentedChannels: consented,
  };
  return evaluateSchedule(schedule, state, since, asOf).map((decision) => {
    const base = {
      ...(installment ? { installment_id: anchor!.installmentId! } : {}),
      debt_id: row.id, debtor_id: row.debtor_id, creditor_id: row.creditor_id, schedule_id: schedule.id, schedule_version: schedule.version,
      step_id: decision.step.id, due_on: decision.due, stage: decision.step.stage, channel: decision.step.action, template: decision.step.template,
    };
    if (decision.outcome !== 'due') return { ...base, status: decision.outcome, rule: decision.reason, reason: null };
    // A deceased debtor (a collector's disposition) is not collected by the schedule: the estate is another proceeding.
    if (row.deceased) return { ...base, status: 'stopped' as const, rule: 'deceased', reason: 'Devedor falecido (tabulação do operador): cobrança suspensa.' };
    const action: ProposedAction = {
      // Midday in Brasília (15:00 UTC) falls on the same date in every Brazilian time zone.
      at: new Date(`${decision.due}T15:00:00Z`),
      channel: decision.step.action,
      purpose: 'collect',
      recipient: { kind: 'debtor', uf, city: row.city, optedOutChannels: optedOut, whatsappOptIn: !!row.whatsapp },
      debt: { prescriptionDate, disputed },
      debtor: { overIndebted: row.over_indebted },
      history: [],
    };
    for (const rule of PLANNING_RULES) {
      const block = rule(action, undefined as never);
      if (block) return { ...base, status: 'blocked' as const, rule: block.rule, reason: `${block.reason} (${block.source})` };
    }
    return { ...base, status: 'planned' as const, rule: null, reason: null };
  });
}

/** The window of a run starts at the last completed run before it; the first run plans its own day. */
async function windowStart(tx: Tx, tenantId: string, asOf: IsoDate): Promise<IsoDate> {
  const existing = await tx.db.selectFrom('daily_runs').select('since').where('tenant_id', '=', tenantId).where('run_date', '=', asOf).executeTakeFirst();
  if (existing?.since) return existing.since;
  const last = await tx.db.selectFrom('daily_runs').select('run_date').where('tenant_id', '=', tenantId).where('status', '=', 'completed').where('run_date', '<', asOf).orderBy('run_date', 'desc').executeTakeFirst();
  return last?.run_date ?? addDays(asOf, -1);
}

/**
 * The schedules of each portfolio: the general one and one per segment; a running champion/challenger
 * experiment of a segment sends its challenger arm to the challenger schedule.
 */
export interface PortfolioSchedules {
  general: Schedule | null;
  bySegment: Map<string, Schedule>;
  byId: Map<string, Schedule>;
  experiments: Map<string, { id: string; championId: string; challengerId: string }>;
  /** Every step of every schedule of the portfolio: which due dates and event days to read. */
  union: Schedule;
}

async function schedulesOf(tx: Tx): Promise<Map<string, PortfolioSchedules>> {
  const { rows } = await tx.sql.query<{ id: string; portfolio_id: string; segment: string | null; name: string; version: number; steps: Schedule['steps']; stop_conditions: Schedule['stopConditions'] }>(
    `select s.id, s.portfolio_id, s.segment, s.name, v.version, v.steps, v.stop_conditions
     from schedules s join schedule_versions v on v.tenant_id = s.tenant_id and v.schedule_id = s.id and v.version = s.current_version`,
  );
  const experiments = await tx.db.selectFrom('experiments').select(['id', 'portfolio_id', 'segment', 'champion_id', 'challenger_id']).where('status', '=', 'running').where('kind', '=', 'schedule').execute();
  const byPortfolio = new Map<string, PortfolioSchedules>();
  for (const r of rows) {
    const set = byPortfolio.get(r.portfolio_id) ?? { general: null, bySegment: new Map(), byId: new Map(), experiments: new Map(), union: { id: 'union', version: 0, name: '', steps: [], stopConditions: [] } };
    const schedule: Schedule = { id: r.id, version: r.version, name: r.name, steps: r.steps, stopConditions: r.stop_conditions };
    if (r.segment === null) set.general = schedule;
    else set.bySegment.set(r.segment, schedule);
    set.byId.set(r.id, schedule);
    set.union = { ...set.union, steps: [...set.union.steps, ...r.steps] };
    byPortfolio.set(r.portfolio_id, set);
  }
  for (const e of experiments) byPortfolio.get(e.portfolio_id)?.experiments.set(e.segment, { id: e.id, championId: e.champion_id, challengerId: e.challenger_id });
  return byPortfolio;
}

/** The schedule of a debt: its arm's in a running experiment of its segment, else its segment's, else its portfolio's. */
export function scheduleFor(set: PortfolioSchedules | undefined, segment: string | null, challengerOf: readonly string[] | null): Schedule | null {
  if (!set) return null;
  const experiment = segment === null ? undefined : set.experiments.get(segment);
  if (experiment) {
    const chosen = set.byId.get(challengerOf?.includes(experiment.id) ? experiment.challengerId : experiment.championId);
    if (chosen) return chosen;
  }
  return (segment === null ? undefined : set.bySegment.get(segment)) ?? set.general;
}

const unions = (schedules: ReadonlyMap<string, PortfolioSchedules>) => new Map([...schedules].map(([id, set]) => [id, set.union]));

// The candidates of a window, counted through the partial index (a lateral lookup per pair keeps
// PostgreSQL off a scan of all debts).
const CANDIDATES = `
  from unnest($2::uuid[], $3::date[]) as due (portfolio_id, due_date)
  cross join lateral (
    select d.* from debts d
    where d.tenant_id = $1 and d.status = 'open' and d.portfolio_id = due.portfolio_id and d.due_date = due.due_date
  ) d`;

/** The planning row of each debt of `chunk` (a CTE over debts): the debt, its debtor and what its contacts allow. */
const debtRowsSql = (chunk: string) => `
  with chunk as materialized (${chunk})
  select d.id, d.status, d.debtor_id, d.creditor_id, d.portfolio_id, d.due_date::text as due_date, d.original_amount_cents, d.document_kind,
         d.disputed_at is not null as disputed, d.prescription_interrupted_on::text as prescription_interrupted_on,
         r.kind, r.uf, r.city, r.over_indebted_since is not null as over_indebted,
         c.has_email, c.has_mobile, c.has_phone, c.has_address, c.whatsapp, c.opted_out,
         s.segment, s.band, r.deceased_at is not null as deceased,
         (select array_agg(em.experiment_id) from experiment_members em where em.tenant_id = $1 and em.debtor_id = d.debtor_id and em.arm = 'challenger') as challenger_of
  from chunk d
  join debtors r on r.tenant_id = d.tenant_id and r.id = d.debtor_id
  left join debtor_scores s on s.tenant_id = d.tenant_id and s.debtor_id = d.debtor_id
  -- per debt of the chunk, through the (debtor, channel, value) index: never a scan of all contacts
  left join lateral (
    select bool_or(cp.channel = 'email') filter (where cp.invalid_at is null and not cp.is_reference) as has_email,
           bool_or(cp.channel = 'phone' and cp.phone_kind = 'mobile') filter (where cp.invalid_at is null and not cp.is_reference) as has_mobile,
           bool_or(cp.channel = 'phone') filter (where cp.invalid_at is null and not cp.is_reference) as has_phone,
           bool_or(cp.channel = 'address') filter (where cp.invalid_at is null and not cp.is_reference) as has_address,
           bool_or(cp.whatsapp_opt_in_at is not null) filter (where cp.invalid_at is null and not cp.is_reference) as whatsapp,
           array_agg(distinct o) filter (where o is not null) as opted_out
    from contact_points cp
    left join lateral unnest(cp.opted_out_channels) o on true
    where cp.tenant_id = $1 and cp.debtor_id = d.debtor_id
  ) c on true
  order by d.id`;

// one (portfolio, due date) pair, from the cursor on: a range of the partial index
const DEBTS_SQL = debtRowsSql(`
    select d.* from debts d
    where d.tenant_id = $1 and d.status = 'open' and d.portfolio_id = $2 and d.due_date = $3 and ($4::uuid is null or d.id > $4::uuid)
    order by d.id
    limit $5`);
// debts by id (event-anchored steps), open or held by an agreement
const DEBTS_BY_ID_SQL = debtRowsSql(`select d.* from debts d where d.tenant_id = $1 and d.id = any($2::uuid[])`);

/**
 * The (portfolio, due date) pairs whose debts have a step falling due in (since, asOf]: a step
 * at offset k is due on d when the debt's due date is d − k. The run reads only those debts,
 * through the partial index debts_open_due, instead of every open debt.
 */
export function candidateDueDates(schedules: ReadonlyMap<string, Schedule>, since: IsoDate, asOf: IsoDate): { portfolios: string[]; dates: IsoDate[] } {
  const pairs = new Set<string>();
  for (const [portfolioId, schedule] of schedules) {
    const offsets = new Set(schedule.steps.filter((s) => s.anchor === 'due_date').map((s) => s.offsetDays));
    for (let day = addDays(since, 1); day <= asOf; day = addDays(day, 1)) {
      for (const offset of offsets) pairs.add(`${portfolioId}|${addDays(day, -offset)}`);
    }
  }
  const portfolios: string[] = [];
  const dates: IsoDate[] = [];
  for (const pair of pairs) {
    const [portfolioId, date] = pair.split('|') as [string, string];
    portfolios.push(portfolioId);
    dates.push(date);
  }
  return { portfolios, dates };
}

/**
 * The anchor days whose events put a step of this anchor in (since, asOf]: a step at offset k
 * falls due on day d when its event happened on d − k.
 */
function anchorDays(schedules: ReadonlyMap<string, Schedule>, anchor: Exclude<Anchor, 'due_date'>, since: IsoDate, asOf: IsoDate): IsoDate[] {
  const days = new Set<IsoDate>();
  for (const schedule of schedules.values()) {
    for (const step of schedule.steps) {
      if (step.anchor !== anchor) continue;
      for (let day = addDays(since, 1); day <= asOf; day = addDays(day, 1)) days.add(addDays(day, -step.offsetDays));
    }
  }
  return [...days];
}

/**
 * Steps anchored on events — the schedule resuming after a broken agreement or promise, and the
 * reminders before each installment of a held agreement — for the window (since, asOf]. The
 * installment's reminder is an action on the agreement's first debt that names the installment.
 */
async function planEventSteps(tx: Tx, tenantId: string, schedules: ReadonlyMap<string, PortfolioSchedules>, since: IsoDate, asOf: IsoDate): Promise<Array<{ status: string; n: number }>> {
  const union = unions(schedules);
  const breachDays = anchorDays(union, 'agreement_breach', since, asOf);
  const promiseDays = anchorDays(union, 'promise_broken', since, asOf);
  const installmentDays = anchorDays(union, 'installment_due', since, asOf);
  if (!breachDays.length && !promiseDays.length && !installmentDays.length) return [];
  const { rows: anchors } = await tx.sql.query<{ debt_id: string; anchor: Exclude<Anchor, 'due_date'>; anchor_on: string; installment_id: string | null }>(
    `select ad.debt_id, 'agreement_breach' as anchor, a.broken_on::text as anchor_on, null::uuid as installment_id
       from agreements a join agreement_debts ad on ad.tenant_id = a.tenant_id and ad.agreement_id = a.id
      where a.tenant_id = $1 and a.status = 'broken' and a.broken_on = any($2::date[])
     union all
     select unnest(p.debt_ids), 'promise_broken', p.resolved_on::text, null
       from promises p where p.tenant_id = $1 and p.status = 'broken' and p.resolved_on = any($3::date[])
     union all
     select (select min(ad.debt_id::text)::uuid from agreement_debts ad where ad.tenant_id = a.tenant_id and ad.agreement_id = a.id), 'installment_due', i.due_date::text, i.id
       from installments i join agreements a on a.tenant_id = i.tenant_id and a.id = i.agreement_id
      where i.tenant_id = $1 and i.status = 'open' and a.status in ('accepted', 'active') and i.due_date = any($4::date[])`,
    [tenantId, breachDays, promiseDays, installmentDays],
  );
  if (anchors.length === 0) return [];
  const rows = new Map((await tx.sql.query<DebtRow>(DEBTS_BY_ID_SQL, [tenantId, [...new Set(anchors.map((a) => a.debt_id))]])).rows.map((r) => [r.id, r]));
  const planned: PlannedAction[] = [];
  for (const anchor of anchors) {
    const row = rows.get(anchor.debt_id);
    const schedule = row && scheduleFor(schedules.get(row.portfolio_id), row.segment, row.challenger_of);
    if (!row || !schedule) continue;
    // A restored debt must still be open; an installment's debt is held by its agreement.
    if (anchor.installment_id === null && row.status !== 'open') continue;
    const steps = schedule.steps.filter((step) => step.anchor === anchor.anchor);
    planned.push(...planDebt(row, { ...schedule, steps }, since, asOf, { events: { [anchor.anchor]: anchor.anchor_on }, ...(anchor.installment_id ? { installmentId: anchor.installment_id } : {}) }));
  }
  if (planned.length === 0) return [];
  return (await tx.sql.query<{ status: string; n: number }>(WRITE_SQL, [tenantId, JSON.stringify(planned), asOf])).rows;
}

const WRITE_SQL = `
  with incoming as (
    select * from jsonb_to_recordset($2::jsonb) as a (
      debt_id uuid, debtor_id uuid, creditor_id uuid, schedule_id uuid, schedule_version int, step_id text, due_on date,
      stage text, channel text, template text, status text, rule text, reason text, installment_id uuid)
  ), written as (
    insert into actions (tenant_id, run_date, debt_id, debtor_id, creditor_id, schedule_id, schedule_version, step_id, due_on, stage, channel, template, status, rule, reason, installment_id)
    select $1, $3, debt_id, debtor_id, creditor_id, schedule_id, schedule_version, step_id, due_on, stage, channel, template, status, rule, reason, installment_id from incoming
    on conflict (tenant_id, debt_id, schedule_id, step_id, due_on) do nothing
    returning id, debtor_id, creditor_id, debt_id, status, channel, step_id, schedule_id, schedule_version, rule, reason, due_on, installment_id
  ), timeline as (
    insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, data)
    select $1, debtor_id, creditor_id, debt_id, 'action.' || status, 'system',
           jsonb_strip_nulls(jsonb_build_object('actionId', id, 'channel', channel, 'step', step_id, 'scheduleId', schedule_id,
             'scheduleVersion', schedule_version, 'dueOn', due_on, 'rule', rule, 'reason', reason, 'installmentId', installment_id))
    from written
  )
  select status, count(*)::int as n from written group by status`;

export async function runDaily(db: Database, options: DailyRunOptions): Promise<DailyRunSummary> {
  const chunkSize = options.chunkSize ?? 5_000;
  const started = performance.now();
  // First the follow-up, so a debt restored by a breach today is planned today, from the breach.
  const followUp = await followUpAgreements(db, options.asOf);
  // Then scores and segments (the schedules are chosen by segment), and the new cases go to collectors.
  const tenantIds = await db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id));
  const scoring = await runScoring(db, options.asOf, { tenantIds, ...(options.scoringChunkSize ? { chunkSize: options.scoringChunkSize } : {}) });
  const distribution = { assigned: 0, closed: 0, unassigned: 0 };
  for (const tenantId of tenantIds) {
    const done: DistributionSummary | null = await distributeCases(db, tenantId, options.asOf, { onlyIfAuto: true });
    if (done) for (const key of ['assigned', 'closed', 'unassigned'] as const) distribution[key] += done[key];
  }
  const summary: DailyRunSummary = { asOf: options.asOf, tenants: 0, debtsSeen: 0, newActions: 0, byStatus: {}, resumed: false, followUp, scoring, distribution, timings: { read: 0, plan: 0, write: 0, total: 0 } };
  const clock = (phase: 'read' | 'plan' | 'write', since: number) => {
    summary.timings[phase] += performance.now() - since;
    return performance.now();
  };
  const tenants = tenantIds;
  // Totals first, for the progress bar (a count of the candidates: only when someone watches).
  const work: Array<{ tenantId: string; total: number }> = [];
  for (const tenantId of tenants) {
    const total = await db.scoped({ tenantId }, async (tx) => {
      const schedules = await schedulesOf(tx);
      if (schedules.size === 0) return null;
      if (!options.onProgress) return 0;
      const since = await windowStart(tx, tenantId, options.asOf);
      const { portfolios, dates } = candidateDueDates(unions(schedules), since, options.asOf);
      const { rows } = await tx.sql.query<{ n: number }>(`select count(*)::int as n ${CANDIDATES}`, [tenantId, portfolios, dates]);
      return rows[0]!.n;
    });
    if (total !== null) work.push({ tenantId, total });
  }
  const grandTotal = work.reduce((s, w) => s + w.total, 0);
  let done = 0;
  let chunks = 0;
  for (const { tenantId, total } of work) {
    summary.tenants++;
    const run = await db.scoped({ tenantId }, async (tx) => {
      const existing = await tx.db.selectFrom('daily_runs').selectAll().where('tenant_id', '=', tenantId).where('run_date', '=', options.asOf).executeTakeFirst();
      if (existing) return existing;
      const since = await windowStart(tx, tenantId, options.asOf);
      return tx.db.insertInto('daily_runs').values({ tenant_id: tenantId, run_date: options.asOf, since, status: 'running', cursor_debt_id: null }).returningAll().executeTakeFirstOrThrow();
    });
    if (run.status === 'completed') {
      done += total;
      options.onProgress?.(done, grandTotal);
      continue;
    }
    if (run.cursor_due_date) summary.resumed = true;
    done += run.debts_seen;
    // Pairs in (due date, portfolio) order; the cursor says where the last committed chunk ended.
    const schedules = await db.scoped({ tenantId }, schedulesOf);
    const pairs = (() => {
      const { portfolios, dates } = candidateDueDates(unions(schedules), run.since!, options.asOf);
      return portfolios.map((portfolioId, i) => ({ portfolioId, dueDate: dates[i]! })).sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.portfolioId < b.portfolioId ? -1 : 1));
    })();
    let pairIndex = 0;
    let lastId: string | null = null;
    if (run.cursor_due_date) {
      pairIndex = pairs.findIndex((p) => p.dueDate === run.cursor_due_date && p.portfolioId === run.cursor_portfolio_id);
      lastId = run.cursor_debt_id;
      if (pairIndex < 0) [pairIndex, lastId] = [0, null];
    }
    for (;;) {
      const finished = await db.scoped({ tenantId }, async (tx) => {
        // Find the next chunk: the rest of the current pair, else the following pairs.
        let rows: DebtRow[] = [];
        let t = performance.now();
        while (pairIndex < pairs.length) {
          const pair = pairs[pairIndex]!;
          rows = (await tx.sql.query<DebtRow>(DEBTS_SQL, [tenantId, pair.portfolioId, pair.dueDate, lastId, chunkSize])).rows;
          if (rows.length) break;
          pairIndex++;
          lastId = null;
        }
        if (rows.length === 0) {
          // Last, in the same transaction as the completion: the steps anchored on events (few per day).
          const t0 = performance.now();
          for (const { status, n } of await planEventSteps(tx, tenantId, schedules, run.since!, options.asOf)) {
            summary.byStatus[status] = (summary.byStatus[status] ?? 0) + n;
            summary.newActions += n;
          }
          clock('write', t0);
          await tx.sql.query(`update daily_runs set status = 'completed', finished_at = now() where tenant_id = $1 and run_date = $2`, [tenantId, options.asOf]);
          return true;
        }
        t = clock('read', t);
        const set = schedules.get(pairs[pairIndex]!.portfolioId);
        const planned = rows.flatMap((row) => {
          const schedule = scheduleFor(set, row.segment, row.challenger_of);
          return schedule ? planDebt(row, schedule, run.since, options.asOf) : [];
        });
        t = clock('plan', t);
        let created = 0;
        if (planned.length) {
          const { rows: counts } = await tx.sql.query<{ status: string; n: number }>(WRITE_SQL, [tenantId, JSON.stringify(planned), options.asOf]);
          for (const { status, n } of counts) {
            summary.byStatus[status] = (summary.byStatus[status] ?? 0) + n;
            created += n;
          }
        }
        lastId = rows.at(-1)!.id;
        clock('write', t);
        await tx.sql.query(
          `update daily_runs set cursor_due_date = $3, cursor_portfolio_id = $4, cursor_debt_id = $5, debts_seen = debts_seen + $6, actions_created = actions_created + $7
           where tenant_id = $1 and run_date = $2`,
          [tenantId, options.asOf, pairs[pairIndex]!.dueDate, pairs[pairIndex]!.portfolioId, lastId, rows.length, created],
        );
        summary.debtsSeen += rows.length;
        summary.newActions += created;
        done += rows.length;
        return false;
      });
      options.onProgress?.(Math.min(done, grandTotal), grandTotal);
      if (finished) break;
      if (options.crashAfterChunks !== undefined && ++chunks >= options.crashAfterChunks) throw new Error('simulated crash');
    }
  }
  // After planning: today's bureau and protest steps exist now.
  summary.escalation = await runEscalation(db, options.asOf, options.bureau ?? null, options.bureauName ?? options.bureau?.name ?? 'serasa');
  summary.timings.total = performance.now() - started;
  for (const key of Object.keys(summary.timings) as Array<keyof DailyRunSummary['timings']>) summary.timings[key] = Math.round(summary.timings[key]);
  return summary;
}
