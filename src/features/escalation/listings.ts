import { z } from '../../api/zod.ts';
import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { confirmableOn, DEFAULT_LISTING_POLICY, listingIneligibility, removalSchedule, type ListingPolicy } from '../../domain/escalation/listing.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { BureauListing } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import type { BureauAdapter, BureauListingState } from './bureau-adapter.ts';
import { loadCandidates, type LoadedCandidate } from './candidates.ts';

/**
 * The listing workflow (PRODUCT.md §5): eligibility → request → the bureau's notice → the wait
 * → active → removal. The bureau is called from the daily follow-up, never inside a request:
 * a request made here is stored as "requested" and sent by the next run (or at once by
 * `followUpListings`), so a bureau that is down delays a listing and loses nothing.
 */
const BANK_CALENDAR = new BusinessCalendar({ kind: 'bank' });
export const LIVE_LISTING = ['requested', 'notified', 'active', 'removal_requested'] as const;

export const listingOutput = z.object({
  id: z.uuid(),
  debtId: z.uuid(),
  debtorId: z.uuid(),
  creditorId: z.uuid(),
  bureau: z.string(),
  status: z.enum(['requested', 'notified', 'active', 'removal_requested', 'removed', 'refused', 'cancelled']),
  amountCents: z.number().int(),
  protocol: z.string().nullable(),
  requestedOn: z.string(),
  notifiedOn: z.string().nullable(),
  confirmableOn: z.string().nullable(),
  activeOn: z.string().nullable(),
  expiresOn: z.string(),
  settledOn: z.string().nullable(),
  removalPlannedOn: z.string().nullable(),
  removalDeadline: z.string().nullable(),
  removalRequestedOn: z.string().nullable(),
  removedOn: z.string().nullable(),
  removalReason: z.string().nullable(),
  alertedOn: z.string().nullable().describe('Dia em que a baixa ainda pendente gerou alerta'),
  lastError: z.string().nullable(),
});
export type ListingOutput = z.infer<typeof listingOutput>;

export const requestListingInput = z.object({ bureau: z.string().trim().min(1).max(40).optional().describe('Padrão: o birô configurado (BUREAU_NAME)') });

/** An analyst asks for a debt to be listed: the rules decide, and say why not. */
export async function requestListing(db: Database, actor: Actor, debtId: string, bureau: string, today: IsoDate): Promise<ListingOutput> {
  requirePermission(actor, 'escalation.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const c = (await loadCandidates(tx, [debtId], today)).get(debtId);
    if (!c) throw notFound('Título');
    const result = await createListing(tx, actor, c, bureau, today, null);
    if ('problems' in result) throw new AppError('conflict', `Título não pode ser negativado: ${result.problems.join(' ')}`, { field: 'debtId' });
    return toListingOutput(result.listing);
  });
}

export async function createListing(tx: Tx, actor: Actor | null, c: LoadedCandidate, bureau: string, asOf: IsoDate, actionId: string | null, policy: ListingPolicy = DEFAULT_LISTING_POLICY): Promise<{ listing: BureauListing } | { problems: string[] }> {
  const problems = listingIneligibility(c.candidate, asOf, policy);
  if (problems.length) return { problems: problems.map((p) => `${p.message} (${p.source})`) };
  const listing = await tx.db
    .insertInto('bureau_listings')
    .values({
      tenant_id: c.debt.tenant_id, debt_id: c.debt.id, debtor_id: c.debt.debtor_id, creditor_id: c.debt.creditor_id, bureau, status: 'requested', amount_cents: c.balanceCents,
      protocol: null, requested_on: asOf, notified_on: null, confirmable_on: null, active_on: null, expires_on: c.listingExpiry, settled_on: null, removal_planned_on: null,
      removal_deadline: null, removal_requested_on: null, removed_on: null, removal_reason: null, last_error: null, action_id: actionId, created_by: actor?.userId ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'debt_id', 'bureau']).where('status', 'in', [...LIVE_LISTING]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!listing) return { problems: ['Já existe uma negativação ativa deste título neste birô.'] };
  await appendEvent(tx, actor, { debtorId: c.debt.debtor_id, creditorId: c.debt.creditor_id, debtId: c.debt.id, type: 'listing.requested', data: { listingId: listing.id, bureau, amountCents: c.balanceCents, expiresOn: c.listingExpiry } });
  return { listing };
}

