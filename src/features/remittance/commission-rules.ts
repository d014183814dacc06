import { z, zIsoDate, zUuid } from '../../api/zod.ts';
import { bandsProblem, periodsOverlap, type CommissionRule } from '../../domain/remittance/commission.ts';
import { formatDateBR } from '../../domain/dates.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { Schema } from '../../store/schema.ts';
import type { Selectable } from 'kysely';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

const zRate = z.string().regex(/^\d+(\.\d{1,6})?$/, 'percentual como fração em texto, ex.: "0.15" para 15% (até 6 casas)');
const zFee = z.number().int('valor em centavos deve ser inteiro').min(0).max(100_000_000);

export const commissionRuleInput = z.object({
  creditorId: zUuid,
  portfolioId: zUuid.nullish().describe('Só esta carteira; vazio: a regra padrão do credor'),
  name: z.string().trim().min(2).max(120),
  validFrom: zIsoDate,
  validTo: zIsoDate.nullish().describe('Último dia de vigência, inclusive; vazio: sem fim'),
  basis: z.enum(['days_past_due', 'amount_recovered']).describe('days_past_due: faixas por dias em atraso na data do pagamento; amount_recovered: faixas pelo valor recuperado no mês (centavos)'),
  bands: z.array(z.object({ from: z.number().int().min(0).describe('Início da faixa (dias, ou centavos)'), rate: zRate })).min(1).max(20),
  monthlyFeeCents: zFee.default(0).describe('Taxa fixa mensal'),
  perAgreementFeeCents: zFee.default(0).describe('Taxa por acordo fechado no mês'),
  perPaymentFeeCents: zFee.default(0).describe('Taxa por pagamento recebido'),
});

export const commissionRuleUpdate = commissionRuleInput.omit({ creditorId: true, portfolioId: true });

export const commissionRuleOutput = z.object({
  id: z.uuid(),
  creditorId: z.uuid(),
  portfolioId: z.uuid().nullable(),
  name: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  basis: z.enum(['days_past_due', 'amount_recovered']),
  bands: z.array(z.object({ from: z.number().int(), rate: z.string() })),
  monthlyFeeCents: z.number().int(),
  perAgreementFeeCents: z.number().int(),
  perPaymentFeeCents: z.number().int(),
  updatedAt: z.date(),
});

type RuleRow = Selectable<Schema['commission_rules']>;

export function toRule(row: RuleRow): CommissionRule {
  return {
    id: row.id, name: row.name, creditorId: row.creditor_id, portfolioId: row.portfolio_id, validFrom: row.valid_from, validTo: row.valid_to,
    basis: row.basis, bands: row.bands as CommissionRule['bands'], monthlyFeeCents: row.monthly_fee_cents, perAgreementFeeCents: row.per_agreement_fee_cents,
    perPaymentFeeCents: row.per_payment_fee_cents,
  };
}

function toOutput(row: RuleRow): z.infer<typeof commissionRuleOutput> {
  const { creditorId: _c, ...rule } = toRule(row);
  return { ...rule, creditorId: row.creditor_id, updatedAt: row.updated_at };
}

/** The creditor's rules (every portfolio and the default), oldest first. */
export async function rulesOf(tx: Tx, creditorId: string): Promise<CommissionRule[]> {
  const rows = await tx.db.selectFrom('commission_rules').selectAll().where('creditor_id', '=', creditorId).orderBy('valid_from').orderBy('id').execute();
  return rows.map(toRule);
}

export async function listCommissionRules(db: Database, actor: Actor, creditorId: string | undefined) {
  requirePermission(actor, 'remittance.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let query = tx.db.selectFrom('commission_rules').selectAll().orderBy('creditor_id').orderBy('valid_from').orderBy('name');
    if (creditorId) query = query.where('creditor_id', '=', creditorId);
    return (await query.execute()).map(toOutput);
  });
}

function checkShape(input: { bands: CommissionRule['bands']; validFrom: string; validTo?: string | null | undefined }) {
  const problem = bandsProblem(input.bands);
  if (problem) throw new AppError('validation', `Faixas da regra de comissão: ${problem}.`, { field: 'bands' });
  if (input.validTo && input.validTo < input.validFrom) throw new AppError('validation', 'O fim da vigência é anterior ao início.', { field: 'validTo' });
}

