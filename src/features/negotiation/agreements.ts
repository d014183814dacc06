import { createHash } from 'node:crypto';
import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { updatedBalance } from '../../domain/balance/updated-balance.ts';
import { formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { nextStatus, type AgreementEvent } from '../../domain/negotiation/agreement-lifecycle.ts';
import { imputeAgreementPayments } from '../../domain/negotiation/breach.ts';
import { agreementTerm, documentText, type AgreementDocumentData } from '../../domain/negotiation/documents.ts';
import { computeOffers, priceProposal, type Offer } from '../../domain/negotiation/offers.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { AcceptanceChannel, Agreement, Installment } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { can, requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { creditsOf, indexSetOf, termsOf } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { addressLine, postalAddressOf } from '../debtors/normalize-contact.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { loadNegotiation, NEGOTIATION_BALANCE_POLICY, type NegotiationScope } from './negotiation.ts';

// ─── API shapes ───────────────────────────────────────────────────────────────────────────────
const zRate = z.string().regex(/^\d+(\.\d+)?$/, 'fração em texto, ex.: "0.5" para 50%');
const components = z.object({ principal: z.number().int(), correction: z.number().int(), interest: z.number().int(), fine: z.number().int(), fees: z.number().int() });

export const negotiationInput = z.object({
  debtIds: z.array(zUuid).min(1).max(500).optional().describe('Títulos a negociar; sem eles, todos os títulos vencidos em aberto do devedor com o credor'),
  creditorId: zUuid.optional(),
  includeNotYetDue: z.boolean().default(false).describe('Sem debtIds: incluir também os títulos a vencer (consolidação)'),
  asOf: zIsoDate.optional().describe('Data do cálculo (padrão: hoje)'),
});

export const proposalInput = z.object({
  installments: z.number().int().min(1).max(480).describe('Pagamentos ao todo: 1 = à vista; n > 1 = entrada + (n − 1) parcelas mensais'),
  downPaymentCents: z.number().int().min(1).optional(),
  discountRates: z.object({ principal: zRate, correction: zRate, interest: zRate, fine: zRate, fees: zRate }).partial().optional(),
  firstPaymentDate: zIsoDate.optional(),
});

export const offerOutput = z.object({
  key: z.string(),
  kind: z.enum(['cash', 'installments']),
  asOf: z.string(),
  validUntil: z.string(),
  installmentCount: z.number().int(),
  balanceCents: z.number().int(),
  discountCents: z.number().int(),
  negotiatedCents: z.number().int(),
  downPaymentCents: z.number().int(),
  financedCents: z.number().int(),
  interestCents: z.number().int(),
  totalCents: z.number().int(),
  monthlyRate: z.string(),
  discountByComponent: components,
  breakdown: z.array(z.object({ debtId: z.string(), externalId: z.string(), component: z.string(), balanceCents: z.number().int(), rate: z.string(), discountCents: z.number().int() })),
  payments: z.array(z.object({ number: z.number().int(), dueDate: z.string(), amountCents: z.number().int(), interestCents: z.number().int(), amortizationCents: z.number().int() })),
  cet: z.object({ monthly: z.string(), yearly: z.string() }).nullable(),
  violations: z.array(z.object({ rule: z.string(), message: z.string() })),
  withinPolicy: z.boolean(),
  explanation: z.array(z.string()),
});

export const offersOutput = z.object({
  debtorId: z.uuid(),
  creditorId: z.uuid(),
  policy: z.object({ id: z.uuid().nullable(), name: z.string() }),
  asOf: z.string(),
  debts: z.array(z.object({ debtId: z.uuid(), externalId: z.string(), dueDate: z.string(), daysPastDue: z.number().int(), total: z.number().int(), components })),
  balanceCents: z.number().int(),
  floorCents: z.number().int(),
  offers: z.array(offerOutput),
  excluded: z.array(z.object({ installments: z.number().int(), reason: z.string() })),
  proposal: offerOutput.optional(),
});

export const createAgreementInput = negotiationInput.extend(proposalInput.shape).extend({
  debtorId: zUuid,
  paymentMethod: z.enum(['pix', 'boleto']).default('pix'),
  approvalReason: z.string().trim().min(5).max(1000).optional().describe('Supervisor: aprova na criação uma proposta fora da política'),
});

export const agreementOutput = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.enum(['proposed', 'accepted', 'active', 'fulfilled', 'broken', 'cancelled']),
  debtorId: z.uuid(),
  creditorId: z.uuid(),
  portfolioId: z.uuid(),
  asOf: z.string(),
  validUntil: z.string(),
  balanceCents: z.number().int(),
  discountCents: z.number().int(),
  totalCents: z.number().int(),
  installmentCount: z.number().int(),
  graceDays: z.number().int(),
  withinPolicy: z.boolean(),
  approval: z.object({ status: z.enum(['not_needed', 'pending', 'approved']), by: z.uuid().nullable(), at: z.date().nullable(), reason: z.string().nullable() }),
  acceptance: z
    .object({ at: z.date(), channel: z.string(), ip: z.string().nullable(), byUser: z.uuid().nullable(), byDebtor: z.boolean(), termsSha256: z.string() })
    .nullable(),
  brokenOn: z.string().nullable(),
  closeReason: z.string().nullable(),
  debts: z.array(z.object({ debtId: z.uuid(), balanceCents: z.number().int(), discountCents: z.number().int() })),
  installments: z.array(
    z.object({ id: z.uuid(), number: z.number().int(), dueDate: z.string(), amountCents: z.number().int(), paidCents: z.number().int(), status: z.enum(['open', 'paid', 'cancelled']), paidOn: z.string().nullable(), paymentMethod: z.enum(['pix', 'boleto']) }),
  ),
  terms: offerOutput,
});
export type AgreementOutput = z.infer<typeof agreementOutput>;

