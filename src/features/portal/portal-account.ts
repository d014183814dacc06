import { sql } from 'kysely';
import { z } from '../../api/zod.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { agreementTerm, documentText } from '../../domain/negotiation/documents.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Charge, Creditor, Debt } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type PortalActor } from '../auth/permissions.ts';
import { balancesOf, debtBalanceOutput } from '../balances/balances.ts';
import { creditorAddress } from '../creditors/creditors.ts';
import { acceptAgreement, cancelAgreement, createAgreement, documentData, offerOutput, simulateOffers } from '../negotiation/agreements.ts';
import { NEGOTIATION_BALANCE_POLICY } from '../negotiation/negotiation.ts';
import { issueAgreementCharges, type PaymentRails } from '../payments/charges.ts';
import { greetingName, maskedDocument, portalNegotiates, portalShowsDebt, sha256 } from './portal-rules.ts';

/**
 * What a debtor does in the portal, on their own case only: every function takes the portal
 * actor (src/features/auth/permissions.ts, PortalActor) and reuses the staff's application
 * functions — balances, offers, agreements, charges, documents — after checking that the ids
 * asked for belong to this debtor. Row-level security already keeps the tenant; another debtor's
 * agreement or charge answers 404, exactly as an id that does not exist.
 */

// ─── Shapes ───────────────────────────────────────────────────────────────────────────────────

const components = z.object({ principal: z.number().int(), correction: z.number().int(), interest: z.number().int(), fine: z.number().int(), fees: z.number().int() });

export const portalCreditor = z.object({
  id: z.uuid(),
  legalName: z.string(),
  tradeName: z.string().nullable(),
  document: z.string().describe('CNPJ ou CPF do credor (CDC art. 42-A)'),
  documentKind: z.enum(['cnpj', 'cpf']),
});

const portalCreditorFull = portalCreditor.extend({
  address: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  website: z.string().nullable(),
  negotiable: z.boolean().describe('Há títulos vencidos em aberto com este credor que o portal negocia'),
});

export const portalCharge = z.object({
  id: z.uuid(),
  kind: z.enum(['boleto', 'pix']),
  status: z.enum(['open', 'paid', 'cancelled']),
  amountCents: z.number().int(),
  dueDate: z.string(),
  paidOn: z.string().nullable(),
  line: z.string().nullable().describe('Boleto: linha digitável (47 dígitos)'),
  barcode: z.string().nullable(),
  pixCopiaECola: z.string().nullable(),
});

export const portalAgreement = z.object({
  id: z.uuid(),
  number: z.string(),
  status: z.enum(['proposed', 'accepted', 'active', 'fulfilled', 'broken', 'cancelled']),
  creditor: portalCreditor,
  createdAt: z.date(),
  validUntil: z.string().describe('Proposta: aceitar até este dia'),
  acceptedAt: z.date().nullable(),
  paymentMethod: z.enum(['pix', 'boleto']),
  balanceCents: z.number().int(),
  discountCents: z.number().int(),
  totalCents: z.number().int(),
  installmentCount: z.number().int(),
  explanation: z.array(z.string()),
  installments: z.array(
    z.object({
      id: z.uuid().nullable().describe('null enquanto a proposta não é aceita (parcelas ainda não emitidas)'),
      number: z.number().int().describe('0 = entrada; à vista = 1'),
      dueDate: z.string(),
      amountCents: z.number().int(),
      paidCents: z.number().int(),
      status: z.enum(['planned', 'open', 'paid', 'cancelled']),
      paidOn: z.string().nullable(),
      charges: z.array(portalCharge),
    }),
  ),
});
export type PortalAgreement = z.infer<typeof portalAgreement>;

