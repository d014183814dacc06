import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/api/context.ts';
import { addDays } from '../src/domain/dates.ts';
import { bandOf } from '../src/domain/scoring/bands.ts';
import { scoreByScorecard } from '../src/domain/scoring/scorecard.ts';
import { EXAMPLE_SEGMENTS, orderSegments, segmentOf } from '../src/domain/scoring/segments.ts';
import { DEMO_PASSWORD } from '../src/features/demo/generate-demo.ts';
import { seedDemo } from '../src/features/demo/seed-demo.ts';
import { runDaily } from '../src/features/dunning/daily-run.ts';
import { featuresOf } from '../src/features/scoring/features.ts';
import { runScoring } from '../src/features/scoring/score-run.ts';
import { openTestDatabase, type TestDatabase } from './support/databases.ts';
import { AS_OF } from './support/factories.ts';
import { bearer, loginAs, NOW, startServer } from './support/server.ts';

/**
 * The "done when" on the demo agency, through the real server: scores, segments and
 * collectors after the daily run; a collector works its queue (next case, script, dispositions,
 * promise) and the supervisor's figures move; champion/challenger enrols and reports; a model
 * trained on the tenant's own outcomes replaces the scorecard.
 */
let t: TestDatabase;
let app: App;
let tenantId: string;
const token: Record<string, string> = {};

