import { sql } from 'kysely';
import { addYears, type IsoDate } from '../../domain/dates.ts';
import { decideErasure } from '../../domain/privacy/erasure.ts';
import { ANONYMIZED, scrubPersonalData } from '../../domain/privacy/scrub.ts';
import type { Database, Tx } from '../../store/database.ts';
import { erasureDebtsOf } from './erasure-facts.ts';

/**
 * Anonymization of one debtor (LGPD art. 5º XI and art. 16): every datum that identifies the
 * person is replaced or removed; the amounts, dates and statuses stay, so the portfolio's
 * statistics still add up, but nothing leads back to the person.
 *
 * Runs in an owner's (system) transaction — every statement names the tenant — because it
 * rewrites the `data` of the debtor's timeline events: the timeline is append-only, and the
 * trigger (0014) lets exactly this through: an UPDATE of `data` alone, on the events of the one
 * debtor named in the transaction-local setting app.anonymize_debtor. Idempotent: a debtor
 * already anonymized is left as it is.
 */
export const ANONYMIZED_NAME = 'Titular anonimizado';

/** The document an anonymized debtor keeps: unique in the tenant, derived from the row id only (no hash of the CPF, which could be reversed by trying every CPF). */
export const anonymizedDocument = (debtorId: string) => `ANON${debtorId.replace(/-/g, '').toUpperCase()}`;

