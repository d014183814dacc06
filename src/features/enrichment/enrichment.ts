import { formatDocument, parseDocument, documentProblemMessages, type DocumentKind } from '../../brazil/documents.ts';
import { formatPhone } from '../../brazil/phones.ts';
import { formatCep, normalizeCep } from '../../brazil/uf.ts';
import {
  budgetDayOf, budgetDecision, cacheExpiry, ENRICHMENT_LEGAL_BASIS, enrichmentSource, isFresh, mergeContacts, SKIP_REASON_LABELS,
  type CepAddress, type DailyBudget, type DailyUsage, type EnrichmentResult, type SkipReason,
} from '../../domain/enrichment/enrichment.ts';
import { formatBRL } from '../../domain/money.ts';
import type { Config } from '../../shared/config.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import type { ContactPoint, PostalAddress } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { requirePermission, scopeOf, type StaffActor } from '../auth/permissions.ts';
import { normalizeContact } from '../debtors/normalize-contact.ts';
import { appendEvent } from '../debtors/timeline.ts';
import { brasilApiCepProvider, brasilApiCnpjProvider } from './brasilapi.ts';
import type { CepProvider, DocumentProvider, ProviderAnswer } from './providers.ts';

/** The providers of an installation, what each lookup costs, how long answers are kept, the default budget. */
export interface EnrichmentSetup {
  documentProviders: DocumentProvider[];
  cepProvider: CepProvider | null;
  costCents: Record<string, number>;
  ttl: { foundDays: number; notFoundHours: number };
  defaultBudget: DailyBudget;
}

export interface EnrichmentContext {
  db: Database;
  setup: EnrichmentSetup;
  now: () => Date;
}

/** Where BrasilAPI is: the configured URL; else, in the demo, the stand-in this server mounts; else the public service. */
export function brasilApiUrlOf(config: Pick<Config, 'ENRICHMENT_BRASILAPI_URL' | 'SEED_DEMO' | 'PORT' | 'HOST'>): string {
  if (config.ENRICHMENT_BRASILAPI_URL) return config.ENRICHMENT_BRASILAPI_URL;
  if (!config.SEED_DEMO) return 'https://brasilapi.com.br';
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' || config.HOST === '' ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}${STAND_IN_PREFIX}`;
}

/** Where the demo server mounts the BrasilAPI stand-in. */
export const STAND_IN_PREFIX = '/stand-in/brasilapi';

export function enrichmentSetupOf(config: Config, now: () => Date, fetchImpl?: typeof fetch): EnrichmentSetup {
  const http = { baseUrl: brasilApiUrlOf(config), timeoutMs: config.ENRICHMENT_TIMEOUT_MS, ...(fetchImpl ? { fetch: fetchImpl } : {}) };
  const cnpj = brasilApiCnpjProvider({ ...http, now });
  const cep = brasilApiCepProvider(http);
  return {
    documentProviders: [cnpj],
    cepProvider: cep,
    costCents: { [cnpj.name]: config.ENRICHMENT_BRASILAPI_COST_CENTS, [cep.name]: config.ENRICHMENT_BRASILAPI_CEP_COST_CENTS },
    ttl: { foundDays: config.ENRICHMENT_CACHE_TTL_DAYS, notFoundHours: config.ENRICHMENT_NOT_FOUND_TTL_HOURS },
    defaultBudget: { budgetCents: config.ENRICHMENT_DAILY_BUDGET_CENTS, maxLookups: config.ENRICHMENT_DAILY_MAX_LOOKUPS },
  };
}

// ── Budget ──────────────────────────────────────────────────────────────────────────────────

export interface BudgetToday extends DailyBudget, DailyUsage {
  day: string;
  remainingCents: number;
  remainingLookups: number;
  /** 'tenant': the tenant's own budget; 'config': the installation's default. */
  budgetSource: 'tenant' | 'config';
}