const api = async (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
  const response = await app.inject({ method, url, headers: bearer(token[who]!), ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, body: response.json() as any };
};

beforeAll(async () => {
  t = await openTestDatabase();
  tenantId = (await seedDemo(t.db, { asOf: AS_OF })).tenantId;
  ({ app } = await startServer(t.db));
  for (const [who, email] of [['olga', 'operador'], ['caio', 'operador2'], ['bia', 'operador3'], ['sup', 'supervisor'], ['admin', 'admin']] as const) {
    token[who] = await loginAs(app, `${email}@demo.recupera.test`, DEMO_PASSWORD);
  }
}, 120_000);
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('scores, segments and distribution in the daily run', () => {
  it('scores every debtor with something overdue, as the pure scorecard does, in the segment its rules name', async () => {
    const summary = await runDaily(t.db, { asOf: AS_OF, scoringChunkSize: 500 });
    const stored = await t.db.system(async ({ sql }) => (await sql.query<{ debtor_id: string; score: number; band: string; segment: string | null; open_debts: number }>(`select debtor_id, score, band, segment, open_debts from debtor_scores where tenant_id = $1`, [tenantId])).rows);
    expect(summary.scoring.scored).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(1000);
    // Independent check: the features recomputed one debtor at a time, scored by the pure scorecard and segmented by the pure rules.
    const segments = orderSegments(EXAMPLE_SEGMENTS);
    const sample = stored.filter((_, i) => i % 97 === 0);
    for (const row of sample) {
      const [f] = await t.db.scoped({ tenantId }, (tx) => featuresOf(tx, tenantId, AS_OF, null, 1, { debtorIds: [row.debtor_id] }));
      const score = scoreByScorecard(f!).score;
      expect(row.score).toBe(score);
      expect(row.band).toBe(bandOf(score));
      expect(row.segment).toBe(segmentOf(segments, { band: bandOf(score), maxDaysPastDue: f!.maxDaysPastDue, openAmountCents: f!.openAmountCents, kind: f!.kind, uf: f!.uf, portfolioIds: f!.portfolioIds }));
      expect(row.open_debts).toBe(f!.openDebts);
    }
    // Debtors with nothing overdue have no score (and no case).
    const unscored = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(
      `select count(*)::int as n from debtor_scores s where s.tenant_id = $1 and not exists (select 1 from debts d where d.debtor_id = s.debtor_id and d.status = 'open' and d.due_date <= $2)`, [tenantId, AS_OF])).rows[0]!.n);
    expect(unscored).toBe(0);
    // A second run changes nothing.
    const again = await runScoring(t.db, AS_OF, { tenantIds: [tenantId] });
    expect(again.changed).toBe(0);
  });

  it('gives every case a collector within its limit, companies to the specialist (skill strategy)', async () => {
    const { body } = await api('sup', 'GET', '/api/collectors');
    const byName = Object.fromEntries(body.items.map((c: any) => [c.name, c]));
    for (const c of body.items) expect(c.openCases).toBeLessThanOrEqual(c.maxOpenCases);
    const cases = await t.db.system(async ({ sql }) => (await sql.query<{ segment: string | null; name: string }>(
      `select s.segment, u.name from case_assignments a join debtor_scores s on s.debtor_id = a.debtor_id join users u on u.id = a.user_id where a.tenant_id = $1 and a.status = 'active'`, [tenantId])).rows);
    const scored = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from debtor_scores where tenant_id = $1`, [tenantId])).rows[0]!.n);
    expect(cases.length).toBe(scored);
    // Bia is the companies' specialist: she has every "empresas" case the others could not take, and only those.
    expect(cases.filter((c) => c.name === 'Bia Barbosa').every((c) => c.segment === 'empresas')).toBe(true);
    expect(cases.filter((c) => c.segment === 'empresas').every((c) => c.name === 'Bia Barbosa')).toBe(true);
    expect(Math.abs(byName['Olga Operadora'].openCases - byName['Caio Cobrador'].openCases)).toBeLessThanOrEqual(1 + cases.filter((c) => c.segment === 'empresas').length);
  });

  it('explains a score factor by factor', async () => {
    const { debtor_id } = (await t.db.system(async ({ sql }) => (await sql.query<{ debtor_id: string }>(`select debtor_id from debtor_scores where tenant_id = $1 order by score desc limit 1`, [tenantId])).rows))[0]!;
    const { status, body } = await api('sup', 'GET', `/api/debtors/${debtor_id}/score`);
    expect(status).toBe(200);
    const points = body.reasons.reduce((s: number, r: { points: number }) => s + r.points, 450);
    expect(body.score).toBe(Math.min(1000, Math.max(0, points)));
    expect(body.stored.score).toBe(body.score);
    expect(body.model).toBe('scorecard');
  });
});

describe("the collector's queue", () => {
  let first: any;

  it('hands out the next case with phones, balance and the script of its stage filled in', async () => {
    const { status, body } = await api('olga', 'GET', '/api/queue/next');
    expect(status).toBe(200);
    first = body.case;
    expect(first).not.toBeNull();
    expect(body.ready).toBeGreaterThan(10);
    expect(first.script).toContain('gravada');
    expect(first.script).toContain(first.name.split(' ')[0]);
    expect(first.script).not.toMatch(/\{\{/);
    expect(first.balance.totalCents).toBeGreaterThanOrEqual(first.balance.principalCents);
    // the queue's order: expected recovery (open amount × score) never rises down the list
    const queue = (await api('olga', 'GET', '/api/queue?limit=200')).body.ready;
    expect(queue[0].debtorId).toBe(first.debtorId);
    for (let i = 1; i < queue.length; i++) if (queue[i].tier === queue[i - 1].tier) expect(queue[i].expectedRecoveryCents).toBeLessThanOrEqual(queue[i - 1].expectedRecoveryCents);
  });

  it("refuses another collector's case", async () => {
    expect((await api('caio', 'POST', `/api/cases/${first.debtorId}/dispositions`, { code: 'no_answer' })).status).toBe(403);
  });

  it('records dispositions that act on the case, and the supervisor figures move', async () => {
    const before = (await api('sup', 'GET', '/api/supervision')).body.collectors.find((c: any) => c.name === 'Olga Operadora');
    expect((await api('olga', 'POST', `/api/cases/${first.debtorId}/dispositions`, { code: 'no_answer' })).status).toBe(201);
    const bad = await api('olga', 'POST', `/api/cases/${first.debtorId}/dispositions`, { code: 'promise', amountCents: 10_000 });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/data/i);
    const promise = await api('olga', 'POST', `/api/cases/${first.debtorId}/dispositions`, { code: 'promise', amountCents: 10_000, promisedFor: addDays(AS_OF, 5) });
    expect(promise.status).toBe(201);
    expect(promise.body.promiseId).toBeTruthy();
    const promises = (await api('olga', 'GET', `/api/debtors/${first.debtorId}/promises`)).body.items;
    expect(promises.map((p: any) => p.id)).toContain(promise.body.promiseId);
    const after = (await api('sup', 'GET', '/api/supervision')).body.collectors.find((c: any) => c.name === 'Olga Operadora');
    expect(after.attempts - before.attempts).toBe(2);
    expect(after.rightPartyContacts - before.rightPartyContacts).toBe(1);
    expect(after.promises - before.promises).toBe(1);
    expect(after.casesWorked - before.casesWorked).toBe(1);
    expect(after.rightPartyContactRate).toBeCloseTo(after.rightPartyContacts / after.attempts, 4);
    // the debtor answered today (the promise): the day's cap of answered calls keeps the case out of the ready list
    const queue = (await api('olga', 'GET', '/api/queue?limit=1000')).body;
    expect(queue.ready.map((r: any) => r.debtorId)).not.toContain(first.debtorId);
    expect(queue.waiting.find((w: any) => w.debtorId === first.debtorId)?.reason).toBe('answered_calls_cap');
    // the timeline has the call's outcome
    const timeline = (await api('olga', 'GET', `/api/debtors/${first.debtorId}/events`)).body.items.map((e: any) => e.type);
    expect(timeline).toContain('call.disposition');
  });

  it('invalidates a wrong number, pauses a disputed case, and brings a callback back at its time', async () => {
    const next = (await api('olga', 'GET', '/api/queue/next')).body.case;
    const phone = next.phones[0];
    expect(phone).toBeTruthy();
    expect((await api('olga', 'POST', `/api/cases/${next.debtorId}/dispositions`, { code: 'wrong_number', contactPointId: phone.contactPointId })).status).toBe(201);
    const reloaded = (await api('olga', 'GET', `/api/cases/${next.debtorId}`)).body;
    expect(reloaded.phones.map((p: any) => p.contactPointId)).not.toContain(phone.contactPointId);
    expect((await api('olga', 'POST', `/api/cases/${next.debtorId}/dispositions`, { code: 'dispute', note: 'diz que não reconhece a compra' })).status).toBe(201);
    const disputed = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from debts where debtor_id = $1 and status = 'open' and disputed_at is null`, [next.debtorId])).rows[0]!.n);
    expect(disputed).toBe(0);
    const waiting = (await api('olga', 'GET', '/api/queue?limit=1000')).body.waiting.find((w: any) => w.debtorId === next.debtorId);
    expect(waiting.reason).toBe('paused');

    const third = (await api('olga', 'GET', '/api/queue/next')).body.case;
    const callbackAt = new Date(NOW.getTime() + 2 * 3_600_000).toISOString();
    const callback = await api('olga', 'POST', `/api/cases/${third.debtorId}/dispositions`, { code: 'callback', callbackAt });
    expect(callback.status).toBe(201);
    const later = (await api('olga', 'GET', '/api/queue?limit=1000')).body.waiting.find((w: any) => w.debtorId === third.debtorId);
    expect(later.reason).toBe('callback_scheduled');
    expect(new Date(later.until).toISOString()).toBe(callbackAt);
  });

  it('stops calling after the day’s cap of attempts (3 by default)', async () => {
    const next = (await api('caio', 'GET', '/api/queue/next')).body.case;
    for (let i = 0; i < 3; i++) expect((await api('caio', 'POST', `/api/cases/${next.debtorId}/dispositions`, { code: 'busy' })).status).toBe(201);
    const waiting = (await api('caio', 'GET', '/api/queue?limit=1000')).body.waiting.find((w: any) => w.debtorId === next.debtorId);
    expect(waiting.reason).toBe('call_attempts_cap');
  });

  it('reassigns by hand within the limit, beyond it only when the supervisor says so', async () => {
    const collectors = (await api('sup', 'GET', '/api/collectors')).body.items;
    const caio = collectors.find((c: any) => c.name === 'Caio Cobrador');
    expect((await api('sup', 'PUT', `/api/collectors/${caio.userId}`, { team: 'varejo', maxOpenCases: caio.openCases })).status).toBe(200);
    const olgaCase = (await api('olga', 'GET', '/api/queue?limit=1')).body.ready[0].debtorId;
    const refused = await api('sup', 'POST', '/api/distribution/reassign', { debtorIds: [olgaCase], userId: caio.userId });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/limite/);
    const moved = await api('sup', 'POST', '/api/distribution/reassign', { debtorIds: [olgaCase], userId: caio.userId, overrideLimit: true });
    expect(moved.body).toEqual({ moved: 1 });
    expect((await api('caio', 'GET', `/api/cases/${olgaCase}`)).status).toBe(200);
    expect((await api('olga', 'GET', `/api/cases/${olgaCase}`)).status).toBe(403);
  });

  it('refuses a custom script without the recording notice, and uses a compliant one', async () => {
    const portfolioId = (await api('sup', 'GET', '/api/portfolios')).body.items[0].id;
    const bad = await api('sup', 'PUT', '/api/call-scripts', { portfolioId, stage: 'acao', body: 'Olá {{debtor.name}}, pague hoje ou chamaremos a polícia. {{identificacaoCredor}} {{discriminacao}}' });
    expect(bad.status).toBe(400);
    const scripts = (await api('sup', 'GET', `/api/call-scripts?portfolioId=${portfolioId}`)).body.items;
    expect(scripts.map((s: any) => s.stage)).toEqual(['aviso', 'alerta', 'acao']);
  });
});