export const portalMeOutput = z.object({
  debtor: z.object({ firstName: z.string(), document: z.string().describe('CPF mascarado (***.982.247-**) ou CNPJ'), kind: z.enum(['pf', 'pj']) }),
  asOf: z.string(),
  totalCents: z.number().int().describe('Soma dos saldos atualizados dos títulos em aberto'),
  components,
  debts: z.array(
    z.object({
      id: z.uuid(),
      externalId: z.string(),
      description: z.string().nullable(),
      dueDate: z.string(),
      originalCents: z.number().int(),
      status: z.enum(['open', 'in_agreement']),
      disputed: z.boolean(),
      creditor: portalCreditor,
      agreementId: z.uuid().nullable().describe('O acordo que o mantém, quando em acordo'),
      balance: debtBalanceOutput.nullable().describe('Saldo atualizado hoje com a memória de cálculo; null quando em acordo (vale o acordo)'),
    }),
  ),
  creditors: z.array(portalCreditorFull),
  agreements: z.array(portalAgreement),
});

export const portalOffersOutput = z.object({
  creditor: portalCreditor,
  asOf: z.string(),
  balanceCents: z.number().int(),
  debts: z.array(z.object({ debtId: z.uuid(), externalId: z.string(), dueDate: z.string(), daysPastDue: z.number().int(), total: z.number().int(), components })),
  offers: z.array(offerOutput),
});

export const portalProposalInput = z.object({
  creditorId: z.uuid({ message: 'identificador inválido (esperado um UUID)' }),
  installments: z.number().int().min(1).max(480).describe('Pagamentos ao todo de uma das propostas (1 = à vista)'),
  paymentMethod: z.enum(['pix', 'boleto']),
});

export const portalProposalOutput = z.object({
  agreement: portalAgreement,
  term: z.object({ text: z.string().describe('O texto exato do termo de acordo; o aceite registra o seu SHA-256'), sha256: z.string() }),
});

export const portalAcceptOutput = z.object({
  agreement: portalAgreement,
  chargesProblem: z.string().nullable().describe('Quando as cobranças não puderam ser emitidas agora (o acordo vale; tente de novo em …/charges)'),
});

const creditorView = (c: Pick<Creditor, 'id' | 'legal_name' | 'trade_name' | 'document' | 'document_kind'>) => ({ id: c.id, legalName: c.legal_name, tradeName: c.trade_name, document: c.document, documentKind: c.document_kind });

// ─── Reading ──────────────────────────────────────────────────────────────────────────────────

/** The debtor's page: their debts with each creditor's identification and today's balance, and their agreements. */
export async function portalMe(db: Database, actor: PortalActor, options: { today: IsoDate; showPrescribed: boolean; route: string }): Promise<z.infer<typeof portalMeOutput>> {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const debtor = await tx.db.selectFrom('debtors').select(['name', 'kind', 'document']).where('id', '=', actor.debtorId).executeTakeFirstOrThrow();
    const all = await tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', actor.debtorId).where('status', 'in', ['open', 'in_agreement']).orderBy('due_date').orderBy('external_id').execute();
    const debts = all.filter((d) => portalShowsDebt(d, options.today, options.showPrescribed));
    const open = debts.filter((d) => d.status === 'open');
    const balances = await balancesOf(tx, open, options.today, NEGOTIATION_BALANCE_POLICY);
    const balanceOf = new Map(open.map((d, i) => [d.id, balances.results[i]!]));
    const holding = await holdingAgreements(tx, debts.filter((d) => d.status === 'in_agreement').map((d) => d.id));
    const agreements = await portalAgreements(tx, actor.debtorId);
    const creditorIds = [...new Set([...debts.map((d) => d.creditor_id), ...agreements.map((a) => a.creditor.id)])];
    const creditors = creditorIds.length ? await tx.db.selectFrom('creditors').selectAll().where('id', 'in', creditorIds).orderBy('legal_name').execute() : [];
    const creditorById = new Map(creditors.map((c) => [c.id, c]));
    await recordAccess(tx, actor, { action: 'read', resource: 'portal_case', subjectIds: [actor.debtorId], route: options.route });
    return {
      debtor: { firstName: greetingName(debtor.name, debtor.kind), document: maskedDocument(debtor.document), kind: debtor.kind },
      asOf: options.today,
      totalCents: balances.total,
      components: balances.components,
      debts: debts.map((d) => {
        const balance = balanceOf.get(d.id);
        return {
          id: d.id, externalId: d.external_id, description: d.description, dueDate: d.due_date, originalCents: d.original_amount_cents,
          status: d.status as 'open' | 'in_agreement', disputed: d.disputed_at !== null, creditor: creditorView(creditorById.get(d.creditor_id)!),
          agreementId: holding.get(d.id) ?? null,
          balance: balance ? { debtId: d.id, externalId: d.external_id, asOf: balance.asOf, daysOverdue: balance.daysOverdue, total: balance.total, components: balance.components, memory: balance.memory } : null,
        };
      }),
      creditors: creditors.map((c) => ({
        ...creditorView(c), address: creditorAddress(c), phone: c.phone, email: c.email, website: c.website,
        negotiable: debts.some((d) => d.creditor_id === c.id && portalNegotiates(d, options.today, options.showPrescribed)),
      })),
      agreements,
    };
  });
}

