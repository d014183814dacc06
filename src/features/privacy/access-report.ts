import { createHash } from 'node:crypto';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { formatBRL } from '../../domain/money.ts';
import { AppError } from '../../shared/errors.ts';
import { renderPdf } from '../../shared/pdf.ts';
import type { Config } from '../../shared/config.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, ROLE_LABELS, scopeOf, staffUserId, type StaffActor } from '../auth/permissions.ts';
import { KIND_LABELS } from '../portal/privacy-requests.ts';
import { controllerOf, LEGAL_BASES, processorsFromConfig, type Controller } from './ropa.ts';
import { appendHistory } from './history.ts';

/**
 * The access report (LGPD arts. 9, 18 II and V, 19): every datum the agency holds about the
 * subject, section by section, each with where it came from (source), why it is processed (legal
 * basis) and who read it (the audit log). The JSON is the machine-readable portability answer;
 * the PDF is the same content for a person to read. Generating it is itself audited.
 */

type Row = Record<string, string | number | boolean | null | undefined>;

export interface ReportSection {
  key: string;
  title: string;
  /** Where these data came from, when the same for every row; rows carry their own `source` otherwise. */
  source: string;
  legalBasis: string;
  rows: Row[];
}

export interface AccessReport {
  format: 'recupera.lgpd.access-report/1';
  generatedAt: string;
  protocol: string;
  controller: Controller;
  subject: { name: string; document: string; found: boolean };
  sections: ReportSection[];
  /** Who the data are shared with and why (LGPD art. 18 VII, art. 9 V). */
  sharedWith: Array<{ recipient: string; purpose: string }>;
  notes: string[];
}

const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : String(d));

function describeSource(source: string, importFiles: Map<string, string>): string {
  if (source.startsWith('import:')) return `importação do arquivo ${importFiles.get(source.slice(7)) ?? source.slice(7)} do credor`;
  if (source.startsWith('enrichment')) return `enriquecimento (${source.split(':').slice(1).join(':') || 'provedor'})`;
  if (source === 'portal') return 'informado pelo titular no portal';
  if (source === 'staff' || source === 'manual' || source === 'api') return 'cadastrado pela equipe da assessoria';
  return source;
}

async function q<R = Row>(tx: Tx, text: string, params: unknown[]): Promise<R[]> {
  return (await tx.sql.query<R>(text, params)).rows;
}

