import type { IsoDate } from '../../domain/dates.ts';
import type { Config } from '../../shared/config.ts';
import type { Database } from '../../store/database.ts';
import { httpBureau, type BureauAdapter } from './bureau-adapter.ts';
import { loadCandidates } from './candidates.ts';
import { createListing, emptyListingFollowUp, followUpListings, type ListingFollowUp } from './listings.ts';
import { createProtest, followUpProtests } from './protests.ts';

/**
 * The escalation part of the daily run: the schedule's "bureau" and "protest" steps due today
 * become listing requests and protest candidates (or are blocked with the rule that stops them),
 * and the listings and protests already under way move along.
 */
export interface EscalationSummary {
  listingsRequested: number;
  protestCandidates: number;
  blocked: number;
  /** Tenants whose escalation failed (logged; the others ran). */
  failedTenants: number;
  listings: ListingFollowUp;
  protests: { settled: number; withdrawn: number };
}

export function bureauFromConfig(config: Pick<Config, 'BUREAU_URL' | 'BUREAU_API_KEY' | 'BUREAU_NAME'>): BureauAdapter | null {
  return config.BUREAU_URL && config.BUREAU_API_KEY ? httpBureau({ name: config.BUREAU_NAME, baseUrl: config.BUREAU_URL, apiKey: config.BUREAU_API_KEY }) : null;
}

export async function runEscalation(
  db: Database, asOf: IsoDate, bureau: BureauAdapter | null, bureauName: string = bureau?.name ?? 'serasa', onError?: (tenantId: string, error: unknown) => void,
): Promise<EscalationSummary> {
  const summary: EscalationSummary = {
    listingsRequested: 0, protestCandidates: 0, blocked: 0, failedTenants: 0,
    listings: emptyListingFollowUp(),
    protests: { settled: 0, withdrawn: 0 },
  };
  const tenants = await db.system(async ({ sql }) => (await sql.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id));
  for (const tenantId of tenants) {
    try {
      await escalateTenant(db, tenantId, asOf, bureau, bureauName, summary);
    } catch (error) {
      // One tenant's failure must not hold back the others' removals (Súmula 548).
      summary.failedTenants++;
      onError?.(tenantId, error);
    }
  }
  return summary;
}

async function escalateTenant(db: Database, tenantId: string, asOf: IsoDate, bureau: BureauAdapter | null, bureauName: string, summary: EscalationSummary): Promise<void> {
  await db.scoped({ tenantId }, async (tx) => {
    // Locked and skipped: a second run at the same time (the job and a manual `recupera run`) leaves these to this one.
    const actions = await tx.db
      .selectFrom('actions')
      .select(['id', 'debt_id', 'channel'])
      .where('status', '=', 'planned')
      .where('channel', 'in', ['bureau', 'protest'])
      .where('due_on', '<=', asOf)
      .forUpdate()
      .skipLocked()
      .execute();
    const candidates = await loadCandidates(tx, [...new Set(actions.map((a) => a.debt_id))], asOf);
    for (const action of actions) {
      const c = candidates.get(action.debt_id)!;
      const result = action.channel === 'bureau' ? await createListing(tx, null, c, bureauName, asOf, action.id) : await createProtest(tx, null, c, asOf, action.id);
      if ('problems' in result) {
        summary.blocked++;
        await tx.db.updateTable('actions').set({ status: 'blocked', rule: action.channel === 'bureau' ? 'listing_ineligible' : 'protest_ineligible', reason: result.problems.join(' ').slice(0, 1000) }).where('id', '=', action.id).execute();
      } else {
        if (action.channel === 'bureau') summary.listingsRequested++;
        else summary.protestCandidates++;
        await tx.db.updateTable('actions').set({ status: 'sent' }).where('id', '=', action.id).execute();
      }
    }
    const protests = await followUpProtests(tx, asOf);
    summary.protests.settled += protests.settled;
    summary.protests.withdrawn += protests.withdrawn;
  });
  const listings = await followUpListings(db, tenantId, asOf, bureau);
  for (const key of Object.keys(listings) as Array<keyof ListingFollowUp>) summary.listings[key] += listings[key];
}
