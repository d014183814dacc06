/**
 * The due-date factor ("fator de vencimento", barcode positions 6–9): days from the base date
 * 07/10/1997 to the due date (Bacen Carta-Circular 2.926/2000). It has four digits, so it ran
 * from 1000 (03/07/2000) to 9999 (21/02/2025); FEBRABAN then restarted it at 1000 on 22/02/2025
 * (CAIXA SIGCB v015, Anexo II: 1000 = 22/02/2025 … 9999 = 13/10/2049), a cycle of 9000 days.
 * Factor 0000 means the slip carries no due date.
 *
 * Reading a factor is therefore ambiguous across cycles. FEBRABAN's rule for the receiving bank
 * is a window around the processing date: the due date is the one of the factor's dates that
 * lies from 3000 days before to 5500 days after it (the window Caelum Stella applies as
 * RANGE_MINIMO/RANGE_MAXIMO). The window is 8501 days long, shorter than a cycle, so at most one
 * date fits; a factor whose dates all fall in the 499-day gap is refused rather than guessed.
 */
import { AppError } from '../../shared/errors.ts';
import { addDays, formatDateBR, isIsoDate, toDayNumber, fromDayNumber, type IsoDate } from '../../domain/dates.ts';

export const FACTOR_BASE_DATE: IsoDate = '1997-10-07';
/** Factor 1000 of the first cycle; no slip carries an earlier date (factors 0001–0999 are unused). */
export const FIRST_FACTOR_DATE: IsoDate = '2000-07-03';
/** Factor 1000 again, after 9999 on 21/02/2025. */
export const FACTOR_RESET_DATE: IsoDate = '2025-02-22';
export const FACTOR_CYCLE_DAYS = 9000;
export const WINDOW_DAYS_BEFORE = 3000;
export const WINDOW_DAYS_AFTER = 5500;

const BASE_DAY = toDayNumber(FACTOR_BASE_DATE);

/** The factor (1000–9999) printed for a due date; dates cycle every 9000 days from 03/07/2000. */
export function dueFactorOf(dueDate: IsoDate): number {
  if (!isIsoDate(dueDate)) throw new AppError('validation', `Data de vencimento inválida: "${dueDate}" (use AAAA-MM-DD).`, { field: 'dueDate' });
  const days = toDayNumber(dueDate) - BASE_DAY;
  if (days < 1000) {
    throw new AppError('validation', `Vencimento ${formatDateBR(dueDate)} é anterior a 03/07/2000, o primeiro dia com fator de vencimento (1000).`, { field: 'dueDate' });
  }
  return ((days - 1000) % FACTOR_CYCLE_DAYS) + 1000;
}

/** The dates a factor may stand for under the FEBRABAN rule: from 3000 days before asOf to 5500 days after. */
export function factorWindow(asOf: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: addDays(asOf, -WINDOW_DAYS_BEFORE), to: addDays(asOf, WINDOW_DAYS_AFTER) };
}

/** The due date of a factor read on `asOf`, or null for factor 0 (no due date). */
export function dueDateOfFactor(factor: number, asOf: IsoDate): IsoDate | null {
  if (factor === 0) return null;
  if (!Number.isInteger(factor) || factor < 1000 || factor > 9999) {
    throw new AppError('validation', `Fator de vencimento ${String(factor).padStart(4, '0')} não existe: vai de 1000 a 9999 (ou 0000, sem vencimento).`, { field: 'fatorVencimento' });
  }
  if (!isIsoDate(asOf)) throw new AppError('validation', `Data de referência inválida: "${asOf}" (use AAAA-MM-DD).`, { field: 'asOf' });
  const first = BASE_DAY + factor; // the factor's date in the first cycle (2000–2025)
  const from = toDayNumber(asOf) - WINDOW_DAYS_BEFORE;
  const to = toDayNumber(asOf) + WINDOW_DAYS_AFTER;
  const cycles = Math.max(0, Math.ceil((from - first) / FACTOR_CYCLE_DAYS));
  const day = first + cycles * FACTOR_CYCLE_DAYS;
  if (day > to) {
    const window = factorWindow(asOf);
    throw new AppError(
      'validation',
      `Fator de vencimento ${factor} não corresponde a nenhuma data entre ${formatDateBR(window.from)} e ${formatDateBR(window.to)} ` +
        `(regra FEBRABAN: até 3.000 dias vencido e até 5.500 dias a vencer, contados de ${formatDateBR(asOf)}); informe outra data de referência.`,
      { field: 'fatorVencimento' },
    );
  }
  return fromDayNumber(day);
}
