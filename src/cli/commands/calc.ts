import { calcBalance, calcBusinessDays, calcOffers, calcPlan, calcPrescription } from '../../features/calc/calc-requests.ts';
import { loadShippedSeries } from '../../features/indices/shipped-series.ts';
import { withDatabase } from '../context.ts';
import { readRequest } from '../input.ts';
import { printJson } from '../output.ts';

export async function calcBalanceCommand(file: string | undefined, options: { db?: boolean }) {
  const request = await readRequest(file);
  let series = loadShippedSeries();
  if (options.db) {
    const stored = await withDatabase('calc balance', async (db) => (await import('../../features/indices/index-store.ts')).loadIndexValues(db));
    series = { ...series, ...stored };
  }
  printJson(calcBalance(request, series));
}

export async function calcOffersCommand(file: string | undefined) {
  printJson(calcOffers(await readRequest(file), loadShippedSeries()));
}

export async function calcPlanCommand(file: string | undefined) {
  printJson(calcPlan(await readRequest(file)));
}

export async function calcPrescriptionCommand(file: string | undefined) {
  printJson(calcPrescription(await readRequest(file)));
}

export async function calcBusinessDaysCommand(options: { from: string; to: string; uf?: string; city?: string; calendar?: string; municipal?: string }) {
  const { municipal, ...rest } = options;
  const municipalHolidays = municipal ? await readRequest(municipal) : undefined;
  printJson(calcBusinessDays({ ...rest, ...(municipalHolidays ? { municipalHolidays } : {}) }));
}