async function holdingAgreements(tx: Tx, debtIds: string[]): Promise<Map<string, string>> {
  if (!debtIds.length) return new Map();
  const rows = await tx.db.selectFrom('agreement_debts').select(['debt_id', 'agreement_id']).where('binding', '=', true).where('debt_id', 'in', debtIds).execute();
  return new Map(rows.map((r) => [r.debt_id, r.agreement_id]));
}

/** The debtor's agreements, newest first, each with its installments and the charges issued for them (cancelled charges left out). */
async function portalAgreements(tx: Tx, debtorId: string, only?: string): Promise<PortalAgreement[]> {
  let query = tx.db.selectFrom('agreements').selectAll().where('debtor_id', '=', debtorId).orderBy('created_at', 'desc').limit(50);
  if (only) query = query.where('id', '=', only);
  const rows = await query.execute();
  if (!rows.length) return [];
  const ids = rows.map((a) => a.id);
  const installments = await tx.db.selectFrom('installments').selectAll().where('agreement_id', 'in', ids).orderBy('number').execute();
  const charges: Charge[] = installments.length
    ? await tx.db.selectFrom('charges').selectAll().where('installment_id', 'in', installments.map((i) => i.id)).where('status', '!=', 'cancelled').orderBy('created_at').execute()
    : [];
  const creditors = await tx.db.selectFrom('creditors').select(['id', 'legal_name', 'trade_name', 'document', 'document_kind']).where('id', 'in', [...new Set(rows.map((a) => a.creditor_id))]).execute();
  const creditorById = new Map(creditors.map((c) => [c.id, c]));
  return rows.map((a) => {
    const terms = a.terms as { payments: Array<{ number: number; dueDate: string; amountCents: number }>; explanation?: string[] };
    const own = installments.filter((i) => i.agreement_id === a.id);
    return {
      id: a.id, number: a.number, status: a.status, creditor: creditorView(creditorById.get(a.creditor_id)!), createdAt: a.created_at, validUntil: a.valid_until,
      acceptedAt: a.accepted_at, paymentMethod: a.payment_method, balanceCents: a.balance_cents, discountCents: a.discount_cents, totalCents: a.total_cents,
      installmentCount: a.installment_count, explanation: terms.explanation ?? [],
      // Before acceptance the installments are the proposal's plan; from acceptance, the issued installments.
      installments: own.length
        ? own.map((i) => ({
            id: i.id, number: i.number, dueDate: i.due_date, amountCents: i.amount_cents, paidCents: i.paid_cents, status: i.status, paidOn: i.paid_on,
            charges: charges.filter((c) => c.installment_id === i.id).map(toPortalCharge),
          }))
        : terms.payments.map((p) => ({ id: null, number: p.number, dueDate: p.dueDate, amountCents: p.amountCents, paidCents: 0, status: 'planned' as const, paidOn: null, charges: [] })),
    };
  });
}

function toPortalCharge(c: Charge): z.infer<typeof portalCharge> {
  return { id: c.id, kind: c.kind, status: c.status, amountCents: c.amount_cents, dueDate: c.due_date, paidOn: c.paid_on, line: c.line, barcode: c.barcode, pixCopiaECola: c.pix_payload };
}

async function loadPortalAgreement(db: Database, actor: PortalActor, agreementId: string): Promise<PortalAgreement> {
  const [agreement] = await db.scoped(scopeOf(actor), (tx) => portalAgreements(tx, actor.debtorId, agreementId));
  if (!agreement) throw notFound('Acordo');
  return agreement;
}

