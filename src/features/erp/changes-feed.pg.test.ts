import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { createTenant, type TenantFixture } from '../../../test/support/factories.ts';
import { listChanges } from './receivables.ts';

/**
 * The changes feed never skips an event that commits after a later one (PostgreSQL only: two
 * transactions at once). An event's id is taken at insert, so the transaction holding the lower id
 * may commit last; a cursor on the id alone would already be past it when it appears.
 */
let t: TestDatabase;
let a: TenantFixture;
const clients: pg.Client[] = [];

beforeAll(async () => {
  t = await openTestDatabase();
  a = await createTenant(t.db, 'feed-a');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await t.drop();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.url! });
  await client.connect();
  clients.push(client);
  return client;
}

describe('GET /api/erp/changes cursor', () => {
  it('shows an event committed late after the cursor, never behind it', async () => {
    const debt = await t.db.system(({ db }) =>
      db.selectFrom('debts').select(['id', 'debtor_id', 'creditor_id']).where('tenant_id', '=', a.tenantId).where('creditor_id', '=', a.creditors[0]!.id).executeTakeFirstOrThrow(),
    );
    const insertEvent = (client: pg.Client, type: string) =>
      client.query<{ id: string }>(`insert into events (tenant_id, debtor_id, creditor_id, debt_id, type, actor_kind, data) values ($1, $2, $3, $4, $5, 'system', '{}') returning id::text`, [
        a.tenantId, debt.debtor_id, debt.creditor_id, debt.id, type,
      ]);
    const feed = async (after: string) => listChanges(t.db, a.users.supervisor.actor, { creditor: a.creditors[0]!.id, after, limit: 1000 });
    const start = (await feed('0')).next;

    const slow = await connect();
    const fast = await connect();
    await slow.query('begin');
    await fast.query('begin');
    const late = (await insertEvent(slow, 'test.late')).rows[0]!.id; // the lower id, committed last
    const early = (await insertEvent(fast, 'test.early')).rows[0]!.id;
    expect(BigInt(late)).toBeLessThan(BigInt(early));
    await fast.query('commit');

    const first = await feed(start);
    // Whatever is shown now, the next call from its cursor must still bring the late event.
    await slow.query('commit');
    const second = await feed(first.next);
    const seen = [...first.items, ...second.items].map((i) => i.type);
    expect(seen.filter((type) => type === 'test.late')).toHaveLength(1);
    expect(seen.filter((type) => type === 'test.early')).toHaveLength(1);
    // and nothing more after that
    expect((await feed(second.next)).items).toEqual([]);
  });
});