export async function listListings(db: Database, actor: Actor, filter: { status?: string | undefined; debtId?: string | undefined; attention?: boolean | undefined }): Promise<ListingOutput[]> {
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('bureau_listings').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status as never);
    if (filter.debtId) q = q.where('debt_id', '=', filter.debtId);
    // Needs a person: a removal past its alert day and still not done, or a bureau error.
    if (filter.attention) q = q.where('status', 'in', [...LIVE_LISTING]).where((eb) => eb.or([eb('alerted_on', 'is not', null), eb('last_error', 'is not', null)]));
    const rows = await q.orderBy('requested_on', 'desc').limit(500).execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'bureau_listings', subjectIds: rows.map((r) => r.debtor_id) });
    return rows.map(toListingOutput);
  });
}

/** A person asks for the removal now (an undue listing, a court order): it goes out with the next follow-up. */
export async function requestRemoval(db: Database, actor: Actor, listingId: string, reason: string, today: IsoDate): Promise<ListingOutput> {
  requirePermission(actor, 'escalation.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const listing = await tx.db.selectFrom('bureau_listings').selectAll().where('id', '=', listingId).forUpdate().executeTakeFirst();
    if (!listing) throw notFound('Negativação');
    if (!(LIVE_LISTING as readonly string[]).includes(listing.status)) throw new AppError('conflict', `Negativação já encerrada (${listing.status}).`);
    const updated = await tx.db
      .updateTable('bureau_listings')
      .set({ settled_on: listing.settled_on ?? today, removal_planned_on: today, removal_deadline: listing.removal_deadline ?? removalSchedule(today, BANK_CALENDAR).deadline, removal_reason: reason, updated_at: new Date() })
      .where('id', '=', listingId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(tx, actor, { debtorId: listing.debtor_id, creditorId: listing.creditor_id, debtId: listing.debt_id, type: 'listing.removal_planned', data: { listingId, reason, plannedOn: today } });
    return toListingOutput(updated);
  });
}

export interface ListingFollowUp {
  sent: number;
  notified: number;
  refused: number;
  activated: number;
  settled: number;
  removalsRequested: number;
  removed: number;
  cancelled: number;
  expired: number;
  alerts: number;
  errors: number;
}

export const emptyListingFollowUp = (): ListingFollowUp => ({ sent: 0, notified: 0, refused: 0, activated: 0, settled: 0, removalsRequested: 0, removed: 0, cancelled: 0, expired: 0, alerts: 0, errors: 0 });

/**
 * One tenant's listings, moved along on `asOf`:
 *  - debts settled since (paid, in an agreement with a payment, written off, disputed) get their
 *    removal planned for the next business day after the payment (Súmula 548), and the
 *    deadline five business days after it; listings past their lifetime are removed too;
 *  - requests not yet sent go to the bureau, notified listings whose wait is over are confirmed —
 *    each after the eligibility is checked again (an address gone, over-indebtedness declared);
 *  - planned removals are requested and followed until the bureau confirms them; one still
 *    pending on its alert day raises an alert on the case's timeline, once.
 */
export async function followUpListings(db: Database, tenantId: string, asOf: IsoDate, bureau: BureauAdapter | null, policy: ListingPolicy = DEFAULT_LISTING_POLICY): Promise<ListingFollowUp> {
  const summary = emptyListingFollowUp();
  await db.scoped({ tenantId }, async (tx) => {
    summary.settled += await planRemovalsOfSettledDebts(tx, policy);
    const expired = await tx.db
      .updateTable('bureau_listings')
      .set({ settled_on: asOf, removal_planned_on: asOf, removal_deadline: asOf, removal_reason: 'prazo máximo (CDC art. 43 §1º; Súmula 323)', updated_at: new Date() })
      .where('status', 'in', [...LIVE_LISTING])
      .where('settled_on', 'is', null)
      .where('expires_on', '<=', asOf)
      .executeTakeFirst();
    summary.expired += Number(expired.numUpdatedRows);
  });
  const rows = await db.scoped({ tenantId }, (tx) => tx.db.selectFrom('bureau_listings').selectAll().where('status', 'in', [...LIVE_LISTING]).orderBy('requested_on').execute());
  for (const listing of rows) {
    try {
      await db.scoped({ tenantId }, (tx) => stepListing(tx, listing, asOf, bureau, policy, summary));
    } catch (error) {
      summary.errors++;
      const message = error instanceof Error ? error.message : String(error);
      await db.scoped({ tenantId }, (tx) => tx.db.updateTable('bureau_listings').set({ last_error: message.slice(0, 500), updated_at: new Date() }).where('id', '=', listing.id).execute());
    }
    // A removal not yet confirmed on its alert day — whatever the reason, a bureau error included — is a person's job now.
    await db.scoped({ tenantId }, (tx) => alertIfLate(tx, listing.id, asOf, policy, summary));
  }
  return summary;
}