export async function anonymizeDebtor(tx: Tx, target: { tenantId: string; debtorId: string; requestId?: string | null; reason?: string }): Promise<boolean> {
  const { tenantId, debtorId } = target;
  const debtor = await tx.db.selectFrom('debtors').selectAll().where('tenant_id', '=', tenantId).where('id', '=', debtorId).forUpdate().executeTakeFirst();
  if (!debtor || debtor.anonymized_at) return false;
  const contacts = await tx.db.selectFrom('contact_points').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  // Every string that identifies the person, to find inside free text and JSON.
  const personal = [
    debtor.document, debtor.name, ...(debtor.birth_date ? [debtor.birth_date] : []),
    ...contacts.flatMap((c) => [c.value, c.reference_name ?? '', c.address?.street ?? '', c.address?.cep ?? '']),
  ].filter((s) => s.length > 0);
  const scrubText = (text: string | null) => (text === null ? null : (scrubPersonalData(text, personal) as string));
  const document = anonymizedDocument(debtorId);

  await tx.db
    .updateTable('debtors')
    .set({
      document, name: ANONYMIZED_NAME, search_name: 'titular anonimizado', birth_date: null, city: null, declared_income_cents: null, over_indebted_since: null,
      deceased_at: null, anonymized_at: new Date(), updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', debtorId)
    .execute();
  await tx.db.deleteFrom('contact_points').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('deliveries').set({ recipient: ANONYMIZED, error: null }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('collector_tasks').set({ phone: null, script: ANONYMIZED }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('dispositions').set({ note: null }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('promises').set({ note: null }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('portal_sessions').set({ ip: null, user_agent: null }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  await tx.db.updateTable('portal_codes').set({ ip: null, send_error: null }).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  // The term's text named the person; its SHA-256 stays as the evidence that a text was accepted.
  const agreements = await tx.db.selectFrom('agreements').select(['id', 'terms', 'approval_reason', 'close_reason']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  for (const a of agreements) {
    await tx.db
      .updateTable('agreements')
      .set({ terms: JSON.stringify(scrubPersonalData(a.terms, personal)), accepted_terms_text: sql`case when accepted_terms_text is null then null else ${ANONYMIZED} end`, accepted_ip: null, approval_reason: scrubText(a.approval_reason), close_reason: scrubText(a.close_reason) })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', a.id)
      .execute();
  }
  await tx.db
    .updateTable('data_subject_requests')
    .set({ document, name: ANONYMIZED, email: null, phone: null, message: null, ip: null, anonymized_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('debtor_id', '=', debtorId), eb('document', '=', debtor.document)]))
    .execute();
  await tx.db.updateTable('unmatched_payments').set({ payer_name: ANONYMIZED, payer_document: null }).where('tenant_id', '=', tenantId).where('payer_document', '=', debtor.document).execute();
  await tx.db.updateTable('import_errors').set({ value: null }).where('tenant_id', '=', tenantId).where('value', 'in', personal).execute();
  // Webhook events not yet sent (and replays) carry the masked document: masked no more.
  await tx.sql.query(
    `update webhook_events set data = jsonb_set(data, '{debtor,document}', to_jsonb($3::text))
      where tenant_id = $1 and data->'debtor'->>'id' = $2 and data->'debtor' ? 'document'`,
    [tenantId, debtorId, ANONYMIZED],
  );
  await tx.db.updateTable('enrichment_lookups').set({ document, error: null }).where('tenant_id', '=', tenantId).where((eb) => eb.or([eb('debtor_id', '=', debtorId), eb('document', '=', debtor.document)])).execute();
  await tx.db.deleteFrom('enrichment_cache').where('tenant_id', '=', tenantId).where('key', '=', debtor.document).execute();

  // The one bypass of the timeline's append-only rule, scoped to this transaction and debtor.
  await tx.sql.query(`select set_config('app.anonymize_debtor', $1, true)`, [debtorId]);
  const events = await tx.db.selectFrom('events').select(['id', 'data']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  const changed = events.flatMap((e) => {
    const before = JSON.stringify(e.data);
    const after = JSON.stringify(scrubPersonalData(e.data, personal));
    return after === before ? [] : [{ id: e.id, data: after }];
  });
  if (changed.length > 0) {
    await tx.sql.query(
      'update events e set data = x.data from unnest($1::bigint[], $2::jsonb[]) as x (id, data) where e.id = x.id and e.debtor_id = $3',
      [changed.map((c) => c.id), changed.map((c) => c.data), debtorId],
    );
  }
  // Issued remittance statements keep their amounts; the debtor's name and document on their lines go (0014).
  await tx.sql.query(
    `update remittance_statements s
        set snapshot = jsonb_set(s.snapshot, '{lines}', (
              select jsonb_agg(case when l->>'debtorId' = $2 then l || jsonb_build_object('debtorName', $3::text, 'debtorDocument', $4::text) else l end order by n)
                from jsonb_array_elements(s.snapshot->'lines') with ordinality as x (l, n)))
      where s.tenant_id = $1 and s.status = 'issued' and s.snapshot->'lines' @> jsonb_build_array(jsonb_build_object('debtorId', $2::text))`,
    [tenantId, debtorId, ANONYMIZED_NAME, ANONYMIZED],
  );
  await tx.sql.query(`select set_config('app.anonymize_debtor', '', true)`);

  await tx.db
    .insertInto('events')
    .values({ tenant_id: tenantId, debtor_id: debtorId, type: 'debtor.anonymized', actor_kind: 'system', actor_user_id: null, data: JSON.stringify({ requestId: target.requestId ?? null, reason: target.reason ?? 'request' }) })
    .execute();
  await tx.db
    .insertInto('audit_log')
    .values({ tenant_id: tenantId, user_id: null, action: 'update', resource: 'debtor_anonymization', subject_ids: [debtorId], details: JSON.stringify({ requestId: target.requestId ?? null, reason: target.reason ?? 'request', events: events.length, contacts: contacts.length }) })
    .execute();
  return true;
}

export interface AnonymizationSummary {
  asOf: IsoDate;
  tenants: number;
  candidates: number;
  anonymized: number;
}

/**
 * The daily sweep: every debtor whose debts are all settled (or prescribed) for longer than the
 * retention period — or who never had a debt and was registered longer ago than that — is
 * anonymized, one transaction each. A cheap SQL filter keeps only debtors
 * that could qualify; the pure rule (decideErasure) decides each one. Re-running changes nothing.
 */
export async function runAnonymization(db: Database, options: { asOf: IsoDate; retentionYears: number }): Promise<AnonymizationSummary> {
  // Closed before this day, or (open) due/interrupted before this day minus the shortest prescription (3 years, CC art. 206 §3º).
  const closedBefore = addYears(options.asOf, -options.retentionYears);
  const openBefore = addYears(closedBefore, -3);
  const candidates = await db.system(async ({ sql: q }) =>
    (
      await q.query<{ tenant_id: string; id: string }>(
        `select d.tenant_id, d.id from debtors d
          where d.anonymized_at is null
            -- a debtor with no debt at all (registered, enriched, never charged) is kept for the retention period from its creation
            and (exists (select 1 from debts x where x.tenant_id = d.tenant_id and x.debtor_id = d.id)
                 or (d.created_at at time zone 'America/Sao_Paulo')::date <= $1::date)
            and not exists (
              select 1 from debts x where x.tenant_id = d.tenant_id and x.debtor_id = d.id and (
                (x.status in ('open', 'in_agreement') and coalesce(greatest(x.prescription_interrupted_on, x.due_date), x.due_date) > $2::date)
                or (x.status not in ('open', 'in_agreement') and (x.status_changed_at at time zone 'America/Sao_Paulo')::date > $1::date)))
          order by d.tenant_id, d.id`,
        [closedBefore, openBefore],
      )
    ).rows,
  );
  const summary: AnonymizationSummary = { asOf: options.asOf, tenants: new Set(candidates.map((c) => c.tenant_id)).size, candidates: candidates.length, anonymized: 0 };
  for (const c of candidates) {
    const done = await db.system(async (tx) => {
      const decision = decideErasure({ asOf: options.asOf, debts: await erasureDebtsOf(tx, c.tenant_id, c.id), retentionYears: options.retentionYears });
      return decision.decision === 'anonymize' ? anonymizeDebtor(tx, { tenantId: c.tenant_id, debtorId: c.id, reason: 'retention' }) : false;
    });
    if (done) summary.anonymized++;
  }
  return summary;
}