/**
 * An agreement, charge or payment of this debtor, or 404 — the same answer as for an id that
 * does not exist, so the portal tells nothing about other people's records.
 */
export async function requireOwn(db: Database, actor: PortalActor, table: 'agreements' | 'charges', id: string): Promise<void> {
  const row = await db.scoped(scopeOf(actor), (tx) => tx.db.selectFrom(table).select('debtor_id').where('id', '=', id).executeTakeFirst());
  if (!row || row.debtor_id !== actor.debtorId) throw notFound(table === 'agreements' ? 'Acordo' : 'Cobrança');
}

// ─── Negotiating ──────────────────────────────────────────────────────────────────────────────

/** The debts the portal negotiates with a creditor (open, due, not prescribed unless the switch is on); 404 for a creditor the debtor owes nothing. */
async function negotiableDebts(db: Database, actor: PortalActor, creditorId: string, today: IsoDate, showPrescribed: boolean): Promise<Debt[]> {
  const debts = await db.scoped(scopeOf(actor), (tx) =>
    tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', actor.debtorId).where('creditor_id', '=', creditorId).where('status', 'in', ['open', 'in_agreement']).orderBy('due_date').orderBy('external_id').execute(),
  );
  const shown = debts.filter((d) => portalShowsDebt(d, today, showPrescribed));
  if (!shown.length) throw new AppError('not_found', 'Credor não encontrado entre os seus débitos.', { field: 'creditorId' });
  const negotiable = shown.filter((d) => portalNegotiates(d, today, showPrescribed));
  if (!negotiable.length) throw new AppError('conflict', 'Não há títulos vencidos em aberto com este credor para negociar pelo portal (os que existem já estão em acordo ou ainda não venceram).', { field: 'creditorId' });
  return negotiable;
}

/** The policy's offers for the debtor's negotiable debts with one creditor — the same computation as POST /api/debtors/{id}/offers. */
export async function portalOffers(db: Database, actor: PortalActor, creditorId: string, options: { today: IsoDate; showPrescribed: boolean }): Promise<z.infer<typeof portalOffersOutput>> {
  const debts = await negotiableDebts(db, actor, creditorId, options.today, options.showPrescribed);
  const set = await simulateOffers(db, actor, actor.debtorId, { creditorId, debtIds: debts.map((d) => d.id), includeNotYetDue: false }, options.today);
  const creditor = await db.scoped(scopeOf(actor), (tx) => tx.db.selectFrom('creditors').select(['id', 'legal_name', 'trade_name', 'document', 'document_kind']).where('id', '=', creditorId).executeTakeFirstOrThrow());
  // Only the policy's own offers: anything needing a supervisor's approval is not for the portal.
  return { creditor: creditorView(creditor), asOf: set.asOf, balanceCents: set.balanceCents, debts: set.debts, offers: set.offers.filter((o) => o.withinPolicy) };
}

/**
 * The debtor picks one of the policy's offers (by its number of payments) and a payment method:
 * a proposed agreement, exactly that offer, with the term's text and its SHA-256 to accept.
 * An earlier proposal the debtor made in the portal with the same creditor is withdrawn.
 */
