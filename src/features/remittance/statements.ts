import { maskDocument, formatDocument } from '../../brazil/documents.ts';
import { groupBy } from '../../shared/group-by.ts';
import { z, zUuid } from '../../api/zod.ts';
import { addDays, addMonths, formatDateBR, type IsoDate } from '../../domain/dates.ts';
import { formatBRL } from '../../domain/money.ts';
import { computeStatement, type AgreementClosed, type StatementPayment } from '../../domain/remittance/commission.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';
import { rulesOf } from './commission-rules.ts';

/**
 * The monthly statement of a creditor (prestação de contas): every payment received for its
 * debts in the month, the commission by the rules in force, the fixed fees and the net passed
 * on. A draft is computed from the payments each time it is read; issuing it checks it against
 * an independent sum of the payments table, numbers it and freezes it. See docs/remittance.md.
 */

export const zMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mês inválido (use AAAA-MM)');

export const statementCreateInput = z.object({ creditorId: zUuid, month: zMonth });
export const statementListQuery = z.object({
  creditorId: zUuid.optional(),
  month: zMonth.optional(),
  status: z.enum(['draft', 'issued']).optional(),
});

const cents = z.number().int();

export const statementLineOutput = z.object({
  lineNo: z.number().int(),
  kind: z.enum(['recovery', 'excess']),
  late: z.boolean().describe('Pago em mês já prestado, chegou depois da emissão: entra neste'),
  paymentId: z.uuid(),
  paidOn: z.string(),
  debtorId: z.uuid(),
  debtorName: z.string(),
  debtorDocument: z.string().describe('Mascarado (CPF ***.456.789-**)'),
  agreementNumber: z.string().nullable(),
  debtId: z.uuid().nullable(),
  debtExternalId: z.string().nullable(),
  amountCents: cents,
  daysPastDue: z.number().int().nullable(),
  band: z.string(),
  rate: z.string().describe('Fração ("0.15" = 15%)'),
  ruleId: z.uuid().nullable(),
  commissionCents: cents,
  netCents: cents,
});

export const statementOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  status: z.enum(['draft', 'issued']),
  number: z.string().nullable(),
  month: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  issuedAt: z.string().nullable(),
  generatedAt: z.string(),
  agency: z.object({ name: z.string(), document: z.string().nullable(), address: z.string().nullable() }),
  creditor: z.object({ id: z.uuid(), legalName: z.string(), document: z.string(), address: z.string() }),
  lines: z.array(statementLineOutput),
  fees: z.array(z.object({ kind: z.enum(['monthly', 'agreement', 'payment']), ruleId: z.string(), description: z.string(), count: z.number().int(), unitCents: cents, totalCents: cents })),
  totals: z.object({
    recoveredCents: cents.describe('Tudo o que foi recebido (= soma dos pagamentos das linhas)'),
    inPeriodCents: cents, lateCents: cents, excessCents: cents, commissionCents: cents, feesCents: cents,
    netCents: cents.describe('Recebido − comissão − taxas: o repasse ao credor'),
    payments: z.number().int(),
  }),
  problems: z.array(z.string()).describe('O que impede a emissão (ex.: pagamento sem regra de comissão vigente)'),
  reconciliation: z.object({
    paymentsInPeriodCents: cents.describe('Soma independente da tabela de pagamentos do credor no mês'),
    paymentsInPeriodCount: z.number().int(),
    latePaymentsCents: cents.describe('Soma independente dos pagamentos atrasados incluídos'),
    matches: z.boolean().describe('O demonstrativo bate, centavo a centavo, com os pagamentos'),
  }),
});
export type StatementDocument = z.infer<typeof statementOutput>;

export const statementSummaryOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  creditorName: z.string(),
  month: z.string(),
  status: z.enum(['draft', 'issued']),
  number: z.string().nullable(),
  issuedAt: z.date().nullable(),
  recoveredCents: cents.nullable().describe('null num rascunho: abra-o para ver os valores do momento'),
  commissionCents: cents.nullable(),
  feesCents: cents.nullable(),
  netCents: cents.nullable(),
});

function periodOf(month: string): { start: IsoDate; end: IsoDate } {
  const start = `${month}-01`;
  return { start, end: addDays(addMonths(start, 1), -1) };
}

