import { instantAt } from '../../domain/compliance/local-time.ts';
import { disputedDebt, optOut, overIndebtedness, prescribedDebt, whatsappOptIn, type Channel, type ProposedAction, type RuleCheck } from '../../domain/compliance/rules.ts';
import { UF_INFO, isUf, type Uf } from '../../brazil/uf.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import type { DebtKind } from '../../domain/debt-kinds.ts';
import { evaluateSchedule, type CaseState, type Schedule } from '../../domain/dunning/schedule.ts';
import { prescriptionOf, PRESCRIPTION_RULES } from '../../domain/prescription.ts';
import type { Database, Tx } from '../../store/database.ts';

/**
 * The daily run (`recupera run --as-of`): for every open debt of every portfolio with a schedule,
 * the steps that fell due since the last completed run become actions in the outbox — planned,
 * or blocked/skipped/stopped with the rule that says why. Per tenant, in chunks of debts ordered
 * by id: each chunk commits its actions and the cursor together, so a run killed at any point
 * resumes after the last committed chunk; a unique key on (debt, schedule, step, day) makes a
 * second run of the same day create nothing.
 */
export interface DailyRunOptions {
  asOf: IsoDate;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Test hook: stop (as a crash would) after this many committed chunks. */
  crashAfterChunks?: number;
}

export interface DailyRunSummary {
  asOf: IsoDate;
  tenants: number;
  debtsSeen: number;
  newActions: number;
  byStatus: Record<string, number>;
  resumed: boolean;
}

/** Rules the plan can apply for a whole day; contact hours and caps are checked when an action is sent. */
const PLANNING_RULES: readonly RuleCheck[] = [prescribedDebt, disputedDebt, optOut, whatsappOptIn, overIndebtedness];

interface DebtRow {
  id: string;
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
}

export interface PlannedAction {
  debt_id: string;
  debtor_id: string;
  creditor_id: string;
  schedule_id: string;
  schedule_version: number;
  step_id: string;
  due_on: IsoDate;
  stage: string;
  channel: Channel;
  template: string;
  status: 'planned' | 'blocked' | 'skipped' | 'stopped';
  rule: string | null;
  reason: string | null;
}