/**
 * Plans the removal of the live listings whose debt no longer owes (Súmula 548): all of the
 * tenant's in the daily follow-up, or only `debtIds` at once when a debt is settled by another
 * path (the ERP sync's settle). Returns how many were planned.
 */
export async function planRemovalsOfSettledDebts(tx: Tx, policy: ListingPolicy = DEFAULT_LISTING_POLICY, debtIds?: readonly string[]): Promise<number> {
  let planned = 0;
  for (const s of await settledListings(tx, policy, debtIds)) {
    const { plannedOn, deadline } = removalSchedule(s.settled_on, BANK_CALENDAR, policy);
    await tx.db.updateTable('bureau_listings').set({ settled_on: s.settled_on, removal_planned_on: plannedOn, removal_deadline: deadline, removal_reason: s.reason, updated_at: new Date() }).where('id', '=', s.id).execute();
    await appendEvent(tx, null, { debtorId: s.debtor_id, creditorId: s.creditor_id, debtId: s.debt_id, type: 'listing.removal_planned', data: { listingId: s.id, reason: s.reason, settledOn: s.settled_on, plannedOn, deadline } });
    planned++;
  }
  return planned;
}

async function alertIfLate(tx: Tx, listingId: string, asOf: IsoDate, policy: ListingPolicy, summary: ListingFollowUp): Promise<void> {
  const l = await tx.db.selectFrom('bureau_listings').selectAll().where('id', '=', listingId).executeTakeFirstOrThrow();
  if (!l.settled_on || l.alerted_on || !(LIVE_LISTING as readonly string[]).includes(l.status)) return;
  if (BANK_CALENDAR.addBusinessDays(l.settled_on, policy.removalAlertBusinessDays) > asOf) return;
  await tx.db.updateTable('bureau_listings').set({ alerted_on: asOf, updated_at: new Date() }).where('id', '=', l.id).execute();
  await appendEvent(tx, null, {
    debtorId: l.debtor_id, creditorId: l.creditor_id, debtId: l.debt_id, type: 'listing.removal_alert',
    data: { listingId: l.id, bureau: l.bureau, status: l.status, deadline: l.removal_deadline, lastError: l.last_error, note: `Baixa da negativação ainda não confirmada; prazo ${l.removal_deadline} (Súmula 548)` },
  });
  summary.alerts++;
}

