import { Decimal } from '../../domain/decimal.ts';
import { IndexSet, SERIES, type SeriesName, type SeriesValue } from '../../domain/indices/series.ts';
import type { Database } from '../../store/database.ts';

/**
 * Index values in the database. Importing is an upsert by (series, period) in one transaction:
 * the same file twice changes nothing; a revised value replaces the old one and is counted.
 */
export async function importSeries(db: Database, series: SeriesName, values: readonly SeriesValue[], source: string) {
  return db.system(async ({ sql }) => {
    const { rows } = await sql.query<{ inserted: number; updated: number }>(
      `with incoming as (
         select * from unnest($2::text[], $3::numeric[]) as t (period, value)
       ), written as (
         insert into index_values (series, period, value, source)
         select $1, period, value, $4 from incoming
         on conflict (series, period) do update set value = excluded.value, source = excluded.source, imported_at = now()
           where index_values.value is distinct from excluded.value
         returning (xmax = 0) as inserted
       )
       select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`,
      [series, values.map((v) => v.period), values.map((v) => v.value), source],
    );
    const { inserted, updated } = rows[0]!;
    return { series, total: values.length, inserted, updated, unchanged: values.length - inserted - updated, first: values[0]?.period ?? null, last: values.at(-1)?.period ?? null };
  });
}

export async function listSeries(db: Database) {
  return db.system(async ({ sql }) => {
    const { rows } = await sql.query<{ series: string; count: number; first: string; last: string }>(
      'select series, count(*)::int as count, min(period) as first, max(period) as last from index_values group by series order by series',
    );
    return rows.map((r) => ({ ...r, label: SERIES[r.series as SeriesName]?.label ?? r.series }));
  });
}

/** Every stored value, for the calculations (a few thousand rows at most). */
export async function loadIndexValues(db: Database): Promise<Partial<Record<SeriesName, SeriesValue[]>>> {
  return db.system(async ({ sql }) => {
    const { rows } = await sql.query<{ series: SeriesName; period: string; value: string }>('select series, period, value::text as value from index_values order by series, period');
    const result: Partial<Record<SeriesName, SeriesValue[]>> = {};
    for (const row of rows) (result[row.series] ??= []).push({ period: row.period, value: new Decimal(row.value).toString() });
    return result;
  });
}

export async function loadIndexSet(db: Database): Promise<IndexSet> {
  return new IndexSet(await loadIndexValues(db));
}
