import { smtpChannel } from '../../src/features/dunning/channels/email.ts';
import { dispatchDue } from '../../src/features/dunning/dispatch.ts';
import { PostgresDatabase } from '../../src/store/postgres-database.ts';

/** One dispatch worker of the benchmark, as `recupera serve` runs it: its own process, sharing the outbox with the others. */
const [databaseUrl, smtpUrl, now, connections, batch] = process.argv.slice(2) as [string, string, string, string, string];
const db = new PostgresDatabase(databaseUrl);
const channel = smtpChannel({ url: smtpUrl, from: 'Cobrança <cobranca@bench.test>', connections: Number(connections) });
const started = performance.now();
const summary = await dispatchDue(db, { now: new Date(now), channels: [channel], publicUrl: 'http://localhost:3000', batchSize: Number(batch) });
process.stdout.write(JSON.stringify({ ...summary, seconds: (performance.now() - started) / 1000 }));
channel.close();
await db.close();
