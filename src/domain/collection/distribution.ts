import type { Cents } from '../money.ts';

/**
 * Distribution (distribuição de carteira): which collector works which case. A case is a debtor
 * with open debts. Pure and deterministic: the same cases, collectors, strategy and cursor always
 * give the same assignments. Rules common to every strategy:
 *  - an inactive collector gets nothing;
 *  - a collector that lists portfolios only gets cases of those portfolios (an empty list = all);
 *  - no collector goes over its maxOpenCases, counting the cases it already has.
 * A case nobody can take comes back unassigned with the reason, in pt-BR, for the supervisor.
 */
export interface CaseToAssign {
  id: string;
  openAmountCents: Cents;
  segment: string | null;
  portfolioId: string;
  /** Who worked the case before (sticky strategy), or who holds it now (reassign). */
  previousCollectorId: string | null;
}

export interface Collector {
  id: string;
  active: boolean;
  /** null = no limit. */
  maxOpenCases: number | null;
  openCases: number;
  openAmountCents: Cents;
  /** Segments the collector specializes in; empty = generalist. */
  skills: readonly string[];
  /** Portfolios the collector works; empty = all. */
  portfolioIds: readonly string[];
  team: string | null;
}

export type DistributionStrategy = 'round_robin' | 'balanced' | 'skill' | 'sticky';

export type AssignmentReason =
  | 'round_robin'
  | 'balanced'
  /** A specialist of the case's segment (or, for a case without segment, a generalist). */
  | 'skill'
  /** A generalist, because no specialist of the segment had room. */
  | 'skill_generalist'
  /** Back to the collector that worked it before. */
  | 'sticky'
  | 'manual';

export const ASSIGNMENT_REASON_LABELS: Record<AssignmentReason, string> = {
  round_robin: 'rodízio',
  balanced: 'equilíbrio de valor em aberto',
  skill: 'especialidade do operador',
  skill_generalist: 'operador generalista (nenhum especialista do segmento com vaga)',
  sticky: 'mesmo operador de antes',
  manual: 'transferência manual',
};

export interface Assignment {
  caseId: string;
  collectorId: string;
  reason: AssignmentReason;
}

export interface Unassigned {
  caseId: string;
  /** pt-BR, for the supervisor. */
  reason: string;
}

export interface DistributionResult {
  /** In the order of the input cases. */
  assignments: Assignment[];
  unassigned: Unassigned[];
  /** Round robin: the last collector that received a case (the next run starts after it). */
  cursor: string | null;
}

export interface DistributionOptions {
  /** Round robin: the id of the last collector that received a case in the previous run. */
  cursor?: string | null;
}

/** A collector during a run: what it had plus what this run gave it. */
interface Load {
  collector: Collector;
  cases: number;
  amount: number;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function servesPortfolio(collector: Collector, portfolioId: string): boolean {
  return collector.portfolioIds.length === 0 || collector.portfolioIds.includes(portfolioId);
}

function hasRoom(load: Load): boolean {
  return load.collector.maxOpenCases === null || load.cases < load.collector.maxOpenCases;
}

/** Active, serves the case's portfolio and has room. */
function eligible(load: Load, item: CaseToAssign): boolean {
  return load.collector.active && servesPortfolio(load.collector, item.portfolioId) && hasRoom(load);
}

function isSpecialist(collector: Collector, segment: string): boolean {
  return collector.skills.includes(segment);
}

/** Least open amount, then fewer cases, then id: the LPT rule. */
function lessAmount(a: Load, b: Load): number {
  return a.amount - b.amount || a.cases - b.cases || byId(a.collector, b.collector);
}

/** Fewer cases, then least open amount, then id. */
function fewerCases(a: Load, b: Load): number {
  return a.cases - b.cases || a.amount - b.amount || byId(a.collector, b.collector);
}

function pick(loads: readonly Load[], order: (a: Load, b: Load) => number): Load | null {
  let best: Load | null = null;
  for (const load of loads) if (!best || order(load, best) < 0) best = load;
  return best;
}

/** Biggest case first, then id: the order in which LPT places them. */
const biggestFirst = (a: CaseToAssign, b: CaseToAssign) => b.openAmountCents - a.openAmountCents || byId(a, b);

function validate(cases: readonly CaseToAssign[], collectors: readonly Collector[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`caso repetido na distribuição: ${c.id}`);
    seen.add(c.id);
    if (!Number.isSafeInteger(c.openAmountCents) || c.openAmountCents < 0) throw new Error(`valor em aberto inválido no caso ${c.id}`);
  }
  const ids = new Set<string>();
  for (const c of collectors) {
    if (ids.has(c.id)) throw new Error(`operador repetido na distribuição: ${c.id}`);
    ids.add(c.id);
    if (c.maxOpenCases !== null && (!Number.isInteger(c.maxOpenCases) || c.maxOpenCases < 0)) throw new Error(`limite de casos inválido para o operador ${c.id}`);
  }
}