async function stepListing(tx: Tx, listing: BureauListing, asOf: IsoDate, bureau: BureauAdapter | null, policy: ListingPolicy, summary: ListingFollowUp): Promise<void> {
  const event = (type: string, data: Record<string, unknown>) => appendEvent(tx, null, { debtorId: listing.debtor_id, creditorId: listing.creditor_id, debtId: listing.debt_id, type, data: { listingId: listing.id, bureau: listing.bureau, ...data } });
  const update = (set: Partial<Omit<BureauListing, 'id' | 'tenant_id' | 'created_at'>>) => tx.db.updateTable('bureau_listings').set({ ...set, last_error: null, updated_at: new Date() }).where('id', '=', listing.id).execute();
  if (listing.removal_planned_on && listing.removal_planned_on > asOf) return; // settled: the removal waits for its day
  if (listing.status !== 'requested' || listing.protocol) {
    if (!bureau) throw new AppError('config', 'Birô não configurado (BUREAU_URL): a negativação aguarda.');
    if (bureau.name !== listing.bureau) throw new AppError('config', `Nenhum adaptador configurado para o birô ${listing.bureau} (configurado: ${bureau.name}).`);
  }
  if (listing.removal_planned_on) {
    if (!listing.protocol) {
      // Never reached the bureau: nothing to remove there.
      await update({ status: 'cancelled', removed_on: asOf, removal_requested_on: asOf });
      await event('listing.cancelled', { reason: listing.removal_reason });
      summary.cancelled++;
      return;
    }
    // Asked before: follow it until the bureau confirms; else ask now.
    const state = listing.status === 'removal_requested' ? await bureau!.status(listing.protocol) : await bureau!.requestRemoval(listing.protocol, listing.removal_reason ?? 'pagamento', asOf);
    const removed = state.status === 'removed';
    if (listing.status !== 'removal_requested') {
      await update({ status: removed ? 'removed' : 'removal_requested', removal_requested_on: asOf, removed_on: removed ? (state.removedOn ?? asOf) : null });
      await event('listing.removal_requested', { protocol: listing.protocol, reason: listing.removal_reason, deadline: listing.removal_deadline, removed });
      // A bureau that removes in the same call: the removal is a fact of its own (and a webhook).
      if (removed) await event('listing.removed', { protocol: listing.protocol, removedOn: state.removedOn ?? asOf });
      summary.removalsRequested++;
    } else if (removed) {
      await update({ status: 'removed', removed_on: state.removedOn ?? asOf });
      await event('listing.removed', { protocol: listing.protocol, removedOn: state.removedOn ?? asOf });
    }
    if (removed) summary.removed++;
    return;
  }
  if (listing.status === 'requested' || (listing.status === 'notified' && listing.confirmable_on && listing.confirmable_on <= asOf)) {
    // The facts may have changed since the request: checked again before the bureau hears of it, and before it becomes public.
    const c = (await loadCandidates(tx, [listing.debt_id], asOf)).get(listing.debt_id)!;
    const problems = listingIneligibility(c.candidate, asOf, policy).filter((p) => p.reason !== 'not_open' || c.debt.status !== 'open');
    if (problems.length) {
      const reason = problems.map((p) => p.message).join(' ');
      if (!listing.protocol) {
        await update({ status: 'cancelled', removal_reason: reason });
        await event('listing.cancelled', { reason });
        summary.cancelled++;
      } else {
        await update({ settled_on: asOf, removal_planned_on: asOf, removal_deadline: removalSchedule(asOf, BANK_CALENDAR, policy).deadline, removal_reason: reason });
        await event('listing.removal_planned', { reason, plannedOn: asOf });
      }
      return;
    }
    if (listing.status === 'requested') {
      const state = await bureau!.requestListing({
        reference: listing.id,
        requestedOn: asOf,
        debtor: { document: c.debtor.document, name: c.debtor.name, address: { street: c.address!.street, number: c.address!.number, district: c.address!.district, city: c.address!.city, uf: c.address!.uf, cep: c.address!.cep } },
        creditor: { document: c.creditor.document, name: c.creditor.legalName },
        debt: { contract: c.debt.external_id, kind: c.kind, dueDate: c.debt.due_date, amountCents: listing.amount_cents },
      });
      await recordSystemDisclosure(tx, listing, 'bureau_listing_request');
      summary.sent++;
      await applyState(listing, state, update, event, summary, policy);
      return;
    }
    const state = await bureau!.confirm(listing.protocol!, asOf);
    if (state.status === 'active') {
      await update({ status: 'active', active_on: state.activeOn ?? asOf });
      await event('listing.active', { protocol: listing.protocol, activeOn: state.activeOn ?? asOf });
      summary.activated++;
    } else if (state.status === 'refused' || state.status === 'removed') {
      await update({ status: state.status === 'refused' ? 'refused' : 'removed', removed_on: state.status === 'removed' ? (state.removedOn ?? asOf) : null });
      await event(`listing.${state.status}`, { protocol: listing.protocol, reason: state.reason });
    }
  }
}

/** Personal data sent to a third party by the system itself (LGPD art. 37): in the tenant's audit log. */
async function recordSystemDisclosure(tx: Tx, listing: BureauListing, resource: string): Promise<void> {
  await tx.db
    .insertInto('audit_log')
    .values({ tenant_id: listing.tenant_id, user_id: null, action: 'export', resource, route: null, subject_ids: [listing.debtor_id], ip: null, details: JSON.stringify({ listingId: listing.id, bureau: listing.bureau }) })
    .execute();
}