// ─── Offers ───────────────────────────────────────────────────────────────────────────────────

export async function simulateOffers(db: Database, actor: Actor, debtorId: string, input: z.infer<typeof negotiationInput> & { proposal?: z.infer<typeof proposalInput> | undefined }, today: IsoDate) {
  requirePermission(actor, 'offers.simulate');
  return db.scoped(scopeOf(actor), async (tx) => {
    const n = await loadNegotiation(tx, { ...input, debtorId, asOf: input.asOf ?? today });
    await recordAccess(tx, actor, { action: 'read', resource: 'offers', subjectIds: [debtorId] });
    const set = computeOffers(n.context);
    return {
      debtorId,
      creditorId: n.creditorId,
      policy: { id: n.policy.id, name: n.policy.name },
      asOf: set.asOf,
      debts: n.context.debts.map((d) => ({ debtId: d.debtId, externalId: d.externalId, dueDate: d.dueDate, daysPastDue: d.daysPastDue, total: d.total, components: d.components })),
      balanceCents: set.balanceCents,
      floorCents: set.floorCents,
      offers: set.offers,
      excluded: set.excluded,
      ...(input.proposal ? { proposal: priceProposal(n.context, input.proposal) } : {}),
    };
  });
}

// ─── Lifecycle ────────────────────────────────────────────────────────────────────────────────

