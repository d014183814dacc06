import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { FEATURE_COLUMNS, featureRow } from '../../domain/scoring/features.ts';
import { createDataset, trainModel, type DataRow, type EvaluationReport } from '../../domain/scoring/model/index.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { featuresOf } from './features.ts';

/**
 * Models trained on the tenant's own outcomes. The training set is a snapshot: every debtor with
 * something overdue on `snapshotOn`, its features as they were that day (featuresOf never reads a
 * later fact), and the outcome — did it pay, agree or settle in the `horizonDays` that followed.
 * Training and evaluation are the same pure functions `recupera score train|evaluate` runs on any CSV.
 */
export const OUTCOME_COLUMN = 'pagou_ou_acordou';

const OUTCOME_SQL = `
  select c.id,
         exists (select 1 from payments p where p.tenant_id = $1 and p.debtor_id = c.id and p.paid_on > $2 and p.paid_on <= $3)
      or exists (select 1 from agreements a where a.tenant_id = $1 and a.debtor_id = c.id and a.accepted_at is not null
                 and (a.accepted_at at time zone 'America/Sao_Paulo')::date > $2 and (a.accepted_at at time zone 'America/Sao_Paulo')::date <= $3)
      or exists (select 1 from debts d where d.tenant_id = $1 and d.debtor_id = c.id and d.status in ('paid', 'settled')
                 and d.status_changed_at::date > $2 and d.status_changed_at::date <= $3) as outcome
  from unnest($4::uuid[]) as c (id)`;

/** The training rows of a tenant: features on `snapshotOn`, outcome in (snapshotOn, snapshotOn + horizonDays]. */
export async function trainingRows(db: Database, tenantId: string, snapshotOn: IsoDate, horizonDays: number, chunkSize = 5_000): Promise<DataRow[]> {
  const end = addDays(snapshotOn, horizonDays);
  const rows: DataRow[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await db.scoped({ tenantId }, async (tx) => {
      const read = await featuresOf(tx, tenantId, snapshotOn, cursor, chunkSize, { historical: true });
      const overdue = read.filter((f) => f.openDebts > 0 && !f.deceased);
      const outcomes = overdue.length
        ? new Map((await tx.sql.query<{ id: string; outcome: boolean }>(OUTCOME_SQL, [tenantId, snapshotOn, end, overdue.map((f) => f.debtorId)])).rows.map((r) => [r.id, r.outcome]))
        : new Map<string, boolean>();
      for (const f of overdue) rows.push({ ...featureRow(f), [OUTCOME_COLUMN]: outcomes.get(f.debtorId) ? 1 : 0 });
      return read;
    });
    if (page.length < chunkSize) break;
    cursor = page.at(-1)!.debtorId;
  }
  return rows;
}

export const trainInput = z.object({
  snapshotOn: zIsoDate.describe('A data da fotografia: as características do devedor nesse dia'),
  horizonDays: z.number().int().min(7).max(365).default(30).describe('O desfecho: pagou, fez acordo ou quitou até N dias depois'),
  kind: z.enum(['logistic', 'gbm', 'auto']).default('auto').describe('auto: árvores (GBM) só se superarem a regressão logística em AUC'),
  activate: z.boolean().default(false).describe('Passar a pontuar com este modelo na próxima execução diária'),
});

export const modelOutput = z.object({
  id: z.uuid(),
  kind: z.enum(['logistic', 'gbm']),
  snapshotOn: z.string(),
  horizonDays: z.number().int(),
  active: z.boolean(),
  createdAt: z.date(),
  report: z.object({ rows: z.number().int(), positives: z.number().int(), auc: z.number(), ks: z.number(), gini: z.number(), brier: z.number() }).passthrough(),
});

const MIN_ROWS = 200;
const MIN_EACH_CLASS = 20;

/** Trains a model on the tenant's history and stores it (and, when asked, makes it the active scorer). */
export async function trainTenantModel(db: Database, actor: Actor, input: z.infer<typeof trainInput>, today: IsoDate): Promise<z.infer<typeof modelOutput>> {
  requirePermission(actor, 'models.write');
  if (addDays(input.snapshotOn, input.horizonDays) > today) {
    throw new AppError('validation', `O desfecho ainda não aconteceu: a fotografia + ${input.horizonDays} dias passa de hoje (${today}).`, { field: 'snapshotOn' });
  }
  const rows = await trainingRows(db, actor.tenantId, input.snapshotOn, input.horizonDays);
  const positives = rows.filter((r) => r[OUTCOME_COLUMN] === 1).length;
  if (rows.length < MIN_ROWS || positives < MIN_EACH_CLASS || rows.length - positives < MIN_EACH_CLASS) {
    throw new AppError('validation', `Histórico insuficiente em ${input.snapshotOn}: ${rows.length} devedores em atraso, ${positives} pagaram ou fizeram acordo (mínimo ${MIN_ROWS} devedores e ${MIN_EACH_CLASS} de cada desfecho). Continue com o scorecard.`, { field: 'snapshotOn' });
  }
  const dataset = createDataset(rows, { outcome: OUTCOME_COLUMN, columns: [...FEATURE_COLUMNS, OUTCOME_COLUMN] });
  const { model, report } = trainModel(dataset, { kind: input.kind, holdout: 0.3, seed: `${actor.tenantId}:${input.snapshotOn}` });
  return db.scoped(scopeOf(actor), async (tx) => {
    if (input.activate) await tx.db.updateTable('score_models').set({ active: false }).where('active', '=', true).execute();
    const row = await tx.db
      .insertInto('score_models')
      .values({ tenant_id: actor.tenantId, kind: model.kind, model: JSON.stringify(model), report: JSON.stringify(report), snapshot_on: input.snapshotOn, horizon_days: input.horizonDays, active: input.activate, created_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOutput(row);
  });
}

function toOutput(row: { id: string; kind: 'logistic' | 'gbm'; snapshot_on: string; horizon_days: number; active: boolean; created_at: Date; report: unknown }): z.infer<typeof modelOutput> {
  const report = row.report as EvaluationReport;
  return {
    id: row.id, kind: row.kind, snapshotOn: row.snapshot_on, horizonDays: row.horizon_days, active: row.active, createdAt: row.created_at,
    report: { ...report, rows: report.rows, positives: report.positives, auc: report.auc, ks: report.ks.value, gini: report.gini, brier: report.brier },
  };
}

export async function listModels(db: Database, actor: Actor) {
  requirePermission(actor, 'models.write');
  return db.scoped(scopeOf(actor), async (tx) => (await tx.db.selectFrom('score_models').selectAll().orderBy('created_at', 'desc').execute()).map(toOutput));
}

export const activateInput = z.object({ modelId: zUuid.nullable().describe('null: voltar ao scorecard') });

/** Makes a model the tenant's scorer (or goes back to the scorecard); the next daily run rescores everyone. */
export async function activateModel(db: Database, actor: Actor, modelId: string | null): Promise<{ active: string | null }> {
  requirePermission(actor, 'models.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    if (modelId && !(await tx.db.selectFrom('score_models').select('id').where('id', '=', modelId).executeTakeFirst())) throw notFound('Modelo');
    await tx.db.updateTable('score_models').set({ active: false }).where('active', '=', true).execute();
    if (modelId) await tx.db.updateTable('score_models').set({ active: true }).where('id', '=', modelId).execute();
    return { active: modelId };
  });
}