/** Opens (or finds) the statement of a creditor and month: one per creditor and month, so asking again returns the same one. */
export async function createStatement(db: Database, actor: Actor, input: z.infer<typeof statementCreateInput>, today: IsoDate): Promise<{ id: string; created: boolean }> {
  requirePermission(actor, 'remittance.write');
  const { start, end } = periodOf(input.month);
  if (start > today) throw new AppError('validation', `O mês ${input.month} ainda não começou.`, { field: 'month' });
  return db.scoped(scopeOf(actor), async (tx) => {
    const creditor = await tx.db.selectFrom('creditors').select('id').where('id', '=', input.creditorId).executeTakeFirst();
    if (!creditor) throw notFound('Credor');
    const inserted = await tx.db.insertInto('remittance_statements')
      .values({ tenant_id: actor.tenantId, creditor_id: input.creditorId, period_start: start, period_end: end, snapshot: null, number: null, recovered_cents: null, commission_cents: null, fees_cents: null, net_cents: null, created_by: actor.userId, issued_by: null, issued_at: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'creditor_id', 'period_start']).doNothing())
      .returning('id').executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    const existing = await tx.db.selectFrom('remittance_statements').select('id').where('creditor_id', '=', input.creditorId).where('period_start', '=', start).executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  });
}

export async function listStatements(db: Database, actor: Actor, query: z.infer<typeof statementListQuery>) {
  requirePermission(actor, 'remittance.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('remittance_statements as s').innerJoin('creditors as c', (j) => j.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.id', '=', 's.creditor_id'))
      .select(['s.id', 's.creditor_id', 'c.legal_name', 's.period_start', 's.status', 's.number', 's.issued_at', 's.recovered_cents', 's.commission_cents', 's.fees_cents', 's.net_cents'])
      .orderBy('s.period_start', 'desc').orderBy('c.legal_name');
    if (query.creditorId) q = q.where('s.creditor_id', '=', query.creditorId);
    if (query.month) q = q.where('s.period_start', '=', `${query.month}-01`);
    // A creditor sees only what was issued to it; drafts are the agency's work in progress.
    const status = actor.creditorId ? 'issued' : query.status;
    if (status) q = q.where('s.status', '=', status);
    const rows = await q.limit(500).execute();
    return rows.map((r) => ({
      id: r.id, creditorId: r.creditor_id, creditorName: r.legal_name, month: r.period_start.slice(0, 7), status: r.status, number: r.number, issuedAt: r.issued_at,
      recoveredCents: r.recovered_cents, commissionCents: r.commission_cents, feesCents: r.fees_cents, netCents: r.net_cents,
    }));
  });
}

/** A statement: the frozen document once issued, else computed now. Every read is audited (it names debtors). */
export async function getStatement(db: Database, actor: Actor, statementId: string, now: Date, options: { route?: string; action?: 'read' | 'export'; format?: string } = {}): Promise<StatementDocument> {
  requirePermission(actor, 'remittance.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.selectFrom('remittance_statements').selectAll().where('id', '=', statementId).executeTakeFirst();
    if (!row || (actor.creditorId && row.status !== 'issued')) throw notFound('Demonstrativo');
    const document = row.status === 'issued' ? (row.snapshot as StatementDocument) : await computeDocument(tx, row, now);
    await recordAccess(tx, actor, {
      action: options.action ?? 'read', resource: 'remittance_statement', subjectIds: document.lines.map((l) => l.debtorId),
      ...(options.route ? { route: options.route } : {}), details: { statementId, ...(options.format ? { format: options.format } : {}) },
    });
    return document;
  });
}

/**
 * Issues a statement: after its month has ended, with a rule for every payment and reconciled
 * to the centavo with the payments table; then numbered and frozen. Issuing an issued statement
 * returns it unchanged.
 */