/** Why nobody could take a case (the first cause that applies, from the broadest). */
function whyUnassigned(item: CaseToAssign, loads: readonly Load[], strategy: DistributionStrategy): string {
  const active = loads.filter((l) => l.collector.active);
  if (active.length === 0) return 'nenhum operador ativo';
  const serving = active.filter((l) => servesPortfolio(l.collector, item.portfolioId));
  if (serving.length === 0) return `nenhum operador ativo atende a carteira ${item.portfolioId}`;
  if (strategy === 'skill') {
    const segment = item.segment;
    const able = serving.filter((l) => (segment === null ? l.collector.skills.length === 0 : isSpecialist(l.collector, segment) || l.collector.skills.length === 0));
    if (able.length === 0) {
      return segment === null
        ? `caso sem segmento e nenhum operador generalista ativo na carteira ${item.portfolioId}`
        : `nenhum operador ativo da carteira ${item.portfolioId} tem a especialidade "${segment}" nem é generalista`;
    }
    if (segment === null) return 'todos os operadores generalistas da carteira estão no limite de casos abertos';
    const specialists = able.some((l) => isSpecialist(l.collector, segment));
    const generalists = able.some((l) => l.collector.skills.length === 0);
    const who = specialists && generalists ? `os operadores com a especialidade "${segment}" e os generalistas` : specialists ? `os operadores com a especialidade "${segment}"` : 'os operadores generalistas';
    return `todos ${who} da carteira estão no limite de casos abertos`;
  }
  return `todos os operadores da carteira ${item.portfolioId} estão no limite de casos abertos`;
}

/**
 * Assigns cases to collectors by a strategy:
 *  - round_robin: cases in the given order, each to the next eligible collector (collectors by
 *    id) after the cursor, skipping the full and the ineligible;
 *  - balanced: biggest case first, to the eligible collector with the least open amount (ties:
 *    fewer cases, then id) — the LPT greedy rule;
 *  - skill: biggest case first, only to specialists of the case's segment, the least loaded by
 *    count; generalists only when no specialist of that segment has room. A case without
 *    segment goes to generalists only (specialists keep their room for their segment);
 *  - sticky: a case goes back to its previous collector when that one is eligible and has room
 *    (biggest cases first when its room is short); the rest are balanced.
 */