async function budgetToday(tx: Tx, tenantId: string, setup: EnrichmentSetup, now: Date): Promise<BudgetToday> {
  const own = await tx.db.selectFrom('enrichment_budgets').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  const budget: DailyBudget = own ? { budgetCents: Number(own.daily_budget_cents), maxLookups: own.daily_max_lookups } : setup.defaultBudget;
  const { day, startsAt } = budgetDayOf(now);
  // Calls under way ('pending') count: their cost is reserved until the provider answers.
  const { rows } = await tx.sql.query<{ spent: number | string; paid: number | string }>(
    `select coalesce(sum(cost_cents), 0)::bigint as spent, count(*) filter (where cost_cents > 0)::int as paid
       from enrichment_lookups where tenant_id = $1 and at >= $2 and outcome in ('pending', 'found', 'not_found')`,
    [tenantId, startsAt.toISOString()],
  );
  const usage = { spentCents: Number(rows[0]!.spent), paidLookups: Number(rows[0]!.paid) };
  return {
    day, ...budget, ...usage,
    remainingCents: Math.max(0, budget.budgetCents - usage.spentCents),
    remainingLookups: Math.max(0, budget.maxLookups - usage.paidLookups),
    budgetSource: own ? 'tenant' : 'config',
  };
}

// ── One lookup, through the cache and the budget ────────────────────────────────────────────

export interface LookupOutcome<T> {
  lookupId: string;
  provider: string;
  found: boolean;
  result: T | null;
  cached: boolean;
  costCents: number;
  fetchedAt: Date;
  expiresAt: Date;
}

interface LookupRequest<T> {
  kind: 'document' | 'cep';
  key: string;
  provider: string;
  debtorId: string | null;
  route: string | undefined;
  call: () => Promise<ProviderAnswer<T>>;
}

/**
 * A lookup: served from the tenant's cache while fresh (free), otherwise sent to the provider
 * if the day's budget allows its cost. Every lookup — hit, call, refusal or failure — leaves a
 * row in enrichment_lookups with the legal basis; the cost of a call is reserved before it leaves
 * (so concurrent lookups cannot overrun the budget) and released if the provider fails.
 */
async function lookupThrough<T>(ctx: EnrichmentContext, actor: StaffActor, request: LookupRequest<T>): Promise<LookupOutcome<T>> {
  const now = ctx.now();
  const scope = scopeOf(actor);
  const record = {
    tenant_id: actor.tenantId, user_id: actor.userId, debtor_id: request.debtorId, document: request.key, kind: request.kind,
    provider: request.provider, legal_basis: ENRICHMENT_LEGAL_BASIS,
  };
  const audit = (tx: Tx, cached: boolean, outcome: string) =>
    recordAccess(tx, actor, {
      action: 'read', resource: request.kind === 'cep' ? 'enrichment_cep' : 'enrichment', subjectIds: request.debtorId ? [request.debtorId] : [],
      ...(request.route ? { route: request.route } : {}),
      details: { provider: request.provider, cached, outcome, legalBasis: ENRICHMENT_LEGAL_BASIS },
    });
  const cost = ctx.setup.costCents[request.provider] ?? 0;

  const first = await ctx.db.scoped(scope, async (tx) => {
    // One tenant's lookups decide on the budget one at a time.
    await tx.sql.query(`select pg_advisory_xact_lock(hashtext('enrichment:' || $1::text))`, [actor.tenantId]);
    const cached = await tx.db.selectFrom('enrichment_cache').selectAll().where('provider', '=', request.provider).where('key', '=', request.key).executeTakeFirst();
    if (cached && isFresh(cached.expires_at, now)) {
      const row = await tx.db.insertInto('enrichment_lookups').values({ ...record, cost_cents: 0, cached: true, outcome: cached.found ? 'found' : 'not_found', at: now }).returning('id').executeTakeFirstOrThrow();
      await audit(tx, true, cached.found ? 'found' : 'not_found');
      return { hit: { lookupId: row.id, provider: request.provider, found: cached.found, result: cached.found ? (cached.result as T) : null, cached: true, costCents: 0, fetchedAt: cached.fetched_at, expiresAt: cached.expires_at } };
    }
    const today = await budgetToday(tx, actor.tenantId, ctx.setup, now);
    const decision = budgetDecision(today, today, cost);
    if (!decision.ok) {
      await tx.db.insertInto('enrichment_lookups').values({ ...record, cost_cents: 0, cached: false, outcome: 'budget_exceeded', error: decision.reason, at: now }).execute();
      return { refused: { reason: decision.reason, today } };
    }
    const row = await tx.db.insertInto('enrichment_lookups').values({ ...record, cost_cents: cost, cached: false, outcome: 'pending', at: now }).returning('id').executeTakeFirstOrThrow();
    return { reserved: row.id };
  });
  if (first.hit) return first.hit;
  if (first.refused) {
    const { reason, today } = first.refused;
    throw new AppError(
      'rate_limited',
      reason === 'cents'
        ? `Orçamento diário de enriquecimento esgotado: ${formatBRL(today.spentCents)} de ${formatBRL(today.budgetCents)} usados hoje e esta consulta custa ${formatBRL(cost)}. Consultas já em cache continuam gratuitas; o limite renova à meia-noite (horário de Brasília) ou o administrador pode aumentá-lo.`
        : `Limite diário de consultas pagas de enriquecimento atingido: ${today.paidLookups} de ${today.maxLookups} hoje. Consultas já em cache continuam gratuitas; o limite renova à meia-noite (horário de Brasília) ou o administrador pode aumentá-lo.`,
    );
  }
  const lookupId = first.reserved!;

  let answer: ProviderAnswer<T>;
  try {
    answer = await request.call();
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'falha desconhecida';
    // A failed call costs nothing: the reservation is released.
    await ctx.db.scoped(scope, (tx) => tx.db.updateTable('enrichment_lookups').set({ outcome: 'error', cost_cents: 0, error: message.slice(0, 500) }).where('id', '=', lookupId).execute());
    throw error;
  }

  const expiresAt = cacheExpiry(now, answer.found, ctx.setup.ttl);
  const result = answer.found ? answer.result : null;
  await ctx.db.scoped(scope, async (tx) => {
    const entry = { found: answer.found, result: result === null ? null : JSON.stringify(result), fetched_at: now, expires_at: expiresAt };
    await tx.db
      .insertInto('enrichment_cache')
      .values({ tenant_id: actor.tenantId, provider: request.provider, key: request.key, ...entry })
      .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'key']).doUpdateSet(entry))
      .execute();
    await tx.db.updateTable('enrichment_lookups').set({ outcome: answer.found ? 'found' : 'not_found' }).where('id', '=', lookupId).execute();
    await audit(tx, false, answer.found ? 'found' : 'not_found');
  });
  return { lookupId, provider: request.provider, found: answer.found, result, cached: false, costCents: cost, fetchedAt: now, expiresAt };
}

