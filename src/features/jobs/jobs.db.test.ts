import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { loadConfig } from '../../shared/config.ts';
import { createSchedule, saveTemplate } from '../dunning/schedules.ts';
import { DAILY_RUN_CRON, DISPATCH_CRON, PRIVACY_CRON, startJobs, WEBHOOKS_CRON } from './jobs.ts';

let t: TestDatabase;
let tenant: TenantFixture;

beforeAll(async () => {
  t = await openTestDatabase();
  tenant = await createTenant(t.db, 'jobs');
  await saveTemplate(t.db, tenant.users.admin.actor, { key: 'sms', channel: 'sms', body: 'Débito com {{creditor.tradeName}}: {{portalUrl}}' });
  await createSchedule(t.db, tenant.users.admin.actor, {
    portfolioId: tenant.creditors[0]!.portfolioId, name: 'Régua', stopConditions: ['paid'],
    steps: [{ id: 'd1', offsetDays: 1, anchor: 'due_date', stage: 'aviso', action: 'sms', template: 'sms' }],
  });
});
afterAll(() => t.drop());

describe('job queue (pg-boss on the same database)', () => {
  it('schedules the daily run every morning in Brasília and runs it as a job', async () => {
    const boss = await startJobs(t.db, loadConfig({}), pino({ level: 'silent' }));
    try {
      expect(await boss.getSchedule('daily-run')).toMatchObject({ name: 'daily-run', cron: DAILY_RUN_CRON, options: expect.objectContaining({ tz: 'America/Sao_Paulo' }) });
      expect(await boss.getSchedule('dispatch')).toMatchObject({ name: 'dispatch', cron: DISPATCH_CRON });
      expect(await boss.getSchedule('webhooks')).toMatchObject({ name: 'webhooks', cron: WEBHOOKS_CRON });
      expect(await boss.getSchedule('privacy-daily')).toMatchObject({ name: 'privacy-daily', cron: PRIVACY_CRON, options: expect.objectContaining({ tz: 'America/Sao_Paulo' }) }); // part E
      const completed = async (queue: string, id: string | null) => {
        let state = '';
        for (let i = 0; i < 100 && state !== 'completed'; i++) {
          await new Promise((r) => setTimeout(r, 200));
          state = (await boss.findJobs(queue, { id: id! }))[0]?.state ?? '';
        }
        return state;
      };
      expect(await completed('daily-run', await boss.send('daily-run', { asOf: '2026-01-11' }))).toBe('completed');
      const planned = () => t.db.system(async ({ sql }) => (await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from actions where run_date = '2026-01-11' group by 1`)).rows);
      expect(await planned()).toEqual([{ status: 'planned', n: 3 }]);
      // No SMS provider configured: dispatch runs and leaves the SMS steps waiting for one, not dropped.
      expect(await completed('dispatch', await boss.send('dispatch', {}))).toBe('completed');
      expect(await planned()).toEqual([{ status: 'planned', n: 3 }]);
    } finally {
      await boss.stop({ graceful: false, timeout: 2_000 });
    }
  });
});
