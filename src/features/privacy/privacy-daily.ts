import type { IsoDate } from '../../domain/dates.ts';
import type { Database } from '../../store/database.ts';
import { runAnonymization, type AnonymizationSummary } from './anonymize-debtor.ts';
import { countDeadlines } from './requests.ts';

export interface PrivacyDailySummary {
  asOf: IsoDate;
  anonymization: AnonymizationSummary;
  /** Open requests across tenants (counts only: the log gets no personal data). */
  deadlines: { open: number; overdue: number; dueSoon: number };
}

/** The daily LGPD job: anonymize debtors past retention, then count the open requests by deadline. */
export async function runPrivacyDaily(db: Database, options: { asOf: IsoDate; retentionYears: number }): Promise<PrivacyDailySummary> {
  const anonymization = await runAnonymization(db, options);
  const { open, overdue, dueSoon } = await db.system((tx) => countDeadlines(tx, options.asOf));
  return { asOf: options.asOf, anonymization, deadlines: { open, overdue, dueSoon } };
}
