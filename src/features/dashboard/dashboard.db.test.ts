import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/context.ts';
import { localTime } from '../../domain/compliance/local-time.ts';
import { addDays, addMonths, daysBetween, weekday, type IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, startServer } from '../../../test/support/server.ts';
import { DEMO_PASSWORD } from '../demo/generate-demo.ts';
import { seedDemo } from '../demo/seed-demo.ts';

/**
 * GET /api/dashboard against an independent computation: every figure recomputed here by brute
 * force, in plain TypeScript, from the rows read back separately (no SQL of the dashboard), by the
 * definitions of docs/dashboard.md — on a small fixture whose key figures are also worked out by
 * hand, and on the demo agency with its six months of history. Filters, roles and the creditor
 * viewer's row-level security are checked through the real server.
 */
let t: TestDatabase;
let app: App;

const TZ = 'America/Sao_Paulo';
const dayOf = (at: Date | string | null): IsoDate | null => (at === null ? null : localTime(new Date(at), TZ).date);

// ─── The reference: the definitions, brute force ──────────────────────────────────────────────

interface Rows {
  debts: Array<{ id: string; debtor_id: string; creditor_id: string; portfolio_id: string; due_date: string; face: number; status: string; created_at: Date; status_changed_at: Date }>;
  agreements: Array<{ id: string; debtor_id: string; creditor_id: string; portfolio_id: string; status: string; created_at: Date; accepted_at: Date | null; closed_at: Date | null; broken_on: string | null; total_cents: number; debt_ids: string[] }>;
  payments: Array<{ debtor_id: string; creditor_id: string; agreement_id: string | null; debt_id: string | null; applied_cents: number; paid_on: string }>;
  promises: Array<{ debtor_id: string; creditor_id: string; debt_ids: string[]; status: string; created_on: string; resolved_on: string | null }>;
  actions: Array<{ debtor_id: string; creditor_id: string; debt_id: string; step_id: string; stage: string; channel: string; template: string; status: string; due_on: string; dstatus: string | null; attempted_at: Date | null }>;
  dispositions: Array<{ debtor_id: string; at: Date; attempt: boolean; right_party: boolean }>;
  offers: Array<{ at: Date; subject_ids: string[] }>;
  segments: Map<string, string>;
}

async function rowsOf(db: Database, tenantId: string): Promise<Rows> {
  return db.system(async ({ sql }) => {
    const q = async <T>(text: string) => (await sql.query<T>(text, [tenantId])).rows;
    return {
      debts: await q(`select id, debtor_id, creditor_id, portfolio_id, due_date::text, original_amount_cents::int as face, status, created_at, status_changed_at from debts where tenant_id = $1`),
      agreements: await q(`select a.id, a.debtor_id, a.creditor_id, a.portfolio_id, a.status, a.created_at, a.accepted_at, a.closed_at, a.broken_on::text, a.total_cents::int,
                                  array(select ad.debt_id from agreement_debts ad where ad.agreement_id = a.id) as debt_ids from agreements a where a.tenant_id = $1`),
      payments: await q(`select debtor_id, creditor_id, agreement_id, debt_id, applied_cents::int, paid_on::text from payments where tenant_id = $1`),
      promises: await q(`select debtor_id, creditor_id, debt_ids, status, created_on::text, resolved_on::text from promises where tenant_id = $1`),
      actions: await q(`select a.debtor_id, a.creditor_id, a.debt_id, a.step_id, a.stage, a.channel, a.template, a.status, a.due_on::text, d.status as dstatus, d.attempted_at
                        from actions a left join deliveries d on d.tenant_id = a.tenant_id and d.action_id = a.id where a.tenant_id = $1`),
      dispositions: await q(`select debtor_id, at, attempt, right_party from dispositions where tenant_id = $1`),
      offers: await q(`select at, subject_ids from audit_log where tenant_id = $1 and resource = 'offers' and action = 'read'`),
      segments: new Map((await q<{ debtor_id: string; segment: string }>(`select debtor_id, segment from debtor_scores where tenant_id = $1 and segment is not null`)).map((r) => [r.debtor_id, r.segment])),
    };
  });
}

interface Scope {
  creditorId?: string;
  portfolioId?: string;
  segment?: string;
  /** A creditor viewer: no calls, no segments, no simulated offers (the agency's working data). */
  viewer?: boolean;
}

const BUCKETS = [0, 30, 60, 90, 180, 360];
const bucketOf = (dpd: number) => {
  const i = BUCKETS.findIndex((max) => dpd <= max);
  return i === -1 ? 6 : i;
};
const rate = (n: number, d: number) => (d > 0 ? (Math.round((n / d) * 10_000) / 10_000).toFixed(4) : null);
const within = (day: string | null, from: IsoDate, to: IsoDate) => day !== null && day >= from && day <= to;

