import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import {
  agingOf, channelLabel, completeMonths, effectivenessOf, funnelOf, rateOf, recoveredSeries, resolvePeriod, rollRatesOf, type Granularity,
} from '../../domain/analytics/index.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { can, requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { collectorFigures } from '../workspace/supervision.ts';
import { agreementFigures, agreementsByBucket, effectivenessGroups, funnelGroups, paymentsByBucket, portfolioFigures, type DashboardScope } from './dashboard-queries.ts';

/**
 * The management dashboard (painel gerencial): the portfolio's state, the money recovered, the
 * funnel, roll and cure rates, the schedule's and channels' effectiveness and the collectors'
 * ranking, over a period of Brasília days, for the whole agency or a creditor, portfolio or
 * segment. Every figure is defined in docs/dashboard.md; money is integer centavos, rates are
 * decimal strings with four places ("0.1234"), null when their denominator is zero.
 */
export const dashboardQuery = z.object({
  creditorId: zUuid.optional().describe('Só este credor'),
  portfolioId: zUuid.optional().describe('Só esta carteira'),
  segment: z.string().trim().min(1).max(60).optional().describe('Só os devedores que estão hoje neste segmento (debtor_scores)'),
  from: zIsoDate.optional().describe('Primeiro dia (padrão: o 1º dia do mês, cinco meses antes do mês de `to`)'),
  to: zIsoDate.optional().describe('Último dia, inclusive (padrão: hoje)'),
  granularity: z.enum(['month', 'week']).default('month').describe('Agrupamento da série de recuperação'),
});

const zRate = z.string().nullable().describe('Fração com 4 casas decimais ("0.1234" = 12,34%); null sem denominador');
const cents = z.number().int();
const count = z.number().int();

const rollFigures = z.object({ debts: count, amountCents: cents, cured: count, rolled: count, stayed: count, closed: count, cureRate: zRate, rollRate: zRate });
const effectiveness = z.object({
  sent: count, delivered: count, failed: count, debtorsReached: count, debtorsConverted: count, conversionRate: zRate,
  deliveryRate: zRate.describe('delivered ÷ sent; null para canal sem confirmação de entrega (e-mail, carta)'),
  hasReceipts: z.boolean().describe('O canal tem confirmação de entrega do provedor (SMS, WhatsApp, discador)'),
});

export const dashboardOutput = z.object({
  period: z.object({ from: z.string(), to: z.string(), granularity: z.enum(['month', 'week']) }),
  filters: z.object({ creditorId: z.uuid().nullable(), portfolioId: z.uuid().nullable(), segment: z.string().nullable() }),
  summary: z.object({
    openAmountCents: cents.describe('Valor de face dos títulos em aberto (fora de acordo) ao fim de `to`'),
    openDebts: count,
    debtorsWithOpenDebts: count,
    inAgreementAmountCents: cents.describe('Valor de face dos títulos presos a um acordo vigente ao fim de `to`'),
    inAgreementDebts: count,
    outstandingAtStartCents: cents.describe('Em aberto ou em acordo no início de `from` (fim do dia anterior)'),
    placedAmountCents: cents.describe('Valor de face dos títulos recebidos (importados) no período'),
    placedDebts: count,
    recoveredCents: cents.describe('Pagamentos recebidos no período (valor aplicado; excesso à parte)'),
    payments: count,
    recoveryRate: zRate.describe('recoveredCents ÷ (outstandingAtStartCents + placedAmountCents)'),
    agreementsMade: count.describe('Acordos aceitos no período'),
    agreementsMadeCents: cents,
    agreementsFulfilled: count,
    agreementsBroken: count,
    agreementsActive: count.describe('Acordos vigentes (aceitos ou ativos) ao fim de `to`'),
    promisesMade: count,
    promisesKept: count,
    promisesBroken: count,
    promisesKeptRate: zRate.describe('promisesKept ÷ (promisesKept + promisesBroken), julgadas no período'),
  }),
  recoveredOverTime: z.array(z.object({ periodStart: z.string(), label: z.string(), amountCents: cents, payments: count, agreements: count })),
  aging: z.array(z.object({ bucket: z.string(), label: z.string(), minDays: z.number().int().nullable(), maxDays: z.number().int().nullable(), debts: count, amountCents: cents })),
  funnel: z.array(z.object({ stage: z.string(), label: z.string(), debtors: count, direct: count, rateFromPrevious: zRate, rateFromStart: zRate })),
  rollRates: z.array(z.object({
    month: z.string(), label: z.string(),
    buckets: z.array(rollFigures.extend({ bucket: z.string(), label: z.string() })),
    total: rollFigures,
  })),
  stepEffectiveness: z.array(effectiveness.extend({ stepId: z.string(), stage: z.string(), channel: z.string(), channelLabel: z.string(), template: z.string() })),
  channelEffectiveness: z.array(effectiveness.extend({ channel: z.string(), channelLabel: z.string() })),
  collectors: z
    .array(z.object({
      rank: count, userId: z.uuid(), name: z.string(), team: z.string().nullable(),
      receivedCents: cents, agreements: count, agreedCents: cents, casesWorked: count, attempts: count, rightPartyContacts: count,
      rightPartyContactRate: zRate, promises: count, promiseRate: zRate, promisesKept: count, promisesBroken: count, promiseKeptRate: zRate,
    }))
    .nullable()
    .describe('null para quem não tem supervision.read (analista, credor): o desempenho dos operadores é dado da supervisão'),
});
export type DashboardOutput = z.infer<typeof dashboardOutput>;