export async function portalPropose(db: Database, actor: PortalActor, input: z.infer<typeof portalProposalInput>, options: { today: IsoDate; showPrescribed: boolean }): Promise<z.infer<typeof portalProposalOutput>> {
  const debts = await negotiableDebts(db, actor, input.creditorId, options.today, options.showPrescribed);
  const debtIds = debts.map((d) => d.id);
  const set = await simulateOffers(db, actor, actor.debtorId, { creditorId: input.creditorId, debtIds, includeNotYetDue: false }, options.today);
  const offer = set.offers.find((o) => o.installmentCount === input.installments && o.withinPolicy);
  if (!offer) {
    const counts = set.offers.filter((o) => o.withinPolicy).map((o) => o.installmentCount);
    throw new AppError('validation', `Opção indisponível: escolha uma das propostas (${counts.map((n) => (n === 1 ? 'à vista' : `${n} pagamentos`)).join(', ')}).`, { field: 'installments' });
  }
  const earlier = await db.scoped(scopeOf(actor), (tx) =>
    tx.db
      .selectFrom('agreements as a')
      .select('a.id')
      .where('a.debtor_id', '=', actor.debtorId)
      .where('a.creditor_id', '=', input.creditorId)
      .where('a.status', '=', 'proposed')
      .where(sql<boolean>`exists (select 1 from events e where e.debtor_id = a.debtor_id and e.type = 'agreement.proposed' and e.actor_kind = 'debtor' and e.data->>'agreementId' = a.id::text)`)
      .execute(),
  );
  for (const { id } of earlier) await cancelAgreement(db, actor, id, 'Substituída por nova proposta do devedor no portal.', options.today);
  const created = await createAgreement(db, actor, { debtorId: actor.debtorId, creditorId: input.creditorId, debtIds, includeNotYetDue: false, installments: input.installments, paymentMethod: input.paymentMethod }, options.today);
  // The proposal is the offer shown: same terms, within the policy. Anything else is withdrawn at once.
  if (!created.withinPolicy || created.totalCents !== offer.totalCents || created.installmentCount !== offer.installmentCount) {
    await cancelAgreement(db, actor, created.id, 'Proposta do portal diferente da oferta mostrada.', options.today);
    throw new AppError('conflict', 'Os valores mudaram desde que as propostas foram mostradas: veja as propostas de novo.', { field: 'installments' });
  }
  const term = await portalTermText(db, actor, created.id);
  return { agreement: await loadPortalAgreement(db, actor, created.id), term };
}

/** The exact text of an agreement's term — the bytes whose SHA-256 the acceptance records — read as the debtor. */
export async function portalTermText(db: Database, actor: PortalActor, agreementId: string): Promise<{ text: string; sha256: string }> {
  requirePermission(actor, 'debts.read');
  await requireOwn(db, actor, 'agreements', agreementId);
  return db.scoped(scopeOf(actor), async (tx) => {
    const agreement = await tx.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirstOrThrow();
    // Dated on the proposal's day, as acceptAgreement renders it.
    const text = documentText(agreementTerm(await documentData(tx, agreement, agreement.as_of)));
    await recordAccess(tx, actor, { action: 'read', resource: 'document.term', subjectIds: [actor.debtorId], details: { agreementId } });
    return { text, sha256: sha256(text) };
  });
}

/**
 * The debtor accepts in the portal: channel 'portal', by the debtor, from the request's address,
 * on the exact term shown (its SHA-256); then the installments' charges are issued in the chosen
 * method. A charge that cannot be issued now (no collection account, the PSP down) leaves the
 * agreement accepted and says why; the charges can be asked again.
 */
export async function portalAccept(
  db: Database,
  actor: PortalActor,
  rails: PaymentRails,
  agreementId: string,
  termsSha256: string,
  today: IsoDate,
  logError: (error: unknown) => void,
): Promise<z.infer<typeof portalAcceptOutput>> {
  await requireOwn(db, actor, 'agreements', agreementId);
  await acceptAgreement(db, actor, agreementId, { channel: 'portal', termsSha256, byDebtor: true, ip: actor.ip }, today);
  let chargesProblem: string | null = null;
  try {
    await issueAgreementCharges(db, actor, rails, agreementId, undefined);
  } catch (error) {
    // The acceptance stands (committed): the answer says so, with why the charges are missing.
    if (error instanceof AppError && error.code !== 'internal') chargesProblem = `O acordo foi aceito, mas as cobranças não puderam ser emitidas agora: ${error.message}`;
    else {
      logError(error);
      chargesProblem = 'O acordo foi aceito, mas as cobranças não puderam ser emitidas agora; tente de novo em instantes.';
    }
  }
  return { agreement: await loadPortalAgreement(db, actor, agreementId), chargesProblem };
}

/** Issues the missing charges of the debtor's agreement (the ones issued before come back as they are). */
export async function portalIssueCharges(db: Database, actor: PortalActor, rails: PaymentRails, agreementId: string): Promise<PortalAgreement> {
  await requireOwn(db, actor, 'agreements', agreementId);
  await issueAgreementCharges(db, actor, rails, agreementId, undefined);
  return loadPortalAgreement(db, actor, agreementId);
}