/** Collects the report's sections inside a transaction already scoped to the tenant. */
export async function collectAccessReport(tx: Tx, input: { tenantId: string; debtorId: string | null; protocol: string; subject: { name: string; document: string }; config: Config; portalSessions?: Row[] }): Promise<AccessReport> {
  const report: AccessReport = {
    format: 'recupera.lgpd.access-report/1', generatedAt: new Date().toISOString(), protocol: input.protocol,
    controller: await controllerOf(tx, input.tenantId),
    subject: { ...input.subject, found: input.debtorId !== null }, sections: [], sharedWith: [], notes: [],
  };
  const id = input.debtorId;
  if (!id) {
    report.notes.push('Nenhum cadastro com este documento foi encontrado nesta assessoria: não tratamos dados pessoais do titular.');
    return report;
  }
  const t = input.tenantId;
  const add = (key: string, title: string, source: string, legalBasis: string, rows: Row[]) => report.sections.push({ key, title, source, legalBasis, rows });

  const importFiles = new Map(
    (await q<{ id: string; file_name: string; started_at: Date }>(tx, `select i.id, i.file_name, i.started_at from imports i where i.tenant_id = $1 and (i.id in (select import_id from debts where tenant_id = $1 and debtor_id = $2) or ('import:' || i.id::text) in (select source from contact_points where tenant_id = $1 and debtor_id = $2))`, [t, id]))
      .map((r) => [r.id, `${r.file_name} (${formatDateBR(iso(r.started_at)!.slice(0, 10))})`]),
  );
  const debtor = (await q<Row & { created_at: Date }>(tx, 'select kind, document, name, birth_date::text, uf, city, declared_income_cents, over_indebted_since::text, created_at, updated_at, anonymized_at from debtors where tenant_id = $1 and id = $2', [t, id]))[0];
  if (!debtor) throw new AppError('not_found', 'Devedor não encontrado.');
  add('debtor', 'Cadastro', `importação de arquivos do credor${importFiles.size ? `: ${[...importFiles.values()].join(', ')}` : ''}; alterações registradas na linha do tempo`, LEGAL_BASES.credit, [
    { kind: debtor.kind, document: debtor.document, name: debtor.name, birthDate: debtor.birth_date, uf: debtor.uf, city: debtor.city, declaredIncomeCents: debtor.declared_income_cents, overIndebtedSince: debtor.over_indebted_since, createdAt: iso(debtor.created_at), anonymizedAt: iso(debtor.anonymized_at as string | null) },
  ]);
  const contacts = await q(tx, `select channel, value, phone_kind, label, source, verified, is_reference, reference_name, reference_relation, array_to_string(opted_out_channels, ',') as opted_out, whatsapp_opt_in_at, invalid_at, created_at from contact_points where tenant_id = $1 and debtor_id = $2 order by created_at`, [t, id]);
  add('contacts', 'Contatos (telefones, e-mails, endereços)', 'por linha (campo source)', LEGAL_BASES.credit, contacts.map((c) => ({
    channel: c.channel, value: c.value, phoneKind: c.phone_kind, label: c.label, source: describeSource(String(c.source), importFiles), verified: c.verified, reference: c.is_reference,
    referenceName: c.reference_name, optedOut: c.opted_out || null, whatsappOptInAt: iso(c.whatsapp_opt_in_at as never), invalidAt: iso(c.invalid_at as never), createdAt: iso(c.created_at as never),
  })));
  const debts = await q(tx, `select d.external_id, coalesce(c.trade_name, c.legal_name) as creditor, d.document_kind, d.description, d.original_amount_cents, d.issue_date::text, d.due_date::text, d.status, d.disputed_at, d.import_id from debts d join creditors c on c.id = d.creditor_id where d.tenant_id = $1 and d.debtor_id = $2 order by d.due_date`, [t, id]);
  add('debts', 'Débitos', 'por linha', LEGAL_BASES.contract, debts.map((d) => ({
    creditor: d.creditor, externalId: d.external_id, kind: d.document_kind, description: d.description, originalAmountCents: Number(d.original_amount_cents), issueDate: d.issue_date, dueDate: d.due_date, status: d.status,
    disputedAt: iso(d.disputed_at as never), source: d.import_id ? `importação do arquivo ${importFiles.get(String(d.import_id)) ?? d.import_id}` : 'cadastro pela equipe ou integração (API/ERP)',
  })));
  const agreements = await q(tx, `select number, status, as_of::text, total_cents, discount_cents, installment_count, accepted_at, accepted_channel, accepted_by_debtor, accepted_ip, created_at from agreements where tenant_id = $1 and debtor_id = $2 order by created_at`, [t, id]);
  add('agreements', 'Acordos', 'por linha', LEGAL_BASES.contract, agreements.map((a) => ({
    number: a.number, status: a.status, asOf: a.as_of, totalCents: Number(a.total_cents), discountCents: Number(a.discount_cents), installments: a.installment_count, acceptedAt: iso(a.accepted_at as never),
    acceptedChannel: a.accepted_channel, acceptedIp: a.accepted_ip, source: a.accepted_by_debtor ? 'aceito pelo titular no portal' : 'registrado pela equipe da assessoria',
  })));
  const installments = await q(tx, `select a.number as agreement, i.number, i.due_date::text, i.amount_cents, i.paid_cents, i.status, i.paid_on::text from installments i join agreements a on a.tenant_id = i.tenant_id and a.id = i.agreement_id where i.tenant_id = $1 and i.debtor_id = $2 order by a.number, i.number`, [t, id]);
  add('installments', 'Parcelas dos acordos', 'geradas a partir do acordo', LEGAL_BASES.contract, installments.map((i) => ({ agreement: i.agreement, number: i.number, dueDate: i.due_date, amountCents: Number(i.amount_cents), paidCents: Number(i.paid_cents), status: i.status, paidOn: i.paid_on })));
  const payments = await q(tx, `select amount_cents, applied_cents, excess_cents, paid_on::text, method, source from payments where tenant_id = $1 and debtor_id = $2 order by paid_on`, [t, id]);
  const paymentSource: Record<string, string> = { cnab: 'arquivo de retorno do banco (CNAB)', pix_webhook: 'aviso do PSP (PIX)', api: 'lançado pela equipe ou integração' };
  add('payments', 'Pagamentos', 'por linha', LEGAL_BASES.legalObligation, payments.map((p) => ({ paidOn: p.paid_on, amountCents: Number(p.amount_cents), appliedCents: Number(p.applied_cents), excessCents: Number(p.excess_cents), method: p.method, source: paymentSource[String(p.source)] ?? p.source })));
  const charges = await q(tx, `select kind, amount_cents, due_date::text, status, paid_on::text, line, txid, created_at from charges where tenant_id = $1 and debtor_id = $2 order by created_at`, [t, id]);
  add('charges', 'Cobranças emitidas (boleto, PIX)', 'emitidas pela assessoria em nome do credor', LEGAL_BASES.contract, charges.map((c) => ({ kind: c.kind, amountCents: Number(c.amount_cents), dueDate: c.due_date, status: c.status, paidOn: c.paid_on, line: c.line, txid: c.txid, createdAt: iso(c.created_at as never) })));
  const messages = await q(tx, `select d.channel, a.template, a.stage, d.recipient, d.status, d.content_sha256, d.attempted_at, d.status_at from deliveries d join actions a on a.tenant_id = d.tenant_id and a.id = d.action_id where d.tenant_id = $1 and d.debtor_id = $2 order by d.attempted_at`, [t, id]);
  add('messages', 'Mensagens enviadas', 'régua de cobrança da assessoria (modelo, canal e data; o conteúdo é o modelo preenchido, identificado pelo SHA-256)', LEGAL_BASES.credit, messages.map((m) => ({
    sentAt: iso(m.attempted_at as never), channel: m.channel, template: m.template, stage: m.stage, recipient: m.recipient, status: m.status, contentSha256: m.content_sha256,
  })));
  const calls = await q(tx, `select x.at, x.code, x.answered, x.right_party, x.note, u.name as user_name from dispositions x left join users u on u.id = x.user_id where x.tenant_id = $1 and x.debtor_id = $2 order by x.at`, [t, id]);
  const tasks = await q(tx, `select kind, phone, status, outcome, due_at, closed_at from collector_tasks where tenant_id = $1 and debtor_id = $2 order by due_at`, [t, id]);
  add('calls', 'Ligações e resultados (tabulações)', 'registrados pelos operadores da assessoria', LEGAL_BASES.credit, [
    ...calls.map((c) => ({ at: iso(c.at as never), kind: 'tabulação', code: c.code, answered: c.answered, rightParty: c.right_party, note: c.note, operator: c.user_name })),
    ...tasks.map((k) => ({ at: iso(k.due_at as never), kind: `tarefa (${k.kind})`, code: k.outcome, phone: k.phone, status: k.status })),
  ]);
  const promises = await q(tx, `select p.amount_cents, p.promised_for::text, p.channel, p.status, p.note, p.created_on::text, u.name as taken_by from promises p left join users u on u.id = p.taken_by where p.tenant_id = $1 and p.debtor_id = $2 order by p.created_on`, [t, id]);
  add('promises', 'Promessas de pagamento', 'registradas pela equipe ou pelo titular', LEGAL_BASES.credit, promises.map((p) => ({ createdOn: p.created_on, promisedFor: p.promised_for, amountCents: Number(p.amount_cents), channel: p.channel, status: p.status, note: p.note, takenBy: p.taken_by })));
  const listings = await q(tx, `select bureau, status, amount_cents, requested_on::text, active_on::text, removed_on::text, expires_on::text from bureau_listings where tenant_id = $1 and debtor_id = $2 order by requested_on`, [t, id]);
  add('listings', 'Negativações em birôs de crédito', 'comunicadas pela assessoria ao birô', `${LEGAL_BASES.credit}; CDC art. 43`, listings.map((l) => ({ bureau: l.bureau, status: l.status, amountCents: Number(l.amount_cents), requestedOn: l.requested_on, activeOn: l.active_on, removedOn: l.removed_on, expiresOn: l.expires_on })));
  const protests = await q(tx, `select status, amount_cents, exported_on::text, protested_on::text, notary_protocol, settled_on::text from protests where tenant_id = $1 and debtor_id = $2 order by created_at`, [t, id]);
  add('protests', 'Protestos', 'remessa a cartório pela assessoria', `${LEGAL_BASES.rights}; Lei 9.492/1997`, protests.map((p) => ({ status: p.status, amountCents: Number(p.amount_cents), exportedOn: p.exported_on, protestedOn: p.protested_on, notaryProtocol: p.notary_protocol, settledOn: p.settled_on })));
  const scores = await q(tx, `select score, band, segment, scored_on::text, open_debts, open_amount_cents from debtor_scores where tenant_id = $1 and debtor_id = $2`, [t, id]);
  add('scores', 'Escore de cobrança e segmento', 'calculado pela assessoria a partir dos débitos e do histórico (docs/workspace.md); o titular pode pedir revisão (LGPD art. 20)', LEGAL_BASES.credit, scores.map((s) => ({ score: s.score, band: s.band, segment: s.segment, scoredOn: s.scored_on, openDebts: s.open_debts, openAmountCents: Number(s.open_amount_cents) })));
  const sessions = input.portalSessions ?? [];
  add('portalSessions', 'Acessos ao portal', 'registrados pelo portal quando o titular se identificou', `${LEGAL_BASES.legalObligation}; Marco Civil da Internet art. 15`, sessions.map((s) => ({ startedAt: iso(s.created_at as never), lastSeenAt: iso(s.last_seen_at as never), method: s.method, ip: s.ip, userAgent: s.user_agent })));
  const lookups = await q(tx, `select provider, kind, outcome, legal_basis, cost_cents, cached, at from enrichment_lookups where tenant_id = $1 and debtor_id = $2 order by at`, [t, id]);
  add('enrichment', 'Consultas de enriquecimento', 'por linha (provedor consultado)', LEGAL_BASES.credit, lookups.map((l) => ({ at: iso(l.at as never), source: `provedor ${l.provider}`, kind: l.kind, outcome: l.outcome, legalBasis: l.legal_basis, costCents: Number(l.cost_cents), cached: l.cached })));
  const requests = await q(tx, `select protocol, kind, status, received_at, answered_at from data_subject_requests where tenant_id = $1 and debtor_id = $2 order by received_at`, [t, id]);
  add('privacyRequests', 'Solicitações LGPD do titular', 'feitas pelo titular', LEGAL_BASES.legalObligation, requests.map((r) => ({ protocol: r.protocol, kind: KIND_LABELS[r.kind as keyof typeof KIND_LABELS] ?? r.kind, status: r.status, receivedAt: iso(r.received_at as never), answeredAt: iso(r.answered_at as never) })));
  const events = await q(tx, `select e.occurred_at, e.type, e.actor_kind, u.name as user_name, e.data::text as data from events e left join users u on u.id = e.actor_user_id where e.tenant_id = $1 and e.debtor_id = $2 order by e.occurred_at, e.id`, [t, id]);
  add('timeline', 'Linha do tempo do caso', 'registrada pelo sistema a cada fato (append-only)', `${LEGAL_BASES.credit}; ${LEGAL_BASES.rights}`, events.map((e) => ({
    at: iso(e.occurred_at as never), type: e.type, source: e.actor_kind === 'user' ? `equipe (${e.user_name ?? '—'})` : e.actor_kind === 'debtor' ? 'o titular (portal)' : e.actor_kind === 'integration' ? 'integração' : 'sistema', data: e.data,
  })));
  const reads = await q(tx, `select a.at, a.action, a.resource, a.route, u.name as user_name, u.role, a.details->>'via' as via from audit_log a left join users u on u.id = a.user_id where a.tenant_id = $1 and a.subject_ids @> array[$2]::uuid[] order by a.id`, [t, id]);
  add('whoRead', 'Quem acessou os dados (registro de auditoria)', 'registro de auditoria da assessoria (cada leitura e exportação)', `${LEGAL_BASES.legalObligation}; LGPD art. 37`, reads.map((r) => ({
    at: iso(r.at as never), who: r.user_name ?? (r.via === 'portal' ? 'o próprio titular (portal)' : 'sistema'), role: r.role ? ROLE_LABELS[r.role as keyof typeof ROLE_LABELS] : null, action: r.action, resource: r.resource, route: r.route,
  })));

  const creditors = [...new Set(debts.map((d) => String(d.creditor)))];
  // The integrations (an ERP) that received webhook events about this person: ids, title numbers, amounts, the masked document.
  const receivers = await q<{ host: string }>(
    tx,
    `select distinct split_part(split_part(s.url, '://', 2), '/', 1) as host
       from webhook_deliveries w join webhook_events e on e.tenant_id = w.tenant_id and e.id = w.event_id
       join webhook_subscriptions s on s.tenant_id = w.tenant_id and s.id = w.subscription_id
      where w.tenant_id = $1 and w.status = 'delivered' and e.data->'debtor'->>'id' = $2
      order by 1`,
    [t, id],
  );
  report.sharedWith = [
    ...creditors.map((c) => ({ recipient: c, purpose: 'credor do débito: origem dos dados e destinatário da prestação de contas' })),
    ...[...new Set(listings.map((l) => String(l.bureau)))].map((b) => ({ recipient: `birô ${b}`, purpose: 'negativação (CDC art. 43)' })),
    ...(protests.length ? [{ recipient: 'tabelionato de protesto', purpose: 'protesto do título (Lei 9.492/1997)' }] : []),
    ...receivers.map((r) => ({ recipient: `integração ${r.host}`, purpose: 'sistema do credor ou da assessoria que recebe os eventos da cobrança (webhooks: números dos títulos, valores, documento mascarado)' })),
    ...processorsFromConfig(input.config).filter((p) => p.usedFor.some((u) => (u === 'messages' && messages.length) || (u === 'payments' && charges.length) || (u === 'enrichment' && lookups.length) || (u === 'calls' && calls.length + tasks.length))).map((p) => ({ recipient: p.name, purpose: `operador: ${p.purpose}` })),
  ];
  report.notes.push('Sem transferência internacional de dados além dos operadores listados (LGPD art. 33).', 'Os dados são mantidos enquanto houver débito em aberto e, depois, pelo prazo de guarda para defesa em processo; em seguida são anonimizados (docs/privacy.md).');
  return report;
}