export async function createAgreement(db: Database, actor: Actor, input: z.infer<typeof createAgreementInput>, today: IsoDate): Promise<AgreementOutput> {
  requirePermission(actor, 'agreements.write');
  const asOf = input.asOf ?? today;
  return db.scoped(scopeOf(actor), async (tx) => {
    const scope: NegotiationScope = { debtorId: input.debtorId, debtIds: input.debtIds, creditorId: input.creditorId, includeNotYetDue: input.includeNotYetDue, asOf };
    const n = await loadNegotiation(tx, scope);
    const offer = priceProposal(n.context, { installments: input.installments, downPaymentCents: input.downPaymentCents, discountRates: input.discountRates, firstPaymentDate: input.firstPaymentDate });
    // Outside the policy, a supervisor approves with a reason (now, or later through /approve).
    const approvedNow = !offer.withinPolicy && input.approvalReason !== undefined && can(actor, 'agreements.approve');
    if (!offer.withinPolicy && input.approvalReason !== undefined && !approvedNow) {
      throw new AppError('forbidden', 'Só um supervisor aprova uma proposta fora da política; crie-a sem approvalReason e peça a aprovação.', { field: 'approvalReason' });
    }
    const agreement = await tx.db
      .insertInto('agreements')
      .values({
        tenant_id: actor.tenantId, creditor_id: n.creditorId, portfolio_id: n.portfolioId, debtor_id: n.debtor.id, status: 'proposed',
        as_of: asOf, valid_until: offer.validUntil, terms: JSON.stringify(offer), balance_cents: offer.balanceCents, discount_cents: offer.discountCents,
        total_cents: offer.totalCents, installment_count: offer.payments.length, grace_days: n.policy.rules.graceDays, within_policy: offer.withinPolicy,
        approval_status: offer.withinPolicy ? 'not_needed' : approvedNow ? 'approved' : 'pending',
        approved_by: approvedNow ? actor.userId : null, approved_at: approvedNow ? new Date() : null, approval_reason: approvedNow ? input.approvalReason! : null,
        payment_method: input.paymentMethod, created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.db
      .insertInto('agreement_debts')
      .values(n.context.debts.map((d) => ({ tenant_id: actor.tenantId, agreement_id: agreement.id, debt_id: d.debtId, balance_cents: d.total, discount_cents: offer.breakdown.filter((l) => l.debtId === d.debtId).reduce((s, l) => s + l.discountCents, 0) })))
      .execute();
    await appendEvent(tx, actor, {
      debtorId: n.debtor.id, creditorId: n.creditorId, type: 'agreement.proposed',
      data: { agreementId: agreement.id, number: agreement.number, debtIds: n.debts.map((d) => d.id), totalCents: offer.totalCents, discountCents: offer.discountCents, installments: offer.payments.length, withinPolicy: offer.withinPolicy, violations: offer.violations.map((v) => v.message) },
    });
    if (approvedNow) await recordApproval(tx, actor, agreement, input.approvalReason!);
    return loadAgreement(tx, agreement.id);
  });
}

/** The installments of the accepted terms, exactly as the term's table shows them. */
function installmentRows(agreement: Agreement) {
  return (agreement.terms as Offer).payments.map((p) => ({
    tenant_id: agreement.tenant_id, agreement_id: agreement.id, debtor_id: agreement.debtor_id, creditor_id: agreement.creditor_id,
    number: p.number, due_date: p.dueDate, amount_cents: p.amountCents, interest_cents: p.interestCents, payment_method: agreement.payment_method,
  }));
}

async function recordApproval(tx: Tx, actor: Actor, agreement: Agreement, reason: string): Promise<void> {
  await recordAccess(tx, actor, { action: 'update', resource: 'agreement_approval', subjectIds: [agreement.debtor_id], details: { agreementId: agreement.id, reason } });
  await appendEvent(tx, actor, { debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: 'agreement.approved', data: { agreementId: agreement.id, number: agreement.number, reason } });
}

export async function approveAgreement(db: Database, actor: Actor, agreementId: string, reason: string): Promise<AgreementOutput> {
  requirePermission(actor, 'agreements.approve');
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await lockAgreement(tx, agreementId);
    if (agreement.status !== 'proposed') throw new AppError('conflict', 'Só uma proposta ainda não aceita pode ser aprovada.', { field: 'status' });
    if (agreement.approval_status !== 'pending') throw new AppError('conflict', 'Esta proposta está dentro da política ou já foi aprovada.', { field: 'approval' });
    await tx.db.updateTable('agreements').set({ approval_status: 'approved', approved_by: actor.userId, approved_at: new Date(), approval_reason: reason, updated_at: new Date() }).where('id', '=', agreementId).execute();
    await recordApproval(tx, actor, agreement, reason);
    return loadAgreement(tx, agreementId);
  });
}