/** Two rules of the same creditor and portfolio (or both defaults) may not be in force on the same day. */
async function checkOverlap(tx: Tx, creditorId: string, portfolioId: string | null, period: { validFrom: string; validTo: string | null }, exceptId: string | null) {
  // The creditor row is the lock: two rules saved at once for it are checked one after the other.
  await tx.db.selectFrom('creditors').select('id').where('id', '=', creditorId).forUpdate().execute();
  const rows = await tx.db.selectFrom('commission_rules').selectAll().where('creditor_id', '=', creditorId)
    .where((eb) => (portfolioId === null ? eb('portfolio_id', 'is', null) : eb('portfolio_id', '=', portfolioId))).execute();
  const clash = rows.find((r) => r.id !== exceptId && periodsOverlap({ validFrom: r.valid_from, validTo: r.valid_to }, period));
  if (clash) {
    throw new AppError('conflict', `A vigência coincide com a da regra "${clash.name}" (de ${formatDateBR(clash.valid_from)}${clash.valid_to ? ` a ${formatDateBR(clash.valid_to)}` : ', sem fim'}) do mesmo ${portfolioId ? 'credor e carteira' : 'credor (regra padrão)'}; encerre-a antes.`, { field: 'validFrom' });
  }
}

export async function createCommissionRule(db: Database, actor: Actor, input: z.input<typeof commissionRuleInput>) {
  requirePermission(actor, 'remittance.write');
  const rule = commissionRuleInput.parse(input);
  checkShape(rule);
  return db.scoped(scopeOf(actor), async (tx) => {
    const creditor = await tx.db.selectFrom('creditors').select('id').where('id', '=', rule.creditorId).executeTakeFirst();
    if (!creditor) throw notFound('Credor');
    const portfolioId = rule.portfolioId ?? null;
    if (portfolioId) {
      const portfolio = await tx.db.selectFrom('portfolios').select('creditor_id').where('id', '=', portfolioId).executeTakeFirst();
      if (!portfolio) throw notFound('Carteira');
      if (portfolio.creditor_id !== rule.creditorId) throw new AppError('validation', 'A carteira não é deste credor.', { field: 'portfolioId' });
    }
    await checkOverlap(tx, rule.creditorId, portfolioId, { validFrom: rule.validFrom, validTo: rule.validTo ?? null }, null);
    const row = await tx.db.insertInto('commission_rules').values({
      tenant_id: actor.tenantId, creditor_id: rule.creditorId, portfolio_id: portfolioId, name: rule.name, valid_from: rule.validFrom, valid_to: rule.validTo ?? null,
      basis: rule.basis, bands: JSON.stringify(rule.bands), monthly_fee_cents: rule.monthlyFeeCents, per_agreement_fee_cents: rule.perAgreementFeeCents,
      per_payment_fee_cents: rule.perPaymentFeeCents, updated_by: actor.userId,
    }).returningAll().executeTakeFirstOrThrow();
    return toOutput(row);
  });
}

/**
 * Changes a rule. Issued statements keep the figures they were issued with (their snapshot);
 * the change applies to the drafts and to what comes next.
 */
export async function updateCommissionRule(db: Database, actor: Actor, ruleId: string, input: z.input<typeof commissionRuleUpdate>) {
  requirePermission(actor, 'remittance.write');
  const rule = commissionRuleUpdate.parse(input);
  checkShape(rule);
  return db.scoped(scopeOf(actor), async (tx) => {
    const existing = await tx.db.selectFrom('commission_rules').selectAll().where('id', '=', ruleId).executeTakeFirst();
    if (!existing) throw notFound('Regra de comissão');
    await checkOverlap(tx, existing.creditor_id, existing.portfolio_id, { validFrom: rule.validFrom, validTo: rule.validTo ?? null }, ruleId);
    const row = await tx.db.updateTable('commission_rules').set({
      name: rule.name, valid_from: rule.validFrom, valid_to: rule.validTo ?? null, basis: rule.basis, bands: JSON.stringify(rule.bands),
      monthly_fee_cents: rule.monthlyFeeCents, per_agreement_fee_cents: rule.perAgreementFeeCents, per_payment_fee_cents: rule.perPaymentFeeCents,
      updated_by: actor.userId, updated_at: new Date(),
    }).where('id', '=', ruleId).returningAll().executeTakeFirstOrThrow();
    return toOutput(row);
  });
}

export async function deleteCommissionRule(db: Database, actor: Actor, ruleId: string): Promise<void> {
  requirePermission(actor, 'remittance.write');
  await db.scoped(scopeOf(actor), async (tx) => {
    const deleted = await tx.db.deleteFrom('commission_rules').where('id', '=', ruleId).returning('id').executeTakeFirst();
    if (!deleted) throw notFound('Regra de comissão');
  });
}
