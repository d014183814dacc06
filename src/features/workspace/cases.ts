import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { maskDocument } from '../../brazil/documents.ts';
import { DEFAULT_SCRIPTS, DISPOSITIONS, DISPOSITION_CODES, checkScript, renderScript, stageOf, validateDisposition, type DispositionCode } from '../../domain/collection/index.ts';
import { daysBetween, type IsoDate } from '../../domain/dates.ts';
import type { Stage } from '../../domain/dunning/schedule.ts';
import { isUf } from '../../brazil/uf.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, staffUserId, type Actor } from '../auth/permissions.ts';
import { balancesOf } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { NEGOTIATION_BALANCE_POLICY } from '../negotiation/negotiation.ts';
import { insertPromise } from '../negotiation/promises.ts';
import { loadQueue } from './queue.ts';

/**
 * The collector's view of a case and what a call changes: the debtor (document masked), the phones
 * it may be called on, the open debts with the updated balance of the main creditor, the call script
 * of the case's stage with its variables filled in, and the disposition that records the call and
 * acts on the case in the same transaction (a wrong number invalidates the phone, a dispute pauses
 * the debts, a promise is taken and followed up, a callback goes back to the queue).
 */
export const caseOutput = z.object({
  debtorId: z.uuid(),
  name: z.string(),
  documentMasked: z.string(),
  kind: z.enum(['pf', 'pj']),
  uf: z.string().nullable(),
  score: z.number().int().nullable(),
  band: z.string().nullable(),
  segment: z.string().nullable(),
  stage: z.enum(['aviso', 'alerta', 'acao']),
  daysPastDue: z.number().int(),
  assignedTo: z.uuid().nullable(),
  callbackAt: z.date().nullable(),
  phones: z.array(z.object({ contactPointId: z.uuid(), number: z.string(), kind: z.string().nullable(), verified: z.boolean() })),
  debts: z.array(z.object({ debtId: z.uuid(), creditorId: z.uuid(), externalId: z.string(), dueDate: z.string(), originalAmountCents: z.number().int(), disputed: z.boolean() })),
  creditor: z.object({ id: z.uuid(), name: z.string() }),
  balance: z.object({ totalCents: z.number().int(), principalCents: z.number().int(), correctionCents: z.number().int(), interestCents: z.number().int(), fineCents: z.number().int(), feesCents: z.number().int() }),
  pendingPromise: z.object({ id: z.uuid(), amountCents: z.number().int(), promisedFor: z.string() }).nullable(),
  recentDispositions: z.array(z.object({ code: z.string(), label: z.string(), at: z.date(), userId: z.uuid(), note: z.string().nullable() })),
  script: z.string().describe('O roteiro do estágio do caso, com as variáveis preenchidas'),
  dispositionCodes: z.array(z.object({ code: z.string(), label: z.string(), requires: z.array(z.string()) })),
});
export type CaseView = z.infer<typeof caseOutput>;

/** The script of a stage for a portfolio: the portfolio's, else the tenant's, else the default. */
async function scriptFor(tx: Tx, portfolioId: string, stage: Stage): Promise<string> {
  const rows = await tx.db.selectFrom('call_scripts').select(['portfolio_id', 'body']).where('stage', '=', stage).where((eb) => eb.or([eb('portfolio_id', '=', portfolioId), eb('portfolio_id', 'is', null)])).execute();
  return (rows.find((r) => r.portfolio_id === portfolioId) ?? rows.find((r) => r.portfolio_id === null))?.body ?? DEFAULT_SCRIPTS[stage];
}