describe('champion/challenger and models trained on the tenant’s outcomes', () => {
  it('splits a segment between two schedules, enrols once, and reports with a confidence interval', async () => {
    const portfolio = (await api('sup', 'GET', '/api/portfolios')).body.items[0];
    const steps = [{ id: 'd1-sms', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'aviso-atraso' }];
    const champion = (await api('sup', 'POST', '/api/schedules', { portfolioId: portfolio.id, segment: 'risco-alto', name: 'Risco alto — atual', steps })).body;
    const challenger = (await api('sup', 'POST', '/api/schedules', { portfolioId: portfolio.id, segment: 'risco-alto-b', name: 'Risco alto — desafiante', steps })).body;
    const created = await api('sup', 'POST', '/api/experiments', { name: 'Régua curta', kind: 'schedule', portfolioId: portfolio.id, segment: 'risco-alto', championId: champion.id, challengerId: challenger.id, challengerShare: 0.5 });
    expect(created.status).toBe(201);
    const first = await runScoring(t.db, AS_OF, { tenantIds: [tenantId] });
    expect(first.enrolled).toBeGreaterThan(20);
    expect((await runScoring(t.db, AS_OF, { tenantIds: [tenantId] })).enrolled).toBe(0);
    const arms = await t.db.system(async ({ sql }) => (await sql.query<{ arm: string; n: number }>(`select arm, count(*)::int as n from experiment_members where experiment_id = $1 group by arm order by arm`, [created.body.id])).rows);
    const [a, b] = [arms[0]!.n, arms[1]!.n];
    // a fair split: within 4 standard deviations of half
    expect(Math.abs(a - b) / 2).toBeLessThan(4 * Math.sqrt((a + b) / 4) + 1);
    const report = (await api('sup', 'GET', `/api/experiments/${created.body.id}/report`)).body;
    expect(report.champion.debtors + report.challenger.debtors).toBe(a + b);
    expect(report.verdict).toBe('no_difference');
    expect(report.message).toMatch(/IC 95/);
  });

  it('trains a model on a past snapshot, reports AUC/KS/Gini, and scores with it once activated', async () => {
    const snapshot = addDays(AS_OF, -60);
    // History: the debts existed before the snapshot; in the 30 days after it, debtors with a single
    // overdue debt mostly paid and the rest mostly did not (a pattern the model can learn).
    const debtors = await t.db.system(async ({ sql }) => {
      await sql.query(`update debts set created_at = $2::date - 200, status_changed_at = $2::date - 200 where tenant_id = $1`, [tenantId, snapshot]);
      return (await sql.query<{ id: string; debts: number; creditor_id: string; debt_id: string }>(
        `select d.debtor_id as id, count(*)::int as debts, min(d.creditor_id::text)::uuid as creditor_id, min(d.id::text)::uuid as debt_id from debts d
         where d.tenant_id = $1 and d.status = 'open' and d.due_date <= $2 group by d.debtor_id order by d.debtor_id`, [tenantId, snapshot])).rows;
    });
    let payers = 0;
    await t.db.system(async ({ sql }) => {
      for (const [i, d] of debtors.entries()) {
        const pays = d.debts === 1 ? i % 5 !== 0 : i % 5 === 0;
        if (!pays) continue;
        payers++;
        await sql.query(
          `insert into payments (tenant_id, debtor_id, creditor_id, debt_id, amount_cents, applied_cents, paid_on, method, source, external_id)
           values ($1, $2, $3, $4, 1000, 1000, $5, 'pix', 'api', $6)`,
          [tenantId, d.id, d.creditor_id, d.debt_id, addDays(snapshot, 10), `hist-${i}`],
        );
      }
    });
    expect(payers).toBeGreaterThan(50);
    const early = await api('sup', 'POST', '/api/score-models', { snapshotOn: addDays(AS_OF, -10), horizonDays: 30 });
    expect(early.status).toBe(400);
    const trained = await api('sup', 'POST', '/api/score-models', { snapshotOn: snapshot, horizonDays: 30, kind: 'logistic', activate: true });
    expect(trained.status).toBe(201);
    expect(trained.body.report.training.trainRows + trained.body.report.training.holdoutRows).toBe(debtors.length);
    expect(trained.body.report.auc).toBeGreaterThan(0.75);
    expect(trained.body.report.gini).toBeCloseTo(2 * trained.body.report.auc - 1, 10);
    expect(trained.body.report.weights.items.length).toBeGreaterThan(3);
    const rescored = await runScoring(t.db, AS_OF, { tenantIds: [tenantId] });
    expect(rescored.changed).toBeGreaterThan(0);
    const models = await t.db.system(async ({ sql }) => (await sql.query<{ model_id: string | null }>(`select distinct model_id from debtor_scores where tenant_id = $1`, [tenantId])).rows);
    expect(models).toEqual([{ model_id: trained.body.id }]);
    // back to the scorecard
    expect((await api('sup', 'POST', '/api/score-models/active', { modelId: null })).body).toEqual({ active: null });
  });
});

describe('an experiment with an empty arm', () => {
  it('reports no rate for the empty arm instead of failing', async () => {
    const portfolio = (await api('sup', 'GET', '/api/portfolios')).body.items.at(-1);
    const steps = [{ id: 'd1-sms', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'aviso-atraso' }];
    const champion = (await api('sup', 'POST', '/api/schedules', { portfolioId: portfolio.id, segment: 'alto-valor', name: 'Alto valor', steps })).body;
    const challenger = (await api('sup', 'POST', '/api/schedules', { portfolioId: portfolio.id, segment: 'alto-valor-b', name: 'Alto valor B', steps })).body;
    const created = (await api('sup', 'POST', '/api/experiments', { name: 'Vazio', kind: 'schedule', portfolioId: portfolio.id, segment: 'alto-valor', championId: champion.id, challengerId: challenger.id })).body;
    const report = await api('sup', 'GET', `/api/experiments/${created.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.champion).toMatchObject({ debtors: 0, recoveryRate: null, payerShare: null });
    expect(report.body.verdict).toBe('insufficient_data');
  });
});
