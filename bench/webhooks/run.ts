/**
 * Outbound webhook delivery throughput (docs/performance.md):
 *   npm run bench:webhooks -- --events 20000 [--workers 2] [--concurrency 4]
 * N events in the outbox (written by publishEvent, as the facts would), a receiver in its own
 * process that checks every signature and counts distinct event ids, then `deliverWebhooksNow`
 * in 1..W worker processes on the same PostgreSQL database (the claim is FOR UPDATE SKIP LOCKED).
 * Checked: every event received exactly once, every signature valid.
 *
 * The limits, measured in the same run:
 *   - writes: the same events and deliveries inserted, and every delivery marked delivered, in
 *     three set-based statements (rolled back) — what the outbox costs without a fact per event;
 *   - HTTP: the same number of signed POSTs, with as many in flight as the workers keep, sent by
 *     the worker's own HTTP client straight to a second receiver — no database at all.
 * Delivery cannot beat the slower of the two; the ratios say how close it comes.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { publishEvent } from '../../src/features/webhooks/publish-event.ts';
import { deliverWebhooksNow } from '../../src/features/webhooks/deliver.ts';
import { recreateDatabase, rssOf, seedBenchAgency } from '../support.ts';

const role = process.argv[2];

if (role === 'receiver') {
  const http = await import('node:http');
  const { verifyPayload } = await import('../../src/shared/signed-payload.ts');
  const secret = process.env.BENCH_SECRET!;
  const seen = new Set<string>();
  let received = 0;
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyPayload(secret, req.headers['x-recupera-signature'] as string, body)) badSignatures++;
      seen.add(String(req.headers['x-recupera-event-id']));
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ received, distinct: seen.size, badSignatures }));
} else if (role === 'http-limit') {
  // The HTTP limit: the worker's poster, signed bodies, N requests with the same number in flight.
  const { httpPoster } = await import('../../src/features/webhooks/post-webhook.ts');
  const { signPayload } = await import('../../src/shared/signed-payload.ts');
  const post = httpPoster({ allowPrivate: true });
  const events = Number(process.env.BENCH_EVENTS);
  const inFlight = Number(process.env.BENCH_IN_FLIGHT);
  const secret = process.env.BENCH_SECRET!;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < events) {
        const i = next++;
        const body = JSON.stringify({ id: `limit-${i}`, type: 'payment.received', data: { paymentId: `p-${i}`, amountCents: 1000 + i } });
        await post({ url: process.env.BENCH_URL!, body, timeoutMs: 10_000, headers: { 'content-type': 'application/json', 'x-recupera-event-id': `limit-${i}`, 'x-recupera-signature': signPayload(secret, body) } });
      }
    }),
  );
  process.send!({ seconds: (performance.now() - t) / 1000 });
} else if (role === 'worker') {
  const db = new PostgresDatabase(process.env.BENCH_URL!, { max: 4 });
  const summary = await deliverWebhooksNow(db, { allowPrivate: true, timeoutMs: 10_000, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4), batches: 1_000_000 });
  await db.close();
  process.send!(summary);
} else {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' }, workers: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '4' } } });
  const events = Number(values.events);
  const workers = Number(values.workers);
  const url = await recreateDatabase('recupera_bench_webhooks');
  const db = new PostgresDatabase(url, { max: 4 });
  await migrate(db);
  const secret = 'whsec_bench';
  const receiver = fork(import.meta.filename, ['receiver'], { env: { ...process.env, BENCH_SECRET: secret } });
  const port = await new Promise<number>((resolve) => receiver.once('message', (m: { port: number }) => resolve(m.port)));
  const tenantId = await db.system(async (tx) => {
    await seedBenchAgency(tx.sql);
    const { rows } = await tx.sql.query<{ id: string }>('select id from tenants');
    await tx.sql.query(`insert into webhook_subscriptions (tenant_id, url, event_types, secret) values ($1, $2, $3, $4)`, [rows[0]!.id, `http://127.0.0.1:${port}/hook`, ['payment.received'], secret]);
    return rows[0]!.id;
  });
  let t = performance.now();
  for (let i = 0; i < events; i += 1000) {
    await db.system(async (tx) => {
      for (let j = i; j < Math.min(events, i + 1000); j++) {
        await publishEvent(tx, { tenantId, type: 'payment.received', data: { paymentId: `p-${j}`, amountCents: 1000 + j, debts: [{ externalId: `ERP-${j}` }] } });
      }
    });
  }
  const publishSeconds = (performance.now() - t) / 1000;

  // The write limit: the same rows, set-based, rolled back.
  const rollback = new Error('rollback');
  t = performance.now();
  await db
    .system(async ({ sql }) => {
      await sql.query(
        `with ev as (
           insert into webhook_events (tenant_id, type, data)
           select $1::uuid, 'payment.received', jsonb_build_object('paymentId', 'p-' || i, 'amountCents', 1000 + i, 'debts', jsonb_build_array(jsonb_build_object('externalId', 'ERP-' || i)))
             from generate_series(0, $2::int - 1) i
           returning id)
         insert into webhook_deliveries (tenant_id, event_id, subscription_id, replay_of)
         select $1::uuid, ev.id, (select id from webhook_subscriptions limit 1), ev.id from ev`,
        [tenantId, events],
      );
      await sql.query(`update webhook_deliveries set status = 'delivered', attempts = 1, last_status = 204, delivered_at = now(), duration_ms = 1 where replay_of is not null`);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  const writeLimitSeconds = (performance.now() - t) / 1000;
  await db.close();

  const inFlight = workers * Number(values.concurrency);
  const limitReceiver = fork(import.meta.filename, ['receiver'], { env: { ...process.env, BENCH_SECRET: secret } });
  const limitPort = await new Promise<number>((resolve) => limitReceiver.once('message', (m: { port: number }) => resolve(m.port)));
  const httpLimit = fork(import.meta.filename, ['http-limit'], { env: { ...process.env, BENCH_SECRET: secret, BENCH_EVENTS: String(events), BENCH_IN_FLIGHT: String(inFlight), BENCH_URL: `http://127.0.0.1:${limitPort}/hook` } });
  const httpLimitSeconds = await new Promise<number>((resolve) => httpLimit.once('message', (m: { seconds: number }) => resolve(m.seconds)));
  limitReceiver.kill();
  t = performance.now();
  const procs = Array.from({ length: workers }, () => fork(import.meta.filename, ['worker'], { env: { ...process.env, BENCH_URL: url, BENCH_CONCURRENCY: values.concurrency } }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, ...procs.map((p) => rssOf(p.pid!)))), 50);
  const summaries = await Promise.all(procs.map((p) => new Promise<{ delivered: number }>((resolve) => p.once('message', resolve))));
  clearInterval(sampler);
  const seconds = (performance.now() - t) / 1000;
  receiver.send('stats');
  const stats = await new Promise<{ received: number; distinct: number; badSignatures: number }>((resolve) => receiver.once('message', resolve));
  receiver.kill();
  const delivered = summaries.reduce((s, x) => s + x.delivered, 0);
  const rate = (secs: number) => Math.round(events / secs).toLocaleString('en-US');
  console.log(`events ${events.toLocaleString('en-US')}, ${workers} worker(s) × ${values.concurrency} requests in flight`);
  console.log(`limit, set-based writes of the same rows:  ${writeLimitSeconds.toFixed(2)} s = ${rate(writeLimitSeconds)}/s`);
  console.log(`limit, the same signed POSTs without a DB: ${httpLimitSeconds.toFixed(2)} s = ${rate(httpLimitSeconds)}/s`);
  console.log(`publish (lookup + insert per fact):        ${publishSeconds.toFixed(2)} s = ${rate(publishSeconds)}/s`);
  console.log(`delivery:                                  ${seconds.toFixed(2)} s = ${rate(seconds)}/s  (${((httpLimitSeconds / seconds) * 100).toFixed(0)}% of the HTTP limit, ${((writeLimitSeconds / seconds) * 100).toFixed(0)}% of the write limit)`);
  console.log(JSON.stringify({ events, workers, concurrency: Number(values.concurrency), writeLimitSeconds: +writeLimitSeconds.toFixed(2), httpLimitSeconds: +httpLimitSeconds.toFixed(2), publishSeconds: +publishSeconds.toFixed(1), publishPerSecond: Math.round(events / publishSeconds), deliverSeconds: +seconds.toFixed(1), deliveredPerSecond: Math.round(delivered / seconds), delivered, ...stats, peakWorkerMB: Math.round(peak / 1024) }));
  if (stats.distinct !== events || stats.received !== events || stats.badSignatures > 0) process.exitCode = 1;
}
