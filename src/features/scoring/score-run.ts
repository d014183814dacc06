import { armOf } from '../../domain/collection/index.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { bandOf, scoreOfProbability } from '../../domain/scoring/bands.ts';
import { featureRow } from '../../domain/scoring/features.ts';
import { compilePredictor, type TrainedModel } from '../../domain/scoring/model/index.ts';
import { scoreByScorecard } from '../../domain/scoring/scorecard.ts';
import { orderSegments, segmentOf, type Segment, type SegmentRules } from '../../domain/scoring/segments.ts';
import type { Database, Tx } from '../../store/database.ts';
import { featuresOf, type FeatureRow } from './features.ts';

/**
 * Scores and segments in the daily run: per tenant, debtors in chunks by id, each chunk one read
 * (featuresOf: a grouped pass over the chunk's debts, payments, agreements, promises, contacts)
 * and one of their stored scores, scoring in Node with the pure scorer (the tenant's active model,
 * else the scorecard), and one bulk upsert of only the debtors whose score, band, segment or open
 * debts changed.
 * Debtors with nothing overdue lose their row (their case is closed); running champion/challenger
 * experiments enrol the debtors of their segment once, with their exposure. Every chunk commits on
 * its own: a run killed halfway is finished by the next one, with the same result.
 */
export interface ScoreRunSummary {
  tenants: number;
  debtorsRead: number;
  scored: number;
  changed: number;
  removed: number;
  enrolled: number;
  byBand: Record<string, number>;
  timings: { read: number; score: number; write: number };
}

export type Scorer = (row: FeatureRow) => number;

/** The tenant's scorer: its active trained model, else the scorecard. */
export async function scorerOf(tx: Tx): Promise<{ modelId: string | null; score: Scorer }> {
  const active = await tx.db.selectFrom('score_models').select(['id', 'model']).where('active', '=', true).executeTakeFirst();
  if (!active) return { modelId: null, score: (row) => scoreByScorecard(row).score };
  const predict = compilePredictor(active.model as TrainedModel);
  return { modelId: active.id, score: (row) => scoreOfProbability(predict(featureRow(row))) };
}

export async function segmentsOf(tx: Tx): Promise<Segment[]> {
  const rows = await tx.db.selectFrom('segments').select(['name', 'priority', 'rules']).execute();
  return orderSegments(rows.map((r) => ({ name: r.name, priority: r.priority, rules: r.rules as SegmentRules })));
}

interface RunningExperiment {
  id: string;
  portfolioId: string;
  segment: string;
  share: number;
}

interface StoredScore {
  score: number;
  band: string;
  model_id: string | null;
  segment: string | null;
  open_debts: number;
  open_amount_cents: string;
  oldest_due_date: string;
}

const STORED_SQL = `
  select debtor_id, score, band, model_id, segment, open_debts, open_amount_cents::text, oldest_due_date::text
  from debtor_scores where tenant_id = $1 and debtor_id = any($2::uuid[])`;

const UPSERT_SQL = `
  with written as (
    insert into debtor_scores (tenant_id, debtor_id, score, band, model_id, segment, open_debts, open_amount_cents, oldest_due_date, scored_on)
    select $1, u.debtor_id, u.score, u.band, u.model_id, u.segment, u.open_debts, u.open_amount_cents, u.oldest_due_date, $10
    from unnest($2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::text[], $7::int[], $8::bigint[], $9::date[])
      as u (debtor_id, score, band, model_id, segment, open_debts, open_amount_cents, oldest_due_date)
    on conflict (tenant_id, debtor_id) do update
      set score = excluded.score, band = excluded.band, model_id = excluded.model_id, segment = excluded.segment, open_debts = excluded.open_debts,
          open_amount_cents = excluded.open_amount_cents, oldest_due_date = excluded.oldest_due_date, scored_on = excluded.scored_on
      where (debtor_scores.score, debtor_scores.band, debtor_scores.model_id, debtor_scores.segment, debtor_scores.open_debts, debtor_scores.open_amount_cents, debtor_scores.oldest_due_date)
            is distinct from (excluded.score, excluded.band, excluded.model_id, excluded.segment, excluded.open_debts, excluded.open_amount_cents, excluded.oldest_due_date)
    returning 1
  )
  select count(*)::int as n from written`;

