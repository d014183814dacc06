import { randomUUID } from 'node:crypto';
import { z, zIsoDate } from '../../api/zod.ts';
import { DEBT_KINDS } from '../../domain/debt-kinds.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { consentLetter } from '../../domain/escalation/consent-letter.ts';
import { DEFAULT_PROTEST_POLICY, protestIneligibility, type ProtestPolicy } from '../../domain/escalation/protest.ts';
import { documentText } from '../../domain/negotiation/documents.ts';
import { csvCell } from '../../shared/csv.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Protest } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { addressLine } from '../debtors/normalize-contact.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { renderDocumentPdf } from '../negotiation/documents.ts';
import { loadCandidates, type LoadedCandidate } from './candidates.ts';

/**
 * Protest (Lei 9.492/1997): eligible debts become candidates (from the schedule's protest step
 * or an analyst), go out in an export for the notaries' electronic submission (CENPROT / CRA),
 * are marked protested when the notary confirms, and — once paid — settled, with the letter of
 * consent (carta de anuência) the debtor takes to the notary to cancel the protest.
 */
const LIVE = ['candidate', 'exported', 'protested'] as const;

export const protestOutput = z.object({
  id: z.uuid(),
  debtId: z.uuid(),
  debtorId: z.uuid(),
  creditorId: z.uuid(),
  status: z.enum(['candidate', 'exported', 'protested', 'settled', 'withdrawn']),
  amountCents: z.number().int(),
  exportedOn: z.string().nullable(),
  protestedOn: z.string().nullable(),
  notaryProtocol: z.string().nullable(),
  settledOn: z.string().nullable(),
});
export type ProtestOutput = z.infer<typeof protestOutput>;

export const markProtestedInput = z.object({ protestedOn: zIsoDate, notaryProtocol: z.string().trim().min(1).max(60) });

export async function requestProtest(db: Database, actor: Actor, debtId: string, today: IsoDate): Promise<ProtestOutput> {
  requirePermission(actor, 'escalation.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const c = (await loadCandidates(tx, [debtId], today)).get(debtId);
    if (!c) throw notFound('Título');
    const result = await createProtest(tx, actor, c, today, null);
    if ('problems' in result) throw new AppError('conflict', `Título não pode ser protestado: ${result.problems.join(' ')}`, { field: 'debtId' });
    return toProtestOutput(result.protest);
  });
}

export async function createProtest(tx: Tx, actor: Actor | null, c: LoadedCandidate, asOf: IsoDate, actionId: string | null, policy: ProtestPolicy = DEFAULT_PROTEST_POLICY): Promise<{ protest: Protest } | { problems: string[] }> {
  const problems = protestIneligibility(c.candidate, asOf, policy);
  if (problems.length) return { problems: problems.map((p) => `${p.message} (${p.source})`) };
  const protest = await tx.db
    .insertInto('protests')
    .values({ tenant_id: c.debt.tenant_id, debt_id: c.debt.id, debtor_id: c.debt.debtor_id, creditor_id: c.debt.creditor_id, status: 'candidate', amount_cents: c.balanceCents, export_id: null, exported_on: null, protested_on: null, notary_protocol: null, settled_on: null, action_id: actionId, created_by: actor?.userId ?? null })
    .onConflict((oc) => oc.columns(['tenant_id', 'debt_id']).where('status', 'in', [...LIVE]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!protest) return { problems: ['O título já está em protesto.'] };
  await appendEvent(tx, actor, { debtorId: c.debt.debtor_id, creditorId: c.debt.creditor_id, debtId: c.debt.id, type: 'protest.candidate', data: { protestId: protest.id, amountCents: c.balanceCents } });
  return { protest };
}

export async function listProtests(db: Database, actor: Actor, filter: { status?: string | undefined; debtId?: string | undefined }): Promise<ProtestOutput[]> {
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('protests').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status as never);
    if (filter.debtId) q = q.where('debt_id', '=', filter.debtId);
    return (await q.orderBy('created_at', 'desc').limit(500).execute()).map(toProtestOutput);
  });
}

/** Columns of the export: what the notaries' electronic submission asks of each title (CENPROT; Provimento CNJ 87/2019). */
export const PROTEST_EXPORT_COLUMNS = [
  'identificador', 'especie', 'numero_titulo', 'data_emissao', 'data_vencimento', 'valor_titulo', 'saldo', 'praca_pagamento',
  'devedor_nome', 'devedor_documento', 'devedor_endereco', 'devedor_cep', 'devedor_cidade', 'devedor_uf', 'credor_nome', 'credor_documento', 'credor_endereco',
] as const;

