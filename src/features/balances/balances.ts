import { z, zIsoDate } from '../../api/zod.ts';
import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import { DEFAULT_BALANCE_POLICY, updatedBalance, type BalancePolicy, type BalanceResult, type DebtTerms, type Payment } from '../../domain/balance/updated-balance.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { IndexSet, type SeriesName, type SeriesValue } from '../../domain/indices/series.ts';
import { notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Debt } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

/** Updated balances of stored debts, from their contract terms and the stored index series. */
export const balanceQuery = z.object({
  asOf: zIsoDate.optional().describe('Data do cálculo (padrão: hoje)'),
  unpublished: z
    .enum(['last-known', 'error'])
    .default('last-known')
    .describe('Mês cujo índice ainda não foi publicado: usa o último conhecido, marcado como provisório (padrão), ou recusa'),
});

const memoryLine = z.object({
  component: z.enum(['principal', 'correction', 'interest', 'fine', 'fees']),
  description: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  days: z.number().int().optional(),
  index: z.object({ series: z.string(), period: z.string(), percent: z.string(), provisional: z.boolean().optional() }).optional(),
  rate: z.string().optional(),
  amountCents: z.number().int(),
});
const components = z.object({ principal: z.number().int(), correction: z.number().int(), interest: z.number().int(), fine: z.number().int(), fees: z.number().int() });

export const debtBalanceOutput = z.object({
  debtId: z.uuid(),
  externalId: z.string(),
  asOf: z.string(),
  daysOverdue: z.number().int(),
  total: z.number().int().describe('Saldo atualizado em centavos'),
  components,
  memory: z.array(memoryLine).describe('Memória de cálculo: cada componente, período, índice e taxa (SP Lei 14.953/2013)'),
});

export const debtorBalanceOutput = z.object({
  debtorId: z.uuid(),
  asOf: z.string(),
  total: z.number().int(),
  components,
  debts: z.array(debtBalanceOutput),
});

const BANK_CALENDAR = new BusinessCalendar();

export function termsOf(debt: Debt): DebtTerms {
  return {
    principalCents: debt.original_amount_cents,
    dueDate: debt.due_date,
    relationship: debt.relationship,
    correctionIndex: (debt.correction_index as DebtTerms['correctionIndex']) ?? null,
    interestRate: debt.interest_rate,
    interestKind: debt.interest_rate === null ? null : (debt.interest_kind ?? 'simple'),
    fineRate: debt.fine_rate,
    feesRate: debt.fees_rate,
    // Payable without charges on the next day with bank business (national bank calendar).
    payableUntil: BANK_CALENDAR.nextBusinessDay(debt.due_date),
  };
}

export async function indexSetOf(tx: Tx): Promise<IndexSet> {
  const rows = await tx.db.selectFrom('index_values').select(['series', 'period', 'value']).orderBy('series').orderBy('period').execute();
  const values: Partial<Record<SeriesName, SeriesValue[]>> = {};
  for (const row of rows) (values[row.series as SeriesName] ??= []).push({ period: row.period, value: row.value });
  return new IndexSet(values);
}

/** What payments paid on each debt (direct payments, and agreement payments imputed on a breach), for every balance. */
export async function creditsOf({ sql }: Pick<Tx, 'sql'>, debtIds: readonly string[]): Promise<Map<string, Payment[]>> {
  const credits = new Map<string, Payment[]>();
  if (debtIds.length === 0) return credits;
  const { rows } = await sql.query<{ debt_id: string; paid_on: string; amount_cents: number }>(
    `select debt_id, paid_on::text as paid_on, amount_cents from debt_credits where debt_id = any($1::uuid[]) order by paid_on, payment_id`,
    [debtIds],
  );
  for (const row of rows) {
    let list = credits.get(row.debt_id);
    if (!list) credits.set(row.debt_id, (list = []));
    list.push({ date: row.paid_on, amountCents: row.amount_cents });
  }
  return credits;
}

/** The updated balance of each debt on `asOf`, and their sum by component. */
export async function balancesOf(tx: Tx, debts: readonly Debt[], asOf: IsoDate, policy: BalancePolicy) {
  const indices = await indexSetOf(tx);
  const credits = await creditsOf(tx, debts.map((d) => d.id));
  const results = debts.map((d) => updatedBalance(termsOf(d), credits.get(d.id) ?? [], asOf, indices, policy));
  const sum = (key: keyof BalanceResult['components']) => results.reduce((s, r) => s + r.components[key], 0);
  return {
    results,
    total: results.reduce((s, r) => s + r.total, 0),
    components: { principal: sum('principal'), correction: sum('correction'), interest: sum('interest'), fine: sum('fine'), fees: sum('fees') },
  };
}

function output(debt: Debt, result: BalanceResult): z.infer<typeof debtBalanceOutput> {
  return { debtId: debt.id, externalId: debt.external_id, asOf: result.asOf, daysOverdue: result.daysOverdue, total: result.total, components: result.components, memory: result.memory };
}

type Options = { asOf: IsoDate; unpublished: 'last-known' | 'error'; route?: string | undefined };

export async function debtBalance(db: Database, actor: Actor, debtId: string, options: Options) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const debt = await tx.db.selectFrom('debts').selectAll().where('id', '=', debtId).executeTakeFirst();
    if (!debt) throw notFound('Título');
    await recordAccess(tx, actor, { action: 'read', resource: 'balance', subjectIds: [debt.debtor_id], ...(options.route ? { route: options.route } : {}) });
    const credits = await creditsOf(tx, [debt.id]);
    const result = updatedBalance(termsOf(debt), credits.get(debt.id) ?? [], options.asOf, await indexSetOf(tx), { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: options.unpublished });
    return output(debt, result);
  });
}

/** A debtor's open debts (status open), each with its memory, and their sum. */
export async function debtorBalance(db: Database, actor: Actor, debtorId: string, options: Options) {
  requirePermission(actor, 'debts.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    const debtor = await tx.db.selectFrom('debtors').select('id').where('id', '=', debtorId).executeTakeFirst();
    if (!debtor) throw notFound('Devedor');
    const debts = await tx.db.selectFrom('debts').selectAll().where('debtor_id', '=', debtorId).where('status', '=', 'open').orderBy('due_date').orderBy('external_id').execute();
    await recordAccess(tx, actor, { action: 'read', resource: 'balance', subjectIds: [debtorId], ...(options.route ? { route: options.route } : {}) });
    const balances = await balancesOf(tx, debts, options.asOf, { ...DEFAULT_BALANCE_POLICY, unpublishedMonth: options.unpublished });
    return { debtorId, asOf: options.asOf, total: balances.total, components: balances.components, debts: debts.map((d, i) => output(d, balances.results[i]!)) };
  });
}
