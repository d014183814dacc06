import { parseRequest, z, zIsoDate, zUf } from '../../api/zod.ts';
import { DEBT_KINDS, type DebtKind } from '../../domain/debt-kinds.ts';
import { daysInMonth } from '../../domain/dates.ts';
import { MAX_AMOUNT_CENTS } from '../../domain/money.ts';
import { DEFAULT_MUNICIPAL_HOLIDAYS } from '../../domain/calendar/holidays.ts';
import { BusinessCalendar } from '../../domain/calendar/business-days.ts';
import { updatedBalance, DEFAULT_BALANCE_POLICY, type BalanceResult, type Component } from '../../domain/balance/updated-balance.ts';
import { buildPlan } from '../../domain/plans/installment-plan.ts';
import { prescriptionOf } from '../../domain/prescription.ts';
import { computeOffers, priceProposal, type OfferContext } from '../../domain/negotiation/offers.ts';
import { DEFAULT_OFFER_POLICY } from '../../domain/negotiation/offer-policy.ts';
import { proposalInput } from '../negotiation/agreements.ts';
import { offerPolicyRules } from '../negotiation/offer-policies.ts';
import { IndexSet, SERIES_NAMES, type SeriesName, type SeriesValue } from '../../domain/indices/series.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * The JSON interface of the calculation engine (`recupera calc …`, docs/calculations.md):
 * amounts in centavos (integers), rates as decimal strings, dates ISO, names in camelCase.
 */
const zRate = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'taxa deve ser um decimal em texto, ex.: "0.02" para 2%')
  .refine((v) => Number(v) <= 1, 'taxa acima de 100% (use a fração: "0.02" é 2%)');
const zAmount = z.number().int('valor em centavos deve ser inteiro').min(0).max(MAX_AMOUNT_CENTS, 'valor acima de R$ 10.000.000.000,00');
const zSeriesValues = z.array(
  z.object({
    period: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'período AAAA-MM ou AAAA-MM-DD'),
    value: z.string().regex(/^-?\d+(\.\d+)?$/, 'percentual em texto, ex.: "0.42"').refine((v) => Number(v) > -100, 'variação de −100% ou menos é impossível'),
  }),
);

const debtSchema = z.object({
  id: z.string().optional(),
  principal: zAmount,
  dueDate: zIsoDate,
  relationship: z.enum(['consumer', 'b2b']).default('consumer'),
  correctionIndex: z.enum(['ipca', 'inpc', 'igpm', 'selic', 'tr', 'none']).nullable().default(null),
  interestRate: zRate.nullable().default(null),
  interestKind: z.enum(['simple', 'compound']).nullable().default('simple'),
  fineRate: zRate.nullable().default(null),
  feesRate: zRate.nullable().default(null),
  payments: z.array(z.object({ date: zIsoDate, amount: zAmount })).default([]),
  /** Where it is paid: a due date on a day without bank business there is payable on the next business day. */
  uf: zUf.optional(),
});

export const balanceRequest = z
  .object({
    asOf: zIsoDate,
    /** One debt (its fields at the top level) or several of the same debtor in `debts`. */
    debts: z.array(debtSchema).min(1).optional(),
    indices: z.partialRecord(z.enum(SERIES_NAMES as [SeriesName, ...SeriesName[]]), zSeriesValues).optional(),
    policy: z
      .object({
        partialMonth: z.enum(['compound', 'linear']),
        unpublishedMonth: z.enum(['error', 'last-known']),
        consumerFineCap: zRate,
        usuryFineCap: zRate,
        feesCap: zRate,
      })
      .partial()
      .optional(),
  })
  .catchall(z.unknown());

/** {"UF/Cidade": [{"month":7,"day":14,"name":"…","source":"Lei municipal …"}, {"easter":60,…}]} */
const zMunicipalHolidays = z.record(
  z.string().regex(/^[A-Za-z]{2}\/.+$/, 'chave no formato UF/Cidade'),
  z.array(
    z.union([
      z
        .object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31), name: z.string(), source: z.string(), from: z.number().int().optional(), to: z.number().int().optional() })
        .refine((h) => h.day <= daysInMonth(2000, h.month), 'dia inexistente nesse mês'),
      z.object({ easter: z.number().int().min(-70).max(70), name: z.string(), source: z.string(), from: z.number().int().optional(), to: z.number().int().optional() }),
    ]),
  ),
);