export async function issueStatement(db: Database, actor: Actor, statementId: string, today: IsoDate, now: Date): Promise<StatementDocument> {
  requirePermission(actor, 'remittance.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db.selectFrom('remittance_statements').selectAll().where('id', '=', statementId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Demonstrativo');
    if (row.status === 'issued') return row.snapshot as StatementDocument;
    if (today <= row.period_end) throw new AppError('conflict', `O mês ${row.period_start.slice(0, 7)} ainda não terminou (último dia ${formatDateBR(row.period_end)}): emita a partir do dia seguinte.`, { field: 'statementId' });
    // Another statement of the creditor issued meanwhile may have taken late payments: the lock on it is the creditor row.
    await tx.db.selectFrom('creditors').select('id').where('id', '=', row.creditor_id).forUpdate().execute();
    const draft = await computeDocument(tx, row, now);
    if (draft.problems.length > 0) throw new AppError('conflict', `O demonstrativo não pode ser emitido: ${draft.problems.join(' ')}`, { field: 'statementId' });
    if (!draft.reconciliation.matches) {
      throw new AppError('conflict', `O demonstrativo não bate com os pagamentos: ${formatBRL(draft.totals.inPeriodCents)} no mês contra ${formatBRL(draft.reconciliation.paymentsInPeriodCents)} na tabela de pagamentos; atrasados ${formatBRL(draft.totals.lateCents)} contra ${formatBRL(draft.reconciliation.latePaymentsCents)}. Nada foi emitido.`, { field: 'statementId' });
    }
    const { number } = (await tx.sql.query<{ number: string }>('select next_remittance_number() as number')).rows[0]!;
    const issuedAt = now;
    const document: StatementDocument = { ...draft, status: 'issued', number, issuedAt: issuedAt.toISOString(), generatedAt: issuedAt.toISOString() };
    if (document.lines.length > 0) {
      await tx.db.insertInto('remittance_lines').values(document.lines.map((l) => ({
        tenant_id: actor.tenantId, statement_id: row.id, line_no: l.lineNo, payment_id: l.paymentId, debt_id: l.debtId, kind: l.kind, late: l.late, paid_on: l.paidOn,
        amount_cents: l.amountCents, rate: l.rate, commission_cents: l.commissionCents, net_cents: l.netCents,
      }))).execute();
    }
    await tx.db.updateTable('remittance_statements').set({
      status: 'issued', number, snapshot: JSON.stringify(document), issued_by: actor.userId, issued_at: issuedAt,
      recovered_cents: document.totals.recoveredCents, commission_cents: document.totals.commissionCents, fees_cents: document.totals.feesCents, net_cents: document.totals.netCents,
    }).where('id', '=', row.id).execute();
    await recordAccess(tx, actor, { action: 'create', resource: 'remittance_statement', subjectIds: document.lines.map((l) => l.debtorId), details: { statementId: row.id, number } });
    return document;
  });
}

interface PaymentRowForStatement {
  id: string;
  paid_on: string;
  debtor_id: string;
  amount_cents: number;
  applied_cents: number;
  excess_cents: number;
  agreement_id: string | null;
  debt_id: string | null;
  agreement_number: string | null;
  debtor_name: string;
  debtor_document: string;
}

