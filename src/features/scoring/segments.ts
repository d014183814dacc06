import { z, zUf, zUuid } from '../../api/zod.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { DEFAULT_SCORE_BANDS, bandOf } from '../../domain/scoring/bands.ts';
import { scoreByScorecard, type ScoreReason } from '../../domain/scoring/scorecard.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { featuresOf } from './features.ts';
import { scorerOf } from './score-run.ts';

const bandNames = DEFAULT_SCORE_BANDS.map((b) => b.name) as [string, ...string[]];

export const segmentInput = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'nome do segmento: letras minúsculas, números e hífens (até 60)'),
  priority: z.number().int().min(0).max(10_000).default(100).describe('Menor primeiro: o devedor fica no primeiro segmento cujas regras atende'),
  description: z.string().trim().max(500).nullish(),
  rules: z
    .object({
      scoreBands: z.array(z.enum(bandNames)).min(1).optional(),
      minDaysPastDue: z.number().int().min(0).optional(),
      maxDaysPastDue: z.number().int().min(0).optional(),
      minAmountCents: z.number().int().min(0).optional(),
      maxAmountCents: z.number().int().min(0).optional(),
      debtorKinds: z.array(z.enum(['pf', 'pj'])).min(1).optional(),
      ufs: z.array(zUf).min(1).optional(),
      portfolioIds: z.array(zUuid).min(1).optional(),
    })
    .strict()
    .refine((r) => r.minDaysPastDue === undefined || r.maxDaysPastDue === undefined || r.minDaysPastDue <= r.maxDaysPastDue, { message: 'minDaysPastDue maior que maxDaysPastDue', path: ['maxDaysPastDue'] })
    .refine((r) => r.minAmountCents === undefined || r.maxAmountCents === undefined || r.minAmountCents <= r.maxAmountCents, { message: 'minAmountCents maior que maxAmountCents', path: ['maxAmountCents'] }),
});

type SegmentRulesOut = z.infer<typeof segmentInput>['rules'];

export const segmentOutput = segmentInput.extend({ id: z.uuid(), debtors: z.number().int().describe('Devedores no segmento na última execução diária') });

export async function listSegments(db: Database, actor: Actor) {
  return db.scoped(scopeOf(actor), async (tx) => {
    const rows = await tx.db.selectFrom('segments').selectAll().orderBy('priority').orderBy('name').execute();
    const counts = new Map(
      (await tx.db.selectFrom('debtor_scores').select(['segment', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('segment').execute()).map((r) => [r.segment, Number(r.n)]),
    );
    return rows.map((r) => ({ id: r.id, name: r.name, priority: r.priority, description: r.description, rules: r.rules as SegmentRulesOut, debtors: counts.get(r.name) ?? 0 }));
  });
}

/** Creates or replaces a segment by name; the next daily run assigns debtors to it. */
export async function putSegment(db: Database, actor: Actor, input: z.infer<typeof segmentInput>) {
  requirePermission(actor, 'segments.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    if (input.rules.portfolioIds) {
      const found = await tx.db.selectFrom('portfolios').select('id').where('id', 'in', input.rules.portfolioIds).execute();
      if (found.length !== new Set(input.rules.portfolioIds).size) throw new AppError('validation', 'Carteira não encontrada.', { field: 'rules.portfolioIds' });
    }
    const values = { priority: input.priority, description: input.description ?? null, rules: JSON.stringify(input.rules), updated_by: actor.userId, updated_at: new Date() };
    const row = await tx.db
      .insertInto('segments')
      .values({ tenant_id: actor.tenantId, name: input.name, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return { id: row.id, name: row.name, priority: row.priority, description: row.description, rules: row.rules as SegmentRulesOut, debtors: 0 };
  });
}

export async function deleteSegment(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'segments.write');
  await db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.selectFrom('segments').select('name').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Segmento');
    const running = await tx.db.selectFrom('experiments').select('name').where('segment', '=', row.name).where('status', '=', 'running').executeTakeFirst();
    if (running) throw new AppError('conflict', `O segmento tem um experimento em andamento (${running.name}): encerre-o antes.`);
    await tx.db.deleteFrom('segments').where('id', '=', id).execute();
  });
}

export const debtorScoreOutput = z.object({
  debtorId: z.uuid(),
  score: z.number().int(),
  band: z.string(),
  segment: z.string().nullable(),
  model: z.string().describe('scorecard ou o id do modelo treinado ativo'),
  asOf: z.string(),
  openDebts: z.number().int(),
  openAmountCents: z.number().int(),
  daysPastDue: z.number().int(),
  reasons: z.array(z.object({ factor: z.string(), label: z.string(), value: z.number(), points: z.number().int() })).describe('Pontos de cada fator do scorecard (explica o score mesmo quando um modelo treinado decide)'),
  stored: z.object({ score: z.number().int(), band: z.string(), segment: z.string().nullable(), scoredOn: z.string() }).nullable().describe('O que a última execução diária gravou'),
});

/** A debtor's score now, with the scorecard's reasons, and what the daily run stored (audited: it reads the debtor's record). */
export async function debtorScore(db: Database, actor: Actor, debtorId: string, asOf: IsoDate, route: string): Promise<z.infer<typeof debtorScoreOutput>> {
  return db.scoped(scopeOf(actor), async (tx) => {
    const [row] = await featuresOf(tx, actor.tenantId, asOf, null, 1, { debtorIds: [debtorId] });
    if (!row) throw notFound('Devedor');
    await recordAccess(tx, actor, { action: 'read', resource: 'score', subjectIds: [debtorId], route });
    const scorer = await scorerOf(tx);
    const score = scorer.score(row);
    const stored = await tx.db.selectFrom('debtor_scores').selectAll().where('debtor_id', '=', debtorId).executeTakeFirst();
    const reasons: ScoreReason[] = scoreByScorecard(row).reasons;
    return {
      debtorId, score, band: bandOf(score), segment: stored?.segment ?? null, model: scorer.modelId ?? 'scorecard', asOf,
      openDebts: row.openDebts, openAmountCents: row.openAmountCents, daysPastDue: row.maxDaysPastDue, reasons,
      stored: stored ? { score: stored.score, band: stored.band, segment: stored.segment, scoredOn: stored.scored_on } : null,
    };
  });
}
