import { createHash } from 'node:crypto';
import { renderPdf } from '../../shared/pdf.ts';
import { formatDocument } from '../../brazil/documents.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalanceResult } from '../../domain/balance/updated-balance.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { DEBT_KINDS, storedDebtKind, type DebtKind } from '../../domain/debt-kinds.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { formatBRL } from '../../domain/money.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import { notFound } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';

/**
 * The evidence dossier for a judicial or outsourced hand-over (PRODUCT.md §2.8): the debtor's
 * data, the debts and their calculation memory, every contact attempt in order with date, time,
 * channel, content hash and outcome, and the case timeline — as a machine-readable JSON and a
 * PDF, both carrying the SHA-256 of the JSON's contents so a copy can be checked.
 */
export interface Dossier {
  version: 1;
  generatedAt: string;
  asOf: IsoDate;
  agency: string;
  debtor: { id: string; name: string; document: string; kind: string; birthDate: string | null; uf: string | null; city: string | null };
  contacts: Array<{ channel: string; value: string; source: string; verified: boolean; reference: boolean; optedOut: string[] }>;
  creditors: Array<{ id: string; legalName: string; document: string; address: string }>;
  debts: Array<{
    id: string; creditorId: string; externalId: string; kind: string; originalCents: number; issueDate: string | null; dueDate: string; status: string;
    prescriptionDate: string; disputed: boolean; balance: Pick<BalanceResult, 'total' | 'components' | 'memory' | 'daysOverdue'>;
  }>;
  contactAttempts: Array<{
    at: string; channel: string; status: string; step: string; scheduleId: string; scheduleVersion: number; dueOn: string;
    rule: string | null; reason: string | null; recipient: string | null; contentSha256: string | null; providerId: string | null;
  }>;
  timeline: Array<{ at: string; type: string; actor: string; data: unknown }>;
}

export async function buildDossier(db: Database, actor: Actor, debtorId: string, asOf: IsoDate, route?: string): Promise<{ dossier: Dossier; json: string; sha256: string }> {
  requirePermission(actor, 'debtors.read');
  const dossier = await db.scoped(scopeOf(actor), async (tx) => {
    const debtor = await tx.db.selectFrom('debtors').selectAll().where('id', '=', debtorId).executeTakeFirst();
    if (!debtor) throw notFound('Devedor');
    const tenant = await tx.db.selectFrom('tenants').select('name').executeTakeFirstOrThrow();
    const contacts = await tx.db.selectFrom('contact_points').selectAll().where('debtor_id', '=', debtorId).orderBy('created_at').execute();
    const debts = await tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', debtorId).orderBy('due_date').orderBy('external_id').execute();
    const creditorIds = [...new Set(debts.map((d) => d.creditor_id))];
    const creditors = creditorIds.length ? await tx.db.selectFrom('creditors').selectAll().where('id', 'in', creditorIds).execute() : [];
    const attempts = await tx.sql.query<{
      at: Date; channel: string; status: string; step_id: string; schedule_id: string; schedule_version: number; due_on: string;
      rule: string | null; reason: string | null; recipient: string | null; content_sha256: string | null; provider_id: string | null;
    }>(
      `select coalesce(v.attempted_at, a.created_at) as at, a.channel, coalesce(v.status, a.status) as status, a.step_id, a.schedule_id, a.schedule_version,
              a.due_on::text as due_on, a.rule, a.reason, v.recipient, v.content_sha256, v.provider_id
       from actions a left join deliveries v on v.tenant_id = a.tenant_id and v.action_id = a.id
       where a.debtor_id = $1 order by 1, a.id`,
      [debtorId],
    );
    const events = await tx.db.selectFrom('events').selectAll().where('debtor_id', '=', debtorId).orderBy('occurred_at').orderBy('id').execute();
    const indices = await indexSetOf(tx);
    const credits = await creditsOf(tx, debts.map((d) => d.id));
    await recordAccess(tx, actor, { action: 'export', resource: 'dossier', subjectIds: [debtorId], ...(route ? { route } : {}) });
    const result: Dossier = {
      version: 1,
      generatedAt: new Date().toISOString(),
      asOf,
      agency: tenant.name,
      debtor: { id: debtor.id, name: debtor.name, document: debtor.document, kind: debtor.kind, birthDate: debtor.birth_date, uf: debtor.uf, city: debtor.city },
      contacts: contacts.map((c) => ({ channel: c.channel, value: c.value, source: c.source, verified: c.verified, reference: c.is_reference, optedOut: c.opted_out_channels })),
      creditors: creditors.map((c) => ({ id: c.id, legalName: c.legal_name, document: c.document, address: creditorAddress(c) })),
      debts: debts.map((d) => {
        const balance = updatedBalance(termsOf(d), credits.get(d.id) ?? [], asOf, indices, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: 'last-known' });
        return {
          id: d.id, creditorId: d.creditor_id, externalId: d.external_id, kind: d.document_kind, originalCents: d.original_amount_cents, issueDate: d.issue_date,
          dueDate: d.due_date, status: d.status, disputed: !!d.disputed_at,
          prescriptionDate: prescriptionOf({ kind: storedDebtKind(d.document_kind), dueDate: d.due_date, interruptedOn: d.prescription_interrupted_on }).prescriptionDate,
          balance: { total: balance.total, components: balance.components, memory: balance.memory, daysOverdue: balance.daysOverdue },
        };
      }),
      contactAttempts: attempts.rows.map((a) => ({
        at: new Date(a.at).toISOString(), channel: a.channel, status: a.status, step: a.step_id, scheduleId: a.schedule_id, scheduleVersion: a.schedule_version, dueOn: a.due_on,
        rule: a.rule, reason: a.reason, recipient: a.recipient, contentSha256: a.content_sha256, providerId: a.provider_id,
      })),
      timeline: events.map((e) => ({ at: e.occurred_at.toISOString(), type: e.type, actor: e.actor_kind, data: e.data })),
    };
    return result;
  });
  const json = JSON.stringify(dossier, null, 2);
  return { dossier, json, sha256: createHash('sha256').update(json).digest('hex') };
}

