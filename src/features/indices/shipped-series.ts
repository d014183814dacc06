import fs from 'node:fs';
import type { Database } from '../../store/database.ts';
import { importSeries } from './index-store.ts';
import { parseSgsExport, SERIES_NAMES, type SeriesName, type SeriesValue } from '../../domain/indices/series.ts';

/** The series shipped with Recupera (src/domain/indices/data, sources in SOURCES.md there). */
export const SHIPPED_DIR = new URL('../../domain/indices/data/', import.meta.url);

export function loadShippedSeries(): Partial<Record<SeriesName, SeriesValue[]>> {
  const result: Partial<Record<SeriesName, SeriesValue[]>> = {};
  for (const name of SERIES_NAMES) {
    const file = new URL(`${name}.json`, SHIPPED_DIR);
    if (!fs.existsSync(file)) continue;
    const parsed = parseSgsExport(fs.readFileSync(file, 'utf8'), name);
    if (!parsed.ok) throw new Error(`shipped series ${name} is invalid: line ${parsed.problems[0]!.line} ${parsed.problems[0]!.reason}`);
    result[name] = parsed.values;
  }
  return result;
}

/** Loads each shipped series the database does not have yet (first start, or a new series shipped). */
export async function seedShippedSeries(db: Database): Promise<SeriesName[]> {
  const present = new Set(
    await db.system(async ({ sql }) => (await sql.query<{ series: string }>('select distinct series from index_values')).rows.map((r) => r.series)),
  );
  const seeded: SeriesName[] = [];
  for (const [name, values] of Object.entries(loadShippedSeries()) as Array<[SeriesName, SeriesValue[]]>) {
    if (present.has(name)) continue;
    await importSeries(db, name, values, 'Recupera: src/domain/indices/data (fontes em SOURCES.md)');
    seeded.push(name);
  }
  return seeded;
}
