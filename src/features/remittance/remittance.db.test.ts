import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { AS_OF, createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { bearer, loginAs, startServer } from '../../../test/support/server.ts';
import type { App } from '../../api/context.ts';
import { formatBRL } from '../../domain/money.ts';
import { AppError } from '../../shared/errors.ts';
import { acceptAgreement, createAgreement } from '../negotiation/agreements.ts';
import { ANONYMIZED_NAME, anonymizeDebtor } from '../privacy/anonymize-debtor.ts';
import { registerPayment } from '../negotiation/payments.ts';
import { createCommissionRule, listCommissionRules, updateCommissionRule } from './commission-rules.ts';
import { statementCsv, statementPdf } from './statement-documents.ts';
import { createStatement, getStatement, issueStatement, listStatements, type StatementDocument } from './statements.ts';

const NOW = new Date(`${AS_OF}T17:00:00Z`);
const DPD_BANDS = [{ from: 0, rate: '0.10' }, { from: 91, rate: '0.15' }, { from: 181, rate: '0.25' }];

/** The text shown by an uncompressed pdfkit PDF: its TJ operators carry hex strings in WinAnsi (windows-1252). */
function shownText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const winAnsi = new TextDecoder('windows-1252');
  const lines: string[] = [];
  for (const tj of source.matchAll(/\[([^\]]*)\] TJ/g)) lines.push([...tj[1]!.matchAll(/<([0-9a-f]*)>/g)].map((hex) => winAnsi.decode(Buffer.from(hex[1]!, 'hex'))).join(''));
  return lines.join('\n');
}

/** Reference commission: amount × rate half-up, in integers only (rate "0.15" → 15/100). */
function referenceCommission(amount: number, rate: string): number {
  const [whole, fraction = ''] = rate.split('.');
  const denominator = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole! + fraction);
  return Number((2n * BigInt(amount) * numerator + denominator) / (2n * denominator));
}

let t: TestDatabase;
let tenant: TenantFixture;
let app: App;
const ids = { d1: '', d2: '', shared: '', debtD1: '', debtShared: '', c1Debt: '' };

