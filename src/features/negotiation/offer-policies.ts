import { z, zCents, zUuid } from '../../api/zod.ts';
import { DEFAULT_OFFER_POLICY, type OfferPolicy } from '../../domain/negotiation/offer-policy.ts';
import { notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

const zFraction = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'fração em texto, ex.: "0.5" para 50%')
  .refine((v) => Number(v) <= 1, 'fração acima de 1 (100%)');
const zDiscounts = z.object({ principal: zFraction, correction: zFraction, interest: zFraction, fine: zFraction, fees: zFraction });

export const offerPolicyRules = z
  .object({
    bands: z
      .array(z.object({ minDaysPastDue: z.number().int().min(1).describe('A faixa vale a partir deste atraso (dias)'), maxDiscount: zDiscounts.describe('Desconto máximo por componente do saldo (fração)') }))
      .min(1)
      .max(20)
      .refine((bands) => bands.every((b, i) => i === 0 || b.minDaysPastDue > bands[i - 1]!.minDaysPastDue), 'faixas devem estar em ordem crescente de atraso, sem repetição'),
    installmentDiscountShare: zFraction.describe('Parte do desconto mantida nas propostas parceladas'),
    maxInstallments: z.number().int().min(1).max(120).describe('Pagamentos ao todo, entrada incluída'),
    minInstallmentCents: zCents,
    minDownPaymentRate: zFraction,
    minDownPaymentCents: zCents,
    monthlyRate: zFraction.describe('Juros mensais do parcelamento (tabela Price)'),
    validityDays: z.number().int().min(1).max(90),
    firstPaymentInDays: z.number().int().min(1).max(60),
    graceDays: z.number().int().min(0).max(60).describe('Dias de tolerância após uma parcela vencida antes da quebra'),
    subsistenceMinimumCents: zCents.describe('Mínimo existencial (Decreto 11.567/2023: R$ 600,00)'),
  })
  .strict();

export const offerPolicyInput = z.object({
  portfolioId: zUuid,
  segment: z.string().trim().min(1).max(60).nullish(),
  name: z.string().trim().min(2).max(120),
  rules: offerPolicyRules,
});

export const offerPolicyOutput = z.object({
  id: z.uuid().nullable().describe('null: a política padrão, para carteiras sem política própria'),
  portfolioId: z.uuid().nullable(),
  segment: z.string().nullable(),
  name: z.string(),
  rules: offerPolicyRules,
  updatedAt: z.date().nullable(),
});

/** The policy of a portfolio and segment: the segment's, else the portfolio's, else the default. */
export async function policyFor(tx: Tx, portfolioId: string, segment: string | null = null): Promise<{ id: string | null; name: string; rules: OfferPolicy }> {
  const rows = await tx.db.selectFrom('offer_policies').select(['id', 'name', 'segment', 'rules']).where('portfolio_id', '=', portfolioId).execute();
  const chosen = (segment !== null ? rows.find((r) => r.segment === segment) : undefined) ?? rows.find((r) => r.segment === null);
  if (!chosen) return { id: null, name: 'Política padrão', rules: DEFAULT_OFFER_POLICY };
  return { id: chosen.id, name: chosen.name, rules: chosen.rules as OfferPolicy };
}

/**
 * The policy a debtor is offered: its segment's (from the daily run's scores), or, when a
 * champion/challenger experiment of offer policies runs in that segment, its arm's policy.
 */
export async function policyForDebtor(tx: Tx, portfolioId: string, debtorId: string): Promise<{ id: string | null; name: string; rules: OfferPolicy }> {
  const scored = await tx.db.selectFrom('debtor_scores').select('segment').where('debtor_id', '=', debtorId).executeTakeFirst();
  const segment = scored?.segment ?? null;
  if (segment !== null) {
    const arm = await tx.db
      .selectFrom('experiments as e')
      .innerJoin('experiment_members as m', (j) => j.onRef('m.tenant_id', '=', 'e.tenant_id').onRef('m.experiment_id', '=', 'e.id'))
      .select(['m.arm', 'e.champion_id', 'e.challenger_id'])
      .where('e.status', '=', 'running').where('e.kind', '=', 'offer_policy').where('e.portfolio_id', '=', portfolioId).where('e.segment', '=', segment).where('m.debtor_id', '=', debtorId)
      .executeTakeFirst();
    if (arm) {
      const chosen = await tx.db.selectFrom('offer_policies').select(['id', 'name', 'rules']).where('id', '=', arm.arm === 'challenger' ? arm.challenger_id : arm.champion_id).executeTakeFirst();
      if (chosen) return { id: chosen.id, name: chosen.name, rules: chosen.rules as OfferPolicy };
    }
  }
  return policyFor(tx, portfolioId, segment);
}

export async function listOfferPolicies(db: Database, actor: Actor, portfolioId: string | undefined) {
  requirePermission(actor, 'policies.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let query = tx.db.selectFrom('offer_policies').selectAll().orderBy('name');
    if (portfolioId) query = query.where('portfolio_id', '=', portfolioId);
    const rows = await query.execute();
    const items = rows.map((r) => ({ id: r.id, portfolioId: r.portfolio_id, segment: r.segment, name: r.name, rules: r.rules as OfferPolicy, updatedAt: r.updated_at }));
    return [{ id: null, portfolioId: null, segment: null, name: 'Política padrão', rules: DEFAULT_OFFER_POLICY, updatedAt: null }, ...items];
  });
}

/** Creates or replaces the policy of a portfolio and segment. */
export async function saveOfferPolicy(db: Database, actor: Actor, input: z.infer<typeof offerPolicyInput>) {
  requirePermission(actor, 'policies.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const portfolio = await tx.db.selectFrom('portfolios').select(['id', 'creditor_id']).where('id', '=', input.portfolioId).executeTakeFirst();
    if (!portfolio) throw notFound('Carteira');
    const segment = input.segment ?? null;
    const existing = await tx.db
      .selectFrom('offer_policies')
      .select('id')
      .where('portfolio_id', '=', input.portfolioId)
      .where((eb) => (segment === null ? eb('segment', 'is', null) : eb('segment', '=', segment)))
      .executeTakeFirst();
    const values = { name: input.name, rules: JSON.stringify(input.rules), updated_by: actor.userId, updated_at: new Date() };
    const row = existing
      ? await tx.db.updateTable('offer_policies').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
      : await tx.db.insertInto('offer_policies').values({ tenant_id: actor.tenantId, creditor_id: portfolio.creditor_id, portfolio_id: input.portfolioId, segment, ...values }).returningAll().executeTakeFirstOrThrow();
    return { id: row.id, portfolioId: row.portfolio_id, segment: row.segment, name: row.name, rules: row.rules as OfferPolicy, updatedAt: row.updated_at };
  });
}
