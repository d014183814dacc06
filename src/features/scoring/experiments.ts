import { z, zUuid } from '../../api/zod.ts';
import { compareArms, type ArmSums } from '../../domain/collection/index.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { ExperimentTable } from '../../store/schema.ts';
import type { Selectable } from 'kysely';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/**
 * Champion/challenger: a segment of a portfolio split at random (a stable hash of the experiment and
 * the debtor, src/domain/collection/experiment.ts) between two schedules or two offer policies. The
 * daily run enrols the segment's debtors with what they owed (their exposure); the report compares
 * what each arm recovered since, with a confidence interval.
 */
export const experimentInput = z.object({
  name: z.string().trim().min(3).max(120),
  kind: z.enum(['schedule', 'offer_policy']),
  portfolioId: zUuid,
  segment: z.string().min(1).max(60),
  championId: zUuid.describe('A régua (ou política) atual'),
  challengerId: zUuid.describe('A régua (ou política) que se quer testar'),
  challengerShare: z.number().gt(0).lt(1).default(0.5).describe('Fração dos devedores do segmento que vai para o desafiante'),
});

const armOutput = z.object({
  debtors: z.number().int(), exposureCents: z.number().int(), recoveredCents: z.number().int(), recoveryRate: z.number().nullable().describe('null: braço vazio'), payers: z.number().int(), payerShare: z.number().nullable(),
});

export const experimentOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['schedule', 'offer_policy']),
  portfolioId: z.uuid(),
  segment: z.string(),
  championId: z.uuid(),
  challengerId: z.uuid(),
  challengerShare: z.number(),
  status: z.enum(['running', 'stopped']),
  startedOn: z.string(),
  stoppedOn: z.string().nullable(),
});

export const experimentReportOutput = experimentOutput.extend({
  champion: armOutput,
  challenger: armOutput,
  difference: z.object({ recoveryRatio: z.number(), interval: z.tuple([z.number(), z.number()]), pValue: z.number() }).nullable(),
  payerShareDifference: z.object({ difference: z.number(), interval: z.tuple([z.number(), z.number()]) }).nullable(),
  verdict: z.enum(['challenger', 'champion', 'no_difference', 'insufficient_data']),
  message: z.string(),
});

const toOutput = (e: Selectable<ExperimentTable>): z.infer<typeof experimentOutput> => ({
  id: e.id, name: e.name, kind: e.kind, portfolioId: e.portfolio_id, segment: e.segment, championId: e.champion_id, challengerId: e.challenger_id,
  challengerShare: Number(e.challenger_share), status: e.status, startedOn: e.started_on, stoppedOn: e.stopped_on,
});

export async function createExperiment(db: Database, actor: Actor, input: z.infer<typeof experimentInput>, today: IsoDate) {
  requirePermission(actor, 'segments.write');
  if (input.championId === input.challengerId) throw new AppError('validation', 'Campeão e desafiante precisam ser diferentes.', { field: 'challengerId' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const table = input.kind === 'schedule' ? 'schedules' : 'offer_policies';
    const arms = await tx.db.selectFrom(table).select(['id', 'portfolio_id']).where('id', 'in', [input.championId, input.challengerId]).execute();
    for (const [field, id] of [['championId', input.championId], ['challengerId', input.challengerId]] as const) {
      const arm = arms.find((a) => a.id === id);
      if (!arm) throw new AppError('validation', `${input.kind === 'schedule' ? 'Régua' : 'Política'} não encontrada.`, { field });
      if (arm.portfolio_id !== input.portfolioId) throw new AppError('validation', `${input.kind === 'schedule' ? 'A régua' : 'A política'} é de outra carteira.`, { field });
    }
    if (!(await tx.db.selectFrom('segments').select('id').where('name', '=', input.segment).executeTakeFirst())) throw new AppError('validation', 'Segmento não encontrado.', { field: 'segment' });
    try {
      const row = await tx.db
        .insertInto('experiments')
        .values({
          tenant_id: actor.tenantId, name: input.name, kind: input.kind, portfolio_id: input.portfolioId, segment: input.segment, champion_id: input.championId,
          challenger_id: input.challengerId, challenger_share: input.challengerShare.toFixed(3), started_on: today, created_by: actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOutput(row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'Já há um experimento deste tipo em andamento para esta carteira e segmento.', { field: 'segment' });
      throw error;
    }
  });
}

export async function listExperiments(db: Database, actor: Actor) {
  requirePermission(actor, 'segments.write');
  return db.scoped(scopeOf(actor), async (tx) => (await tx.db.selectFrom('experiments').selectAll().orderBy('created_at', 'desc').execute()).map(toOutput));
}

export async function stopExperiment(db: Database, actor: Actor, id: string, today: IsoDate) {
  requirePermission(actor, 'segments.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.updateTable('experiments').set({ status: 'stopped', stopped_on: today }).where('id', '=', id).where('status', '=', 'running').returningAll().executeTakeFirst();
    if (row) return toOutput(row);
    const existing = await tx.db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) throw notFound('Experimento');
    return toOutput(existing);
  });
}