function reference(rows: Rows, scope: Scope, from: IsoDate, to: IsoDate, granularity: 'month' | 'week') {
  const seg = (debtorId: string) => !scope.segment || rows.segments.get(debtorId) === scope.segment;
  const debts = rows.debts.filter((d) => (!scope.creditorId || d.creditor_id === scope.creditorId) && (!scope.portfolioId || d.portfolio_id === scope.portfolioId) && seg(d.debtor_id));
  const debtById = new Map(rows.debts.map((d) => [d.id, d]));
  const agreementById = new Map(rows.agreements.map((a) => [a.id, a]));
  const agreementsIn = rows.agreements.filter((a) => (!scope.creditorId || a.creditor_id === scope.creditorId) && (!scope.portfolioId || a.portfolio_id === scope.portfolioId) && seg(a.debtor_id));
  const paymentsIn = rows.payments.filter((p) => {
    const portfolio = p.agreement_id ? agreementById.get(p.agreement_id)!.portfolio_id : debtById.get(p.debt_id!)!.portfolio_id;
    return (!scope.creditorId || p.creditor_id === scope.creditorId) && (!scope.portfolioId || portfolio === scope.portfolioId) && seg(p.debtor_id);
  });
  const placed = (d: Rows['debts'][number], x: IsoDate) => dayOf(d.created_at)! <= x;
  const closed = (d: Rows['debts'][number], x: IsoDate) => ['paid', 'settled', 'cancelled'].includes(d.status) && dayOf(d.status_changed_at)! <= x;
  const held = (d: Rows['debts'][number], x: IsoDate) =>
    rows.agreements.some((a) => a.accepted_at && a.debt_ids.includes(d.id) && dayOf(a.accepted_at)! <= x && (!a.closed_at || dayOf(a.closed_at)! > x));
  const outstanding = (d: Rows['debts'][number], x: IsoDate) => placed(d, x) && !closed(d, x);
  const open = (d: Rows['debts'][number], x: IsoDate) => outstanding(d, x) && !held(d, x);
  const sum = (list: Array<{ face: number }>) => list.reduce((s, d) => s + d.face, 0);

  const openNow = debts.filter((d) => open(d, to));
  const heldNow = debts.filter((d) => outstanding(d, to) && held(d, to));
  const before = addDays(from, -1);
  const start = sum(debts.filter((d) => outstanding(d, before)));
  const placedIn = debts.filter((d) => within(dayOf(d.created_at), from, to));
  const paid = paymentsIn.filter((p) => within(p.paid_on, from, to));
  const recovered = paid.reduce((s, p) => s + p.applied_cents, 0);
  const promisesIn = rows.promises.filter((p) => (!scope.creditorId || p.creditor_id === scope.creditorId)
    && (!scope.portfolioId || p.debt_ids.some((id) => debtById.get(id)?.portfolio_id === scope.portfolioId)) && seg(p.debtor_id));
  const kept = promisesIn.filter((p) => p.status === 'kept' && within(p.resolved_on, from, to)).length;
  const broken = promisesIn.filter((p) => p.status === 'broken' && within(p.resolved_on, from, to)).length;
  const made = agreementsIn.filter((a) => within(dayOf(a.accepted_at), from, to));
  const summary = {
    openAmountCents: sum(openNow), openDebts: openNow.length, debtorsWithOpenDebts: new Set(openNow.map((d) => d.debtor_id)).size,
    inAgreementAmountCents: sum(heldNow), inAgreementDebts: heldNow.length, outstandingAtStartCents: start,
    placedAmountCents: sum(placedIn), placedDebts: placedIn.length, recoveredCents: recovered, payments: paid.length,
    recoveryRate: rate(recovered, start + sum(placedIn)),
    agreementsMade: made.length, agreementsMadeCents: made.reduce((s, a) => s + a.total_cents, 0),
    agreementsFulfilled: agreementsIn.filter((a) => a.status === 'fulfilled' && within(dayOf(a.closed_at), from, to)).length,
    agreementsBroken: agreementsIn.filter((a) => a.status === 'broken' && within(a.broken_on, from, to)).length,
    agreementsActive: agreementsIn.filter((a) => a.accepted_at && dayOf(a.accepted_at)! <= to && (!a.closed_at || dayOf(a.closed_at)! > to)).length,
    promisesMade: promisesIn.filter((p) => within(p.created_on, from, to)).length, promisesKept: kept, promisesBroken: broken, promisesKeptRate: rate(kept, kept + broken),
  };

  // recovered over time: every bucket from the one holding `from`
  const startOf = (day: IsoDate) => (granularity === 'month' ? `${day.slice(0, 8)}01` : addDays(day, -((weekday(day) + 6) % 7)));
  const series = [];
  for (let b = startOf(from); b <= to; b = granularity === 'month' ? addMonths(b, 1) : addDays(b, 7)) {
    const inBucket = (day: string | null) => day !== null && startOf(day) === b && within(day, from, to);
    series.push({
      periodStart: b, amountCents: paid.filter((p) => inBucket(p.paid_on)).reduce((s, p) => s + p.applied_cents, 0), payments: paid.filter((p) => inBucket(p.paid_on)).length,
      agreements: made.filter((a) => inBucket(dayOf(a.accepted_at))).length,
    });
  }

  const aging = [0, 1, 2, 3, 4, 5, 6].map((i) => {
    const mine = openNow.filter((d) => bucketOf(daysBetween(d.due_date, to)) === i);
    return { debts: mine.length, amountCents: sum(mine) };
  });

  // funnel
  const { start: s0, end: s1 } = { start: new Date(`${from}T03:00:00Z`), end: new Date(`${addDays(to, 1)}T03:00:00Z`) };
  const inPeriod = (at: Date | null) => at !== null && at >= s0 && at < s1;
  const population = new Set(debts.filter((d) => placed(d, to) && !closed(d, before)).map((d) => d.debtor_id));
  const actionsIn = rows.actions.filter((a) => (!scope.creditorId || a.creditor_id === scope.creditorId) && (!scope.portfolioId || debtById.get(a.debt_id)!.portfolio_id === scope.portfolioId) && seg(a.debtor_id));
  const evidence = new Map<string, Set<number>>();
  const add = (debtorId: string, stage: number) => population.has(debtorId) && (evidence.get(debtorId) ?? evidence.set(debtorId, new Set()).get(debtorId)!).add(stage);
  for (const a of actionsIn) {
    if (!inPeriod(a.attempted_at)) continue;
    if ((['email', 'sms', 'whatsapp', 'letter'].includes(a.channel) && ['sent', 'delivered', 'read'].includes(a.dstatus!)) || (a.channel === 'voice' && ['delivered', 'read'].includes(a.dstatus!))) add(a.debtor_id, 1);
    if (a.dstatus === 'read') add(a.debtor_id, 2);
  }
  if (!scope.viewer) {
    for (const x of rows.dispositions) if (inPeriod(x.at) && x.attempt) add(x.debtor_id, 1), x.right_party && add(x.debtor_id, 2);
    for (const o of rows.offers) if (inPeriod(o.at)) for (const id of o.subject_ids) add(id, 3);
  }
  for (const a of agreementsIn) {
    if (inPeriod(a.created_at)) add(a.debtor_id, 3);
    if (inPeriod(a.accepted_at)) add(a.debtor_id, 4);
  }
  for (const p of paid) add(p.debtor_id, 5);
  const furthest = [...population].map((id) => Math.max(0, ...(evidence.get(id) ?? [])));
  const funnel = {
    population: population.size,
    reached: [1, 2, 3, 4, 5].map((k) => furthest.filter((f) => f >= k).length),
    direct: [1, 2, 3, 4, 5].map((k) => [...population].filter((id) => evidence.get(id)?.has(k)).length),
  };

  // roll and cure: complete months only
  const roll: Array<{ month: string; bucket: number; outcome: string }> = [];
  let m = from.endsWith('-01') ? from : addMonths(`${from.slice(0, 8)}01`, 1);
  for (; addMonths(m, 1) <= addDays(to, 1); m = addMonths(m, 1)) {
    const next = addMonths(m, 1);
    for (const d of debts) {
      if (!open(d, addDays(m, -1))) continue;
      const fromBucket = bucketOf(daysBetween(d.due_date, m));
      const entered = rows.agreements.some((a) => a.accepted_at && a.debt_ids.includes(d.id) && dayOf(a.accepted_at)! >= m && dayOf(a.accepted_at)! < next);
      const closedIn = closed(d, addDays(next, -1));
      const outcome = entered || (closedIn && ['paid', 'settled'].includes(d.status)) ? 'cured' : closedIn ? 'closed' : bucketOf(daysBetween(d.due_date, next)) > fromBucket ? 'rolled' : 'stayed';
      roll.push({ month: m, bucket: fromBucket, outcome });
    }
  }

  // effectiveness
  const acts = actionsIn
    .filter((a) => a.dstatus !== null || a.status === 'failed')
    .map((a) => ({ ...a, sentOn: a.attempted_at ? dayOf(a.attempted_at)! : a.due_on }))
    .filter((a) => within(a.sentOn, from, to))
    .map((a) => {
      const reached = ['sent', 'delivered', 'read'].includes(a.dstatus ?? '');
      const converted = reached && (
        rows.payments.some((p) => p.debtor_id === a.debtor_id && p.creditor_id === a.creditor_id && within(p.paid_on, a.sentOn, addDays(a.sentOn, 7)))
        || rows.agreements.some((g) => g.debtor_id === a.debtor_id && g.creditor_id === a.creditor_id && within(dayOf(g.accepted_at), a.sentOn, addDays(a.sentOn, 7))));
      return { ...a, reached, converted };
    });
  const effectivenessBy = (key: (a: (typeof acts)[number]) => string) => {
    const groups = new Map<string, typeof acts>();
    for (const a of acts) (groups.get(key(a)) ?? groups.set(key(a), []).get(key(a))!).push(a);
    return new Map([...groups].map(([k, list]) => [k, {
      sent: list.filter((a) => ['sent', 'delivered', 'read', 'undelivered'].includes(a.dstatus ?? '')).length,
      delivered: list.filter((a) => ['delivered', 'read'].includes(a.dstatus ?? '')).length,
      failed: list.filter((a) => a.status === 'failed' || ['failed', 'undelivered'].includes(a.dstatus ?? '')).length,
      debtorsReached: new Set(list.filter((a) => a.reached).map((a) => a.debtor_id)).size,
      debtorsConverted: new Set(list.filter((a) => a.converted).map((a) => a.debtor_id)).size,
    }]));
  };
  return { summary, series, aging, funnel, roll, steps: effectivenessBy((a) => `${a.step_id}|${a.stage}|${a.channel}|${a.template}`), channels: effectivenessBy((a) => a.channel) };
}