export const acceptInput = z.object({
  channel: z.enum(['phone', 'portal', 'email', 'whatsapp', 'in_person']).describe('Por onde o devedor aceitou'),
  termsSha256: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('SHA-256 do texto do termo mostrado (GET …/documents/term.txt); se informado, deve ser o atual'),
});

/**
 * The debtor's acceptance (through an analyst on the phone, or in the portal): who, when, where
 * from and the exact terms shown are recorded; the debts become bound to this agreement — one
 * agreement per debt, so of two acceptances racing for the same debt one commits and the other
 * is refused.
 */
export async function acceptAgreement(
  db: Database,
  actor: Actor,
  agreementId: string,
  acceptance: { channel: AcceptanceChannel; termsSha256?: string | undefined; byDebtor?: boolean; ip?: string | undefined },
  today: IsoDate,
): Promise<AgreementOutput> {
  requirePermission(actor, 'agreements.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await lockAgreement(tx, agreementId);
    const status = nextStatus(agreement.status, 'accept');
    if (agreement.approval_status === 'pending') throw new AppError('conflict', 'Proposta fora da política aguardando aprovação de um supervisor.', { field: 'approval' });
    if (agreement.valid_until < today) throw new AppError('conflict', `Proposta vencida em ${formatDateBR(agreement.valid_until)}: simule uma nova.`, { field: 'validUntil' });
    // The term is dated on the proposal's day, so the text shown and the text accepted are the same bytes.
    const text = documentText(agreementTerm(await documentData(tx, agreement, agreement.as_of)));
    const sha256 = createHash('sha256').update(text).digest('hex');
    if (acceptance.termsSha256 && acceptance.termsSha256 !== sha256) throw new AppError('conflict', 'O termo mudou desde que foi mostrado: mostre o termo atual e aceite de novo.', { field: 'termsSha256' });
    const firstDue = (agreement.terms as Offer).payments[0]!.dueDate;
    if (firstDue < today) throw new AppError('conflict', `O primeiro pagamento desta proposta venceu em ${formatDateBR(firstDue)}: simule uma nova.`, { field: 'validUntil' });
    const links = await tx.db.selectFrom('agreement_debts').select(['debt_id', 'balance_cents']).where('agreement_id', '=', agreementId).execute();
    const debtIds = links.map((r) => r.debt_id);
    // The row locks make a second acceptance wait and then find the debts taken.
    const taken = await tx.db.updateTable('debts').set({ status: 'in_agreement', status_changed_at: new Date(), updated_at: new Date() }).where('id', 'in', debtIds).where('status', '=', 'open').returning('id').execute();
    if (taken.length !== debtIds.length) {
      throw new AppError('conflict', 'Um ou mais títulos desta proposta já estão em outro acordo ou deixaram de estar em aberto; simule uma nova proposta.', { field: 'debtIds' });
    }
    // The terms stand only on the balances they were computed from: a payment since then changes them.
    const debts = await tx.db.selectFrom('debts').selectAll().where('id', 'in', debtIds).execute();
    const credits = await creditsOf(tx, debtIds);
    const indices = await indexSetOf(tx);
    for (const debt of debts) {
      const now = updatedBalance(termsOf(debt), credits.get(debt.id) ?? [], agreement.as_of, indices, NEGOTIATION_BALANCE_POLICY).total;
      if (now !== links.find((l) => l.debt_id === debt.id)!.balance_cents) {
        throw new AppError('conflict', `O saldo do título ${debt.external_id} mudou desde a proposta (um pagamento foi registrado): simule uma nova proposta.`, { field: 'debtIds' });
      }
    }
    try {
      await tx.db.updateTable('agreement_debts').set({ binding: true }).where('agreement_id', '=', agreementId).execute();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'Um ou mais títulos desta proposta já estão em outro acordo.', { field: 'debtIds' });
      throw error;
    }
    // The payment method was chosen with the proposal; the payments issue issues each installment's boleto or PIX charge.
    await tx.db.insertInto('installments').values(installmentRows(agreement)).execute();
    await tx.db
      .updateTable('agreements')
      .set({
        status, accepted_at: new Date(), accepted_channel: acceptance.channel, accepted_ip: acceptance.ip ?? actor.ip ?? null,
        accepted_by_user: acceptance.byDebtor ? null : actor.userId, accepted_by_debtor: !!acceptance.byDebtor, accepted_terms_text: text, accepted_terms_sha256: sha256, updated_at: new Date(),
      })
      .where('id', '=', agreementId)
      .execute();
    await appendEvent(tx, actor, {
      debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: 'agreement.accepted',
      data: { agreementId, number: agreement.number, channel: acceptance.channel, byDebtor: !!acceptance.byDebtor, termsSha256: sha256, totalCents: agreement.total_cents },
    });
    return loadAgreement(tx, agreementId);
  });
}