/** The access report for a verified request: JSON or PDF. Audited (export) and written to the request's history. */
export async function generateAccessReport(db: Database, actor: StaffActor, requestId: string, options: { config: Config; today: IsoDate }): Promise<AccessReport> {
  requirePermission(actor, 'privacy.read');
  const userId = staffUserId(actor);
  // Portal sessions are read only by the system path (no grant to the request role): read here, for this tenant and debtor only.
  const portalSessions = await db.system(async ({ sql: raw }) => (await raw.query<Row>(
    `select s.method, s.created_at, s.last_seen_at, s.ip, s.user_agent from portal_sessions s join data_subject_requests r on r.tenant_id = s.tenant_id and r.debtor_id = s.debtor_id
      where r.tenant_id = $1 and r.id = $2 and r.identity_verified order by s.created_at`, [actor.tenantId, requestId])).rows);
  return db.scoped(scopeOf(actor), async (tx) => {
    const request = await tx.db.selectFrom('data_subject_requests').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', requestId).executeTakeFirst();
    if (!request) throw new AppError('not_found', 'Solicitação LGPD não encontrada.');
    if (!request.identity_verified) throw new AppError('conflict', `A identidade do titular da solicitação ${request.protocol} não foi confirmada: nenhum dado pode ser informado antes disso (LGPD art. 46).`);
    const report = await collectAccessReport(tx, { tenantId: actor.tenantId, debtorId: request.debtor_id, protocol: request.protocol, subject: { name: request.name, document: request.document }, config: options.config, portalSessions });
    await recordAccess(tx, actor, { action: 'export', resource: 'privacy_access_report', subjectIds: request.debtor_id ? [request.debtor_id] : [], details: { requestId, sections: report.sections.length } });
    await appendHistory(tx, { tenantId: actor.tenantId, requestId, userId, action: 'report', note: `relatório de acesso gerado (${report.sections.reduce((n, s) => n + s.rows.length, 0)} registros)` });
    return report;
  });
}