/** The endpoint's answer against the reference, figure by figure. */
function expectMatches(body: any, ref: ReturnType<typeof reference>): void {
  expect(body.summary).toEqual(ref.summary);
  expect(body.recoveredOverTime.map(({ label: _, ...p }: any) => p)).toEqual(ref.series);
  expect(body.aging.map((a: any) => ({ debts: a.debts, amountCents: a.amountCents }))).toEqual(ref.aging);
  expect(body.funnel.map((f: any) => f.debtors)).toEqual([ref.funnel.population, ...ref.funnel.reached]);
  expect(body.funnel.map((f: any) => f.direct)).toEqual([ref.funnel.population, ...ref.funnel.direct]);
  const roll = body.rollRates.flatMap((month: any) => month.buckets.flatMap((b: any, i: number) =>
    ['cured', 'rolled', 'stayed', 'closed'].flatMap((outcome) => Array.from({ length: b[outcome] }, () => ({ month: month.month, bucket: i, outcome })))));
  const key = (r: { month: string; bucket: number; outcome: string }) => `${r.month}|${r.bucket}|${r.outcome}`;
  expect(roll.map(key).sort()).toEqual(ref.roll.map(key).sort());
  for (const month of body.rollRates) for (const b of month.buckets) expect(b.debts).toBe(b.cured + b.rolled + b.stayed + b.closed);
  const pick = (e: any) => ({ sent: e.sent, delivered: e.delivered, failed: e.failed, debtorsReached: e.debtorsReached, debtorsConverted: e.debtorsConverted });
  expect(new Map(body.stepEffectiveness.map((s: any) => [`${s.stepId}|${s.stage}|${s.channel}|${s.template}`, pick(s)]))).toEqual(ref.steps);
  expect(new Map(body.channelEffectiveness.map((c: any) => [c.channel, pick(c)]))).toEqual(ref.channels);
}