export async function loadCase(tx: Tx, actor: Actor, debtorId: string, asOf: IsoDate, route: string): Promise<CaseView> {
  const debtor = await tx.db.selectFrom('debtors').selectAll().where('id', '=', debtorId).executeTakeFirst();
  if (!debtor) throw notFound('Devedor');
  await recordAccess(tx, actor, { action: 'read', resource: 'case', subjectIds: [debtorId], route });
  const debts = await tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', debtorId).where('status', '=', 'open').where('due_date', '<=', asOf).orderBy('due_date').execute();
  if (debts.length === 0) throw new AppError('conflict', 'O devedor não tem títulos em atraso: não há caso para trabalhar.');
  // The main creditor: the one owed the most; the script and the balance speak of its debts.
  const byCreditor = new Map<string, number>();
  for (const d of debts) byCreditor.set(d.creditor_id, (byCreditor.get(d.creditor_id) ?? 0) + d.original_amount_cents);
  const creditorId = [...byCreditor].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', creditorId).executeTakeFirstOrThrow();
  const mine = debts.filter((d) => d.creditor_id === creditorId);
  const { total, components } = await balancesOf(tx, mine, asOf, NEGOTIATION_BALANCE_POLICY);
  const balance = { total, ...components };
  const score = await tx.db.selectFrom('debtor_scores').selectAll().where('debtor_id', '=', debtorId).executeTakeFirst();
  const assignment = await tx.db.selectFrom('case_assignments').selectAll().where('debtor_id', '=', debtorId).where('status', '=', 'active').executeTakeFirst();
  const lastAction = await tx.db.selectFrom('actions').select('stage').where('debtor_id', '=', debtorId).where('status', 'in', ['sent', 'planned', 'sending']).orderBy('due_on', 'desc').limit(1).executeTakeFirst();
  const phones = await tx.db
    .selectFrom('contact_points').select(['id', 'value', 'phone_kind', 'verified', 'opted_out_channels'])
    .where('debtor_id', '=', debtorId).where('channel', '=', 'phone').where('is_reference', '=', false).where('invalid_at', 'is', null)
    .orderBy('verified', 'desc').orderBy('phone_kind').execute();
  const promise = await tx.db.selectFrom('promises').select(['id', 'amount_cents', 'promised_for']).where('debtor_id', '=', debtorId).where('status', '=', 'pending').orderBy('promised_for').executeTakeFirst();
  const recent = await tx.db.selectFrom('dispositions').select(['code', 'at', 'user_id', 'note']).where('debtor_id', '=', debtorId).orderBy('at', 'desc').limit(10).execute();
  const daysPastDue = daysBetween(debts[0]!.due_date, asOf);
  const stage = stageOf(daysPastDue, (lastAction?.stage as Stage | undefined) ?? null);
  const user = await tx.db.selectFrom('users').select('name').where('id', '=', actor.userId).executeTakeFirst();
  const tenant = await tx.db.selectFrom('tenants').select(['name', 'slug']).where('id', '=', actor.tenantId).executeTakeFirstOrThrow();
  const script = renderScript(await scriptFor(tx, mine[0]!.portfolio_id, stage), {
    asOf,
    debtor: { name: debtor.name, document: debtor.document, kind: debtor.kind },
    creditor: { legalName: creditor.legal_name, tradeName: creditor.trade_name, document: creditor.document, address: creditorAddress(creditor) },
    debts: mine.map((d) => ({ externalId: d.external_id, dueDate: d.due_date, originalCents: d.original_amount_cents })),
    balance,
    portalUrl: `/portal/${tenant.slug}`,
    agency: { name: tenant.name, phone: '' },
    collector: { name: user?.name ?? 'Operador' },
    case: { daysPastDue, stage, openDebts: debts.length },
  });
  return {
    debtorId, name: debtor.name, documentMasked: maskDocument(debtor.document), kind: debtor.kind, uf: debtor.uf,
    score: score?.score ?? null, band: score?.band ?? null, segment: score?.segment ?? null, stage, daysPastDue,
    assignedTo: assignment?.user_id ?? null, callbackAt: assignment?.callback_at ?? null,
    phones: phones.filter((p) => !p.opted_out_channels.includes('voice')).map((p) => ({ contactPointId: p.id, number: p.value, kind: p.phone_kind, verified: p.verified })),
    debts: debts.map((d) => ({ debtId: d.id, creditorId: d.creditor_id, externalId: d.external_id, dueDate: d.due_date, originalAmountCents: d.original_amount_cents, disputed: d.disputed_at !== null })),
    creditor: { id: creditor.id, name: creditor.trade_name ?? creditor.legal_name },
    balance: { totalCents: balance.total, principalCents: balance.principal, correctionCents: balance.correction, interestCents: balance.interest, fineCents: balance.fine, feesCents: balance.fees },
    pendingPromise: promise ? { id: promise.id, amountCents: promise.amount_cents, promisedFor: promise.promised_for } : null,
    recentDispositions: recent.map((r) => ({ code: r.code, label: DISPOSITIONS[r.code as DispositionCode]?.label ?? r.code, at: r.at, userId: r.user_id, note: r.note })),
    script,
    dispositionCodes: DISPOSITION_CODES.map((code) => ({ code, label: DISPOSITIONS[code].label, requires: [...DISPOSITIONS[code].required] })),
  };
}

/** A case the actor may work: its own, or any for a supervisor. A debtor the actor cannot see is not found. */
async function requireWorkable(tx: Tx, actor: Actor, debtorId: string): Promise<void> {
  if (!(await tx.db.selectFrom('debtors').select('id').where('id', '=', debtorId).executeTakeFirst())) throw notFound('Devedor');
  requirePermission(actor, 'queue.work');
  if (actor.role !== 'collector') return;
  const mine = await tx.db.selectFrom('case_assignments').select('user_id').where('debtor_id', '=', debtorId).where('status', '=', 'active').executeTakeFirst();
  if (mine?.user_id !== actor.userId) throw new AppError('forbidden', 'Este caso não está na sua fila.');
}