export const planRequest = z.object({
  method: z.enum(['price', 'sac']),
  principal: zAmount.min(1),
  monthlyRate: zRate,
  installments: z.number().int().min(1).max(480),
  firstDueDate: zIsoDate,
  downPayment: zAmount.optional(),
  downPaymentDate: zIsoDate.optional(),
  businessDays: z.boolean().default(false),
  uf: zUf.optional(),
  city: z.string().optional(),
  municipalHolidays: zMunicipalHolidays.optional(),
});

export const prescriptionRequest = z.object({
  kind: z.enum(Object.keys(DEBT_KINDS) as [DebtKind, ...DebtKind[]]),
  dueDate: zIsoDate,
  interruptedOn: zIsoDate.nullable().optional(),
  chequeOtherPlace: z.boolean().optional(),
});

export const businessDaysRequest = z.object({
  from: zIsoDate,
  to: zIsoDate,
  uf: zUf.optional(),
  city: z.string().optional(),
  municipalHolidays: zMunicipalHolidays.optional(),
  calendar: z.enum(['bank', 'civil']).default('bank'),
});

type BalanceInput = z.infer<typeof balanceRequest>;

function balanceOfDebt(debt: z.infer<typeof debtSchema>, input: BalanceInput, indices: IndexSet): BalanceResult {
  return updatedBalance(
    {
      principalCents: debt.principal,
      dueDate: debt.dueDate,
      relationship: debt.relationship,
      correctionIndex: debt.correctionIndex,
      interestRate: debt.interestRate,
      interestKind: debt.interestKind,
      fineRate: debt.fineRate,
      feesRate: debt.feesRate,
      payableUntil: new BusinessCalendar({ uf: debt.uf }).nextBusinessDay(debt.dueDate),
    },
    debt.payments.map((p) => ({ date: p.date, amountCents: p.amount })),
    input.asOf,
    indices,
    { ...DEFAULT_BALANCE_POLICY, ...input.policy },
  );
}

const balanceOutput = (r: BalanceResult) => ({
  asOf: r.asOf,
  daysOverdue: r.daysOverdue,
  total: r.total,
  components: r.components,
  paid: r.paidCents,
  credit: r.creditCents,
  memory: r.memory,
});

/** `calc balance`: one debt, or a debtor's debts with their sum. Index values: the request's, over the shipped ones. */
export function calcBalance(raw: unknown, shipped: Partial<Record<SeriesName, SeriesValue[]>>) {
  const input = parseRequest(balanceRequest, raw);
  const merged: Partial<Record<SeriesName, SeriesValue[]>> = { ...shipped };
  for (const [name, values] of Object.entries(input.indices ?? {}) as Array<[SeriesName, SeriesValue[]]>) {
    const byPeriod = new Map((merged[name] ?? []).map((v) => [v.period, v]));
    for (const v of values) byPeriod.set(v.period, v);
    merged[name] = [...byPeriod.values()];
  }
  const indices = new IndexSet(merged);
  if (input.debts) {
    const debts = input.debts.map((d) => ({ ...(d.id ? { id: d.id } : {}), ...balanceOutput(balanceOfDebt(d, input, indices)) }));
    const sum = (key: 'principal' | 'correction' | 'interest' | 'fine' | 'fees') => debts.reduce((s, d) => s + d.components[key], 0);
    return {
      asOf: input.asOf,
      total: debts.reduce((s, d) => s + d.total, 0),
      components: { principal: sum('principal'), correction: sum('correction'), interest: sum('interest'), fine: sum('fine'), fees: sum('fees') },
      debts,
    };
  }
  const single = parseRequest(debtSchema, raw);
  return balanceOutput(balanceOfDebt(single, input, indices));
}

