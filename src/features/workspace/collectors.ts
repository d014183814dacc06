import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { STRATEGIES, collectorsWithLoad } from './distribution.ts';

/** Collectors' limits, teams, skills and portfolios, and the tenant's distribution strategy. */
export const collectorInput = z.object({
  team: z.string().trim().min(1).max(60).nullish(),
  maxOpenCases: z.number().int().min(0).max(100_000).nullish().describe('Limite de casos abertos; vazio: sem limite'),
  skills: z.array(z.string().min(1).max(60)).max(50).default([]).describe('Segmentos em que é especialista; vazio: generalista'),
  portfolioIds: z.array(zUuid).max(200).default([]).describe('Carteiras que atende; vazio: todas'),
  active: z.boolean().default(true),
});

export const collectorOutput = z.object({
  userId: z.uuid(), name: z.string(), email: z.string(), team: z.string().nullable(), maxOpenCases: z.number().int().nullable(),
  skills: z.array(z.string()), portfolioIds: z.array(z.uuid()), active: z.boolean(), openCases: z.number().int(), openAmountCents: z.number().int(),
});

export async function listCollectors(db: Database, actor: Actor): Promise<Array<z.infer<typeof collectorOutput>>> {
  requirePermission(actor, 'supervision.read');
  return db.scoped(scopeOf(actor), async (tx) =>
    (await collectorsWithLoad(tx)).map((c) => ({
      userId: c.id, name: c.name, email: c.email, team: c.team, maxOpenCases: c.maxOpenCases, skills: [...c.skills], portfolioIds: [...c.portfolioIds],
      active: c.active, openCases: c.openCases, openAmountCents: c.openAmountCents,
    })),
  );
}

export async function putCollector(db: Database, actor: Actor, userId: string, input: z.infer<typeof collectorInput>) {
  requirePermission(actor, 'distribution.write');
  await db.scoped(scopeOf(actor), async (tx) => {
    const user = await tx.db.selectFrom('users').select(['role']).where('id', '=', userId).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
    if (!user) throw notFound('Usuário');
    if (user.role !== 'collector') throw new AppError('validation', 'O usuário não tem o perfil de operador de cobrança.', { field: 'userId' });
    if (input.portfolioIds.length) {
      const found = await tx.db.selectFrom('portfolios').select('id').where('id', 'in', input.portfolioIds).execute();
      if (found.length !== new Set(input.portfolioIds).size) throw new AppError('validation', 'Carteira não encontrada.', { field: 'portfolioIds' });
    }
    const values = { team: input.team ?? null, max_open_cases: input.maxOpenCases ?? null, skills: input.skills, portfolio_ids: input.portfolioIds, active: input.active, updated_at: new Date() };
    await tx.db.insertInto('collectors').values({ tenant_id: actor.tenantId, user_id: userId, ...values }).onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(values)).execute();
  });
  return (await listCollectors(db, actor)).find((c) => c.userId === userId)!;
}

export const distributionSettingsInput = z.object({ strategy: z.enum(STRATEGIES), auto: z.boolean().default(true).describe('Distribuir os casos novos na execução diária') });

export async function getDistributionSettings(db: Database, actor: Actor) {
  requirePermission(actor, 'supervision.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.selectFrom('distribution_settings').select(['strategy', 'auto']).executeTakeFirst();
    return { strategy: row?.strategy ?? 'balanced', auto: row?.auto ?? true };
  });
}

export async function putDistributionSettings(db: Database, actor: Actor, input: z.infer<typeof distributionSettingsInput>) {
  requirePermission(actor, 'distribution.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    await tx.db
      .insertInto('distribution_settings')
      .values({ tenant_id: actor.tenantId, strategy: input.strategy, auto: input.auto })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ strategy: input.strategy, auto: input.auto, updated_at: new Date() }))
      .execute();
    return input;
  });
}