export function distribute(cases: readonly CaseToAssign[], collectors: readonly Collector[], strategy: DistributionStrategy, options: DistributionOptions = {}): DistributionResult {
  validate(cases, collectors);
  const loads: Load[] = [...collectors].sort(byId).map((collector) => ({ collector, cases: collector.openCases, amount: collector.openAmountCents }));
  const given = new Map<string, Assignment>();
  const give = (item: CaseToAssign, load: Load, reason: AssignmentReason) => {
    load.cases += 1;
    load.amount += item.openAmountCents;
    given.set(item.id, { caseId: item.id, collectorId: load.collector.id, reason });
  };
  let cursor = options.cursor ?? null;

  const balance = (items: readonly CaseToAssign[]) => {
    for (const item of [...items].sort(biggestFirst)) {
      const load = pick(loads.filter((l) => eligible(l, item)), lessAmount);
      if (load) give(item, load, 'balanced');
    }
  };

  switch (strategy) {
    case 'round_robin': {
      for (const item of cases) {
        // Start after the cursor; a cursor that is no longer a collector starts at the first id after it.
        const start = cursor === null ? 0 : loads.findIndex((l) => l.collector.id > cursor!);
        const from = start < 0 ? 0 : start;
        for (let i = 0; i < loads.length; i++) {
          const load = loads[(from + i) % loads.length]!;
          if (eligible(load, item)) {
            give(item, load, 'round_robin');
            cursor = load.collector.id;
            break;
          }
        }
      }
      break;
    }
    case 'balanced':
      balance(cases);
      break;
    case 'skill': {
      for (const item of [...cases].sort(biggestFirst)) {
        const candidates = loads.filter((l) => eligible(l, item));
        const segment = item.segment;
        if (segment === null) {
          const load = pick(candidates.filter((l) => l.collector.skills.length === 0), fewerCases);
          if (load) give(item, load, 'skill');
          continue;
        }
        const specialist = pick(candidates.filter((l) => isSpecialist(l.collector, segment)), fewerCases);
        if (specialist) {
          give(item, specialist, 'skill');
          continue;
        }
        const generalist = pick(candidates.filter((l) => l.collector.skills.length === 0), fewerCases);
        if (generalist) give(item, generalist, 'skill_generalist');
      }
      break;
    }
    case 'sticky': {
      const rest: CaseToAssign[] = [];
      for (const item of [...cases].sort(biggestFirst)) {
        const previous = item.previousCollectorId === null ? undefined : loads.find((l) => l.collector.id === item.previousCollectorId);
        if (previous && eligible(previous, item)) give(item, previous, 'sticky');
        else rest.push(item);
      }
      balance(rest);
      break;
    }
  }

  const assignments: Assignment[] = [];
  const unassigned: Unassigned[] = [];
  for (const item of cases) {
    const assignment = given.get(item.id);
    if (assignment) assignments.push(assignment);
    else unassigned.push({ caseId: item.id, reason: whyUnassigned(item, loads, strategy) });
  }
  return { assignments, unassigned, cursor };
}

export interface ReassignOptions {
  /** Who holds the case now (default: the case's previousCollectorId). */
  currentCollectorId?: string | null;
  /** Refuse a specialist of another segment (a supervisor may move across segments by default). */
  requireSkill?: boolean;
}

/**
 * A manual move of a case to a collector: allowed only when the target is active, works the
 * case's portfolio and has room; otherwise the reason, in pt-BR.
 */
export function reassign(item: CaseToAssign, target: Collector, options: ReassignOptions = {}): { ok: true; assignment: Assignment } | { ok: false; reason: string } {
  const current = options.currentCollectorId === undefined ? item.previousCollectorId : options.currentCollectorId;
  if (current === target.id) return { ok: false, reason: `o caso já está com o operador ${target.id}` };
  if (!target.active) return { ok: false, reason: `o operador ${target.id} está inativo` };
  if (!servesPortfolio(target, item.portfolioId)) return { ok: false, reason: `o operador ${target.id} não atende a carteira ${item.portfolioId}` };
  if (target.maxOpenCases !== null && target.openCases >= target.maxOpenCases) {
    return { ok: false, reason: `o operador ${target.id} está no limite de ${target.maxOpenCases} casos abertos` };
  }
  if (options.requireSkill && target.skills.length > 0 && (item.segment === null || !isSpecialist(target, item.segment))) {
    return { ok: false, reason: item.segment === null ? `o operador ${target.id} é especialista e o caso não tem segmento` : `o operador ${target.id} não tem a especialidade "${item.segment}"` };
  }
  return { ok: true, assignment: { caseId: item.id, collectorId: target.id, reason: 'manual' } };
}