/** The PDF of a dossier, for people; the JSON (whose hash it prints) is the record. */
export async function dossierPdf(dossier: Dossier, sha256: string): Promise<Buffer> {
  return renderPdf({ size: 'A4', margin: 50, info: { Title: `Dossiê de cobrança — ${dossier.debtor.name}`, Author: dossier.agency } }, (doc) => {
    const h = (text: string) => doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text).font('Helvetica').fontSize(9).moveDown(0.3);
    doc.font('Helvetica-Bold').fontSize(16).text('Dossiê de cobrança');
    doc.font('Helvetica').fontSize(9).text(`${dossier.agency} — gerado em ${dossier.generatedAt}, saldos em ${formatDateBR(dossier.asOf)}`);
    h('Devedor');
    const d = dossier.debtor;
    doc.text(`${d.name} — ${d.kind === 'pf' ? 'CPF' : 'CNPJ'} ${formatDocument(d.document)}${d.birthDate ? `, nascido(a) em ${formatDateBR(d.birthDate)}` : ''}${d.city ? `, ${d.city}/${d.uf}` : ''}`);
    for (const c of dossier.contacts) doc.text(`• ${c.channel}: ${c.value} (fonte: ${c.source}${c.verified ? ', verificado' : ''}${c.reference ? ', contato de referência' : ''}${c.optedOut.length ? `, recusou ${c.optedOut.join(', ')}` : ''})`);
    h('Credores');
    for (const c of dossier.creditors) doc.text(`${c.legalName} — CNPJ/CPF ${formatDocument(c.document)} — ${c.address}`);
    h('Títulos e cálculo');
    for (const debt of dossier.debts) {
      doc.font('Helvetica-Bold').text(`${debt.externalId} — ${DEBT_KINDS[debt.kind as DebtKind] ?? debt.kind} — vencimento ${formatDateBR(debt.dueDate)} — ${debt.status}${debt.disputed ? ' (contestado)' : ''}`).font('Helvetica');
      doc.text(`Valor original ${formatBRL(debt.originalCents)}; saldo atualizado ${formatBRL(debt.balance.total)}; prescrição em ${formatDateBR(debt.prescriptionDate)}`);
      for (const line of debt.balance.memory) doc.text(`    ${line.description}: ${formatBRL(line.amountCents)}`);
    }
    h('Tentativas de contato (em ordem)');
    if (dossier.contactAttempts.length === 0) doc.text('Nenhuma.');
    for (const a of dossier.contactAttempts) {
      doc.text(`${a.at.replace('T', ' ').slice(0, 19)} UTC — ${a.channel} — ${a.status}${a.rule ? ` (${a.rule}${a.reason ? `: ${a.reason}` : ''})` : ''} — passo ${a.step} v${a.scheduleVersion}${a.recipient ? ` — para ${a.recipient}` : ''}${a.contentSha256 ? ` — conteúdo sha256 ${a.contentSha256.slice(0, 16)}…` : ''}`);
    }
    h('Linha do tempo');
    for (const e of dossier.timeline) doc.text(`${e.at.replace('T', ' ').slice(0, 19)} UTC — ${e.type} (${e.actor})`);
    doc.moveDown().fontSize(8).text(`SHA-256 do arquivo JSON deste dossiê: ${sha256}`);
  });
}
