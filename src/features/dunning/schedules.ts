import { z, zUf, zUuid } from '../../api/zod.ts';
import type { Schedule } from '../../domain/dunning/schedule.ts';
import { checkTemplate, renderTemplate, sampleContext, whatsappTemplateText } from '../../domain/dunning/templates.ts';
import { whatsappTemplateName } from './channels/whatsapp.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

const CHANNELS = ['email', 'sms', 'whatsapp', 'voice', 'letter', 'task', 'bureau', 'protest', 'legal'] as const;
const STOPS = ['paid', 'active_agreement', 'disputed', 'prescribed', 'opt_out', 'over_indebted'] as const;

export const stepInput = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'identificador do passo: letras minúsculas, números e hífens'),
  offsetDays: z.number().int().min(-60).max(3650).describe('Dias a partir da âncora; negativo = antes do vencimento'),
  anchor: z.enum(['due_date', 'agreement_breach', 'promise_broken', 'installment_due']).default('due_date').describe('due_date: vencimento do título; agreement_breach / promise_broken: quebra de acordo / promessa; installment_due: vencimento de cada parcela de acordo'),
  stage: z.enum(['aviso', 'alerta', 'acao']),
  action: z.enum(CHANNELS),
  template: z.string().min(1).max(80),
  conditions: z
    .object({
      minAmountCents: z.number().int().min(0).optional(),
      maxAmountCents: z.number().int().min(0).optional(),
      minDaysPastDue: z.number().int().optional(),
      maxDaysPastDue: z.number().int().optional(),
      debtorKinds: z.array(z.enum(['pf', 'pj'])).optional(),
      ufs: z.array(zUf).optional(),
      scoreBands: z.array(z.string()).optional(),
      requiresConsent: z.boolean().optional(),
    })
    .optional(),
});

const stepsInput = z
  .array(stepInput)
  .min(1)
  .max(100)
  .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, 'identificadores de passo repetidos');

export const scheduleInput = z.object({
  portfolioId: zUuid,
  segment: z.string().trim().min(1).max(60).nullish(),
  name: z.string().trim().min(2).max(120),
  steps: stepsInput,
  stopConditions: z.array(z.enum(STOPS)).default([...STOPS]),
});
export const scheduleEdit = z.object({ name: z.string().trim().min(2).max(120).optional(), steps: stepsInput, stopConditions: z.array(z.enum(STOPS)) });

export const scheduleOutput = z.object({
  id: z.uuid(),
  portfolioId: z.uuid(),
  segment: z.string().nullable(),
  name: z.string(),
  version: z.number().int(),
  steps: z.array(stepInput),
  stopConditions: z.array(z.string()),
  versions: z.array(z.object({ version: z.number().int(), createdAt: z.date(), createdBy: z.string().nullable() })),
});

async function loadSchedule(tx: Tx, id: string): Promise<z.infer<typeof scheduleOutput>> {
  const head = await tx.db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!head) throw notFound('Régua');
  const versions = await tx.db.selectFrom('schedule_versions').selectAll().where('schedule_id', '=', id).orderBy('version', 'desc').execute();
  const current = versions.find((v) => v.version === head.current_version)!;
  return {
    id: head.id,
    portfolioId: head.portfolio_id,
    segment: head.segment,
    name: head.name,
    version: head.current_version,
    steps: current.steps as z.infer<typeof stepInput>[],
    stopConditions: current.stop_conditions,
    versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at, createdBy: v.created_by })),
  };
}

/** The schedule as the pure evaluator takes it. */
export function toSchedule(output: z.infer<typeof scheduleOutput>): Schedule {
  return { id: output.id, version: output.version, name: output.name, steps: output.steps, stopConditions: output.stopConditions as Schedule['stopConditions'] };
}

async function requireTemplates(tx: Tx, steps: ReadonlyArray<{ template: string; action: string }>) {
  const keys = [...new Set(steps.map((s) => s.template))];
  const found = new Set((await tx.db.selectFrom('message_templates').select('key').where('key', 'in', keys).execute()).map((r) => r.key));
  const missing = keys.filter((k) => !found.has(k));
  if (missing.length) throw new AppError('validation', `Modelo de mensagem inexistente: ${missing.join(', ')}. Cadastre-o em /api/templates.`, { field: 'steps' });
}

export async function listSchedules(db: Database, actor: Actor, filter: { portfolioId?: string | undefined }) {
  requirePermission(actor, 'schedules.read');
  return db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db.selectFrom('schedules').select('id').orderBy('name');
    if (filter.portfolioId) q = q.where('portfolio_id', '=', filter.portfolioId);
    const rows = await q.execute();
    return Promise.all(rows.map((r) => loadSchedule(tx, r.id)));
  });
}

export async function getSchedule(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'schedules.read');
  return db.scoped(scopeOf(actor), (tx) => loadSchedule(tx, id));
}