function parseLookupDocument(input: string): { value: string; kind: DocumentKind } {
  const parsed = parseDocument(input);
  if (!parsed.ok) throw new AppError('validation', `CPF/CNPJ: ${documentProblemMessages[parsed.problem]}`, { field: 'document' });
  return parsed.document;
}

/** What the providers know of a CPF/CNPJ: a preview (fills the new-debtor form); nothing is written to any debtor. */
export async function lookupDocument(ctx: EnrichmentContext, actor: StaffActor, input: string, options: { debtorId?: string | null; route?: string } = {}): Promise<LookupOutcome<EnrichmentResult>> {
  requirePermission(actor, 'enrichment.run');
  const document = parseLookupDocument(input);
  const provider = ctx.setup.documentProviders.find((p) => p.documentKinds.includes(document.kind));
  if (!provider) {
    throw new AppError(
      'validation',
      document.kind === 'cpf'
        ? 'Nenhum provedor de enriquecimento consulta CPF nesta instalação (a BrasilAPI consulta o cadastro público de empresas, por CNPJ).'
        : 'Nenhum provedor de enriquecimento consulta CNPJ nesta instalação.',
      { field: 'document' },
    );
  }
  return lookupThrough(ctx, actor, { kind: 'document', key: document.value, provider: provider.name, debtorId: options.debtorId ?? null, route: options.route, call: () => provider.lookup(document.value, document.kind) });
}

/** The address of a CEP. */
export async function lookupCep(ctx: EnrichmentContext, actor: StaffActor, input: string, route?: string): Promise<LookupOutcome<CepAddress>> {
  requirePermission(actor, 'enrichment.run');
  const cep = normalizeCep(input);
  if (!/^\d{8}$/.test(cep)) throw new AppError('validation', 'CEP deve ter 8 dígitos.', { field: 'cep' });
  const provider = ctx.setup.cepProvider;
  if (!provider) throw new AppError('validation', 'Nenhum provedor de CEP configurado nesta instalação.', { field: 'cep' });
  return lookupThrough(ctx, actor, { kind: 'cep', key: cep, provider: provider.name, debtorId: null, route, call: () => provider.lookup(cep) });
}

