import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distribute, reassign, type CaseToAssign, type Collector, type DistributionStrategy } from './distribution.ts';

const collector = (id: string, over: Partial<Collector> = {}): Collector => ({ id, active: true, maxOpenCases: null, openCases: 0, openAmountCents: 0, skills: [], portfolioIds: [], team: null, ...over });
const item = (id: string, openAmountCents: number, over: Partial<CaseToAssign> = {}): CaseToAssign => ({ id, openAmountCents, segment: null, portfolioId: 'p1', previousCollectorId: null, ...over });
const countBy = (assignments: ReadonlyArray<{ collectorId: string }>) => {
  const counts = new Map<string, number>();
  for (const a of assignments) counts.set(a.collectorId, (counts.get(a.collectorId) ?? 0) + 1);
  return counts;
};

const STRATEGIES: DistributionStrategy[] = ['round_robin', 'balanced', 'skill', 'sticky'];
const PORTFOLIOS = ['p1', 'p2', 'p3'];
const SEGMENTS = ['varejo', 'cartao', 'pj'];
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

const collectorArb = fc.record({
  id: fc.constantFrom(...IDS),
  active: fc.boolean(),
  maxOpenCases: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
  openCases: fc.integer({ min: 0, max: 6 }),
  openAmountCents: fc.integer({ min: 0, max: 1_000_000 }),
  skills: fc.subarray(SEGMENTS),
  portfolioIds: fc.subarray(PORTFOLIOS),
  team: fc.constant(null),
});
const collectorsArb = fc.uniqueArray(collectorArb, { selector: (c) => c.id, maxLength: IDS.length });
const caseArb = fc.record({
  id: fc.integer({ min: 1, max: 10_000 }).map((n) => `case-${n}`),
  openAmountCents: fc.integer({ min: 1, max: 5_000_000 }),
  segment: fc.option(fc.constantFrom(...SEGMENTS), { nil: null }),
  portfolioId: fc.constantFrom(...PORTFOLIOS),
  previousCollectorId: fc.option(fc.constantFrom(...IDS, 'gone'), { nil: null }),
});
const casesArb = fc.uniqueArray(caseArb, { selector: (c) => c.id, maxLength: 40 });

