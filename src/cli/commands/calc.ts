import fs from 'node:fs';
import { calcBalance, calcBusinessDays, calcOffers, calcPlan, calcPrescription } from '../../features/calc/calc-requests.ts';
import { loadShippedSeries } from '../../features/indices/shipped-series.ts';
import { AppError } from '../../shared/errors.ts';
import { withDatabase } from '../context.ts';
import { printJson } from '../output.ts';

/** The request as JSON: from a file, or from stdin when no file (or "-") is given. */
async function readRequest(file: string | undefined): Promise<unknown> {
  let text: string;
  if (file && file !== '-') {
    if (!fs.existsSync(file)) throw new AppError('validation', `Arquivo ${file} não encontrado.`);
    text = fs.readFileSync(file, 'utf8');
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('validation', `JSON inválido na entrada: ${(error as Error).message}`);
  }
}

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