export const nextCaseOutput = z.object({ case: caseOutput.nullable(), ready: z.number().int(), waiting: z.number().int() });

/** The next case of the actor's queue, with everything needed for the call. */
export async function nextCase(db: Database, actor: Actor, now: Date, asOf: IsoDate, route: string): Promise<z.infer<typeof nextCaseOutput>> {
  requirePermission(actor, 'queue.work');
  return db.scoped(scopeOf(actor), async (tx) => {
    const queue = await loadQueue(tx, actor.tenantId, staffUserId(actor), now);
    const top = queue.ready[0];
    return { case: top ? await loadCase(tx, actor, top.id, asOf, route) : null, ready: queue.ready.length, waiting: queue.waiting.length };
  });
}

export async function getCase(db: Database, actor: Actor, debtorId: string, asOf: IsoDate, route: string): Promise<CaseView> {
  return db.scoped(scopeOf(actor), async (tx) => {
    await requireWorkable(tx, actor, debtorId);
    return loadCase(tx, actor, debtorId, asOf, route);
  });
}

export const dispositionInput = z.object({
  code: z.enum(DISPOSITION_CODES as [DispositionCode, ...DispositionCode[]]),
  contactPointId: zUuid.optional().describe('O telefone discado (obrigatório para número errado)'),
  amountCents: z.number().int().optional().describe('Promessa: valor em centavos'),
  promisedFor: zIsoDate.optional().describe('Promessa: data'),
  callbackAt: z.string().optional().describe('Retorno: instante ISO 8601 com fuso ("2026-11-24T14:00:00-03:00")'),
  note: z.string().max(2000).optional(),
});

export const dispositionOutput = z.object({
  id: z.uuid(),
  code: z.string(),
  label: z.string(),
  effects: z.array(z.string()),
  promiseId: z.uuid().nullable(),
  callbackAt: z.date().nullable(),
});