export async function cancelAgreement(db: Database, actor: Actor, agreementId: string, reason: string, today: IsoDate): Promise<AgreementOutput> {
  requirePermission(actor, 'agreements.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await lockAgreement(tx, agreementId);
    nextStatus(agreement.status, 'cancel');
    if (agreement.status === 'proposed') await closeProposal(tx, actor, agreement, 'cancel', reason);
    // A held agreement gives its debts back, with what was paid imputed, as a breach does — without the breach anchor.
    else await releaseDebts(tx, actor, agreement, { event: 'cancel', on: today, reason });
    return loadAgreement(tx, agreementId);
  });
}

/** A proposal that ends before acceptance: cancelled by a person, or expired by the daily follow-up. */
export async function closeProposal(tx: Tx, actor: Actor | null, agreement: Agreement, event: 'cancel' | 'expire', reason: string): Promise<void> {
  const status = nextStatus(agreement.status, event);
  await tx.db.updateTable('agreements').set({ status, closed_at: new Date(), close_reason: reason, updated_at: new Date() }).where('id', '=', agreement.id).execute();
  await appendEvent(tx, actor, { debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: event === 'expire' ? 'agreement.expired' : 'agreement.cancelled', data: { agreementId: agreement.id, number: agreement.number, reason } });
}

/**
 * Ends a held agreement by breach or cancellation: the payments made under it are imputed to the
 * original debts (CC arts. 354–355, `imputeAgreementPayments`), the debts are open again at their
 * full updated balance less what was imputed (paid if nothing is left), the open installments are
 * cancelled, and the timeline records each debt's restored balance.
 */
