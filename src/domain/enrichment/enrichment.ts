/**
 * Enrichment from a single datum (a CPF/CNPJ or a CEP): what a data provider says about a
 * person or company, with the source and date of every datum, and the rules that decide what of
 * it may enter a debtor's record and what a lookup may cost. Pure: no I/O, the instant is given.
 */
import type { PostalAddress } from '../../brazil/address.ts';
import { instantAt, localTime } from '../compliance/local-time.ts';

/** The legal basis recorded with every lookup. LGPD (Lei 13.709/2018) art. 7º X: processing for the protection of credit. */
export const ENRICHMENT_LEGAL_BASIS = 'LGPD art. 7º X — proteção do crédito';

/** The source written on a contact that came from a provider: `enrichment:<provider>`. */
export const enrichmentSource = (provider: string): string => `enrichment:${provider}`;

/** Where a datum came from and the date the provider gives for it (or the day it was fetched). */
export interface Sourced {
  source: string;
  observedOn: string;
}

export interface FoundName extends Sourced {
  value: string;
  role: 'legal_name' | 'trade_name' | 'partner';
  /** For a partner: the qualification in the company ("Sócio-Administrador"). */
  detail: string | null;
}

export interface FoundAddress extends Sourced, PostalAddress {}

export interface FoundValue extends Sourced {
  value: string;
}

export interface CompanyFacts {
  /** Situação cadastral ("Ativa", "Baixada", "Inapta"…) and since when. */
  status: string | null;
  statusDate: string | null;
  mainActivity: string | null;
  openedOn: string | null;
  partners: Array<{ name: string; qualification: string | null; since: string | null }>;
}

/** A provider's answer about one CPF/CNPJ, in one shape whatever the provider. */
export interface EnrichmentResult {
  document: string;
  kind: 'pf' | 'pj';
  provider: string;
  /** ISO instant the provider answered. */
  fetchedAt: string;
  names: FoundName[];
  addresses: FoundAddress[];
  phones: FoundValue[];
  emails: FoundValue[];
  company: CompanyFacts | null;
}

/** A provider's answer about one CEP. */
export interface CepAddress {
  cep: string;
  uf: string;
  city: string;
  district: string | null;
  street: string | null;
  provider: string;
  /** The upstream service the provider used (BrasilAPI's `service`: correios, viacep…). */
  service: string | null;
}

// ── Merging found contacts into a debtor's record ───────────────────────────────────────────

/** A contact the debtor already has, in its normalized form. */
export interface KnownContact {
  channel: 'phone' | 'email' | 'address';
  value: string;
  verified: boolean;
  invalid: boolean;
}

export type SkipReason = 'verified_exists' | 'already_known' | 'known_invalid' | 'repeated' | 'unusable';

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  verified_exists: 'já cadastrado e verificado',
  already_known: 'já cadastrado',
  known_invalid: 'já cadastrado e marcado como inválido',
  repeated: 'repetido na resposta do provedor',
  unusable: 'inválido',
};

/**
 * What of the found contacts enters the record. A found contact never overwrites or duplicates a
 * known one — verified or not, its row, source and verification stay as they are — and one
 * known to be wrong (a returned e-mail, a wrong number) is not brought back. The rest enter as
 * unverified, each once, in the provider's order.
 */
export function mergeContacts<C extends { channel: KnownContact['channel']; value: string }>(
  known: readonly KnownContact[],
  candidates: readonly C[],
): { add: C[]; skipped: Array<C & { reason: SkipReason }> } {
  const key = (c: { channel: string; value: string }) => `${c.channel}\u0000${c.value}`;
  const byKey = new Map(known.map((k) => [key(k), k]));
  const taken = new Set<string>();
  const add: C[] = [];
  const skipped: Array<C & { reason: SkipReason }> = [];
  for (const candidate of candidates) {
    const k = key(candidate);
    const existing = byKey.get(k);
    if (existing) skipped.push({ ...candidate, reason: existing.verified ? 'verified_exists' : existing.invalid ? 'known_invalid' : 'already_known' });
    else if (taken.has(k)) skipped.push({ ...candidate, reason: 'repeated' });
    else {
      taken.add(k);
      add.push(candidate);
    }
  }
  return { add, skipped };
}

// ── The daily budget ────────────────────────────────────────────────────────────────────────

export interface DailyBudget {
  budgetCents: number;
  /** Paid lookups a day; 0 allows none. */
  maxLookups: number;
}

export interface DailyUsage {
  spentCents: number;
  paidLookups: number;
}

export type BudgetDecision = { ok: true } | { ok: false; reason: 'cents' | 'lookups' };

/**
 * May a lookup costing `costCents` go to the provider today? A free one (a cache hit, a provider
 * that charges nothing) always may; a paid one only while it fits both the day's centavos and
 * the day's number of paid lookups.
 */
export function budgetDecision(usage: DailyUsage, budget: DailyBudget, costCents: number): BudgetDecision {
  if (costCents <= 0) return { ok: true };
  if (usage.spentCents + costCents > budget.budgetCents) return { ok: false, reason: 'cents' };
  if (usage.paidLookups + 1 > budget.maxLookups) return { ok: false, reason: 'lookups' };
  return { ok: true };
}

/** The budget day an instant belongs to, and when it began: the calendar day in Brasília. */
export function budgetDayOf(now: Date): { day: string; startsAt: Date } {
  const day = localTime(now, BRASILIA).date;
  return { day, startsAt: instantAt(day, 0, BRASILIA) };
}
const BRASILIA = 'America/Sao_Paulo';

// ── The cache ───────────────────────────────────────────────────────────────────────────────

/** When a provider's answer stops being served from the cache: a "not found" is asked again sooner. */
export function cacheExpiry(fetchedAt: Date, found: boolean, ttl: { foundDays: number; notFoundHours: number }): Date {
  const ms = found ? ttl.foundDays * 86_400_000 : ttl.notFoundHours * 3_600_000;
  return new Date(fetchedAt.getTime() + ms);
}

export const isFresh = (expiresAt: Date, now: Date): boolean => now.getTime() < expiresAt.getTime();
