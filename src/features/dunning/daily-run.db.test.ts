import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { runDaily } from './daily-run.ts';
import { createSchedule, saveTemplate } from './schedules.ts';

let t: TestDatabase;
let tenant: TenantFixture;

const steps = [
  { id: 'd1-sms', offsetDays: 1, anchor: 'due_date' as const, stage: 'aviso' as const, action: 'sms' as const, template: 'sms' },
  { id: 'd5-whatsapp', offsetDays: 5, anchor: 'due_date' as const, stage: 'aviso' as const, action: 'whatsapp' as const, template: 'sms', conditions: { requiresConsent: true } },
  { id: 'd10-call', offsetDays: 10, anchor: 'due_date' as const, stage: 'alerta' as const, action: 'voice' as const, template: 'sms' },
  { id: 'd25-bureau', offsetDays: 25, anchor: 'due_date' as const, stage: 'acao' as const, action: 'bureau' as const, template: 'sms' },
];

const actionsOf = (runDate: string) =>
  t.db.system(async ({ sql }) => (await sql.query<{ status: string; step_id: string; rule: string | null; n: number }>(
    `select status, step_id, rule, count(*)::int as n from actions where run_date = $1 group by 1, 2, 3 order by 2, 1`, [runDate])).rows);

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'run');
  const admin = tenant.users.admin.actor;
  await saveTemplate(t.db, admin, { key: 'sms', channel: 'sms', body: 'Há um débito com {{creditor.tradeName}}: {{portalUrl}}' });
  await createSchedule(t.db, admin, { portfolioId: tenant.creditors[0]!.portfolioId, name: 'Régua de teste', steps, stopConditions: ['paid', 'disputed', 'prescribed'] });
});
afterAll(() => t.drop());

describe('daily run', () => {
  it('writes the steps due today to the outbox, and nothing more when run again', async () => {
    // The three debtors of creditor 0 each have a debt due 10/01/2026: D+1 is 11/01.
    const first = await runDaily(t.db, { asOf: '2026-01-11' });
    expect(first).toMatchObject({ newActions: 3, byStatus: { planned: 3 } });
    const again = await runDaily(t.db, { asOf: '2026-01-11' });
    expect(again.newActions).toBe(0);
    const events = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from events where type = 'action.planned'`)).rows[0]!.n);
    expect(events).toBe(3);
  });

  it('resumes after a crash with no duplicate and no gap, catching up the days it missed', async () => {
    // one debtor over-indebted (no bureau listing), one debt disputed (stopped)
    await t.db.system(async ({ sql }) => {
      const second = tenant.creditors[0]!.debtorDocuments[1]!;
      await sql.query(`update debtors set over_indebted_since = '2025-12-01' where document = $1`, [second]);
      await sql.query(`update debts set disputed_at = now() where external_id = 'run-0-0-2'`);
    });
    await expect(runDaily(t.db, { asOf: '2026-02-20', chunkSize: 1, crashAfterChunks: 2 })).rejects.toThrow('simulated crash');
    const partial = (await actionsOf('2026-02-20')).reduce((s, r) => s + r.n, 0);
    expect(partial).toBeGreaterThan(0);
    const resumed = await runDaily(t.db, { asOf: '2026-02-20', chunkSize: 1 });
    expect(resumed.resumed).toBe(true);
    // Window (11/01, 20/02]: debts due 10/01 → D+5, D+10, D+25; debts due 10/02 → D+1, D+5, D+10. Three debtors, six debts.
    const rows = await actionsOf('2026-02-20');
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(partial + resumed.newActions);
    const count = (step: string, status: string) => rows.filter((r) => r.step_id === step && r.status === status).reduce((s, r) => s + r.n, 0);
    expect(count('d5-whatsapp', 'skipped')).toBe(5); // no WhatsApp opt-in; the disputed debt is stopped instead
    expect(count('d10-call', 'planned') + count('d10-call', 'stopped')).toBe(6);
    // the bureau steps became listing requests in the same run (the escalation follow-up)
    expect(count('d25-bureau', 'sent')).toBe(2);
    const listings = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(`select count(*)::int as n from bureau_listings where status = 'requested' and action_id is not null`)).rows[0]!.n);
    expect(listings).toBe(2);
    expect(rows.find((r) => r.step_id === 'd25-bureau' && r.status === 'blocked')).toMatchObject({ rule: 'over_indebtedness', n: 1 });
    expect(rows.filter((r) => r.status === 'stopped').reduce((s, r) => s + r.n, 0)).toBe(3); // the disputed debt's D+1, D+5 and D+10
    const total = rows.reduce((s, r) => s + r.n, 0);
    expect(total).toBe(18);
    const duplicates = await t.db.system(async ({ sql }) => (await sql.query<{ n: number }>(
      `select count(*)::int as n from (select 1 from actions group by debt_id, schedule_id, step_id, due_on having count(*) > 1) d`)).rows[0]!.n);
    expect(duplicates).toBe(0);
    expect((await runDaily(t.db, { asOf: '2026-02-20' })).newActions).toBe(0);
  });
});
