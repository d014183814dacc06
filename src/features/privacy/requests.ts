import { sql } from 'kysely';
import { z, zPage, zPageMeta } from '../../api/zod.ts';
import { normalizeEmail } from '../../brazil/email.ts';
import { addDays, daysBetween, type IsoDate } from '../../domain/dates.ts';
import { decideErasure, type ErasureDecision } from '../../domain/privacy/erasure.ts';
import { AppError } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { DATA_SUBJECT_REQUEST_KINDS, type DataSubjectRequest, type DataSubjectRequestAction } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, ROLE_LABELS, scopeOf, staffUserId, type StaffActor } from '../auth/permissions.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { dataSubjectDueOn } from '../portal/portal-rules.ts';
import { hasReplyContact, KIND_LABELS, privacyRequestFields, replyContactIssue } from '../portal/privacy-requests.ts';
import { anonymizeDebtor } from './anonymize-debtor.ts';
import { appendHistory } from './history.ts';
import { erasureDebtsOf } from './erasure-facts.ts';

/**
 * The workflow of a data subject's request (LGPD arts. 18 and 19): received (portal form or staff)
 * → in_progress → answered | refused, every step written to an append-only history with who,
 * when and why. Nothing about a person is disclosed before their identity is verified — a
 * request made in the debtor's own portal session is verified by the session; any other by staff.
 */

export const REQUEST_STATUSES = ['received', 'in_progress', 'answered', 'refused'] as const;
type Status = (typeof REQUEST_STATUSES)[number];

/** Days before the due date from which an open request is "due soon". */
export const DUE_SOON_DAYS = 5;

const ERASURE_KINDS = new Set(['deletion', 'anonymization']);
const DISCLOSING_KINDS = new Set(['access', 'portability', 'correction', 'deletion', 'anonymization']);

export const privacyRequestOutput = z.object({
  id: z.uuid(),
  protocol: z.string(),
  kind: z.enum(DATA_SUBJECT_REQUEST_KINDS),
  kindLabel: z.string(),
  status: z.enum(REQUEST_STATUSES),
  channel: z.enum(['portal', 'staff']),
  debtorId: z.uuid().nullable(),
  identityVerified: z.boolean().describe('Identidade confirmada: sessão do próprio devedor no portal, ou conferida pela equipe'),
  verifiedAt: z.date().nullable(),
  document: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  message: z.string().nullable(),
  receivedAt: z.date(),
  dueOn: z.string().describe('Prazo: 15 dias (LGPD art. 19 II)'),
  daysLeft: z.number().int().nullable().describe('Dias até o prazo (negativo: atrasada); null se já respondida'),
  overdue: z.boolean(),
  answeredAt: z.date().nullable(),
  answer: z.string().nullable(),
  legalSource: z.string().nullable(),
  deletableFrom: z.string().nullable(),
});
export type PrivacyRequestOutput = z.infer<typeof privacyRequestOutput>;

export const privacyRequestQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  due: z.enum(['open', 'overdue', 'soon']).optional().describe('open: não respondidas; overdue: prazo vencido; soon: vencem em até 5 dias'),
  ...zPage,
});

export const privacyRequestList = z.object({ items: z.array(privacyRequestOutput), ...zPageMeta });

export const staffRequestInput = z
  .object({
    ...privacyRequestFields,
    receivedOn: z.iso.date('data inválida (AAAA-MM-DD)').optional().describe('Dia em que o pedido chegou (carta, e-mail, telefone); padrão: hoje. O prazo conta dele.'),
  })
  .refine(hasReplyContact, replyContactIssue);