export async function runScoring(db: Database, asOf: IsoDate, options: { chunkSize?: number; tenantIds?: string[] } = {}): Promise<ScoreRunSummary> {
  const chunkSize = options.chunkSize ?? 5_000;
  const summary: ScoreRunSummary = { tenants: 0, debtorsRead: 0, scored: 0, changed: 0, removed: 0, enrolled: 0, byBand: {}, timings: { read: 0, score: 0, write: 0 } };
  const tenants = options.tenantIds ?? (await db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id)));
  for (const tenantId of tenants) {
    summary.tenants++;
    const { scorer, segments, experiments } = await db.scoped({ tenantId }, async (tx) => ({
      scorer: await scorerOf(tx),
      segments: await segmentsOf(tx),
      experiments: (
        await tx.db.selectFrom('experiments').select(['id', 'portfolio_id', 'segment', 'challenger_share']).where('status', '=', 'running').execute()
      ).map((e): RunningExperiment => ({ id: e.id, portfolioId: e.portfolio_id, segment: e.segment, share: Number(e.challenger_share) })),
    }));
    let cursor: string | null = null;
    for (;;) {
      const done = await db.scoped({ tenantId }, async (tx) => {
        let t = performance.now();
        const rows = await featuresOf(tx, tenantId, asOf, cursor, chunkSize);
        if (rows.length === 0) return true;
        // What is stored, so that only what changed is written (an upsert that changes nothing still locks every row).
        const stored = new Map(
          (await tx.sql.query<StoredScore & { debtor_id: string }>(STORED_SQL, [tenantId, rows.map((r) => r.debtorId)])).rows.map((r) => [r.debtor_id, r]),
        );
        summary.timings.read += performance.now() - t;
        t = performance.now();
        const scored = { ids: [] as string[], score: [] as number[], band: [] as string[], model: [] as Array<string | null>, segment: [] as Array<string | null>, open: [] as number[], amount: [] as string[], oldest: [] as string[] };
        const removed: string[] = [];
        const members: Array<{ experiment_id: string; debtor_id: string; arm: string; exposure_cents: number }> = [];
        for (const row of rows) {
          // Nothing overdue, or the debtor has died: no case to work, no score to keep.
          if (row.openDebts === 0 || row.deceased || !row.oldestDueDate) {
            if (stored.has(row.debtorId)) removed.push(row.debtorId);
            continue;
          }
          const score = scorer.score(row);
          const band = bandOf(score);
          const segment = segmentOf(segments, { band, maxDaysPastDue: row.maxDaysPastDue, openAmountCents: row.openAmountCents, kind: row.kind, uf: row.uf, portfolioIds: row.portfolioIds });
          summary.byBand[band] = (summary.byBand[band] ?? 0) + 1;
          summary.scored++;
          for (const e of experiments) {
            if (e.segment === segment && row.portfolioIds.includes(e.portfolioId)) {
              members.push({ experiment_id: e.id, debtor_id: row.debtorId, arm: armOf(e.id, row.debtorId, e.share), exposure_cents: row.openAmountCents });
            }
          }
          const before = stored.get(row.debtorId);
          if (
            before && before.score === score && before.band === band && before.model_id === scorer.modelId && before.segment === segment &&
            before.open_debts === row.openDebts && Number(before.open_amount_cents) === row.openAmountCents && before.oldest_due_date === row.oldestDueDate
          ) continue;
          scored.ids.push(row.debtorId);
          scored.score.push(score);
          scored.band.push(band);
          scored.model.push(scorer.modelId);
          scored.segment.push(segment);
          scored.open.push(row.openDebts);
          scored.amount.push(String(row.openAmountCents));
          scored.oldest.push(row.oldestDueDate);
        }
        summary.timings.score += performance.now() - t;
        t = performance.now();
        if (scored.ids.length) {
          const { rows: n } = await tx.sql.query<{ n: number }>(UPSERT_SQL, [tenantId, scored.ids, scored.score, scored.band, scored.model, scored.segment, scored.open, scored.amount, scored.oldest, asOf]);
          summary.changed += n[0]!.n;
        }
        if (removed.length) {
          const { rows: n } = await tx.sql.query<{ n: number }>(`with gone as (delete from debtor_scores where tenant_id = $1 and debtor_id = any($2::uuid[]) returning 1) select count(*)::int as n from gone`, [tenantId, removed]);
          summary.removed += n[0]!.n;
        }
        if (members.length) {
          const { rows: n } = await tx.sql.query<{ n: number }>(
            `with joined as (
               insert into experiment_members (tenant_id, experiment_id, debtor_id, arm, joined_on, exposure_cents)
               select $1, m.experiment_id, m.debtor_id, m.arm, $3, m.exposure_cents from jsonb_to_recordset($2::jsonb) as m (experiment_id uuid, debtor_id uuid, arm text, exposure_cents bigint)
               on conflict do nothing returning 1)
             select count(*)::int as n from joined`,
            [tenantId, JSON.stringify(members), asOf],
          );
          summary.enrolled += n[0]!.n;
        }
        summary.timings.write += performance.now() - t;
        summary.debtorsRead += rows.length;
        cursor = rows.at(-1)!.debtorId;
        return rows.length < chunkSize;
      });
      if (done) break;
    }
  }
  for (const key of Object.keys(summary.timings) as Array<keyof ScoreRunSummary['timings']>) summary.timings[key] = Math.round(summary.timings[key]);
  return summary;
}