const api = async (token: string, query: Record<string, string> = {}) => {
  const response = await app.inject({ method: 'GET', url: `/api/dashboard?${new URLSearchParams(query)}`, headers: bearer(token) });
  return { status: response.statusCode, body: response.json() as any };
};

beforeAll(async () => {
  t = await openTestDatabase();
  ({ app } = await startServer(t.db));
}, 120_000);
afterAll(async () => {
  await app.close();
  await t.drop();
});

// ─── A controlled fixture ─────────────────────────────────────────────────────────────────────

describe('the dashboard on a small fixture', () => {
  let a: TenantFixture;
  let token: Record<string, string>;
  const period = { from: '2026-09-01', to: AS_OF };
  const ids: Record<string, string> = {};

  /** 10:00 in Brasília on a day. */
  const at = (day: IsoDate, hour = 10) => new Date(`${day}T${String(hour + 3).padStart(2, '0')}:00:00Z`).toISOString();

  beforeAll(async () => {
    a = await createTenant(t.db, 'painel-a');
    await createTenant(t.db, 'painel-b'); // another agency whose rows must never count
    const [c0, c1] = a.creditors;
    await t.db.system(async ({ sql }) => {
      const one = async <T>(text: string, params: unknown[]) => (await sql.query<T>(text, params)).rows[0]!;
      // Every imported debt was placed on 15 August (before the period): 2 creditors × 3 debtors × (R$ 100,00 due 10/01, R$ 250,50 due 10/02).
      await sql.query(`update debts set created_at = $2, status_changed_at = $2 where tenant_id = $1`, [a.tenantId, at('2026-08-15')]);
      const debtor = async (doc: string) => (await one<{ id: string }>(`select id from debtors where tenant_id = $1 and document = $2`, [a.tenantId, doc])).id;
      const debtsOf = async (debtorId: string, creditorId: string) =>
        (await sql.query<{ id: string }>(`select id from debts where debtor_id = $1 and creditor_id = $2 order by due_date`, [debtorId, creditorId])).rows.map((r) => r.id);
      ids.d0 = await debtor(c0!.debtorDocuments[0]!); // owes both creditors
      ids.d1 = await debtor(c0!.debtorDocuments[1]!);
      ids.d2 = await debtor(c0!.debtorDocuments[2]!);
      ids.d3 = await debtor(c1!.debtorDocuments[1]!);
      ids.d4 = await debtor(c1!.debtorDocuments[2]!);
      const collector = a.users.collector.id;
      const analyst = a.users.analyst.id;
      const agreement = async (debtorId: string, creditor: { id: string; portfolioId: string }, debtIds: string[], o: { status: string; number: string; accepted: string; closed?: string; brokenOn?: string; binding: boolean }) => {
        const row = await one<{ id: string }>(
          `insert into agreements (tenant_id, number, creditor_id, portfolio_id, debtor_id, status, as_of, valid_until, terms, balance_cents, discount_cents, total_cents, installment_count,
             grace_days, within_policy, approval_status, accepted_at, accepted_channel, created_by, created_at, closed_at, broken_on)
           values ($1, $2, $3, $4, $5, $6, $7, $7, '{}', 35050, 0, 35050, 2, 5, true, 'not_needed', $8, 'phone', $9, $8, $10, $11) returning id`,
          [a.tenantId, o.number, creditor.id, creditor.portfolioId, debtorId, o.status, o.accepted.slice(0, 10), at(o.accepted), analyst, o.closed ? at(o.closed, 6) : null, o.brokenOn ?? null],
        );
        for (const debtId of debtIds) {
          await sql.query(`insert into agreement_debts (tenant_id, agreement_id, debt_id, balance_cents, discount_cents, binding) values ($1, $2, $3, 1, 0, $4)`, [a.tenantId, row.id, debtId, o.binding]);
        }
        return row.id;
      };
      const pay = async (debtorId: string, creditorId: string, target: { agreementId?: string; debtId?: string }, cents: number, day: IsoDate, n: number) => {
        const installment = target.agreementId
          ? (await one<{ id: string }>(
              `insert into installments (tenant_id, agreement_id, debtor_id, creditor_id, number, due_date, amount_cents, paid_cents, status, paid_on) values ($1, $2, $3, $4, $5, $6, $7, $7, 'paid', $6) returning id`,
              [a.tenantId, target.agreementId, debtorId, creditorId, n, day, cents],
            )).id
          : null;
        await sql.query(
          `insert into payments (tenant_id, debtor_id, creditor_id, agreement_id, installment_id, debt_id, amount_cents, applied_cents, paid_on, method, source, external_id)
           values ($1, $2, $3, $4, $5, $6, $7, $7, $8, 'pix', 'api', $9)`,
          [a.tenantId, debtorId, creditorId, target.agreementId ?? null, installment, target.debtId ?? null, cents, day, `painel-${day}-${n}-${cents}`],
        );
      };
      // D1 at C0: an agreement on both debts, accepted 10/09, fulfilled on 11/10 (R$ 50,00 + R$ 300,50)
      const d1 = await debtsOf(ids.d1!, c0!.id);
      const g1 = await agreement(ids.d1!, c0!, d1, { status: 'fulfilled', number: 'P-1', accepted: '2026-09-10', closed: '2026-10-11', binding: false });
      await pay(ids.d1!, c0!.id, { agreementId: g1 }, 5_000, '2026-09-12', 0);
      await pay(ids.d1!, c0!.id, { agreementId: g1 }, 30_050, '2026-10-11', 1);
      await sql.query(`update debts set status = 'paid', status_changed_at = $2 where id = any($1::uuid[])`, [d1, at('2026-10-11', 15)]);
      // D2 at C0: accepted 05/10, R$ 30,00 paid on 06/10, broken on 11/11: its debts are open again
      const d2 = await debtsOf(ids.d2!, c0!.id);
      const g2 = await agreement(ids.d2!, c0!, d2, { status: 'broken', number: 'P-2', accepted: '2026-10-05', closed: '2026-11-11', brokenOn: '2026-11-11', binding: false });
      await pay(ids.d2!, c0!.id, { agreementId: g2 }, 3_000, '2026-10-06', 0);
      await sql.query(`update debts set status_changed_at = $2 where id = any($1::uuid[])`, [d2, at('2026-11-11', 6)]);
      // D3 at C1: the first debt paid outright on 20/09; the second held by an agreement accepted 20/11
      const d3 = await debtsOf(ids.d3!, c1!.id);
      await pay(ids.d3!, c1!.id, { debtId: d3[0]! }, 10_000, '2026-09-20', 0);
      await sql.query(`update debts set status = 'paid', status_changed_at = $2 where id = $1`, [d3[0], at('2026-09-20', 16)]);
      await agreement(ids.d3!, c1!, [d3[1]!], { status: 'accepted', number: 'P-3', accepted: '2026-11-20', binding: true });
      await sql.query(`update debts set status = 'in_agreement', status_changed_at = $2 where id = $1`, [d3[1], at('2026-11-20')]);
      // D0 at C1: its February debt cancelled by the creditor on 15/10
      const d0c1 = await debtsOf(ids.d0!, c1!.id);
      await sql.query(`update debts set status = 'cancelled', status_changed_at = $2 where id = $1`, [d0c1[1], at('2026-10-15')]);
      // D4 at C1: a new debt placed on 01/10, due 01/12 (a vencer)
      await sql.query(
        `insert into debts (tenant_id, creditor_id, portfolio_id, debtor_id, external_id, document_kind, original_amount_cents, due_date, relationship, created_at, status_changed_at)
         values ($1, $2, $3, $4, 'PAINEL-NOVO', 'duplicata', 20000, '2026-12-01', 'b2b', $5, $5)`,
        [a.tenantId, c1!.id, c1!.portfolioId, ids.d4, at('2026-10-01')],
      );
      // promises: D1's kept on 12/09, D0's broken (judged 21/09)
      await sql.query(
        `insert into promises (tenant_id, debtor_id, creditor_id, debt_ids, amount_cents, promised_for, channel, taken_by, status, resolved_on, created_on)
         values ($1, $2, $3, $4, 5000, '2026-09-12', 'phone', $6, 'kept', '2026-09-12', '2026-09-08'), ($1, $5, $3, $7, 1000, '2026-09-20', 'phone', $6, 'broken', '2026-09-21', '2026-09-15')`,
        [a.tenantId, ids.d1, c0!.id, d1, ids.d0, collector, await debtsOf(ids.d0!, c0!.id)],
      );
      // the schedule's messages and a call task
      const schedule = async (creditor: { id: string; portfolioId: string }) =>
        (await one<{ id: string }>(`insert into schedules (tenant_id, creditor_id, portfolio_id, segment, name) values ($1, $2, $3, null, 'Régua') returning id`, [a.tenantId, creditor.id, creditor.portfolioId])).id;
      const s0 = await schedule(c0!);
      const s1 = await schedule(c1!);
      const action = async (o: { debtorId: string; creditorId: string; debtId: string; scheduleId: string; step: string; channel: string; day: IsoDate; status: string; delivery?: string }) => {
        const row = await one<{ id: string }>(
          `insert into actions (tenant_id, run_date, debt_id, debtor_id, creditor_id, schedule_id, schedule_version, step_id, due_on, stage, channel, template, status)
           values ($1, $2, $3, $4, $5, $6, 1, $7, $2, 'aviso', $8, $7, $9) returning id`,
          [a.tenantId, o.day, o.debtId, o.debtorId, o.creditorId, o.scheduleId, o.step, o.channel, o.status],
        );
        if (o.delivery) {
          await sql.query(
            `insert into deliveries (tenant_id, action_id, debtor_id, creditor_id, channel, recipient, content_sha256, status, attempted_at) values ($1, $2, $3, $4, $5, 'x', 'x', $6, $7)`,
            [a.tenantId, row.id, o.debtorId, o.creditorId, o.channel, o.delivery, at(o.day)],
          );
        }
      };
      const d0c0 = await debtsOf(ids.d0!, c0!.id);
      await action({ debtorId: ids.d0!, creditorId: c0!.id, debtId: d0c0[0]!, scheduleId: s0, step: 'promise-broken-sms', channel: 'sms', day: '2026-09-22', status: 'sent', delivery: 'delivered' });
      await action({ debtorId: ids.d2!, creditorId: c0!.id, debtId: d2[0]!, scheduleId: s0, step: 'd5-whatsapp', channel: 'whatsapp', day: '2026-10-01', status: 'sent', delivery: 'read' });
      await action({ debtorId: ids.d2!, creditorId: c0!.id, debtId: d2[1]!, scheduleId: s0, step: 'd1-sms', channel: 'sms', day: '2026-10-02', status: 'sent', delivery: 'undelivered' });
      const d4 = await debtsOf(ids.d4!, c1!.id);
      await action({ debtorId: ids.d4!, creditorId: c1!.id, debtId: d4[0]!, scheduleId: s1, step: 'd-3-email', channel: 'email', day: '2026-10-20', status: 'failed' });
      await action({ debtorId: ids.d3!, creditorId: c1!.id, debtId: d3[0]!, scheduleId: s1, step: 'd10-call', channel: 'voice', day: '2026-09-18', status: 'sent', delivery: 'sent' });
      await action({ debtorId: ids.d4!, creditorId: c1!.id, debtId: d4[1]!, scheduleId: s1, step: 'd1-sms', channel: 'sms', day: '2026-08-20', status: 'sent', delivery: 'delivered' }); // before the period
      // calls by the tenant's collector, and an offer simulated during one
      await sql.query(`insert into collectors (tenant_id, user_id, team) values ($1, $2, 'equipe') on conflict do nothing`, [a.tenantId, collector]);
      for (const [debtorId, code, day, attempt, rpc] of [[ids.d3, 'right_party_contact', '2026-09-18', true, true], [ids.d4, 'no_answer', '2026-10-21', true, false], [ids.d0, 'promise', '2026-09-15', true, true], [ids.d2, 'busy', '2026-08-25', true, false]] as const) {
        await sql.query(`insert into dispositions (tenant_id, debtor_id, user_id, code, attempt, answered, right_party, at) values ($1, $2, $3, $4, $5, $6, $6, $7)`, [a.tenantId, debtorId, collector, code, attempt, rpc, at(day, 11)]);
      }
      await sql.query(`insert into audit_log (tenant_id, user_id, action, resource, subject_ids, at) values ($1, $2, 'read', 'offers', $3, $4)`, [a.tenantId, collector, [ids.d4], at('2026-10-21', 11)]);
      // the collector holds D3 and D1 (their payments are credited to it)
      await sql.query(`insert into case_assignments (tenant_id, debtor_id, user_id, status, strategy, assigned_on) values ($1, $2, $4, 'active', 'manual', '2026-08-16'), ($1, $3, $4, 'closed', 'manual', '2026-08-16')`, [a.tenantId, ids.d3, ids.d1, collector]);
    });
    token = {};
    for (const role of ['admin', 'supervisor', 'analyst', 'collector', 'creditor_viewer', 'auditor'] as const) token[role] = await loginAs(app, a.users[role].email);
  });

  it('adds up the figures worked out by hand', async () => {
    const { status, body } = await api(token.admin!, period);
    expect(status).toBe(200);
    expect(body.period).toEqual({ from: '2026-09-01', to: AS_OF, granularity: 'month' });
    expect(body.summary).toMatchObject({
      // open at the end: C0 — D0's two debts and D2's two (back from the broken agreement); C1 — D0's January debt, D4's two and its new one
      openAmountCents: 2 * 35_050 + 10_000 + 35_050 + 20_000, openDebts: 8, debtorsWithOpenDebts: 3,
      inAgreementAmountCents: 25_050, inAgreementDebts: 1,
      outstandingAtStartCents: 6 * 35_050, placedAmountCents: 20_000, placedDebts: 1,
      recoveredCents: 5_000 + 30_050 + 3_000 + 10_000, payments: 4,
      recoveryRate: '0.2086', // 48 050 ÷ (210 300 + 20 000)
      agreementsMade: 3, agreementsMadeCents: 3 * 35_050, agreementsFulfilled: 1, agreementsBroken: 1, agreementsActive: 1,
      promisesMade: 2, promisesKept: 1, promisesBroken: 1, promisesKeptRate: '0.5000',
    });
    expect(body.aging.map((b: any) => [b.bucket, b.debts, b.amountCents])).toEqual([
      ['a_vencer', 1, 20_000], ['1_30', 0, 0], ['31_60', 0, 0], ['61_90', 0, 0], ['91_180', 0, 0], ['181_360', 7, 115_150], ['mais_360', 0, 0],
    ]);
    expect(body.recoveredOverTime.map((p: any) => [p.label, p.amountCents, p.agreements])).toEqual([['set/2026', 15_000, 1], ['out/2026', 33_050, 1], ['nov/2026', 0, 1]]);
    // October: D2's debts entered an agreement (cured), D0's C1 debt was cancelled (closed)
    const october = body.rollRates.find((m: any) => m.month === '2026-10-01');
    expect(october.total).toMatchObject({ cured: 2, closed: 1 });
    expect(body.rollRates.map((m: any) => m.month)).toEqual(['2026-09-01', '2026-10-01']);
    // the WhatsApp message read by D2 on 01/10 converted (agreement on 05/10); the undelivered SMS did not reach anyone
    const whatsapp = body.channelEffectiveness.find((c: any) => c.channel === 'whatsapp');
    expect(whatsapp).toMatchObject({ sent: 1, delivered: 1, debtorsReached: 1, debtorsConverted: 1, conversionRate: '1.0000', hasReceipts: true });
    const sms = body.channelEffectiveness.find((c: any) => c.channel === 'sms');
    expect(sms).toMatchObject({ sent: 2, delivered: 1, failed: 1, debtorsReached: 1, debtorsConverted: 0 });
    expect(body.channelEffectiveness.find((c: any) => c.channel === 'email')).toMatchObject({ sent: 0, failed: 1, deliveryRate: null, hasReceipts: false });
    expect(body.channelEffectiveness.find((c: any) => c.channel === 'voice')).toMatchObject({ debtorsReached: 1, debtorsConverted: 1 });
    // funnel: D1, D2 and D3 paid (and agreed); D4 got an offer during a call that nobody answered; D0 promised on the phone
    expect(body.funnel.map((f: any) => [f.stage, f.debtors, f.direct])).toEqual([
      ['debtors', 5, 5], ['contacted', 5, 4], ['right_party', 5, 3], ['offer', 4, 4], ['agreement', 3, 3], ['paid', 3, 3],
    ]);
  });

  it('matches the brute-force computation, whole and filtered by creditor and portfolio, by month and by week', async () => {
    const rows = await rowsOf(t.db, a.tenantId);
    for (const [query, scope] of [
      [{}, {}],
      [{ creditorId: a.creditors[0]!.id }, { creditorId: a.creditors[0]!.id }],
      [{ creditorId: a.creditors[1]!.id, portfolioId: a.creditors[1]!.portfolioId }, { creditorId: a.creditors[1]!.id, portfolioId: a.creditors[1]!.portfolioId }],
    ] as Array<[Record<string, string>, Scope]>) {
      for (const granularity of ['month', 'week'] as const) {
        for (const p of [period, { from: '2026-10-07', to: '2026-11-10' }]) {
          const { status, body } = await api(token.admin!, { ...query, ...p, granularity });
          expect(status).toBe(200);
          expectMatches(body, reference(rows, scope, p.from, p.to, granularity));
        }
      }
    }
  });

  it("ranks the collectors with the supervision feature's own figures", async () => {
    const { body } = await api(token.supervisor!, period);
    const supervision = (await app.inject({ method: 'GET', url: `/api/supervision?from=${period.from}&to=${period.to}`, headers: bearer(token.supervisor!) })).json();
    const collector = body.collectors.find((c: any) => c.userId === a.users.collector.id);
    const same = supervision.collectors.find((c: any) => c.userId === a.users.collector.id);
    expect(collector).toMatchObject({ rank: 1, receivedCents: same.receivedCents, casesWorked: same.casesWorked, attempts: same.attempts, rightPartyContacts: same.rightPartyContacts, promises: same.promises, promisesKept: same.promisesKept, promisesBroken: same.promisesBroken, agreements: same.agreements });
    // D1's and D3's payments: the collector holds both cases
    expect(collector).toMatchObject({ receivedCents: 5_000 + 30_050 + 10_000, casesWorked: 3, attempts: 3, rightPartyContacts: 2, rightPartyContactRate: '0.6667', promiseRate: '0.5000' });
    // filtered by the B2B creditor: only calls to debtors who owe it (D3, D4, D0) and its payments
    const b2b = (await api(token.supervisor!, { ...period, creditorId: a.creditors[1]!.id })).body.collectors.find((c: any) => c.userId === a.users.collector.id);
    expect(b2b).toMatchObject({ receivedCents: 10_000, casesWorked: 3, promisesKept: 0, promisesBroken: 0 });
  });

  it('shows a creditor viewer only its creditor, hides the agency’s working data, and keeps other roles to their permissions', async () => {
    const own = a.creditors[0]!.id;
    const viewer = await api(token.creditor_viewer!, period);
    const admin = await api(token.admin!, { ...period, creditorId: own });
    expect(viewer.status).toBe(200);
    expect(viewer.body.summary).toEqual(admin.body.summary);
    expect(viewer.body.aging).toEqual(admin.body.aging);
    expect(viewer.body.rollRates).toEqual(admin.body.rollRates);
    expect(viewer.body.channelEffectiveness).toEqual(admin.body.channelEffectiveness);
    expect(viewer.body.collectors).toBeNull();
    // its funnel counts no calls and no simulated offers
    expectMatches(viewer.body, reference(await rowsOf(t.db, a.tenantId), { creditorId: own, viewer: true }, period.from, period.to, 'month'));
    expect(viewer.body.summary.openAmountCents).toBeLessThan((await api(token.admin!, period)).body.summary.openAmountCents);
    expect((await api(token.creditor_viewer!, { ...period, creditorId: a.creditors[1]!.id })).status).toBe(404);
    expect((await api(token.creditor_viewer!, { ...period, segment: 'geral' })).status).toBe(403);
    expect((await api(token.analyst!, period)).body.collectors).toBeNull();
    expect((await api(token.auditor!, period)).body.collectors).not.toBeNull();
    expect((await api(token.collector!, period)).status).toBe(403);
  });

  it('refuses a bad period and filters that do not fit', async () => {
    expect((await api(token.admin!, { from: '2026-10-10', to: '2026-10-01' })).status).toBe(400);
    expect((await api(token.admin!, { to: addDays(AS_OF, 1) })).status).toBe(400);
    expect((await api(token.admin!, { granularity: 'day' })).status).toBe(400);
    expect((await api(token.admin!, { creditorId: a.creditors[0]!.id, portfolioId: a.creditors[1]!.portfolioId })).status).toBe(400);
    expect((await api(token.admin!, { segment: 'inexistente' })).status).toBe(404);
    // the default period: the current month and the five before it
    expect((await api(token.admin!)).body.period).toEqual({ from: '2026-06-01', to: AS_OF, granularity: 'month' });
  });
});