export const historyOutput = z.object({
  at: z.date(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable(),
  user: z.object({ id: z.uuid(), name: z.string(), role: z.string() }).nullable().describe('null: o próprio titular pelo portal, ou o sistema'),
});

export const erasureOutput = z.object({
  decision: z.enum(['refuse', 'anonymize']),
  answer: z.string(),
  source: z.string(),
  deletableFrom: z.string().nullable(),
  holds: z.array(z.object({ code: z.string(), debtId: z.string(), reason: z.string(), source: z.string(), until: z.string() })),
});

export const privacyRequestDetail = privacyRequestOutput.extend({
  history: z.array(historyOutput),
  erasure: erasureOutput.nullable().describe('Para eliminação/anonimização com titular identificado: a regra aplicada hoje (src/domain/privacy/erasure.ts)'),
});

export const noteInput = z.object({ note: z.string().trim().min(5, 'descreva em ao menos 5 caracteres').max(2000) });
export const answerInput = z.object({ answer: z.string().trim().min(5, 'descreva a resposta em ao menos 5 caracteres').max(8000).optional() });
export const refuseInput = z.object({
  reason: z.string().trim().min(5, 'descreva o motivo em ao menos 5 caracteres').max(8000).optional(),
  legalSource: z.string().trim().max(500).optional(),
});

export function toRequestOutput(r: DataSubjectRequest, today: IsoDate): PrivacyRequestOutput {
  const open = r.status === 'received' || r.status === 'in_progress';
  const daysLeft = open ? daysBetween(today, r.due_on) : null;
  return {
    id: r.id, protocol: r.protocol, kind: r.kind, kindLabel: KIND_LABELS[r.kind], status: r.status, channel: r.channel, debtorId: r.debtor_id,
    identityVerified: r.identity_verified, verifiedAt: r.verified_at, document: r.document, name: r.name, email: r.email, phone: r.phone, message: r.message,
    receivedAt: r.received_at, dueOn: r.due_on, daysLeft, overdue: daysLeft !== null && daysLeft < 0, answeredAt: r.answered_at, answer: r.answer,
    legalSource: r.legal_source, deletableFrom: r.deletable_from,
  };
}

/** The requests, newest first; or the open ones by due date. Reading them is audited. */
export async function listPrivacyRequests(db: Database, actor: StaffActor, query: z.infer<typeof privacyRequestQuery>, today: IsoDate): Promise<z.infer<typeof privacyRequestList>> {
  requirePermission(actor, 'privacy.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('data_subject_requests').selectAll();
    if (query.status) q = q.where('status', '=', query.status);
    if (query.due) {
      q = q.where('status', 'in', ['received', 'in_progress']);
      if (query.due === 'overdue') q = q.where('due_on', '<', today);
      if (query.due === 'soon') q = q.where('due_on', '>=', today).where('due_on', '<=', addDays(today, DUE_SOON_DAYS));
      q = q.orderBy('due_on', 'asc');
    }
    const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).offset(query.offset).execute();
    const items = rows.slice(0, query.limit);
    await recordAccess(tx, actor, { action: 'read', resource: 'data_subject_request', subjectIds: items.flatMap((r) => (r.debtor_id ? [r.debtor_id] : [])), details: { count: items.length } });
    return { items: items.map((r) => toRequestOutput(r, today)), limit: query.limit, offset: query.offset, hasMore: rows.length > query.limit };
  });
}

/** Counts of open requests by deadline, per tenant (the daily job's log line and the screen's banner). */
export const deadlinesOutput = z.object({ open: z.number().int(), overdue: z.number().int(), dueSoon: z.number().int(), asOf: z.string() });

export async function privacyDeadlines(db: Database, actor: StaffActor, today: IsoDate): Promise<z.infer<typeof deadlinesOutput>> {
  requirePermission(actor, 'privacy.read');
  return db.scoped(scopeOf(actor), (tx) => countDeadlines(tx, today));
}

export async function countDeadlines(tx: Tx, today: IsoDate, tenantId?: string): Promise<z.infer<typeof deadlinesOutput>> {
  let q = tx.db
    .selectFrom('data_subject_requests')
    .select([
      sql<number>`count(*)::int`.as('open'),
      sql<number>`(count(*) filter (where due_on < ${today}))::int`.as('overdue'),
      sql<number>`(count(*) filter (where due_on >= ${today} and due_on <= ${addDays(today, DUE_SOON_DAYS)}))::int`.as('dueSoon'),
    ])
    .where('status', 'in', ['received', 'in_progress']);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  const row = await q.executeTakeFirstOrThrow();
  return { ...row, asOf: today };
}