export async function releaseDebts(tx: Tx, actor: Actor | null, agreement: Agreement, end: { event: Extract<AgreementEvent, 'break' | 'cancel'>; on: IsoDate; reason: string }): Promise<void> {
  const status = nextStatus(agreement.status, end.event);
  const links = await tx.db.selectFrom('agreement_debts').select('debt_id').where('agreement_id', '=', agreement.id).execute();
  const debts = await tx.db.selectFrom('debts').selectAll().where('id', 'in', links.map((l) => l.debt_id)).execute();
  const credits = await creditsOf(tx, debts.map((d) => d.id));
  const payments = await tx.db.selectFrom('payments').select(['id', 'paid_on', 'applied_cents']).where('agreement_id', '=', agreement.id).where('applied_cents', '>', 0).execute();
  const indices = await indexSetOf(tx);
  const { imputations, excessCents } = imputeAgreementPayments(
    debts.map((d) => ({ debtId: d.id, terms: termsOf(d), credits: credits.get(d.id) ?? [] })),
    payments.map((p) => ({ paymentId: p.id, date: p.paid_on, amountCents: p.applied_cents })),
    indices,
    NEGOTIATION_BALANCE_POLICY,
  );
  if (imputations.length) {
    await tx.db
      .insertInto('debt_credits')
      .values(imputations.map((i) => ({ tenant_id: agreement.tenant_id, debt_id: i.debtId, payment_id: i.paymentId, paid_on: i.date, amount_cents: i.amountCents, reason: 'agreement_breach' as const })))
      .execute();
  }
  const restored = [];
  for (const debt of debts) {
    const mine = imputations.filter((i) => i.debtId === debt.id);
    const applied = [...(credits.get(debt.id) ?? []), ...mine.map((i) => ({ date: i.date, amountCents: i.amountCents }))];
    const balance = updatedBalance(termsOf(debt), applied, end.on, indices, NEGOTIATION_BALANCE_POLICY);
    const debtStatus = balance.total === 0 ? 'paid' : 'open';
    await tx.db.updateTable('debts').set({ status: debtStatus, status_changed_at: new Date(), updated_at: new Date() }).where('id', '=', debt.id).where('status', '=', 'in_agreement').execute();
    const imputed = mine.reduce((sum, i) => sum + i.amountCents, 0);
    restored.push({ debtId: debt.id, externalId: debt.external_id, imputedCents: imputed, balanceCents: balance.total, components: balance.components, status: debtStatus });
    await appendEvent(tx, actor, {
      debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, debtId: debt.id, type: 'debt.restored',
      data: { agreementId: agreement.id, number: agreement.number, on: end.on, imputedCents: imputed, balanceCents: balance.total, components: balance.components, status: debtStatus },
    });
  }
  await tx.db.updateTable('agreement_debts').set({ binding: false }).where('agreement_id', '=', agreement.id).execute();
  await tx.db.updateTable('installments').set({ status: 'cancelled' }).where('agreement_id', '=', agreement.id).where('status', '=', 'open').execute();
  // Their boletos and PIX are no longer ours to collect: money that still arrives through them goes to the analysts' queue.
  await tx.db
    .updateTable('charges')
    .set({ status: 'cancelled' })
    .where('status', '=', 'open')
    .where('installment_id', 'in', (q) => q.selectFrom('installments').select('id').where('agreement_id', '=', agreement.id))
    .execute();
  await tx.db
    .updateTable('agreements')
    .set({ status, closed_at: new Date(), close_reason: end.reason, broken_on: end.event === 'break' ? end.on : null, updated_at: new Date() })
    .where('id', '=', agreement.id)
    .execute();
  await appendEvent(tx, actor, {
    debtorId: agreement.debtor_id, creditorId: agreement.creditor_id, type: end.event === 'break' ? 'agreement.broken' : 'agreement.cancelled',
    data: { agreementId: agreement.id, number: agreement.number, on: end.on, reason: end.reason, paidCents: payments.reduce((s, p) => s + p.applied_cents, 0), excessCents, restored },
  });
}

// ─── Reading ──────────────────────────────────────────────────────────────────────────────────

export async function lockAgreement(tx: Tx, agreementId: string): Promise<Agreement> {
  const agreement = await tx.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).forUpdate().executeTakeFirst();
  if (!agreement) throw notFound('Acordo');
  return agreement;
}

export async function loadAgreement(tx: Tx, agreementId: string): Promise<AgreementOutput> {
  const [agreement] = await loadAgreements(tx, [agreementId]);
  if (!agreement) throw notFound('Acordo');
  return agreement;
}

/** Agreements with their debts and installments: three statements, whatever the number. */
async function loadAgreements(tx: Tx, ids: readonly string[]): Promise<AgreementOutput[]> {
  if (ids.length === 0) return [];
  const rows = await tx.db.selectFrom('agreements').selectAll().where('id', 'in', [...ids]).execute();
  const debts = await tx.db.selectFrom('agreement_debts').selectAll().where('agreement_id', 'in', [...ids]).orderBy('debt_id').execute();
  const installments = await tx.db.selectFrom('installments').selectAll().where('agreement_id', 'in', [...ids]).orderBy('number').execute();
  const byId = new Map(rows.map((a) => [a.id, a]));
  return ids.flatMap((id) => {
    const a = byId.get(id);
    return a ? [toAgreementOutput(a, debts.filter((d) => d.agreement_id === id), installments.filter((i) => i.agreement_id === id))] : [];
  });
}