// What each member paid the portfolio's creditor since it joined, capped at its exposure for the
// ratio (an old debt paid at once would otherwise weigh more than the whole arm).
const ARMS_SQL = `
  select m.arm, count(*)::int as debtors, sum(m.exposure_cents)::text as exposure, sum(r.recovered)::text as recovered,
         count(*) filter (where r.recovered > 0)::int as payers,
         coalesce(sum(least(r.recovered, m.exposure_cents)::float8 / m.exposure_cents), 0) as ratio_sum,
         coalesce(sum(power(least(r.recovered, m.exposure_cents)::float8 / m.exposure_cents, 2)), 0) as ratio_square_sum
  from experiment_members m
  join experiments e on e.tenant_id = m.tenant_id and e.id = m.experiment_id
  join portfolios pf on pf.id = e.portfolio_id
  cross join lateral (
    select coalesce(sum(p.applied_cents), 0) as recovered from payments p
    where p.tenant_id = m.tenant_id and p.debtor_id = m.debtor_id and p.creditor_id = pf.creditor_id and p.paid_on >= m.joined_on
      and (e.stopped_on is null or p.paid_on <= e.stopped_on)
  ) r
  where m.tenant_id = $1 and m.experiment_id = $2 and m.exposure_cents > 0
  group by m.arm`;

export async function experimentReport(db: Database, actor: Actor, id: string): Promise<z.infer<typeof experimentReportOutput>> {
  return db.scoped(scopeOf(actor), async (tx) => {
    const experiment = await tx.db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!experiment) throw notFound('Experimento');
    requirePermission(actor, 'segments.write');
    const { rows } = await tx.sql.query<{ arm: 'champion' | 'challenger'; debtors: number; exposure: string; recovered: string; payers: number; ratio_sum: number; ratio_square_sum: number }>(ARMS_SQL, [actor.tenantId, id]);
    const sums = (arm: 'champion' | 'challenger'): ArmSums => {
      const r = rows.find((x) => x.arm === arm);
      return r
        ? { debtors: r.debtors, exposureCents: BigInt(r.exposure), recoveredCents: BigInt(r.recovered), payers: r.payers, ratioSum: Number(r.ratio_sum), ratioSquareSum: Number(r.ratio_square_sum) }
        : { debtors: 0, exposureCents: 0n, recoveredCents: 0n, payers: 0, ratioSum: 0, ratioSquareSum: 0 };
    };
    const c = compareArms(sums('champion'), sums('challenger'));
    // An empty arm has no rate (NaN in the statistics): null, not a number that JSON cannot carry.
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    const arm = (a: typeof c.champion) => ({ debtors: a.debtors, exposureCents: Number(a.exposureCents), recoveredCents: Number(a.recoveredCents), recoveryRate: finite(a.recoveryRate), payers: a.payers, payerShare: finite(a.payerShare) });
    return {
      ...toOutput(experiment),
      champion: arm(c.champion),
      challenger: arm(c.challenger),
      difference: c.recoveryRatio && Number.isFinite(c.recoveryRatio.interval[0]) && Number.isFinite(c.recoveryRatio.interval[1]) ? { recoveryRatio: c.recoveryRatio.difference, interval: c.recoveryRatio.interval, pValue: c.recoveryRatio.pValue } : null,
      payerShareDifference: c.payerShare,
      verdict: c.verdict,
      message: c.message,
    };
  });
}