// ─── The demo agency ──────────────────────────────────────────────────────────────────────────

describe('the dashboard on the demo agency and its history', () => {
  let tenantId: string;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    tenantId = (await seedDemo(t.db, { asOf: AS_OF })).tenantId;
    for (const [who, email] of [['admin', 'admin'], ['viewer', 'credor'], ['analyst', 'analista']] as const) token[who] = await loginAs(app, `${email}@demo.recupera.test`, DEMO_PASSWORD);
  }, 180_000);

  it('has six months of history to show, and answers within a second', async () => {
    await api(token.admin!); // warm up
    const started = performance.now();
    const { status, body } = await api(token.admin!);
    const elapsed = performance.now() - started;
    expect(status).toBe(200);
    // well under a second on an idle machine (docs/dashboard.md); the bound leaves room for a busy test run
    expect(elapsed).toBeLessThan(2_000);
    expect(body.recoveredOverTime).toHaveLength(6);
    for (const month of body.recoveredOverTime) {
      expect(month.amountCents).toBeGreaterThan(0);
      expect(month.payments).toBeGreaterThan(5);
    }
    expect(body.summary.agreementsMade).toBeGreaterThan(50);
    expect(body.summary.agreementsFulfilled).toBeGreaterThan(10);
    expect(body.summary.agreementsBroken).toBeGreaterThan(5);
    expect(body.summary.agreementsActive).toBeGreaterThan(10);
    expect(body.summary.promisesKept).toBeGreaterThan(30);
    expect(body.summary.promisesBroken).toBeGreaterThan(30);
    expect(body.rollRates).toHaveLength(5);
    expect(body.funnel.every((f: any) => f.debtors > 0)).toBe(true);
    expect(new Set(body.channelEffectiveness.map((c: any) => c.channel))).toEqual(new Set(['email', 'sms', 'whatsapp', 'letter', 'voice']));
    expect(body.collectors.map((c: any) => c.name).sort()).toEqual(['Bia Barbosa', 'Caio Cobrador', 'Olga Operadora']);
    for (const c of body.collectors) expect(c.casesWorked).toBeGreaterThan(100);
  });

  it('matches the brute-force computation over the rows, whole, by portfolio and for the creditor viewer', async () => {
    const rows = await rowsOf(t.db, tenantId);
    expectMatches((await api(token.admin!)).body, reference(rows, {}, addMonths('2026-11-01', -5), AS_OF, 'month'));
    const portfolio = await t.db.system(async ({ sql }) => (await sql.query<{ id: string; creditor_id: string }>(`select id, creditor_id from portfolios where tenant_id = $1 and name = 'Crediário'`, [tenantId])).rows[0]!);
    expectMatches((await api(token.admin!, { portfolioId: portfolio.id, granularity: 'week', from: '2026-08-10' })).body, reference(rows, { portfolioId: portfolio.id }, '2026-08-10', AS_OF, 'week'));
    const viewer = (await api(token.viewer!)).body;
    expectMatches(viewer, reference(rows, { creditorId: portfolio.creditor_id, viewer: true }, '2026-06-01', AS_OF, 'month'));
    expect(viewer.collectors).toBeNull();
    expect(viewer.filters.creditorId).toBeNull();
    const segment = rows.segments.get(rows.debts[0]!.debtor_id) ?? 'intermediario';
    expectMatches((await api(token.analyst!, { segment })).body, reference(rows, { segment }, '2026-06-01', AS_OF, 'month'));
  });

  it('keeps the demo’s history consistent: held agreements bind their debts, paid installments add up, promises follow the payments', async () => {
    const problems = await t.db.system(async ({ sql }) => (await sql.query<{ problem: string; n: number }>(
      `select 'held agreement with a debt not in agreement' as problem, count(*)::int as n from agreements a join agreement_debts ad on ad.agreement_id = a.id join debts d on d.id = ad.debt_id
         where a.tenant_id = $1 and a.status in ('accepted', 'active') and (d.status <> 'in_agreement' or not ad.binding)
       union all select 'debt in agreement without a held agreement', count(*)::int from debts d where d.tenant_id = $1 and d.status = 'in_agreement'
         and not exists (select 1 from agreement_debts ad join agreements a on a.id = ad.agreement_id where ad.debt_id = d.id and ad.binding and a.status in ('accepted', 'active'))
       union all select 'fulfilled agreement with an unpaid installment', count(*)::int from agreements a join installments i on i.agreement_id = a.id where a.tenant_id = $1 and a.status = 'fulfilled' and i.status <> 'paid'
       union all select 'installment paid ≠ payments', count(*)::int from installments i where i.tenant_id = $1 and i.paid_cents <> (select coalesce(sum(p.applied_cents), 0) from payments p where p.installment_id = i.id)
       union all select 'held agreement past its grace', count(*)::int from agreements a join installments i on i.agreement_id = a.id where a.tenant_id = $1 and a.status in ('accepted', 'active') and i.status = 'open' and i.due_date + a.grace_days < $2::date - 1
       union all select 'history after asOf', count(*)::int from dispositions where tenant_id = $1 and at >= $3
       union all select 'kept promise without payments', count(*)::int from promises p where p.tenant_id = $1 and p.status = 'kept'
         and (select coalesce(sum(x.applied_cents), 0) from payments x where x.debtor_id = p.debtor_id and x.creditor_id = p.creditor_id and x.paid_on between p.created_on and p.promised_for) < p.amount_cents
       union all select 'action before its debt was placed', count(*)::int from actions a join debts d on d.id = a.debt_id where a.tenant_id = $1 and a.installment_id is null
         and a.due_on < (d.created_at at time zone 'America/Sao_Paulo')::date`,
      [tenantId, AS_OF, new Date(`${AS_OF}T03:00:00Z`)],
    )).rows);
    expect(problems.filter((p) => p.n > 0)).toEqual([]);
  });
});