function toAgreementOutput(a: Agreement, debts: Array<{ debt_id: string; balance_cents: number; discount_cents: number }>, installments: Installment[]): AgreementOutput {
  return {
    id: a.id, number: a.number, status: a.status, debtorId: a.debtor_id, creditorId: a.creditor_id, portfolioId: a.portfolio_id, asOf: a.as_of, validUntil: a.valid_until,
    balanceCents: a.balance_cents, discountCents: a.discount_cents, totalCents: a.total_cents, installmentCount: a.installment_count, graceDays: a.grace_days, withinPolicy: a.within_policy,
    approval: { status: a.approval_status, by: a.approved_by, at: a.approved_at, reason: a.approval_reason },
    acceptance: a.accepted_at
      ? { at: a.accepted_at, channel: a.accepted_channel!, ip: a.accepted_ip, byUser: a.accepted_by_user, byDebtor: !!a.accepted_by_debtor, termsSha256: a.accepted_terms_sha256! }
      : null,
    brokenOn: a.broken_on, closeReason: a.close_reason,
    debts: debts.map((d) => ({ debtId: d.debt_id, balanceCents: d.balance_cents, discountCents: d.discount_cents })),
    installments: installments.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, amountCents: i.amount_cents, paidCents: i.paid_cents, status: i.status, paidOn: i.paid_on, paymentMethod: i.payment_method })),
    terms: a.terms as Offer,
  };
}

export async function getAgreement(db: Database, actor: Actor, agreementId: string, route?: string): Promise<AgreementOutput> {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await loadAgreement(tx, agreementId);
    await recordAccess(tx, actor, { action: 'read', resource: 'agreement', subjectIds: [agreement.debtorId], ...(route ? { route } : {}) });
    return agreement;
  });
}

export async function listAgreements(db: Database, actor: Actor, filter: { debtorId?: string | undefined; status?: Agreement['status'] | undefined }) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let query = tx.db.selectFrom('agreements').select('id').orderBy('created_at', 'desc').limit(200);
    if (filter.debtorId) query = query.where('debtor_id', '=', filter.debtorId);
    if (filter.status) query = query.where('status', '=', filter.status);
    const items = await loadAgreements(tx, (await query.execute()).map((r) => r.id));
    await recordAccess(tx, actor, { action: 'read', resource: 'agreement', subjectIds: [...new Set(items.map((i) => i.debtorId))] });
    return items;
  });
}

/** What the agreement's documents show: its terms, the parties with the creditor's identification (CDC art. 42-A), the debts. */
export async function documentData(tx: Tx, agreement: Agreement, issuedOn: IsoDate): Promise<AgreementDocumentData> {
  const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', agreement.creditor_id).executeTakeFirstOrThrow();
  const debtor = await tx.db.selectFrom('debtors').selectAll().where('id', '=', agreement.debtor_id).executeTakeFirstOrThrow();
  const tenant = await tx.db.selectFrom('tenants').select('name').executeTakeFirstOrThrow();
  const address = await postalAddressOf(tx, debtor.id);
  const links = await tx.db.selectFrom('agreement_debts').select('debt_id').where('agreement_id', '=', agreement.id).execute();
  const debts = await tx.db.selectFrom('debts').select(['external_id', 'due_date', 'original_amount_cents', 'description']).where('id', 'in', links.map((l) => l.debt_id)).orderBy('due_date').orderBy('external_id').execute();
  return {
    number: agreement.number,
    creditor: { name: creditor.legal_name, tradeName: creditor.trade_name, document: creditor.document, address: creditorAddress(creditor) },
    agency: { name: tenant.name },
    debtor: { name: debtor.name, document: debtor.document, address: address ? addressLine(address) : '' },
    offer: agreement.terms as Offer,
    debts: debts.map((d) => ({ externalId: d.external_id, dueDate: d.due_date, originalCents: d.original_amount_cents, description: d.description })),
    graceDays: agreement.grace_days,
    place: `${creditor.city}/${creditor.uf}`,
    issuedOn,
  };
}