export async function createSchedule(db: Database, actor: Actor, input: z.infer<typeof scheduleInput>) {
  requirePermission(actor, 'schedules.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const portfolio = await tx.db.selectFrom('portfolios').select(['id', 'creditor_id']).where('id', '=', input.portfolioId).executeTakeFirst();
    if (!portfolio) throw new AppError('validation', 'Carteira não encontrada.', { field: 'portfolioId' });
    await requireTemplates(tx, input.steps);
    const head = await tx.db
      .insertInto('schedules')
      .values({ tenant_id: actor.tenantId, creditor_id: portfolio.creditor_id, portfolio_id: portfolio.id, segment: input.segment ?? null, name: input.name })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((error: { code?: string }) => {
        if (error.code === '23505') throw new AppError('conflict', 'Esta carteira já tem uma régua para este segmento.', { field: 'segment' });
        throw error;
      });
    await tx.db
      .insertInto('schedule_versions')
      .values({ tenant_id: actor.tenantId, schedule_id: head.id, creditor_id: portfolio.creditor_id, version: 1, steps: JSON.stringify(input.steps), stop_conditions: input.stopConditions, created_by: actor.userId })
      .execute();
    await recordAccess(tx, actor, { action: 'create', resource: 'schedule', details: { scheduleId: head.id } });
    return loadSchedule(tx, head.id);
  });
}

/** An edit is a new version; the old ones stay, and actions keep pointing at theirs. */
export async function editSchedule(db: Database, actor: Actor, id: string, input: z.infer<typeof scheduleEdit>) {
  requirePermission(actor, 'schedules.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const head = await tx.db.selectFrom('schedules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!head) throw notFound('Régua');
    await requireTemplates(tx, input.steps);
    const version = head.current_version + 1;
    await tx.db
      .insertInto('schedule_versions')
      .values({ tenant_id: actor.tenantId, schedule_id: id, creditor_id: head.creditor_id, version, steps: JSON.stringify(input.steps), stop_conditions: input.stopConditions, created_by: actor.userId })
      .execute();
    await tx.db.updateTable('schedules').set({ current_version: version, ...(input.name ? { name: input.name } : {}) }).where('id', '=', id).execute();
    await recordAccess(tx, actor, { action: 'update', resource: 'schedule', details: { scheduleId: id, version } });
    return loadSchedule(tx, id);
  });
}

// Templates

export const templateInput = z.object({
  key: z.string().regex(/^[a-z0-9-]{2,80}$/, 'chave: letras minúsculas, números e hífens'),
  channel: z.enum(CHANNELS),
  body: z.string().min(1).max(20_000),
});
export const templateOutput = templateInput.extend({ id: z.uuid(), updatedAt: z.date() });
export const previewOutput = z.object({
  text: z.string().nullable(),
  /** For WhatsApp: the template to register at Meta (our text with positional parameters) and its name. */
  whatsapp: z.object({ name: z.string(), language: z.string(), text: z.string() }).optional(),
  problems: z.array(z.object({ rule: z.string(), source: z.string(), message: z.string() })),
});

/** A template is saved only when it passes the checks (CDC arts. 42, 42-A and 71). */
function refuseProblems(input: { body: string; channel: (typeof CHANNELS)[number] }) {
  const problems = checkTemplate(input.body, input.channel);
  if (problems.length) {
    throw new AppError('validation', `Modelo recusado: ${problems.map((p) => `${p.message} (${p.source})`).join('; ')}`, {
      field: 'body',
      problems: problems.map((p) => ({ field: 'body', message: `${p.rule}: ${p.message}` })),
    });
  }
}

export async function listTemplates(db: Database, actor: Actor) {
  requirePermission(actor, 'schedules.read');
  const rows = await db.scoped(scopeOf(actor), (tx) => tx.db.selectFrom('message_templates').selectAll().orderBy('key').execute());
  return rows.map((r) => ({ id: r.id, key: r.key, channel: r.channel as (typeof CHANNELS)[number], body: r.body, updatedAt: r.updated_at }));
}

export async function saveTemplate(db: Database, actor: Actor, input: z.infer<typeof templateInput>) {
  requirePermission(actor, 'schedules.write');
  refuseProblems(input);
  return db.scoped(scopeOf(actor), async (tx) => {
    const row = await tx.db
      .insertInto('message_templates')
      .values({ tenant_id: actor.tenantId, key: input.key, channel: input.channel, body: input.body, updated_by: actor.userId })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ channel: input.channel, body: input.body, updated_by: actor.userId, updated_at: new Date() }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return { id: row.id, key: row.key, channel: input.channel, body: row.body, updatedAt: row.updated_at };
  });
}

/** Renders a draft against a sample case and lists what the checks would refuse. */
export function previewTemplate(actor: Actor, input: { key?: string | undefined; body: string; channel: (typeof CHANNELS)[number] }) {
  requirePermission(actor, 'schedules.write'); // a tool of the template editor
  const problems = checkTemplate(input.body, input.channel);
  let text: string | null = null;
  try {
    text = renderTemplate(input.body, sampleContext());
  } catch (error) {
    if (!problems.length) problems.push({ rule: 'template_syntax', source: 'Handlebars', message: (error as Error).message.split('\n')[0]! });
  }
  return { text, problems, ...(input.channel === 'whatsapp' && input.key ? { whatsapp: { name: whatsappTemplateName(input.key), language: 'pt_BR', text: whatsappTemplateText(input.body) } } : {}) };
}