function cell(key: string, value: Row[string]): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'sim' : 'não';
  if (key.endsWith('Cents') && typeof value === 'number') return formatBRL(value);
  return String(value);
}

/** The report as the JSON file is served (portability, LGPD art. 18 V) and its SHA-256, printed on the PDF — as the evidence dossier does. */
export function accessReportJson(report: AccessReport): { json: string; sha256: string } {
  const json = JSON.stringify(report, null, 2);
  return { json, sha256: createHash('sha256').update(json).digest('hex') };
}

export function renderAccessReportPdf(report: AccessReport, sha256: string): Promise<Buffer> {
  return renderPdf({ size: 'A4', margin: 50, info: { Title: `Relatório de acesso aos dados — ${report.protocol}`, Author: report.controller.name } }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text('Relatório de acesso aos dados pessoais');
    doc.font('Helvetica').fontSize(9).text(`LGPD arts. 9º, 18 II e V e 19 — protocolo ${report.protocol} — gerado em ${report.generatedAt}`);
    doc.moveDown(0.5).text(`Controlador: ${report.controller.name}${report.controller.document ? `, CNPJ ${report.controller.document}` : ''}`);
    const dpo = report.controller.dpo;
    if (dpo.name || dpo.email) doc.text(`Encarregado (DPO): ${[dpo.name, dpo.email, dpo.phone].filter(Boolean).join(' — ')}`);
    doc.text(`Titular: ${report.subject.name} — documento ${report.subject.document}`);
    for (const note of report.notes) doc.moveDown(0.3).text(note);
    for (const section of report.sections) {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(`${section.title} (${section.rows.length})`);
      doc.font('Helvetica-Oblique').fontSize(8).text(`Origem: ${section.source}. Base legal: ${section.legalBasis}.`).font('Helvetica').fontSize(8);
      if (section.rows.length === 0) doc.text('Nenhum registro.');
      for (const row of section.rows) {
        doc.moveDown(0.2).text(`• ${Object.entries(row).filter(([, v]) => v !== null && v !== '').map(([k, v]) => `${k}${k.endsWith('Cents') ? ' (R$)' : ''}: ${cell(k, v)}`).join('; ')}`);
      }
    }
    if (report.sharedWith.length) {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text('Com quem os dados são compartilhados').font('Helvetica').fontSize(8);
      for (const s of report.sharedWith) doc.text(`• ${s.recipient}: ${s.purpose}`);
    }
    doc.moveDown().fontSize(7).text(`SHA-256 do JSON deste relatório: ${sha256}. A versão JSON é a resposta de portabilidade (LGPD art. 18 V).`);
  });
}