/**
 * The candidates of a creditor (or all), re-checked today, as a CSV for the submission; the ones
 * exported are marked, the ones no longer eligible withdrawn with the reason. Exports personal
 * data: audited.
 */
export async function exportProtests(db: Database, actor: Actor, creditorId: string | undefined, today: IsoDate): Promise<{ exportId: string; csv: string; exported: number; withdrawn: Array<{ protestId: string; reason: string }> }> {
  requirePermission(actor, 'escalation.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('protests').selectAll().where('status', '=', 'candidate').forUpdate();
    if (creditorId) q = q.where('creditor_id', '=', creditorId);
    const protests = await q.orderBy('created_at').execute();
    const candidates = await loadCandidates(tx, protests.map((p) => p.debt_id), today);
    const exportId = randomUUID();
    const lines = [PROTEST_EXPORT_COLUMNS.join(';')];
    const withdrawn: Array<{ protestId: string; reason: string }> = [];
    const exported: Protest[] = [];
    for (const p of protests) {
      const c = candidates.get(p.debt_id)!;
      const problems = protestIneligibility(c.candidate, today);
      if (problems.length) {
        const reason = problems.map((x) => x.message).join(' ');
        withdrawn.push({ protestId: p.id, reason });
        await tx.db.updateTable('protests').set({ status: 'withdrawn', updated_at: new Date() }).where('id', '=', p.id).execute();
        await appendEvent(tx, actor, { debtorId: p.debtor_id, creditorId: p.creditor_id, debtId: p.debt_id, type: 'protest.withdrawn', data: { protestId: p.id, reason } });
        continue;
      }
      const a = c.address!;
      const money = (cents: number) => `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
      lines.push(
        [
          p.id, DEBT_KINDS[c.kind], c.debt.external_id, c.debt.issue_date ?? '', c.debt.due_date, money(c.debt.original_amount_cents), money(c.balanceCents), `${a.city}/${a.uf}`,
          c.debtor.name, c.debtor.document, addressLine(a), a.cep, a.city, a.uf, c.creditor.legalName, c.creditor.document, c.creditor.address,
        ].map((v) => csvCell(String(v))).join(';'),
      );
      exported.push(p);
    }
    if (exported.length) {
      await tx.db.updateTable('protests').set({ status: 'exported', export_id: exportId, exported_on: today, updated_at: new Date() }).where('id', 'in', exported.map((p) => p.id)).execute();
      for (const p of exported) await appendEvent(tx, actor, { debtorId: p.debtor_id, creditorId: p.creditor_id, debtId: p.debt_id, type: 'protest.exported', data: { protestId: p.id, exportId } });
      await recordAccess(tx, actor, { action: 'export', resource: 'protest_export', subjectIds: exported.map((p) => p.debtor_id), details: { exportId, titles: exported.length } });
    }
    return { exportId, csv: lines.join('\r\n') + '\r\n', exported: exported.length, withdrawn };
  });
}

export async function markProtested(db: Database, actor: Actor, protestId: string, input: z.infer<typeof markProtestedInput>, today: IsoDate): Promise<ProtestOutput> {
  requirePermission(actor, 'escalation.write');
  if (input.protestedOn > today) throw new AppError('validation', 'Data do protesto no futuro.', { field: 'protestedOn' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const p = await tx.db.selectFrom('protests').selectAll().where('id', '=', protestId).forUpdate().executeTakeFirst();
    if (!p) throw notFound('Protesto');
    if (p.status !== 'exported') throw new AppError('conflict', `Só um título exportado pode ser marcado como protestado (situação: ${p.status}).`);
    if (p.exported_on && input.protestedOn < p.exported_on) throw new AppError('validation', 'Data do protesto anterior à exportação do título.', { field: 'protestedOn' });
    const updated = await tx.db.updateTable('protests').set({ status: 'protested', protested_on: input.protestedOn, notary_protocol: input.notaryProtocol, updated_at: new Date() }).where('id', '=', protestId).returningAll().executeTakeFirstOrThrow();
    // The protest interrupts the prescription (CC art. 202 III): recorded on the debt, once.
    await tx.db.updateTable('debts').set({ prescription_interrupted_on: input.protestedOn }).where('id', '=', p.debt_id).where('prescription_interrupted_on', 'is', null).execute();
    await appendEvent(tx, actor, { debtorId: p.debtor_id, creditorId: p.creditor_id, debtId: p.debt_id, type: 'protest.protested', data: { protestId, protestedOn: input.protestedOn, notaryProtocol: input.notaryProtocol } });
    return toProtestOutput(updated);
  });
}

/**
 * Debts no longer owed: their exported or protested titles are settled on the payment's day (the
 * letter of consent is due); candidates are withdrawn. A debt under an agreement keeps its protest
 * until paid in full, but a candidate is not sent.
 */
export async function followUpProtests(tx: Tx, asOf: IsoDate): Promise<{ settled: number; withdrawn: number }> {
  const { rows } = await tx.sql.query<{ id: string; status: string; debt_status: string; debt_id: string; debtor_id: string; creditor_id: string; settled_on: string }>(
    `select p.id, p.status, d.status as debt_status, p.debt_id, p.debtor_id, p.creditor_id,
            to_char(least($1::date, greatest(coalesce(p.exported_on, p.created_at::date), coalesce(
              (select max(c.paid_on) from debt_credits c where c.debt_id = d.id and c.reason = 'payment'),
              (select max(pm.paid_on) from agreement_debts ad join agreements a on a.tenant_id = ad.tenant_id and a.id = ad.agreement_id and a.status = 'fulfilled'
                 join payments pm on pm.tenant_id = a.tenant_id and pm.agreement_id = a.id where ad.debt_id = d.id),
              (d.status_changed_at at time zone 'America/Sao_Paulo')::date))), 'YYYY-MM-DD') as settled_on
       from protests p join debts d on d.tenant_id = p.tenant_id and d.id = p.debt_id
      where (p.status = 'candidate' and d.status <> 'open') or (p.status in ('exported', 'protested') and d.status in ('paid', 'settled', 'cancelled'))`,
    [asOf],
  );
  let settled = 0;
  let withdrawn = 0;
  for (const r of rows) {
    if (r.status === 'candidate') {
      await tx.db.updateTable('protests').set({ status: 'withdrawn', updated_at: new Date() }).where('id', '=', r.id).execute();
      await appendEvent(tx, null, { debtorId: r.debtor_id, creditorId: r.creditor_id, debtId: r.debt_id, type: 'protest.withdrawn', data: { protestId: r.id, reason: r.debt_status } });
      withdrawn++;
    } else {
      await tx.db.updateTable('protests').set({ status: 'settled', settled_on: r.settled_on, updated_at: new Date() }).where('id', '=', r.id).execute();
      await appendEvent(tx, null, { debtorId: r.debtor_id, creditorId: r.creditor_id, debtId: r.debt_id, type: 'protest.settled', data: { protestId: r.id, settledOn: r.settled_on, note: 'Carta de anuência disponível' } });
      settled++;
    }
  }
  return { settled, withdrawn };
}

/** The letter of consent of a settled protest (PDF, or its text). */
export async function renderConsentLetter(db: Database, actor: Actor, protestId: string, today: IsoDate, route?: string): Promise<{ fileName: string; pdf: Buffer; text: string }> {
  return db.scoped(scopeOf(actor), async (tx) => {
    const p = await tx.db.selectFrom('protests').selectAll().where('id', '=', protestId).executeTakeFirst();
    if (!p) throw notFound('Protesto');
    if (p.status !== 'settled') throw new AppError('conflict', 'A carta de anuência só é emitida depois do pagamento (protesto quitado).');
    const c = (await loadCandidates(tx, [p.debt_id], today)).get(p.debt_id)!;
    const paidOn = p.settled_on!;
    await recordAccess(tx, actor, { action: 'export', resource: 'consent_letter', subjectIds: [p.debtor_id], ...(route ? { route } : {}), details: { protestId } });
    const model = consentLetter({
      creditor: { name: c.creditor.legalName, document: c.creditor.document, address: c.creditor.address },
      debtor: { name: c.debtor.name, document: c.debtor.document, address: c.address ? addressLine(c.address) : '' },
      debt: { externalId: c.debt.external_id, kind: DEBT_KINDS[c.kind], issueDate: c.debt.issue_date, dueDate: c.debt.due_date, originalCents: c.debt.original_amount_cents },
      protest: { protestedOn: p.protested_on, notaryProtocol: p.notary_protocol },
      paidOn,
      place: c.creditor.address.split(', ').find((part) => /\/[A-Z]{2}$/.test(part)) ?? '',
      issuedOn: today,
    });
    return { fileName: `carta-de-anuencia-${c.debt.external_id}.pdf`, pdf: await renderDocumentPdf(model, c.creditor.legalName), text: documentText(model) };
  });
}

export function toProtestOutput(r: Protest): ProtestOutput {
  return { id: r.id, debtId: r.debt_id, debtorId: r.debtor_id, creditorId: r.creditor_id, status: r.status, amountCents: r.amount_cents, exportedOn: r.exported_on, protestedOn: r.protested_on, notaryProtocol: r.notary_protocol, settledOn: r.settled_on };
}