/** A request received by letter, e-mail, phone or in person, entered by staff (channel 'staff', identity still to verify). */
export async function createStaffRequest(db: Database, actor: StaffActor, input: z.infer<typeof staffRequestInput>, today: IsoDate): Promise<PrivacyRequestOutput> {
  requirePermission(actor, 'privacy.write');
  const userId = staffUserId(actor);
  const receivedOn = input.receivedOn ?? today;
  if (receivedOn > today) throw new AppError('validation', 'A data de recebimento não pode ser futura.', { field: 'receivedOn' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db
      .insertInto('data_subject_requests')
      .values({
        tenant_id: actor.tenantId, debtor_id: null, identity_verified: false, document: input.document, name: input.name,
        email: input.email ? normalizeEmail(input.email) : null, phone: input.phone ?? null, kind: input.kind, message: input.message || null,
        channel: 'staff', due_on: dataSubjectDueOn(receivedOn), ip: actor.ip ?? null, created_by: userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendHistory(tx, { tenantId: actor.tenantId, requestId: row.id, userId, action: 'received', to: 'received', note: `registrada pela equipe; recebida em ${receivedOn}` });
    await recordAccess(tx, actor, { action: 'create', resource: 'data_subject_request', details: { requestId: row.id, kind: row.kind } });
    return toRequestOutput(row, today);
  });
}

async function loadRequest(tx: Tx, tenantId: string, id: string, forUpdate = false): Promise<DataSubjectRequest> {
  let q = tx.db.selectFrom('data_subject_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Solicitação LGPD não encontrada.');
  return row;
}

/** What the erasure rule says today for a request's subject (null when it does not apply). */
async function erasureFor(tx: Tx, request: DataSubjectRequest, today: IsoDate, retentionYears: number): Promise<ErasureDecision | null> {
  if (!ERASURE_KINDS.has(request.kind) || !request.identity_verified || !request.debtor_id) return null;
  return decideErasure({ asOf: today, debts: await erasureDebtsOf(tx, request.tenant_id, request.debtor_id), retentionYears });
}

function erasureToOutput(d: ErasureDecision | null): z.infer<typeof erasureOutput> | null {
  if (!d) return null;
  return d.decision === 'refuse'
    ? { decision: 'refuse', answer: d.answer, source: d.source, deletableFrom: d.deletableFrom, holds: d.holds }
    : { decision: 'anonymize', answer: d.answer, source: d.source, deletableFrom: null, holds: [] };
}

export async function getPrivacyRequest(db: Database, actor: StaffActor, id: string, options: { today: IsoDate; retentionYears: number }): Promise<z.infer<typeof privacyRequestDetail>> {
  requirePermission(actor, 'privacy.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const request = await loadRequest(tx, actor.tenantId, id);
    const history = await tx.db
      .selectFrom('data_subject_request_history as h')
      .leftJoin('users as u', 'u.id', 'h.user_id')
      .select(['h.at', 'h.action', 'h.from_status', 'h.to_status', 'h.note', 'h.user_id', 'u.name', 'u.role'])
      .where('h.tenant_id', '=', actor.tenantId)
      .where('h.request_id', '=', id)
      .orderBy('h.id')
      .execute();
    const erasure = await erasureFor(tx, request, options.today, options.retentionYears);
    await recordAccess(tx, actor, { action: 'read', resource: 'data_subject_request', subjectIds: request.debtor_id ? [request.debtor_id] : [], details: { requestId: id } });
    return {
      ...toRequestOutput(request, options.today),
      history: history.map((h) => ({
        at: h.at, action: h.action, fromStatus: h.from_status, toStatus: h.to_status, note: h.note,
        user: h.user_id && h.name && h.role ? { id: h.user_id, name: h.name, role: ROLE_LABELS[h.role] } : null,
      })),
      erasure: erasureToOutput(erasure),
    };
  });
}

function requireOpen(request: DataSubjectRequest): void {
  if (request.status === 'answered' || request.status === 'refused') {
    throw new AppError('conflict', `A solicitação ${request.protocol} já foi ${request.status === 'answered' ? 'respondida' : 'recusada'}; o histórico não se altera.`);
  }
}

/**
 * Staff confirmed who the requester is (documents checked, a call back to the number on file…):
 * the request is linked to the debtor holding that document, if any, and moves to in_progress.
 */
export async function verifyIdentity(db: Database, actor: StaffActor, id: string, input: z.infer<typeof noteInput>, today: IsoDate): Promise<PrivacyRequestOutput> {
  requirePermission(actor, 'privacy.write');
  const userId = staffUserId(actor);
  return db.scoped(scopeOf(actor), async (tx) => {
    const request = await loadRequest(tx, actor.tenantId, id, true);
    requireOpen(request);
    if (request.identity_verified) throw new AppError('conflict', `A identidade do titular da solicitação ${request.protocol} já está confirmada.`);
    const debtor = await tx.db.selectFrom('debtors').select('id').where('tenant_id', '=', actor.tenantId).where('document', '=', request.document).where('anonymized_at', 'is', null).executeTakeFirst();
    const to: Status = request.status === 'received' ? 'in_progress' : request.status;
    const row = await tx.db
      .updateTable('data_subject_requests')
      .set({ identity_verified: true, verified_by: userId, verified_at: new Date(), debtor_id: debtor?.id ?? null, status: to })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendHistory(tx, {
      tenantId: actor.tenantId, requestId: id, userId, action: 'verified', from: request.status, to,
      note: `${input.note}${debtor ? '' : ' — nenhum cadastro com este documento'}`,
    });
    if (debtor) await appendEvent(tx, actor, { debtorId: debtor.id, type: 'privacy_request.verified', data: { protocol: request.protocol, kind: request.kind } });
    return toRequestOutput(row, today);
  });
}

/** received → in_progress for a request already verified (made in the debtor's portal session). */
export async function startRequest(db: Database, actor: StaffActor, id: string, today: IsoDate): Promise<PrivacyRequestOutput> {
  requirePermission(actor, 'privacy.write');
  const userId = staffUserId(actor);
  return db.scoped(scopeOf(actor), async (tx) => {
    const request = await loadRequest(tx, actor.tenantId, id, true);
    if (request.status !== 'received') throw new AppError('conflict', `A solicitação ${request.protocol} não está como recebida.`);
    const row = await tx.db.updateTable('data_subject_requests').set({ status: 'in_progress' }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await appendHistory(tx, { tenantId: actor.tenantId, requestId: id, userId, action: 'started', from: 'received', to: 'in_progress' });
    return toRequestOutput(row, today);
  });
}

/**
 * Answers a request. For deletion/anonymization the rule decides: when nothing holds the data,
 * the debtor is anonymized in the same transaction; when something does, answering is refused
 * and the request must be refused with the rule's reason (refuseRequest fills it in).
 */
export async function answerRequest(
  db: Database,
  actor: StaffActor,
  id: string,
  input: z.infer<typeof answerInput>,
  options: { today: IsoDate; retentionYears: number },
): Promise<PrivacyRequestOutput> {
  requirePermission(actor, 'privacy.write');
  const userId = staffUserId(actor);
  // The owner's transaction: anonymization rewrites the debtor's timeline (the one documented bypass); every query names the tenant.
  return db.system(async (tx) => {
    const request = await loadRequest(tx, actor.tenantId, id, true);
    requireOpen(request);
    if (request.status !== 'in_progress') throw new AppError('conflict', `A solicitação ${request.protocol} ainda não está em andamento: confirme a identidade ou inicie o atendimento.`);
    if (DISCLOSING_KINDS.has(request.kind) && !request.identity_verified) {
      throw new AppError('conflict', 'A identidade do titular não foi confirmada: nada pode ser informado ou alterado antes disso (LGPD art. 46).');
    }
    let answer = input.answer ?? null;
    let legalSource: string | null = null;
    let action: DataSubjectRequestAction = 'answered';
    if (ERASURE_KINDS.has(request.kind)) {
      const decision = await erasureFor(tx, request, options.today, options.retentionYears);
      if (decision?.decision === 'refuse') {
        throw new AppError('conflict', `A eliminação não é possível: ${decision.holds[0]!.reason}. Recuse a solicitação com o fundamento legal (${decision.source}).`);
      }
      if (decision && request.debtor_id) {
        await anonymizeDebtor(tx, { tenantId: actor.tenantId, debtorId: request.debtor_id, requestId: request.id });
        action = 'anonymized';
        answer = `${decision.answer}${input.answer ? ` ${input.answer}` : ''}`;
        legalSource = decision.source;
      } else {
        answer ??= 'Não há dados pessoais do titular nesta assessoria.';
      }
    } else if (!answer) {
      if (request.kind === 'correction' || request.kind === 'information') throw new AppError('validation', 'Descreva a resposta (o que foi corrigido ou informado).', { field: 'answer' });
      answer = request.debtor_id ? 'Relatório de acesso aos dados enviado ao titular pelo contato informado.' : 'Não há dados pessoais do titular nesta assessoria.';
    }
    const row = await tx.db
      .updateTable('data_subject_requests')
      .set({ status: 'answered', answered_at: new Date(), answered_by: userId, answer, legal_source: legalSource })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendHistory(tx, { tenantId: actor.tenantId, requestId: id, userId, action, from: 'in_progress', to: 'answered', note: answer });
    await recordAccess(tx, actor, { action: 'update', resource: 'data_subject_request', subjectIds: request.debtor_id ? [request.debtor_id] : [], details: { requestId: id, status: 'answered', anonymized: action === 'anonymized' } });
    return toRequestOutput(row, options.today);
  });
}

/**
 * Refuses a request with its reason and legal source. For erasure the rule's reason, source and
 * the first day erasure becomes possible are filled in when none is given.
 */
export async function refuseRequest(
  db: Database,
  actor: StaffActor,
  id: string,
  input: z.infer<typeof refuseInput>,
  options: { today: IsoDate; retentionYears: number },
): Promise<PrivacyRequestOutput> {
  requirePermission(actor, 'privacy.write');
  const userId = staffUserId(actor);
  return db.scoped(scopeOf(actor), async (tx) => {
    const request = await loadRequest(tx, actor.tenantId, id, true);
    requireOpen(request);
    const decision = await erasureFor(tx, request, options.today, options.retentionYears);
    let reason = input.reason ?? null;
    let legalSource = input.legalSource ?? null;
    let deletableFrom: string | null = null;
    if (decision?.decision === 'refuse') {
      reason ??= decision.answer;
      legalSource ??= decision.source;
      deletableFrom = decision.deletableFrom;
    } else if (decision?.decision === 'anonymize' && !input.reason) {
      throw new AppError('conflict', 'Nada impede a anonimização deste titular: responda a solicitação (os dados serão anonimizados) ou informe o motivo da recusa.', { field: 'reason' });
    }
    if (!reason) throw new AppError('validation', 'Informe o motivo da recusa e o fundamento legal.', { field: 'reason' });
    const row = await tx.db
      .updateTable('data_subject_requests')
      .set({ status: 'refused', answered_at: new Date(), answered_by: userId, answer: reason, legal_source: legalSource, deletable_from: deletableFrom })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendHistory(tx, { tenantId: actor.tenantId, requestId: id, userId, action: 'refused', from: request.status, to: 'refused', note: `${reason}${legalSource ? ` [${legalSource}]` : ''}` });
    if (request.debtor_id) await appendEvent(tx, actor, { debtorId: request.debtor_id, type: 'privacy_request.refused', data: { protocol: request.protocol, kind: request.kind, deletableFrom } });
    return toRequestOutput(row, options.today);
  });
}