// ── Applying a result to a debtor ───────────────────────────────────────────────────────────

interface Candidate {
  channel: 'phone' | 'email' | 'address';
  value: string;
  display: string;
  phoneKind: 'mobile' | 'landline' | null;
  address: PostalAddress | null;
  observedOn: string;
}

/** The found contacts in the form the record stores (E.164, lowercase e-mail, one-line address); the unusable ones apart. */
function candidatesOf(result: EnrichmentResult): { candidates: Candidate[]; unusable: Array<{ channel: Candidate['channel']; display: string; reason: SkipReason; detail: string }> } {
  const candidates: Candidate[] = [];
  const unusable: Array<{ channel: Candidate['channel']; display: string; reason: SkipReason; detail: string }> = [];
  const add = (channel: Candidate['channel'], shown: string, observedOn: string, input: Parameters<typeof normalizeContact>[0]) => {
    try {
      const n = normalizeContact(input);
      candidates.push({ channel, value: n.value, display: channel === 'phone' ? formatPhone(n.value) : n.value, phoneKind: n.phoneKind, address: n.address, observedOn });
    } catch (error) {
      unusable.push({ channel, display: shown, reason: 'unusable', detail: error instanceof AppError ? error.message : 'inválido' });
    }
  };
  for (const p of result.phones) add('phone', p.value, p.observedOn, { channel: 'phone', value: p.value });
  for (const e of result.emails) add('email', e.value, e.observedOn, { channel: 'email', value: e.value });
  for (const a of result.addresses) add('address', `${a.street}, ${a.city}/${a.uf}`, a.observedOn, { channel: 'address', address: a });
  return { candidates, unusable };
}