async function debtorIdOf(document: string) {
  return t.db.system(async ({ db }) => (await db.selectFrom('debtors').select('id').where('tenant_id', '=', tenant.tenantId).where('document', '=', document).executeTakeFirstOrThrow()).id);
}
async function firstDebt(debtorId: string, creditorId: string) {
  return t.db.system(async ({ db }) => (await db.selectFrom('debts').select('id').where('debtor_id', '=', debtorId).where('creditor_id', '=', creditorId).orderBy('due_date').executeTakeFirstOrThrow()).id);
}
/** Independent sum of a creditor's payments in a period, straight from the payments table. */
async function sqlSum(creditorId: string, from: string, to: string): Promise<number> {
  return t.db.system(async ({ sql }) => Number((await sql.query<{ s: string }>('select coalesce(sum(amount_cents), 0)::text as s from payments where creditor_id = $1 and paid_on between $2 and $3', [creditorId, from, to])).rows[0]!.s));
}

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'repasse');
  ({ app } = await startServer(t.db));
  const admin = tenant.users.admin.actor;
  const [c0, c1] = tenant.creditors;
  ids.shared = await debtorIdOf(c0!.debtorDocuments[0]!);
  ids.d1 = await debtorIdOf(c0!.debtorDocuments[1]!);
  ids.d2 = await debtorIdOf(c0!.debtorDocuments[2]!);
  ids.debtD1 = await firstDebt(ids.d1, c0!.id);
  ids.debtShared = await firstDebt(ids.shared, c0!.id);
  ids.c1Debt = await firstDebt(await debtorIdOf(c1!.debtorDocuments[1]!), c1!.id);

  await createCommissionRule(t.db, admin, { creditorId: c0!.id, name: 'Contrato 2026', validFrom: '2026-01-01', basis: 'days_past_due', bands: DPD_BANDS, monthlyFeeCents: 50_000, perAgreementFeeCents: 2_500, perPaymentFeeCents: 150 });

  // September: one direct payment (to be issued before a late one arrives).
  await registerPayment(t.db, admin, { debtId: ids.debtShared, amountCents: 3_333, paidOn: '2026-09-20', method: 'pix' }, AS_OF);
  // October: a direct partial payment, an agreement installment paid with an excess, and creditor 2's payment.
  await registerPayment(t.db, admin, { debtId: ids.debtD1, amountCents: 5_005, paidOn: '2026-10-05', method: 'boleto' }, AS_OF);
  const agreement = await createAgreement(t.db, admin, { debtorId: ids.d2, creditorId: c0!.id, installments: 2, includeNotYetDue: false, paymentMethod: 'pix' }, '2026-10-01');
  const accepted = await acceptAgreement(t.db, admin, agreement.id, { channel: 'phone' }, '2026-10-01');
  // The statement reads the acceptance day from accepted_at (the wall clock): pinned to the test's October.
  await t.db.system(({ db }) => db.updateTable('agreements').set({ accepted_at: new Date('2026-10-01T15:00:00Z') }).where('id', '=', agreement.id).execute());
  await registerPayment(t.db, admin, { installmentId: accepted.installments[0]!.id, amountCents: accepted.installments[0]!.amountCents + 1_234, paidOn: '2026-10-10', method: 'pix' }, AS_OF);
  await registerPayment(t.db, admin, { debtId: ids.c1Debt, amountCents: 7_777, paidOn: '2026-10-12', method: 'pix' }, AS_OF);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('commission rules', () => {
  it('refuses overlapping validity for the same creditor and portfolio, and a portfolio of another creditor', async () => {
    const admin = tenant.users.admin.actor;
    const c0 = tenant.creditors[0]!;
    await expect(createCommissionRule(t.db, admin, { creditorId: c0.id, name: 'Sobreposta', validFrom: '2026-06-01', basis: 'days_past_due', bands: DPD_BANDS }))
      .rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Contrato 2026') });
    await expect(createCommissionRule(t.db, admin, { creditorId: c0.id, portfolioId: tenant.creditors[1]!.portfolioId, name: 'Errada', validFrom: '2026-01-01', basis: 'days_past_due', bands: DPD_BANDS }))
      .rejects.toMatchObject({ code: 'validation', field: 'portfolioId' });
    await expect(createCommissionRule(t.db, admin, { creditorId: c0.id, name: 'Faixas', validFrom: '2030-01-01', basis: 'days_past_due', bands: [{ from: 5, rate: '0.1' }] }))
      .rejects.toMatchObject({ code: 'validation', field: 'bands' });
    await expect(createCommissionRule(t.db, tenant.users.analyst.actor, { creditorId: c0.id, name: 'Sem permissão', validFrom: '2030-01-01', basis: 'days_past_due', bands: DPD_BANDS }))
      .rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('monthly statement', () => {
  let october: StatementDocument;

  it('lists every October payment of the creditor, reconciled to the centavo with an independent SQL sum', async () => {
    const admin = tenant.users.admin.actor;
    const c0 = tenant.creditors[0]!;
    const { id, created } = await createStatement(t.db, admin, { creditorId: c0.id, month: '2026-10' }, AS_OF);
    expect(created).toBe(true);
    october = await getStatement(t.db, admin, id, NOW);
    const expected = await sqlSum(c0.id, '2026-10-01', '2026-10-31');
    expect(october.totals.recoveredCents).toBe(expected);
    expect(october.totals.inPeriodCents).toBe(expected);
    expect(october.reconciliation).toMatchObject({ paymentsInPeriodCents: expected, paymentsInPeriodCount: 2, matches: true });
    expect(october.lines.every((l) => l.paidOn >= '2026-10-01' && l.paidOn <= '2026-10-31')).toBe(true);
    expect(october.lines.some((l) => l.debtId === ids.c1Debt)).toBe(false); // the other creditor's payment
    // each line: half-up commission of its own amount; the total is their sum; net = amount − commission
    for (const l of october.lines) {
      expect(l.commissionCents, `line ${l.lineNo}`).toBe(referenceCommission(l.amountCents, l.rate));
      expect(l.netCents).toBe(l.amountCents - l.commissionCents);
    }
    expect(october.totals.commissionCents).toBe(october.lines.reduce((s, l) => s + l.commissionCents, 0));
    // the direct payment on a title due 2026-01-10: 268 days → 25%, R$ 50,05 → R$ 12,51 (12,5125)
    const direct = october.lines.find((l) => l.debtId === ids.debtD1)!;
    expect(direct).toMatchObject({ amountCents: 5_005, daysPastDue: 268, rate: '0.25', commissionCents: 1_251, debtorDocument: expect.stringMatching(/^\*\*\*\.\d{3}\.\d{3}-\*\*$/) });
    // the installment split between the agreement's two debts by their balances; the excess apart, no commission
    const installment = october.lines.filter((l) => l.agreementNumber !== null);
    expect(installment.map((l) => l.kind)).toEqual(['recovery', 'recovery', 'excess']);
    expect(installment[2]).toMatchObject({ amountCents: 1_234, commissionCents: 0, netCents: 1_234 });
    const balances = await t.db.system(({ db }) => db.selectFrom('agreement_debts').select(['debt_id', 'balance_cents']).where('tenant_id', '=', tenant.tenantId).execute());
    const [a, b] = installment.slice(0, 2);
    const wa = balances.find((x) => x.debt_id === a!.debtId)!.balance_cents;
    const wb = balances.find((x) => x.debt_id === b!.debtId)!.balance_cents;
    expect(Math.abs(a!.amountCents * wb - b!.amountCents * wa)).toBeLessThanOrEqual(Math.max(wa, wb)); // proportional, within a centavo
    // fees: the monthly fee, the agreement closed in October, one fee per payment
    expect(october.fees.map((f) => [f.kind, f.count, f.totalCents])).toEqual([['monthly', 1, 50_000], ['agreement', 1, 2_500], ['payment', 2, 300]]);
    expect(october.totals.netCents).toBe(expected - october.totals.commissionCents - 52_800);
  });

  it('issues a past month once: numbered, frozen; asking again returns the same statement', async () => {
    const admin = tenant.users.admin.actor;
    const c0 = tenant.creditors[0]!;
    const { id } = await createStatement(t.db, admin, { creditorId: c0.id, month: '2026-09' }, AS_OF);
    const issued = await issueStatement(t.db, admin, id, AS_OF, NOW);
    expect(issued.status).toBe('issued');
    expect(issued.number).toMatch(/^REP-\d{4}-\d{6}$/);
    expect(issued.totals.recoveredCents).toBe(await sqlSum(c0.id, '2026-09-01', '2026-09-30'));
    expect(issued.totals.recoveredCents).toBe(3_333);
    expect((await issueStatement(t.db, admin, id, AS_OF, NOW)).number).toBe(issued.number);
    expect(await createStatement(t.db, admin, { creditorId: c0.id, month: '2026-09' }, AS_OF)).toEqual({ id, created: false });
    // a rule changed afterwards does not touch it
    const rule = (await listCommissionRules(t.db, admin, c0.id))[0]!;
    await updateCommissionRule(t.db, admin, rule.id, { ...rule, validTo: rule.validTo, bands: [{ from: 0, rate: '0.50' }] });
    expect(await getStatement(t.db, admin, id, NOW)).toEqual(issued);
    await updateCommissionRule(t.db, admin, rule.id, { ...rule, validTo: rule.validTo, bands: DPD_BANDS });
    // and the database refuses to change it, whoever asks
    await expect(t.db.system(({ db }) => db.updateTable('remittance_statements').set({ net_cents: 0 }).where('id', '=', id).execute())).rejects.toThrow(/frozen/);
  });

  it('puts a payment that arrives after its month was issued into the next statement, as a late line', async () => {
    const admin = tenant.users.admin.actor;
    const c0 = tenant.creditors[0]!;
    const september = (await listStatements(t.db, admin, { creditorId: c0.id, month: '2026-09' }))[0]!;
    const before = await getStatement(t.db, admin, september.id, NOW);
    await registerPayment(t.db, admin, { debtId: ids.debtShared, amountCents: 2_000, paidOn: '2026-09-25', method: 'transfer' }, AS_OF);
    expect(await getStatement(t.db, admin, september.id, NOW)).toEqual(before);
    const octoberId = (await listStatements(t.db, admin, { creditorId: c0.id, month: '2026-10' }))[0]!.id;
    const issued = await issueStatement(t.db, admin, octoberId, AS_OF, NOW);
    const late = issued.lines.filter((l) => l.late);
    expect(late.map((l) => [l.paidOn, l.amountCents])).toEqual([['2026-09-25', 2_000]]);
    expect(issued.lines[0]!.late).toBe(true);
    const octoberSum = await sqlSum(c0.id, '2026-10-01', '2026-10-31');
    expect(issued.totals).toMatchObject({ inPeriodCents: octoberSum, lateCents: 2_000, recoveredCents: octoberSum + 2_000 });
    expect(issued.reconciliation.matches).toBe(true);
    // every payment of the creditor so far is on exactly one issued statement
    const { rows } = await t.db.system(({ sql }) => sql.query<{ missing: number; twice: number }>(
      `select (select count(*)::int from payments p where p.creditor_id = $1 and not exists (select 1 from remittance_lines l where l.payment_id = p.id)) as missing,
              (select count(*)::int from (select payment_id from remittance_lines group by payment_id, coalesce(debt_id::text, kind) having count(*) > 1) x) as twice`, [c0.id]));
    expect(rows[0]).toEqual({ missing: 0, twice: 0 });
  });

  it('refuses to issue a month not yet over, or with a payment no rule covers', async () => {
    const admin = tenant.users.admin.actor;
    const [c0, c1] = tenant.creditors;
    const november = await createStatement(t.db, admin, { creditorId: c0!.id, month: '2026-11' }, AS_OF);
    await expect(issueStatement(t.db, admin, november.id, AS_OF, NOW)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('ainda não terminou') });
    await expect(createStatement(t.db, admin, { creditorId: c0!.id, month: '2026-12' }, AS_OF)).rejects.toMatchObject({ code: 'validation', field: 'month' });
    const other = await createStatement(t.db, admin, { creditorId: c1!.id, month: '2026-10' }, AS_OF);
    const draft = await getStatement(t.db, admin, other.id, NOW);
    expect(draft.problems[0]).toMatch(/Sem regra de comissão vigente em 12\/10\/2026/);
    await expect(issueStatement(t.db, admin, other.id, AS_OF, NOW)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Sem regra de comissão') });
    expect((await getStatement(t.db, admin, other.id, NOW)).status).toBe('draft');
  });

  it('refuses to issue when the lines do not add up to the payments table', async () => {
    const admin = tenant.users.admin.actor;
    const c1 = tenant.creditors[1]!;
    await createCommissionRule(t.db, admin, { creditorId: c1.id, name: 'Padrão', validFrom: '2026-01-01', basis: 'amount_recovered', bands: [{ from: 0, rate: '0.2' }] });
    // A bug that put an October payment on another issued statement: October would then miss it.
    const payment = await t.db.system(({ db }) => db.selectFrom('payments').select(['id', 'paid_on', 'amount_cents']).where('creditor_id', '=', c1.id).executeTakeFirstOrThrow());
    await t.db.system(async ({ db }) => {
      const s = await db.insertInto('remittance_statements').values({ tenant_id: tenant.tenantId, creditor_id: c1.id, period_start: '2026-08-01', period_end: '2026-08-31', status: 'issued', number: 'BUG-1', snapshot: '{}', issued_at: new Date(), recovered_cents: null, commission_cents: null, fees_cents: null, net_cents: null, created_by: null, issued_by: null }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('remittance_lines').values({ tenant_id: tenant.tenantId, statement_id: s.id, line_no: 1, payment_id: payment.id, debt_id: ids.c1Debt, kind: 'recovery', late: false, paid_on: payment.paid_on, amount_cents: payment.amount_cents, rate: '0', commission_cents: 0, net_cents: payment.amount_cents }).execute();
    });
    const october = (await listStatements(t.db, admin, { creditorId: c1.id, month: '2026-10' }))[0]!;
    const draft = await getStatement(t.db, admin, october.id, NOW);
    expect(draft.reconciliation).toMatchObject({ paymentsInPeriodCents: 7_777, matches: false });
    const error = await issueStatement(t.db, admin, october.id, AS_OF, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain(`contra ${formatBRL(7_777)} na tabela de pagamentos`);
    expect((await getStatement(t.db, admin, october.id, NOW)).status).toBe('draft');
  });
});

describe('the creditor viewer', () => {
  it('sees only its creditor’s issued statements and rules; another creditor’s or a draft is not found; reads are audited', async () => {
    const viewer = tenant.users.creditor_viewer.actor; // creditor 1 of the fixture (index 0)
    const admin = tenant.users.admin.actor;
    const [c0, c1] = tenant.creditors;
    const listed = await listStatements(t.db, viewer, {});
    expect(listed.length).toBe(2);
    expect(listed.every((s) => s.creditorId === c0!.id && s.status === 'issued')).toBe(true);
    expect((await listCommissionRules(t.db, viewer, undefined)).every((r) => r.creditorId === c0!.id)).toBe(true);
    const others = await listStatements(t.db, admin, { creditorId: c1!.id });
    expect(others.length).toBeGreaterThan(0);
    for (const s of others) await expect(getStatement(t.db, viewer, s.id, NOW)).rejects.toMatchObject({ code: 'not_found' });
    const draft = (await listStatements(t.db, admin, { creditorId: c0!.id, status: 'draft' }))[0]!;
    await expect(getStatement(t.db, viewer, draft.id, NOW)).rejects.toMatchObject({ code: 'not_found' });
    await expect(createStatement(t.db, viewer, { creditorId: c0!.id, month: '2026-08' }, AS_OF)).rejects.toMatchObject({ code: 'forbidden' });
    const own = await getStatement(t.db, viewer, listed[0]!.id, NOW);
    const audit = await t.db.system(({ db }) => db.selectFrom('audit_log').selectAll().where('user_id', '=', viewer.userId!).where('resource', '=', 'remittance_statement').execute());
    expect(audit.length).toBe(1);
    expect([...audit[0]!.subject_ids].sort()).toEqual([...new Set(own.lines.map((l) => l.debtorId))].sort());
  });

  it('gets 404 through the API for the other creditor’s statement and its PDF/CSV', async () => {
    const token = await loginAs(app, tenant.users.creditor_viewer.email);
    const other = (await listStatements(t.db, tenant.users.admin.actor, { creditorId: tenant.creditors[1]!.id }))[0]!;
    for (const suffix of ['', '/statement.pdf', '/statement.csv']) {
      const response = await app.inject({ method: 'GET', url: `/api/remittance/statements/${other.id}${suffix}`, headers: bearer(token) });
      expect(response.statusCode, suffix).toBe(404);
    }
    const issue = await app.inject({ method: 'POST', url: `/api/remittance/statements/${other.id}/issue`, headers: bearer(token) });
    expect(issue.statusCode).toBe(403);
  });
});

describe('documents', () => {
  it('renders the PDF with the identification, the totals and a signature line', async () => {
    const admin = tenant.users.admin.actor;
    const october = (await listStatements(t.db, admin, { creditorId: tenant.creditors[0]!.id, month: '2026-10' }))[0]!;
    const statement = await getStatement(t.db, admin, october.id, NOW);
    const pdf = await statementPdf(statement, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = shownText(pdf);
    expect(text).toContain(`Líquido a repassar: ${formatBRL(statement.totals.netCents)}`);
    expect(text).toContain(`Total recebido: ${formatBRL(statement.totals.recoveredCents)}`);
    expect(text).toContain(`Comissão: ${formatBRL(statement.totals.commissionCents)}`);
    expect(text).toContain(`Demonstrativo nº ${statement.number}`);
    expect(text).toContain(statement.creditor.legalName);
    const token = await loginAs(app, tenant.users.creditor_viewer.email);
    const response = await app.inject({ method: 'GET', url: `/api/remittance/statements/${october.id}/statement.pdf`, headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('exports a CSV (BOM, ;, amounts 1234,56) that parses back to the same lines and totals', async () => {
    const admin = tenant.users.admin.actor;
    const october = (await listStatements(t.db, admin, { creditorId: tenant.creditors[0]!.id, month: '2026-10' }))[0]!;
    const statement = await getStatement(t.db, admin, october.id, NOW);
    const token = await loginAs(app, tenant.users.supervisor.email);
    const response = await app.inject({ method: 'GET', url: `/api/remittance/statements/${october.id}/statement.csv`, headers: bearer(token) });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body).toBe(statementCsv(statement));
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const rows = parse(response.body, { bom: true, delimiter: ';', columns: true }) as Array<Record<string, string>>;
    const toCents = (v: string) => { const [r, c] = v.replace('-', '').split(','); return (v.startsWith('-') ? -1 : 1) * (Number(r) * 100 + Number(c)); };
    const lines = rows.filter((r) => r.tipo === 'recebimento' || r.tipo === 'excesso');
    expect(lines.length).toBe(statement.lines.length);
    expect(lines.reduce((s, r) => s + toCents(r.valor_recebido!), 0)).toBe(statement.totals.recoveredCents);
    expect(lines.reduce((s, r) => s + toCents(r.comissao!), 0)).toBe(statement.totals.commissionCents);
    const total = rows.find((r) => r.tipo === 'total')!;
    expect(toCents(total.valor_recebido!)).toBe(statement.totals.recoveredCents);
    expect(toCents(total.liquido!)).toBe(statement.totals.netCents);
    expect(lines[0]!.valor_recebido).toMatch(/^\d+,\d{2}$/);
  });
});

describe('anonymization of a debtor on an issued statement (LGPD)', () => {
  it('rewrites only that debtor’s name and document on the frozen lines; amounts and totals stay, and nothing else may change', async () => {
    const admin = tenant.users.admin.actor;
    const september = (await listStatements(t.db, admin, { creditorId: tenant.creditors[0]!.id, month: '2026-09' }))[0]!;
    const before = await getStatement(t.db, admin, september.id, NOW);
    expect(before.status).toBe('issued');
    const target = before.lines[0]!;
    await t.db.system((tx) => anonymizeDebtor(tx, { tenantId: tenant.tenantId, debtorId: target.debtorId, reason: 'request' }));
    const after = await getStatement(t.db, admin, september.id, NOW);
    expect(after.lines.filter((l) => l.debtorId === target.debtorId).map((l) => [l.debtorName, l.debtorDocument])).toEqual(
      before.lines.filter((l) => l.debtorId === target.debtorId).map(() => [ANONYMIZED_NAME, '[anonimizado]']),
    );
    const amounts = (s: StatementDocument) => ({ totals: s.totals, lines: s.lines.map(({ debtorName: _n, debtorDocument: _d, ...rest }) => rest), number: s.number, issuedAt: s.issuedAt });
    expect(amounts(after)).toEqual(amounts(before));
    expect(after.lines.filter((l) => l.debtorId !== target.debtorId)).toEqual(before.lines.filter((l) => l.debtorId !== target.debtorId));
    // the exception is that debtor's lines only: the amounts stay frozen even with the setting on
    await expect(
      t.db.system(async ({ sql }) => {
        await sql.query(`select set_config('app.anonymize_debtor', $1, true)`, [target.debtorId]);
        await sql.query(`update remittance_statements set net_cents = 0 where id = $1`, [september.id]);
      }),
    ).rejects.toThrow(/frozen/);
  });
});