export const offersRequest = z.object({
  asOf: zIsoDate,
  debts: z.array(debtSchema.extend({ id: z.string().min(1) })).min(1),
  indices: balanceRequest.shape.indices,
  /** Rules that differ from the default policy (docs/negotiation.md). */
  policy: offerPolicyRules.partial().optional(),
  declaredIncome: zAmount.nullable().default(null),
  uf: zUf.optional(),
  city: z.string().optional(),
  proposal: proposalInput.optional(),
});

/** `calc offers`: the offers for some debts, from their balances at asOf, within a policy (the default, or the default with changes). */
export function calcOffers(raw: unknown, shipped: Partial<Record<SeriesName, SeriesValue[]>>) {
  const input = parseRequest(offersRequest, raw);
  // As in negotiation: a month not yet published uses the last known index (marked provisional in the memory).
  const balances = calcBalance({ asOf: input.asOf, debts: input.debts, policy: { unpublishedMonth: 'last-known' }, ...(input.indices ? { indices: input.indices } : {}) }, shipped) as { debts: Array<{ daysOverdue: number; components: Record<Component, number>; total: number }> };
  const context: OfferContext = {
    asOf: input.asOf,
    debts: input.debts.map((d, i) => {
      const b = balances.debts[i]!;
      return { debtId: d.id, externalId: d.id, dueDate: d.dueDate, daysPastDue: b.daysOverdue, components: b.components, total: b.total };
    }),
    policy: { ...DEFAULT_OFFER_POLICY, ...input.policy },
    declaredIncomeCents: input.declaredIncome,
    calendar: new BusinessCalendar({ uf: input.uf, city: input.city }),
  };
  return { ...computeOffers(context), ...(input.proposal ? { proposal: priceProposal(context, input.proposal) } : {}) };
}

export function calcPlan(raw: unknown) {
  const input = parseRequest(planRequest, raw);
  if (input.businessDays && !input.uf) throw new AppError('validation', 'Campo uf: informe a UF para mover os vencimentos para dias úteis', { field: 'uf' });
  if (input.downPaymentDate && input.downPaymentDate >= input.firstDueDate) throw new AppError('validation', 'Campo downPaymentDate: a entrada deve vir antes da primeira parcela', { field: 'downPaymentDate' });
  if (input.downPayment !== undefined && input.downPayment >= input.principal) throw new AppError('validation', 'Campo downPayment: a entrada deve ser menor que o valor negociado', { field: 'downPayment' });
  const plan = buildPlan({
    method: input.method,
    principal: input.principal,
    monthlyRate: input.monthlyRate,
    installments: input.installments,
    firstDueDate: input.firstDueDate,
    ...(input.downPayment !== undefined ? { downPayment: input.downPayment } : {}),
    ...(input.downPaymentDate ? { downPaymentDate: input.downPaymentDate } : {}),
    ...(input.businessDays ? { calendar: new BusinessCalendar({ uf: input.uf, city: input.city, ...(input.municipalHolidays ? { municipalHolidays: { ...DEFAULT_MUNICIPAL_HOLIDAYS, ...input.municipalHolidays } } : {}) }) } : {}),
  });
  return plan;
}

export function calcPrescription(raw: unknown) {
  const input = parseRequest(prescriptionRequest, raw);
  return prescriptionOf({ kind: input.kind, dueDate: input.dueDate, interruptedOn: input.interruptedOn ?? null, chequeOtherPlace: input.chequeOtherPlace ?? false });
}

export function calcBusinessDays(raw: unknown) {
  const input = parseRequest(businessDaysRequest, raw);
  if (input.to < input.from) throw new AppError('validation', 'Campo to: a data final é anterior à inicial', { field: 'to' });
  const calendar = new BusinessCalendar({ uf: input.uf, city: input.city, kind: input.calendar, ...(input.municipalHolidays ? { municipalHolidays: { ...DEFAULT_MUNICIPAL_HOLIDAYS, ...input.municipalHolidays } } : {}) });
  return {
    businessDays: calendar.countBusinessDays(input.from, input.to),
    holidays: calendar.holidaysBetween(input.from, input.to).map((h) => ({ date: h.date, name: h.name, scope: h.scope, source: h.source })),
  };
}