/** Records a call's outcome and applies its effects, in one transaction. */
export async function recordDisposition(db: Database, actor: Actor, debtorId: string, input: z.infer<typeof dispositionInput>, now: Date, today: IsoDate): Promise<z.infer<typeof dispositionOutput>> {
  return db.scoped(scopeOf(actor), async (tx) => {
    await requireWorkable(tx, actor, debtorId);
    const debtor = await tx.db.selectFrom('debtors').select(['id', 'uf']).where('id', '=', debtorId).forUpdate().executeTakeFirst();
    if (!debtor) throw notFound('Devedor');
    const checked = validateDisposition({ ...input, uf: debtor.uf && isUf(debtor.uf) ? debtor.uf : null }, now);
    if (!checked.ok) throw new AppError('validation', checked.errors.map((e) => e.message).join('; '), { field: checked.errors[0]!.field });
    const d = checked.disposition;
    let contactPointId: string | null = null;
    if (input.contactPointId) {
      const phone = await tx.db.selectFrom('contact_points').select('id').where('id', '=', input.contactPointId).where('debtor_id', '=', debtorId).where('channel', '=', 'phone').executeTakeFirst();
      if (!phone) throw new AppError('validation', 'Telefone não encontrado entre os contatos do devedor.', { field: 'contactPointId' });
      contactPointId = phone.id;
    }
    if (d.effects.includes('invalidate_phone') && !contactPointId) throw new AppError('validation', 'Informe o telefone discado (contactPointId) para marcar o número errado.', { field: 'contactPointId' });
    let promiseId: string | null = null;
    for (const effect of d.effects) {
      switch (effect) {
        case 'invalidate_phone':
          await tx.db.updateTable('contact_points').set({ invalid_at: now, updated_at: now }).where('id', '=', contactPointId!).where('invalid_at', 'is', null).execute();
          break;
        case 'opt_out_voice':
          // The debtor's objection to calls (LGPD art. 18 §2; CDC art. 42): every phone of the debtor.
          await tx.sql.query(
            `update contact_points set opted_out_channels = array_append(opted_out_channels, 'voice'), updated_at = $2
             where debtor_id = $1 and channel = 'phone' and not ('voice' = any(opted_out_channels))`,
            [debtorId, now],
          );
          break;
        case 'pause_debts':
          await tx.db.updateTable('debts').set({ disputed_at: now, updated_at: now }).where('debtor_id', '=', debtorId).where('status', '=', 'open').where('disputed_at', 'is', null).execute();
          break;
        case 'mark_deceased':
          await tx.db.updateTable('debtors').set({ deceased_at: now, updated_at: now }).where('id', '=', debtorId).where('deceased_at', 'is', null).execute();
          break;
        case 'create_promise':
          promiseId = (await insertPromise(tx, actor, debtorId, { amountCents: d.promise!.amountCents, promisedFor: d.promise!.promisedFor, channel: 'phone', ...(d.note ? { note: d.note } : {}) }, today)).id;
          break;
        case 'schedule_callback':
          break; // the assignment's callback_at, written below for every disposition
      }
    }
    const row = await tx.db
      .insertInto('dispositions')
      .values({
        tenant_id: actor.tenantId, debtor_id: debtorId, user_id: staffUserId(actor), code: d.code, contact_point_id: contactPointId, attempt: d.attempt, answered: d.answered,
        right_party: d.rightPartyContact, promise_id: promiseId, callback_at: d.callbackAt, note: d.note, at: now,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    // The queue: worked now; a callback (or none) replaces the one pending.
    await tx.db.updateTable('case_assignments').set({ last_worked_at: now, callback_at: d.callbackAt }).where('debtor_id', '=', debtorId).where('status', '=', 'active').execute();
    // The schedule's call tasks of this debtor are done by this call.
    await tx.db.updateTable('collector_tasks').set({ status: 'done', outcome: d.code, closed_at: now, assigned_to: actor.userId }).where('debtor_id', '=', debtorId).where('kind', '=', 'call').where('status', '=', 'open').execute();
    await appendEvent(tx, actor, {
      debtorId, type: 'call.disposition',
      data: { dispositionId: row.id, code: d.code, label: d.label, effects: d.effects, ...(contactPointId ? { contactPointId } : {}), ...(promiseId ? { promiseId } : {}), ...(d.callbackAt ? { callbackAt: d.callbackAt.toISOString() } : {}), ...(d.note ? { note: d.note } : {}) },
    });
    return { id: row.id, code: d.code, label: d.label, effects: [...d.effects], promiseId, callbackAt: d.callbackAt };
  });
}

export const noteInput = z.object({ text: z.string().trim().min(1).max(4000) });

/** A free note on the case timeline. */
export async function addNote(db: Database, actor: Actor, debtorId: string, input: z.infer<typeof noteInput>): Promise<void> {
  await db.scoped(scopeOf(actor), async (tx) => {
    await requireWorkable(tx, actor, debtorId);
    if (!(await tx.db.selectFrom('debtors').select('id').where('id', '=', debtorId).executeTakeFirst())) throw notFound('Devedor');
    await tx.db.updateTable('case_assignments').set({ last_worked_at: new Date() }).where('debtor_id', '=', debtorId).where('status', '=', 'active').execute();
    await appendEvent(tx, actor, { debtorId, type: 'note', data: { text: input.text } });
  });
}

export const scriptInput = z.object({
  portfolioId: zUuid.nullish().describe('Sem carteira: o roteiro padrão da assessoria para o estágio'),
  stage: z.enum(['aviso', 'alerta', 'acao']),
  body: z.string().min(20).max(8000),
});
export const scriptOutput = z.object({ portfolioId: z.uuid().nullable(), stage: z.string(), body: z.string(), custom: z.boolean() });

export async function listScripts(db: Database, actor: Actor, portfolioId: string | null) {
  requirePermission(actor, 'schedules.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    if (portfolioId && !(await tx.db.selectFrom('portfolios').select('id').where('id', '=', portfolioId).executeTakeFirst())) throw notFound('Carteira');
    return Promise.all((['aviso', 'alerta', 'acao'] as const).map(async (stage) => {
      const body = portfolioId ? await scriptFor(tx, portfolioId, stage) : ((await tx.db.selectFrom('call_scripts').select('body').where('portfolio_id', 'is', null).where('stage', '=', stage).executeTakeFirst())?.body ?? DEFAULT_SCRIPTS[stage]);
      return { portfolioId, stage, body, custom: body !== DEFAULT_SCRIPTS[stage] };
    }));
  });
}

/** Saves a script after the same checks as templates, plus those of a spoken script (recording notice, identity first). */
export async function putScript(db: Database, actor: Actor, input: z.infer<typeof scriptInput>) {
  requirePermission(actor, 'schedules.write');
  const problems = checkScript(input.body);
  if (problems.length) throw new AppError('validation', problems.map((p) => p.message).join('; '), { field: 'body' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const portfolioId = input.portfolioId ?? null;
    if (portfolioId && !(await tx.db.selectFrom('portfolios').select('id').where('id', '=', portfolioId).executeTakeFirst())) throw notFound('Carteira');
    await tx.sql.query(
      `insert into call_scripts (tenant_id, portfolio_id, stage, body, updated_by) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, coalesce(portfolio_id, '00000000-0000-0000-0000-000000000000'::uuid), stage) do update set body = excluded.body, updated_by = excluded.updated_by, updated_at = now()`,
      [actor.tenantId, portfolioId, input.stage, input.body, actor.userId],
    );
    return { portfolioId, stage: input.stage, body: input.body, custom: true };
  });
}