/** Pure: the actions of one debt for the window (since, asOf]. */
export function planDebt(row: DebtRow, schedule: Schedule, since: IsoDate | null, asOf: IsoDate): PlannedAction[] {
  const uf: Uf | null = row.uf && isUf(row.uf) ? row.uf : null;
  const optedOut = (row.opted_out ?? []) as Channel[];
  const reachable: Channel[] = ['task', 'legal'];
  if (row.has_email) reachable.push('email');
  if (row.has_mobile) reachable.push('sms');
  if (row.has_phone) reachable.push('voice');
  if (row.whatsapp) reachable.push('whatsapp');
  if (row.has_address) reachable.push('letter', 'bureau', 'protest');
  const consented = reachable.filter((c) => !optedOut.includes(c));
  const kind = (Object.hasOwn(PRESCRIPTION_RULES, row.document_kind) ? row.document_kind : 'other') as DebtKind;
  const prescriptionDate = prescriptionOf({ kind, dueDate: row.due_date, interruptedOn: row.prescription_interrupted_on }).prescriptionDate;
  const state: CaseState = {
    dueDate: row.due_date,
    amountCents: row.original_amount_cents,
    debtorKind: row.kind,
    uf,
    scoreBand: null,
    events: {},
    // Over-indebtedness suspends only restrictive steps (the guard's rule), not the reminders.
    flags: { disputed: row.disputed, over_indebted: false, prescribed: prescriptionDate <= asOf },
    consentedChannels: consented,
  };
  const zone = uf ? UF_INFO[uf].timeZone : 'America/Sao_Paulo';
  return evaluateSchedule(schedule, state, since, asOf).map((decision) => {
    const base = {
      debt_id: row.id, debtor_id: row.debtor_id, creditor_id: row.creditor_id, schedule_id: schedule.id, schedule_version: schedule.version,
      step_id: decision.step.id, due_on: decision.due, stage: decision.step.stage, channel: decision.step.action, template: decision.step.template,
    };
    if (decision.outcome !== 'due') return { ...base, status: decision.outcome, rule: decision.reason, reason: null };
    const action: ProposedAction = {
      at: instantAt(decision.due, 12 * 60, zone),
      channel: decision.step.action,
      purpose: 'collect',
      recipient: { kind: 'debtor', uf, city: row.city, optedOutChannels: optedOut, whatsappOptIn: !!row.whatsapp },
      debt: { prescriptionDate, disputed: row.disputed },
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

async function schedulesOf(tx: Tx): Promise<Map<string, Schedule>> {
  const { rows } = await tx.sql.query<{ id: string; portfolio_id: string; name: string; version: number; steps: Schedule['steps']; stop_conditions: Schedule['stopConditions'] }>(
    `select s.id, s.portfolio_id, s.name, v.version, v.steps, v.stop_conditions
     from schedules s join schedule_versions v on v.tenant_id = s.tenant_id and v.schedule_id = s.id and v.version = s.current_version
     where s.segment is null`,
  );
  return new Map(rows.map((r) => [r.portfolio_id, { id: r.id, version: r.version, name: r.name, steps: r.steps, stopConditions: r.stop_conditions }]));
}

const DEBTS_SQL = `
  select d.id, d.debtor_id, d.creditor_id, d.portfolio_id, d.due_date::text as due_date, d.original_amount_cents, d.document_kind,
         d.disputed_at is not null as disputed, d.prescription_interrupted_on::text as prescription_interrupted_on,
         r.kind, r.uf, r.city, r.over_indebted_since is not null as over_indebted,
         c.has_email, c.has_mobile, c.has_phone, c.has_address, c.whatsapp, c.opted_out
  from debts d
  join debtors r on r.tenant_id = d.tenant_id and r.id = d.debtor_id
  left join lateral (
    select bool_or(cp.channel = 'email') as has_email,
           bool_or(cp.channel = 'phone' and cp.phone_kind = 'mobile') as has_mobile,
           bool_or(cp.channel = 'phone') as has_phone,
           bool_or(cp.channel = 'address') as has_address,
           bool_or(cp.whatsapp_opt_in_at is not null) as whatsapp,
           array(select distinct o from contact_points x cross join unnest(x.opted_out_channels) o
                 where x.tenant_id = d.tenant_id and x.debtor_id = d.debtor_id) as opted_out
    from contact_points cp
    where cp.tenant_id = d.tenant_id and cp.debtor_id = d.debtor_id and cp.invalid_at is null and not cp.is_reference
  ) c on true
  where d.tenant_id = $1 and d.status = 'open' and d.portfolio_id = any($2::uuid[]) and ($3::uuid is null or d.id > $3::uuid)
  order by d.id
  limit $4`;

const WRITE_SQL = `
  with incoming as (
    select * from jsonb_to_recordset($2::jsonb) as a (
      debt_id uuid, debtor_id uuid, creditor_id uuid, schedule_id uuid, schedule_version int, step_id text, due_on date,
      stage text, channel text, template text, status text, rule text, reason text)
  ), written as (
    insert into actions (tenant_id, run_date, debt_id, debtor_id, creditor_id, schedule_id, schedule_version, step_id, due_on, stage, channel, template, status, rule, reason)
    select $1, $3, debt_id, debtor_id, creditor_id, schedule_id, schedule_version, step_id, due_on, stage, channel, template, status, rule, reason from incoming
    on conflict (tenant_id, debt_id, schedule_id, step_id, due_on) do nothing
    returning id, debtor_id, creditor_id, debt_id, status, channel, step_id, schedule_id, schedule_version, rule, reason, due_on
  ), timeline as (
    insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, data)
    select $1, debtor_id, creditor_id, debt_id, 'action.' || status, 'system',
           jsonb_strip_nulls(jsonb_build_object('actionId', id, 'channel', channel, 'step', step_id, 'scheduleId', schedule_id,
             'scheduleVersion', schedule_version, 'dueOn', due_on, 'rule', rule, 'reason', reason))
    from written
  )
  select status, count(*)::int as n from written group by status`;

export async function runDaily(db: Database, options: DailyRunOptions): Promise<DailyRunSummary> {
  const chunkSize = options.chunkSize ?? 2_000;
  const summary: DailyRunSummary = { asOf: options.asOf, tenants: 0, debtsSeen: 0, newActions: 0, byStatus: {}, resumed: false };
  const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id));
  // Totals first, for the progress bar.
  const work: Array<{ tenantId: string; portfolios: string[]; total: number }> = [];
  for (const tenantId of tenants) {
    const { portfolios, total } = await db.scoped({ tenantId }, async (tx) => {
      const schedules = await schedulesOf(tx);
      const ids = [...schedules.keys()];
      const { rows } = await tx.sql.query<{ n: number }>(`select count(*)::int as n from debts where tenant_id = $1 and status = 'open' and portfolio_id = any($2::uuid[])`, [tenantId, ids]);
      return { portfolios: ids, total: rows[0]!.n };
    });
    if (portfolios.length) work.push({ tenantId, portfolios, total });
  }
  const grandTotal = work.reduce((s, w) => s + w.total, 0);
  let done = 0;
  let chunks = 0;
  for (const { tenantId, total } of work) {
    summary.tenants++;
    const run = await db.scoped({ tenantId }, async (tx) => {
      const existing = await tx.db.selectFrom('daily_runs').selectAll().where('tenant_id', '=', tenantId).where('run_date', '=', options.asOf).executeTakeFirst();
      if (existing) return existing;
      const last = await tx.db.selectFrom('daily_runs').select('run_date').where('tenant_id', '=', tenantId).where('status', '=', 'completed').where('run_date', '<', options.asOf).orderBy('run_date', 'desc').executeTakeFirst();
      // The first run plans the steps of its own day; later runs catch up every day since the last one.
      const since = last?.run_date ?? addDays(options.asOf, -1);
      return tx.db.insertInto('daily_runs').values({ tenant_id: tenantId, run_date: options.asOf, since, status: 'running', cursor_debt_id: null }).returningAll().executeTakeFirstOrThrow();
    });
    if (run.status === 'completed') {
      done += total;
      options.onProgress?.(done, grandTotal);
      continue;
    }
    if (run.cursor_debt_id) summary.resumed = true;
    let cursor = run.cursor_debt_id;
    done += run.debts_seen;
    for (;;) {
      const finished = await db.scoped({ tenantId }, async (tx) => {
        const schedules = await schedulesOf(tx);
        const { rows } = await tx.sql.query<DebtRow>(DEBTS_SQL, [tenantId, [...schedules.keys()], cursor, chunkSize]);
        if (rows.length === 0) {
          await tx.sql.query(`update daily_runs set status = 'completed', finished_at = now() where tenant_id = $1 and run_date = $2`, [tenantId, options.asOf]);
          return true;
        }
        const planned = rows.flatMap((row) => planDebt(row, schedules.get(row.portfolio_id)!, run.since, options.asOf));
        let created = 0;
        if (planned.length) {
          const { rows: counts } = await tx.sql.query<{ status: string; n: number }>(WRITE_SQL, [tenantId, JSON.stringify(planned), options.asOf]);
          for (const { status, n } of counts) {
            summary.byStatus[status] = (summary.byStatus[status] ?? 0) + n;
            created += n;
          }
        }
        cursor = rows.at(-1)!.id;
        await tx.sql.query(
          `update daily_runs set cursor_debt_id = $3, debts_seen = debts_seen + $4, actions_created = actions_created + $5 where tenant_id = $1 and run_date = $2`,
          [tenantId, options.asOf, cursor, rows.length, created],
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
  return summary;
}