export interface EnrichDebtorReport {
  lookup: Omit<LookupOutcome<EnrichmentResult>, 'result'>;
  result: EnrichmentResult | null;
  /** The debtor's name matches the registry's legal name (accents and case aside); null when nothing was found. */
  nameMatches: boolean | null;
  added: ContactPoint[];
  skipped: Array<{ channel: 'phone' | 'email' | 'address'; display: string; reason: SkipReason; reasonLabel: string }>;
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim().toUpperCase();

/**
 * Looks the debtor's document up and adds what was found to the record: the new contacts enter
 * unverified with source `enrichment:<provider>`; a contact already there (verified or not, or
 * known to be wrong) is left exactly as it is. The case timeline gets one event, the audit log the
 * read and the change; the debtor's name is never changed by a provider.
 */
export async function enrichDebtor(ctx: EnrichmentContext, actor: StaffActor, debtorId: string, route?: string): Promise<EnrichDebtorReport> {
  requirePermission(actor, 'enrichment.run');
  requirePermission(actor, 'debtors.write');
  const debtor = await ctx.db.scoped(scopeOf(actor), (tx) => tx.db.selectFrom('debtors').select(['id', 'document', 'name']).where('id', '=', debtorId).executeTakeFirst());
  if (!debtor) throw notFound('Devedor');
  const outcome = await lookupDocument(ctx, actor, debtor.document, { debtorId, ...(route ? { route } : {}) });
  const { result: found, ...lookup } = outcome;
  const source = enrichmentSource(outcome.provider);

  return ctx.db.scoped(scopeOf(actor), async (tx) => {
    const known = await tx.db.selectFrom('contact_points').select(['channel', 'value', 'verified', 'invalid_at']).where('debtor_id', '=', debtorId).execute();
    const { candidates, unusable } = found ? candidatesOf(found) : { candidates: [], unusable: [] };
    const merged = mergeContacts(known.map((k) => ({ channel: k.channel, value: k.value, verified: k.verified, invalid: k.invalid_at !== null })), candidates);
    const added: ContactPoint[] = [];
    const raced: Candidate[] = [];
    for (const c of merged.add) {
      const row = await tx.db
        .insertInto('contact_points')
        .values({
          tenant_id: actor.tenantId, debtor_id: debtorId, channel: c.channel, value: c.value, address: c.address ? JSON.stringify(c.address) : null,
          phone_kind: c.phoneKind, label: null, source, verified: false, is_reference: false,
        })
        // Added meanwhile by someone else: theirs stays, untouched.
        .onConflict((oc) => oc.columns(['debtor_id', 'channel', 'value']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) added.push(row);
      else raced.push(c);
    }
    const skipped = [
      ...merged.skipped.map((s) => ({ channel: s.channel, display: s.display, reason: s.reason })),
      ...raced.map((c) => ({ channel: c.channel, display: c.display, reason: 'already_known' as const })),
      ...unusable.map((u) => ({ channel: u.channel, display: u.display, reason: u.reason })),
    ].map((s) => ({ ...s, reasonLabel: SKIP_REASON_LABELS[s.reason] }));
    const legalName = found?.names.find((n) => n.role === 'legal_name')?.value ?? null;
    const nameMatches = found ? legalName !== null && fold(legalName) === fold(debtor.name) : null;
    await appendEvent(tx, actor, {
      debtorId,
      type: 'debtor.enriched',
      data: {
        provider: outcome.provider, lookupId: outcome.lookupId, found: outcome.found, cached: outcome.cached, costCents: outcome.costCents,
        legalBasis: ENRICHMENT_LEGAL_BASIS, nameMatches,
        added: added.map((c) => ({ contactId: c.id, channel: c.channel })),
        skipped: skipped.map((s) => ({ channel: s.channel, reason: s.reason })),
      },
    });
    if (added.length) await recordAccess(tx, actor, { action: 'update', resource: 'debtor', subjectIds: [debtorId], ...(route ? { route } : {}), details: { fields: ['contacts'], source } });
    return { lookup, result: found, nameMatches, added, skipped };
  });
}

// ── The log ─────────────────────────────────────────────────────────────────────────────────

export async function listLookups(ctx: EnrichmentContext, actor: StaffActor, query: { limit: number; offset: number; debtorId?: string | undefined }, route?: string) {
  requirePermission(actor, 'enrichment.read');
  return ctx.db.scoped(scopeOf(actor), async (tx) => {
    let q = tx.db
      .selectFrom('enrichment_lookups as l')
      .leftJoin('users as u', 'u.id', 'l.user_id')
      .selectAll('l')
      .select('u.name as user_name');
    if (query.debtorId) q = q.where('l.debtor_id', '=', query.debtorId);
    const rows = await q.orderBy('l.at', 'desc').orderBy('l.id', 'desc').limit(query.limit + 1).offset(query.offset).execute();
    const page = rows.slice(0, query.limit);
    // The log names the documents looked up: reading it is a read of personal data.
    await recordAccess(tx, actor, { action: 'read', resource: 'enrichment_lookups', subjectIds: page.flatMap((r) => (r.debtor_id ? [r.debtor_id] : [])), ...(route ? { route } : {}) });
    return {
      items: page.map((r) => ({
        id: r.id, at: r.at, userId: r.user_id, userName: r.user_name, debtorId: r.debtor_id,
        document: r.document,
        documentFormatted: r.kind === 'cep' ? formatCep(r.document) : formatDocument(r.document),
        kind: r.kind, provider: r.provider, legalBasis: r.legal_basis, costCents: Number(r.cost_cents), cached: r.cached, outcome: r.outcome, error: r.error,
      })),
      limit: query.limit,
      offset: query.offset,
      hasMore: rows.length > query.limit,
      today: await budgetToday(tx, actor.tenantId, ctx.setup, ctx.now()),
    };
  });
}

/** The tenant's own daily budget (replacing the configured default). */
export async function setBudget(ctx: EnrichmentContext, actor: StaffActor, input: { dailyBudgetCents: number; dailyMaxLookups: number }): Promise<BudgetToday> {
  requirePermission(actor, 'enrichment.configure');
  return ctx.db.scoped(scopeOf(actor), async (tx) => {
    const values = { daily_budget_cents: input.dailyBudgetCents, daily_max_lookups: input.dailyMaxLookups, updated_by: actor.userId, updated_at: ctx.now() };
    await tx.db.insertInto('enrichment_budgets').values({ tenant_id: actor.tenantId, ...values }).onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
    return budgetToday(tx, actor.tenantId, ctx.setup, ctx.now());
  });
}
