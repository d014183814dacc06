import type { Uf } from '../../brazil/uf.ts';

/**
 * Named segments (PRODUCT.md §2.3): rules over score band × days past due × amount × PF/PJ × UF ×
 * portfolio. A debtor falls in the first segment (by priority) whose every condition it meets, or
 * in none — then its portfolios' general schedule and offer policy apply. Schedules and offer
 * policies are keyed by the segment's name.
 */
export interface SegmentRules {
  scoreBands?: readonly string[];
  minDaysPastDue?: number;
  maxDaysPastDue?: number;
  minAmountCents?: number;
  maxAmountCents?: number;
  debtorKinds?: ReadonlyArray<'pf' | 'pj'>;
  ufs?: readonly Uf[];
  /** The debtor has an open debt in one of these portfolios. */
  portfolioIds?: readonly string[];
}

export interface Segment {
  name: string;
  /** Lower first. */
  priority: number;
  rules: SegmentRules;
}

export interface SegmentProfile {
  band: string;
  maxDaysPastDue: number;
  openAmountCents: number;
  kind: 'pf' | 'pj';
  uf: string | null;
  portfolioIds: readonly string[];
}

export function matchesSegment(rules: SegmentRules, p: SegmentProfile): boolean {
  if (rules.scoreBands && !rules.scoreBands.includes(p.band)) return false;
  if (rules.minDaysPastDue !== undefined && p.maxDaysPastDue < rules.minDaysPastDue) return false;
  if (rules.maxDaysPastDue !== undefined && p.maxDaysPastDue > rules.maxDaysPastDue) return false;
  if (rules.minAmountCents !== undefined && p.openAmountCents < rules.minAmountCents) return false;
  if (rules.maxAmountCents !== undefined && p.openAmountCents > rules.maxAmountCents) return false;
  if (rules.debtorKinds && !rules.debtorKinds.includes(p.kind)) return false;
  if (rules.ufs && (p.uf === null || !rules.ufs.includes(p.uf as Uf))) return false;
  if (rules.portfolioIds && !p.portfolioIds.some((id) => rules.portfolioIds!.includes(id))) return false;
  return true;
}

/** Segments in the order they are tried (priority, then name, so equal priorities are still deterministic). */
export function orderSegments<S extends Segment>(segments: readonly S[]): S[] {
  return [...segments].sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The segment of a debtor: the first that matches, or null. `ordered` must come from orderSegments. */
export function segmentOf(ordered: readonly Segment[], profile: SegmentProfile): string | null {
  for (const segment of ordered) if (matchesSegment(segment.rules, profile)) return segment.name;
  return null;
}

/** The demo's segments, and a sensible start for a new agency: the pace follows the profile. */
export const EXAMPLE_SEGMENTS: readonly Segment[] = [
  // "Few debts and a good history: probably forgot — start soft and early."
  { name: 'esqueceu', priority: 10, rules: { scoreBands: ['A', 'B'], maxDaysPastDue: 60 } },
  { name: 'empresas', priority: 20, rules: { debtorKinds: ['pj'] } },
  { name: 'alto-valor', priority: 30, rules: { minAmountCents: 500_000 } },
  // "Many debts, unstable revenue: accelerate toward restrictive measures."
  { name: 'risco-alto', priority: 40, rules: { scoreBands: ['D', 'E'] } },
  { name: 'intermediario', priority: 100, rules: {} },
];
