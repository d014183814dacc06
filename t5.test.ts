import { it } from 'vitest';
import { openTestDatabase } from './test/support/databases.ts';
import { createTenant } from './test/support/factories.ts';
import { bearer, loginAs, startServer } from './test/support/server.ts';
it('x', async () => {
  const t = await openTestDatabase(); const tenant = await createTenant(t.db, 'dbg'); const { app } = await startServer(t.db);
  const c = await loginAs(app, tenant.users.collector.email); const a = await loginAs(app, tenant.users.auditor.email);
  const r = await app.inject({ method: 'POST', url: `/api/imports?creditorId=${tenant.creditors[0]!.id}&portfolioId=${tenant.creditors[0]!.portfolioId}`, headers: bearer(c), payload: 'x' });
  console.log(r.statusCode, r.body);
  const r2 = await app.inject({ method: 'GET', url: `/api/audit-log?subjectId=${tenant.users.admin.id}`, headers: bearer(a) });
  console.log(r2.statusCode, r2.body.slice(0, 300));
});