async function computeDocument(tx: Tx, row: { id: string; tenant_id: string; creditor_id: string; period_start: string; period_end: string }, now: Date): Promise<StatementDocument> {
  const creditor = await tx.db.selectFrom('creditors').selectAll().where('id', '=', row.creditor_id).executeTakeFirstOrThrow();
  const tenant = await tx.db.selectFrom('tenants').select(['name', 'document', 'address']).where('id', '=', row.tenant_id).executeTakeFirstOrThrow();
  // The month's payments, and the late ones: paid in a month already issued, on no issued statement yet.
  const { rows: payments } = await tx.sql.query<PaymentRowForStatement>(
    `select p.id, p.paid_on, p.debtor_id, p.amount_cents, p.applied_cents, p.excess_cents, p.agreement_id, p.debt_id,
            a.number as agreement_number, d.name as debtor_name, d.document as debtor_document
       from payments p
       join debtors d on d.tenant_id = p.tenant_id and d.id = p.debtor_id
       left join agreements a on a.tenant_id = p.tenant_id and a.id = p.agreement_id
      where p.creditor_id = $1 and p.paid_on <= $3::date
        and not exists (select 1 from remittance_lines l where l.tenant_id = p.tenant_id and l.payment_id = p.id)
        and (p.paid_on >= $2::date or exists (
              select 1 from remittance_statements s
               where s.tenant_id = p.tenant_id and s.creditor_id = p.creditor_id and s.status = 'issued' and p.paid_on between s.period_start and s.period_end))
      order by p.paid_on, p.id`,
    [row.creditor_id, row.period_start, row.period_end],
  );
  // What each payment paid: its debt, or the debts of its agreement in proportion to their balances in it.
  const debtIds = payments.flatMap((p) => (p.debt_id ? [p.debt_id] : []));
  const agreementIds = [...new Set(payments.flatMap((p) => (p.agreement_id ? [p.agreement_id] : [])))];
  const direct = debtIds.length
    ? await tx.db.selectFrom('debts').select(['id', 'external_id', 'portfolio_id', 'due_date']).where('id', 'in', debtIds).execute()
    : [];
  const linked = agreementIds.length
    ? await tx.db.selectFrom('agreement_debts as ad').innerJoin('debts as d', (j) => j.onRef('d.tenant_id', '=', 'ad.tenant_id').onRef('d.id', '=', 'ad.debt_id'))
      .select(['ad.agreement_id', 'd.id', 'd.external_id', 'd.portfolio_id', 'd.due_date', 'ad.balance_cents'])
      .where('ad.agreement_id', 'in', agreementIds).orderBy('d.due_date').orderBy('d.external_id').execute()
    : [];
  const debtById = new Map(direct.map((d) => [d.id, d]));
  const debtsOfAgreement = groupBy(linked, (l) => l.agreement_id);
  const statementPayments: StatementPayment[] = payments.map((p) => ({
    paymentId: p.id, paidOn: p.paid_on, late: p.paid_on < row.period_start, debtorId: p.debtor_id, debtorName: p.debtor_name, debtorDocument: maskDocument(p.debtor_document),
    agreementNumber: p.agreement_number, amountCents: p.amount_cents, appliedCents: p.applied_cents, excessCents: p.excess_cents,
    targets: p.debt_id
      ? [debtById.get(p.debt_id)!].filter(Boolean).map((d) => ({ debtId: d.id, externalId: d.external_id, portfolioId: d.portfolio_id, dueDate: d.due_date, weight: 1 }))
      : (debtsOfAgreement.get(p.agreement_id!) ?? []).map((l) => ({ debtId: l.id, externalId: l.external_id, portfolioId: l.portfolio_id, dueDate: l.due_date, weight: l.balance_cents })),
  }));
  const { rows: closed } = await tx.sql.query<{ id: string; number: string; portfolio_id: string; accepted_on: string }>(
    `select id, number, portfolio_id, (accepted_at at time zone 'America/Sao_Paulo')::date as accepted_on
       from agreements where creditor_id = $1 and accepted_at is not null
        and (accepted_at at time zone 'America/Sao_Paulo')::date between $2::date and $3::date`,
    [row.creditor_id, row.period_start, row.period_end],
  );
  const agreementsClosed: AgreementClosed[] = closed.map((a) => ({ agreementId: a.id, number: a.number, portfolioId: a.portfolio_id, acceptedOn: a.accepted_on }));
  const computed = computeStatement({ periodStart: row.period_start, periodEnd: row.period_end, rules: await rulesOf(tx, row.creditor_id), payments: statementPayments, agreementsClosed });

  // The reconciliation, by sums taken straight from the payments table (not from the lines above).
  const { rows: [month] } = await tx.sql.query<{ cents: number; n: number }>(
    `select coalesce(sum(amount_cents), 0)::bigint as cents, count(*)::int as n from payments where creditor_id = $1 and paid_on between $2::date and $3::date`,
    [row.creditor_id, row.period_start, row.period_end],
  );
  const lateIds = statementPayments.filter((p) => p.late).map((p) => p.paymentId);
  const { rows: [late] } = await tx.sql.query<{ cents: number }>(`select coalesce(sum(amount_cents), 0)::bigint as cents from payments where id = any($1::uuid[])`, [lateIds]);
  const linesTotal = new Map<string, number>();
  for (const l of computed.lines) linesTotal.set(l.paymentId, (linesTotal.get(l.paymentId) ?? 0) + l.amountCents);
  const perPaymentOk = statementPayments.every((p) => (linesTotal.get(p.paymentId) ?? 0) === p.amountCents);
  const matches = perPaymentOk && computed.totals.inPeriodCents === month!.cents && computed.totals.lateCents === late!.cents
    && computed.totals.recoveredCents === month!.cents + late!.cents;

  const address = (c: typeof creditor) => `${c.street}, ${c.number}${c.complement ? `, ${c.complement}` : ''}${c.district ? ` — ${c.district}` : ''} — ${c.city}/${c.uf} — CEP ${c.cep.slice(0, 5)}-${c.cep.slice(5)}`;
  return {
    id: row.id, creditorId: row.creditor_id, status: 'draft', number: null, month: row.period_start.slice(0, 7), periodStart: row.period_start, periodEnd: row.period_end,
    issuedAt: null, generatedAt: now.toISOString(),
    agency: { name: tenant.name, document: tenant.document ? formatDocument(tenant.document) : null, address: tenant.address },
    creditor: { id: creditor.id, legalName: creditor.legal_name, document: formatDocument(creditor.document), address: address(creditor) },
    lines: computed.lines, fees: computed.fees, totals: computed.totals,
    problems: [...computed.problems, ...(perPaymentOk ? [] : ['A divisão de um pagamento entre seus títulos não soma o valor pago.'])],
    reconciliation: { paymentsInPeriodCents: month!.cents, paymentsInPeriodCount: month!.n, latePaymentsCents: late!.cents, matches },
  };
}