async function applyState(
  listing: BureauListing, state: BureauListingState,
  update: (set: Partial<BureauListing>) => Promise<unknown>, event: (type: string, data: Record<string, unknown>) => Promise<unknown>,
  summary: ListingFollowUp, policy: ListingPolicy,
): Promise<void> {
  if (state.status === 'refused') {
    await update({ status: 'refused', protocol: state.protocol });
    await event('listing.refused', { protocol: state.protocol, reason: state.reason });
    summary.refused++;
  } else if (state.noticeSentOn) {
    const confirmable = confirmableOn(state.noticeSentOn, policy);
    await update({ status: 'notified', protocol: state.protocol, notified_on: state.noticeSentOn, confirmable_on: confirmable });
    await event('listing.notified', { protocol: state.protocol, noticeSentOn: state.noticeSentOn, confirmableOn: confirmable });
    summary.notified++;
  } else {
    await update({ protocol: state.protocol });
  }
}

/**
 * Live listings whose debt no longer owes, with the day it was settled: the last payment of a
 * paid debt, the first payment of the agreement that now binds it, else the day its status
 * changed — never before the listing was requested.
 */
async function settledListings(tx: Tx, policy: ListingPolicy, debtIds?: readonly string[]) {
  const { rows } = await tx.sql.query<{ id: string; debt_id: string; debtor_id: string; creditor_id: string; settled_on: string; reason: string }>(
    `select l.id, l.debt_id, l.debtor_id, l.creditor_id,
            to_char(greatest(l.requested_on, coalesce(
              case when d.status = 'open' then (d.disputed_at at time zone 'America/Sao_Paulo')::date end,
              case when d.status = 'in_agreement' then (
                select min(p.paid_on) from agreement_debts ad join payments p on p.tenant_id = ad.tenant_id and p.agreement_id = ad.agreement_id
                 where ad.debt_id = d.id and ad.binding) end,
              case when d.status = 'paid' then greatest(
                (select max(c.paid_on) from debt_credits c where c.debt_id = d.id and c.reason = 'payment'),
                (select max(p.paid_on) from agreement_debts ad join agreements a on a.tenant_id = ad.tenant_id and a.id = ad.agreement_id and a.status = 'fulfilled'
                   join payments p on p.tenant_id = a.tenant_id and p.agreement_id = a.id where ad.debt_id = d.id)) end,
              (d.status_changed_at at time zone 'America/Sao_Paulo')::date)), 'YYYY-MM-DD') as settled_on,
            case when d.status = 'open' then 'contestação do devedor'
                 when d.status = 'paid' then 'pagamento'
                 when d.status = 'in_agreement' then 'acordo com pagamento'
                 else 'título baixado pelo credor' end as reason
       from bureau_listings l join debts d on d.tenant_id = l.tenant_id and d.id = l.debt_id
      where l.status in ('requested', 'notified', 'active', 'removal_requested') and l.settled_on is null
        and ($2::uuid[] is null or l.debt_id = any($2::uuid[]))
        and (d.status in ('paid', 'settled', 'cancelled')
             or (d.status = 'open' and d.disputed_at is not null)
             or ($1 and d.status = 'in_agreement' and exists (
                  select 1 from agreement_debts ad join agreements a on a.tenant_id = ad.tenant_id and a.id = ad.agreement_id
                   where ad.debt_id = d.id and ad.binding and a.status = 'active')))`,
    [policy.removeOnAgreement, debtIds ? [...debtIds] : null],
  );
  return rows;
}

export function toListingOutput(r: BureauListing): ListingOutput {
  return {
    id: r.id, debtId: r.debt_id, debtorId: r.debtor_id, creditorId: r.creditor_id, bureau: r.bureau, status: r.status, amountCents: r.amount_cents, protocol: r.protocol,
    requestedOn: r.requested_on, notifiedOn: r.notified_on, confirmableOn: r.confirmable_on, activeOn: r.active_on, expiresOn: r.expires_on, settledOn: r.settled_on,
    removalPlannedOn: r.removal_planned_on, removalDeadline: r.removal_deadline, removalRequestedOn: r.removal_requested_on, removedOn: r.removed_on,
    removalReason: r.removal_reason, alertedOn: r.alerted_on, lastError: r.last_error,
  };
}