describe('distribution: rules every strategy keeps', () => {
  it('never over a limit, only active collectors of the case’s portfolio, every case assigned or explained, deterministic', () => {
    fc.assert(
      fc.property(casesArb, collectorsArb, fc.constantFrom(...STRATEGIES), fc.option(fc.constantFrom(...IDS), { nil: null }), (cases, collectors, strategy, cursor) => {
        const result = distribute(cases, collectors, strategy, { cursor });
        const byId = new Map(collectors.map((c) => [c.id, c]));
        // every case exactly once, in input order
        expect([...result.assignments.map((a) => a.caseId), ...result.unassigned.map((u) => u.caseId)].sort()).toEqual(cases.map((c) => c.id).sort());
        expect(result.assignments.map((a) => a.caseId)).toEqual(cases.filter((c) => result.assignments.some((a) => a.caseId === c.id)).map((c) => c.id));
        for (const u of result.unassigned) expect(u.reason.length).toBeGreaterThan(10);
        for (const a of result.assignments) {
          const c = byId.get(a.collectorId)!;
          const theCase = cases.find((x) => x.id === a.caseId)!;
          expect(c.active).toBe(true);
          expect(c.portfolioIds.length === 0 || c.portfolioIds.includes(theCase.portfolioId)).toBe(true);
          if (strategy === 'skill') expect(theCase.segment === null ? c.skills.length === 0 : c.skills.length === 0 || c.skills.includes(theCase.segment)).toBe(true);
        }
        for (const [id, n] of countBy(result.assignments)) {
          const c = byId.get(id)!;
          if (c.maxOpenCases !== null) expect(n).toBeLessThanOrEqual(Math.max(0, c.maxOpenCases - c.openCases));
        }
        // determinism, whatever the order collectors come in
        expect(distribute(cases, [...collectors].reverse(), strategy, { cursor })).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('an unassigned case comes back only when nobody eligible had room', () => {
    fc.assert(
      fc.property(casesArb, collectorsArb, fc.constantFrom<DistributionStrategy>('round_robin', 'balanced', 'sticky'), (cases, collectors, strategy) => {
        const result = distribute(cases, collectors, strategy);
        const given = countBy(result.assignments);
        for (const u of result.unassigned) {
          const theCase = cases.find((x) => x.id === u.caseId)!;
          const withRoom = collectors.filter((c) => c.active && (c.portfolioIds.length === 0 || c.portfolioIds.includes(theCase.portfolioId)) && (c.maxOpenCases === null || c.openCases + (given.get(c.id) ?? 0) < c.maxOpenCases));
          expect(withRoom).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('round robin', () => {
  it('goes around the collectors by id from after the cursor, skipping the full, inactive and other portfolios', () => {
    const collectors = [collector('c'), collector('a'), collector('b', { maxOpenCases: 1, openCases: 1 }), collector('d', { active: false }), collector('e', { portfolioIds: ['p2'] })];
    const cases = ['1', '2', '3', '4'].map((id) => item(id, 100));
    const result = distribute(cases, collectors, 'round_robin', { cursor: 'a' });
    expect(result.assignments.map((a) => a.collectorId)).toEqual(['c', 'a', 'c', 'a']);
    expect(result.cursor).toBe('a');
    // a cursor that is no longer a collector starts at the next id
    expect(distribute(cases.slice(0, 1), collectors, 'round_robin', { cursor: 'bb' }).assignments[0]!.collectorId).toBe('c');
    expect(distribute([], collectors, 'round_robin', { cursor: 'x' }).cursor).toBe('x');
  });

  it('spreads counts within ±1 among equal eligible collectors, and two runs with the cursor equal one run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.option(fc.constantFrom(...IDS), { nil: null }), (n, k, split, cursor) => {
        const collectors = IDS.slice(0, n).map((id) => collector(id));
        const cases = Array.from({ length: k }, (_, i) => item(`c${String(i).padStart(3, '0')}`, 100 + i));
        const once = distribute(cases, collectors, 'round_robin', { cursor });
        const counts = IDS.slice(0, n).map((id) => countBy(once.assignments).get(id) ?? 0);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        const cut = Math.min(split, k);
        const first = distribute(cases.slice(0, cut), collectors, 'round_robin', { cursor });
        const second = distribute(cases.slice(cut), collectors, 'round_robin', { cursor: first.cursor });
        expect([...first.assignments, ...second.assignments]).toEqual(once.assignments);
        expect(second.cursor).toBe(once.cursor);
      }),
    );
  });
});

describe('balanced (LPT)', () => {
  it('biggest case first to the least open amount; ties: fewer cases, then id', () => {
    const collectors = [collector('b', { openAmountCents: 500 }), collector('a', { openAmountCents: 500, openCases: 3 }), collector('c', { openAmountCents: 0 })];
    const result = distribute([item('small', 100), item('big', 1000), item('mid', 400)], collectors, 'balanced');
    // big → c (0); then b and a tie at 500 with b fewer cases: mid → b; then a at 500 is least: small → a
    expect(result.assignments).toEqual([
      { caseId: 'small', collectorId: 'a', reason: 'balanced' },
      { caseId: 'big', collectorId: 'c', reason: 'balanced' },
      { caseId: 'mid', collectorId: 'b', reason: 'balanced' },
    ]);
  });

  it('max load − min load ≤ max(initial spread, largest case) when all are eligible and unlimited', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000_000 }), { maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        (amounts, initial, fromZero) => {
          const collectors = initial.map((amount, i) => collector(IDS[i]!, { openAmountCents: fromZero ? 0 : amount }));
          const cases = amounts.map((a, i) => item(`c${i}`, a));
          const result = distribute(cases, collectors, 'balanced');
          expect(result.unassigned).toEqual([]);
          const loads = collectors.map((c) => c.openAmountCents + result.assignments.filter((a) => a.collectorId === c.id).reduce((s, a) => s + cases.find((x) => x.id === a.caseId)!.openAmountCents, 0));
          const spread0 = Math.max(...collectors.map((c) => c.openAmountCents)) - Math.min(...collectors.map((c) => c.openAmountCents));
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(spread0, ...amounts, 0));
        },
      ),
    );
  });
});

describe('skill', () => {
  it('specialists of the segment first (least cases), generalists only when no specialist has room; no segment → generalists', () => {
    const collectors = [
      collector('esp1', { skills: ['cartao'], maxOpenCases: 1 }),
      collector('esp2', { skills: ['cartao', 'pj'], maxOpenCases: 2, openCases: 1 }),
      collector('gen', {}),
      collector('pj', { skills: ['pj'] }),
    ];
    const cases = [item('1', 500, { segment: 'cartao' }), item('2', 400, { segment: 'cartao' }), item('3', 300, { segment: 'cartao' }), item('4', 200, { segment: null })];
    expect(distribute(cases, collectors, 'skill').assignments).toEqual([
      { caseId: '1', collectorId: 'esp1', reason: 'skill' }, // esp1 has 0 cases, esp2 has 1
      { caseId: '2', collectorId: 'esp2', reason: 'skill' },
      { caseId: '3', collectorId: 'gen', reason: 'skill_generalist' },
      { caseId: '4', collectorId: 'gen', reason: 'skill' },
    ]);
    const noGeneralist = distribute(cases, collectors.filter((c) => c.id !== 'gen'), 'skill');
    expect(noGeneralist.unassigned).toEqual([
      { caseId: '3', reason: 'todos os operadores com a especialidade "cartao" da carteira estão no limite de casos abertos' },
      { caseId: '4', reason: 'caso sem segmento e nenhum operador generalista ativo na carteira p1' },
    ]);
    expect(distribute([item('x', 1, { segment: 'imoveis' })], [collector('pj', { skills: ['pj'] })], 'skill').unassigned[0]!.reason).toBe('nenhum operador ativo da carteira p1 tem a especialidade "imoveis" nem é generalista');
  });
});

describe('sticky', () => {
  it('a case goes back to its previous collector when eligible with room; the rest balanced', () => {
    const collectors = [collector('a', { maxOpenCases: 1 }), collector('b'), collector('c', { active: false })];
    const cases = [item('1', 100, { previousCollectorId: 'a' }), item('2', 900, { previousCollectorId: 'a' }), item('3', 50, { previousCollectorId: 'c' }), item('4', 10, { previousCollectorId: null })];
    expect(distribute(cases, collectors, 'sticky').assignments).toEqual([
      { caseId: '1', collectorId: 'b', reason: 'balanced' }, // a had room for one: the bigger case kept it
      { caseId: '2', collectorId: 'a', reason: 'sticky' },
      { caseId: '3', collectorId: 'b', reason: 'balanced' },
      { caseId: '4', collectorId: 'b', reason: 'balanced' },
    ]);
  });

  it('keeps every eligible previous collector (active, of the portfolio, unlimited)', () => {
    fc.assert(
      fc.property(casesArb, collectorsArb, (cases, collectors) => {
        const unlimited = collectors.map((c) => ({ ...c, maxOpenCases: null }));
        const result = distribute(cases, unlimited, 'sticky');
        for (const theCase of cases) {
          const previous = unlimited.find((c) => c.id === theCase.previousCollectorId);
          if (previous && previous.active && (previous.portfolioIds.length === 0 || previous.portfolioIds.includes(theCase.portfolioId))) {
            expect(result.assignments.find((a) => a.caseId === theCase.id)).toEqual({ caseId: theCase.id, collectorId: previous.id, reason: 'sticky' });
          }
        }
      }),
    );
  });
});

describe('unassigned reasons and manual moves', () => {
  it('says why nobody could take a case', () => {
    expect(distribute([item('1', 1)], [], 'balanced').unassigned).toEqual([{ caseId: '1', reason: 'nenhum operador ativo' }]);
    expect(distribute([item('1', 1)], [collector('a', { portfolioIds: ['p2'] })], 'round_robin').unassigned[0]!.reason).toBe('nenhum operador ativo atende a carteira p1');
    expect(distribute([item('1', 1)], [collector('a', { maxOpenCases: 3, openCases: 3 })], 'sticky').unassigned[0]!.reason).toBe('todos os operadores da carteira p1 estão no limite de casos abertos');
    expect(() => distribute([item('1', 1), item('1', 2)], [], 'balanced')).toThrow(/repetido/);
  });

  it('reassign validates the target and says why not', () => {
    const c = item('1', 100, { segment: 'cartao', previousCollectorId: 'a' });
    expect(reassign(c, collector('b'))).toEqual({ ok: true, assignment: { caseId: '1', collectorId: 'b', reason: 'manual' } });
    expect(reassign(c, collector('a'))).toEqual({ ok: false, reason: 'o caso já está com o operador a' });
    expect(reassign(c, collector('b', { active: false }))).toEqual({ ok: false, reason: 'o operador b está inativo' });
    expect(reassign(c, collector('b', { portfolioIds: ['p2'] }))).toEqual({ ok: false, reason: 'o operador b não atende a carteira p1' });
    expect(reassign(c, collector('b', { maxOpenCases: 2, openCases: 2 }))).toEqual({ ok: false, reason: 'o operador b está no limite de 2 casos abertos' });
    expect(reassign(c, collector('b', { skills: ['pj'] })).ok).toBe(true);
    expect(reassign(c, collector('b', { skills: ['pj'] }), { requireSkill: true })).toEqual({ ok: false, reason: 'o operador b não tem a especialidade "cartao"' });
  });
});
