import { daysBetween, type IsoDate } from '../../domain/dates.ts';
import type { DebtorFeatures } from '../../domain/scoring/features.ts';
import type { Tx } from '../../store/database.ts';

/**
 * The features of a chunk of debtors on a date, in one statement: the debtors by keyset (id > cursor),
 * then one grouped pass over each of their debts, payments, agreements, promises and contact points.
 * "On a date" is literal for a historical snapshot: a debt imported later, a payment or a broken
 * promise after the date do not exist yet, and a debt closed after the date was still open — so the
 * same query builds today's scores and the training set of a past snapshot, without leaking the
 * future into it. Each grouped pass is materialized: computed once per chunk, whatever the
 * planner guesses of the chunk's size (PGlite keeps no statistics, and a guess of one row made it
 * rerun every pass per debtor).
 */
export interface FeatureRow extends DebtorFeatures {
  debtorId: string;
  uf: string | null;
  deceased: boolean;
  oldestDueDate: IsoDate | null;
  portfolioIds: string[];
}

const FEATURES_SQL = `
  -- $6: a historical snapshot (see featuresOf)
  with chunk as materialized (
    select id, kind, uf, deceased_at from debtors
    where tenant_id = $1 and ($3::uuid is null or id > $3::uuid) and ($5::uuid[] is null or id = any($5::uuid[]))
    order by id limit $4
  ), dd as materialized (
    select d.debtor_id,
           count(*) filter (where o.open_at)::int as open_debts,
           coalesce(sum(d.original_amount_cents) filter (where o.open_at), 0)::bigint as open_amount_cents,
           min(d.due_date) filter (where o.open_at)::text as oldest_due_date,
           count(*) filter (where d.status in ('paid', 'settled') and (not $6 or d.status_changed_at::date <= $2))::int as paid_debts,
           coalesce(array_agg(distinct d.portfolio_id) filter (where o.open_at), '{}') as portfolio_ids
    from chunk c
    join debts d on d.tenant_id = $1 and d.debtor_id = c.id
    cross join lateral (
      select d.due_date <= $2 and (not $6 or d.created_at::date <= $2) and (d.status = 'open' or ($6 and d.status_changed_at::date > $2)) as open_at
    ) o
    group by d.debtor_id
  ), pay as materialized (
    select p.debtor_id, count(*)::int as payments, count(distinct date_trunc('month', p.paid_on))::int as months
    from chunk c join payments p on p.tenant_id = $1 and p.debtor_id = c.id
    where p.paid_on > $2::date - 365 and p.paid_on <= $2
    group by p.debtor_id
  ), ag as materialized (
    select a.debtor_id,
           count(*) filter (where a.status = 'fulfilled' and (not $6 or a.closed_at::date <= $2))::int as fulfilled,
           count(*) filter (where a.status = 'broken' and a.broken_on <= $2)::int as broken
    from chunk c join agreements a on a.tenant_id = $1 and a.debtor_id = c.id
    group by a.debtor_id
  ), pr as materialized (
    select p.debtor_id,
           count(*) filter (where p.status = 'kept' and p.resolved_on <= $2)::int as kept,
           count(*) filter (where p.status = 'broken' and p.resolved_on <= $2)::int as broken
    from chunk c join promises p on p.tenant_id = $1 and p.debtor_id = c.id
    group by p.debtor_id
  ), cp as materialized (
    select cp.debtor_id,
           count(*) filter (where v.valid and cp.channel = 'phone' and cp.phone_kind = 'mobile')::int as mobiles,
           count(*) filter (where v.valid and cp.channel = 'phone' and cp.phone_kind is distinct from 'mobile')::int as landlines,
           count(*) filter (where v.valid and cp.channel = 'email')::int as emails,
           count(*) filter (where v.valid and cp.channel = 'address')::int as addresses,
           count(*) filter (where cp.channel = 'phone' and cp.invalid_at is not null and (not $6 or cp.invalid_at::date <= $2))::int as invalid_phones
    from chunk c join contact_points cp on cp.tenant_id = $1 and cp.debtor_id = c.id
    cross join lateral (
      select (not $6 or cp.created_at::date <= $2) and (cp.invalid_at is null or ($6 and cp.invalid_at::date > $2)) as valid
    ) v
    where not cp.is_reference
    group by cp.debtor_id
  )
  select c.id, c.kind, c.uf, c.deceased_at is not null and (not $6 or c.deceased_at::date <= $2) as deceased,
         coalesce(dd.open_debts, 0) as open_debts, coalesce(dd.open_amount_cents, 0) as open_amount_cents, dd.oldest_due_date,
         coalesce(dd.paid_debts, 0) as paid_debts, coalesce(dd.portfolio_ids, '{}') as portfolio_ids,
         coalesce(pay.payments, 0) as payments, coalesce(pay.months, 0) as months,
         coalesce(ag.fulfilled, 0) as ag_fulfilled, coalesce(ag.broken, 0) as ag_broken,
         coalesce(pr.kept, 0) as pr_kept, coalesce(pr.broken, 0) as pr_broken,
         coalesce(cp.mobiles, 0) as mobiles, coalesce(cp.landlines, 0) as landlines, coalesce(cp.emails, 0) as emails,
         coalesce(cp.addresses, 0) as addresses, coalesce(cp.invalid_phones, 0) as invalid_phones
  from chunk c
  left join dd on dd.debtor_id = c.id
  left join pay on pay.debtor_id = c.id
  left join ag on ag.debtor_id = c.id
  left join pr on pr.debtor_id = c.id
  left join cp on cp.debtor_id = c.id
  order by c.id`;

interface Raw {
  id: string; kind: 'pf' | 'pj'; uf: string | null; deceased: boolean; open_debts: number; open_amount_cents: string | number; oldest_due_date: string | null;
  paid_debts: number; portfolio_ids: string[]; payments: number; months: number; ag_fulfilled: number; ag_broken: number; pr_kept: number; pr_broken: number;
  mobiles: number; landlines: number; emails: number; addresses: number; invalid_phones: number;
}

/**
 * The features of up to `limit` debtors after `cursor` (or of the given debtors), on `asOf`.
 * `historical`: a past snapshot for training — rows created or closed after `asOf` are seen as they
 * were then (by their timestamps). Off for today's scores: what is in the database now is the truth.
 */
export async function featuresOf(tx: Tx, tenantId: string, asOf: IsoDate, cursor: string | null, limit: number, options: { debtorIds?: readonly string[]; historical?: boolean } = {}): Promise<FeatureRow[]> {
  const { rows } = await tx.sql.query<Raw>(FEATURES_SQL, [tenantId, asOf, cursor, limit, options.debtorIds ?? null, options.historical ?? false]);
  return rows.map((r) => ({
    debtorId: r.id, kind: r.kind, uf: r.uf, deceased: r.deceased, oldestDueDate: r.oldest_due_date, portfolioIds: r.portfolio_ids,
    openDebts: r.open_debts, openAmountCents: Number(r.open_amount_cents), maxDaysPastDue: r.oldest_due_date ? daysBetween(r.oldest_due_date, asOf) : 0,
    paidDebts: r.paid_debts, payments12m: r.payments, paymentMonths12m: r.months, agreementsFulfilled: r.ag_fulfilled, agreementsBroken: r.ag_broken,
    promisesKept: r.pr_kept, promisesBroken: r.pr_broken, validMobiles: r.mobiles, validLandlines: r.landlines, validEmails: r.emails,
    validAddresses: r.addresses, invalidPhones: r.invalid_phones,
  }));
}