/** The filters, checked against what the actor can see: a creditor or portfolio it cannot see is not found. */
async function checkScope(tx: Tx, actor: Actor, query: z.infer<typeof dashboardQuery>): Promise<DashboardScope> {
  if (query.creditorId && !(await tx.db.selectFrom('creditors').select('id').where('id', '=', query.creditorId).executeTakeFirst())) throw notFound('Credor');
  if (query.portfolioId) {
    const portfolio = await tx.db.selectFrom('portfolios').select(['id', 'creditor_id']).where('id', '=', query.portfolioId).executeTakeFirst();
    if (!portfolio) throw notFound('Carteira');
    if (query.creditorId && portfolio.creditor_id !== query.creditorId) throw new AppError('validation', 'A carteira não é deste credor.', { field: 'portfolioId' });
  }
  if (query.segment) {
    // Segments are the agency's working data: a creditor viewer sees none (row-level security hides them).
    if (actor.creditorId) throw new AppError('forbidden', 'Segmentos são dados de trabalho da assessoria: o filtro por segmento não está disponível para o credor.', { field: 'segment' });
    if (!(await tx.db.selectFrom('segments').select('id').where('name', '=', query.segment).executeTakeFirst())) throw notFound('Segmento');
  }
  return { tenantId: actor.tenantId, creditorId: query.creditorId ?? null, portfolioId: query.portfolioId ?? null, segment: query.segment ?? null };
}

export async function getDashboard(db: Database, actor: Actor, query: z.infer<typeof dashboardQuery>, today: IsoDate): Promise<DashboardOutput> {
  requirePermission(actor, 'dashboard.read');
  const period = resolvePeriod(query, today);
  if (period.to > today) throw new AppError('validation', 'O fim do período não pode passar de hoje.', { field: 'to' });
  const granularity: Granularity = query.granularity;
  return db.scoped(scopeOf(actor), async (tx) => {
    const scope = await checkScope(tx, actor, query);
    const before = addDays(period.from, -1);
    const months = completeMonths(period);
    const portfolio = await portfolioFigures(tx, scope, period, [period.to, before], months);
    const states = portfolio.states;
    const at = (day: IsoDate, held: boolean) => states.filter((s) => s.day === day && s.held === held);
    const sum = (rows: typeof states, key: 'debts' | 'amountCents') => rows.reduce((s, r) => s + r[key], 0);
    const openNow = at(period.to, false);
    const heldNow = at(period.to, true);
    const outstandingAtStart = sum([...at(before, false), ...at(before, true)], 'amountCents');
    const placed = portfolio.placed;
    const payments = await paymentsByBucket(tx, scope, period, granularity);
    const recovered = payments.reduce((s, p) => s + p.amountCents, 0);
    const figures = await agreementFigures(tx, scope, period);
    const effectiveness = await effectivenessGroups(tx, scope, period);
    const steps = effectiveness.steps.map((g) => ({
      stepId: g.stepId!, stage: g.stage!, channel: g.channel, channelLabel: channelLabel(g.channel), template: g.template!, ...effectivenessOf(g, g.channel),
    }));
    const channels = effectiveness.channels.map((g) => ({ channel: g.channel, channelLabel: channelLabel(g.channel), ...effectivenessOf(g, g.channel) }));
    const collectors = can(actor, 'supervision.read') && !actor.creditorId
      ? (await collectorFigures(tx, actor.tenantId, period, scope))
          .map((r) => {
            const agreedCents = Number(BigInt(r.agreed));
            const receivedCents = Number(BigInt(r.received));
            return {
              userId: r.id, name: r.name, team: r.team, receivedCents, agreements: r.agreements, agreedCents, casesWorked: r.cases, attempts: r.attempts,
              rightPartyContacts: r.rpc, rightPartyContactRate: rateOf(r.rpc, r.attempts), promises: r.promises, promiseRate: rateOf(r.promises, r.rpc),
              promisesKept: r.kept, promisesBroken: r.broken, promiseKeptRate: rateOf(r.kept, r.kept + r.broken),
            };
          })
          .sort((a, b) => b.receivedCents - a.receivedCents || b.agreements - a.agreements || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((c, i) => ({ rank: i + 1, ...c }))
      : null;
    return {
      period: { ...period, granularity },
      filters: { creditorId: scope.creditorId, portfolioId: scope.portfolioId, segment: scope.segment },
      summary: {
        openAmountCents: sum(openNow, 'amountCents'),
        openDebts: sum(openNow, 'debts'),
        debtorsWithOpenDebts: portfolio.debtorsOpenAtEnd,
        inAgreementAmountCents: sum(heldNow, 'amountCents'),
        inAgreementDebts: sum(heldNow, 'debts'),
        outstandingAtStartCents: outstandingAtStart,
        placedAmountCents: placed.amountCents,
        placedDebts: placed.debts,
        recoveredCents: recovered,
        payments: payments.reduce((s, p) => s + p.payments, 0),
        recoveryRate: rateOf(recovered, outstandingAtStart + placed.amountCents),
        agreementsMade: figures.made,
        agreementsMadeCents: figures.madeCents,
        agreementsFulfilled: figures.fulfilled,
        agreementsBroken: figures.broken,
        agreementsActive: figures.activeAtEnd,
        promisesMade: figures.promisesMade,
        promisesKept: figures.promisesKept,
        promisesBroken: figures.promisesBroken,
        promisesKeptRate: rateOf(figures.promisesKept, figures.promisesKept + figures.promisesBroken),
      },
      recoveredOverTime: recoveredSeries(period, granularity, payments, await agreementsByBucket(tx, scope, period, granularity)),
      aging: agingOf(openNow),
      funnel: funnelOf(await funnelGroups(tx, scope, period, !actor.creditorId)),
      rollRates: rollRatesOf(months, portfolio.roll),
      stepEffectiveness: steps,
      channelEffectiveness: channels,
      collectors,
    };
  });
}
