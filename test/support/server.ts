import { Writable } from 'node:stream';
import { buildServer } from '../../src/api/server.ts';
import type { App } from '../../src/api/context.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { createLogger } from '../../src/shared/log.ts';
import type { Database } from '../../src/store/database.ts';
import { AS_OF, TEST_PASSWORD } from './factories.ts';

/** The tests' "now": 14:00 in Brasília on AS_OF (a Monday), inside every state's contact hours. */
export const NOW = new Date(`${AS_OF}T17:00:00Z`);

/** The real server, in process (Fastify inject), with its log lines captured for inspection. */
export async function startServer(db: Database, env: Record<string, string> = {}): Promise<{ app: App; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildServer({ db, config: loadConfig({ ...env }), logger: createLogger('info', sink), today: () => AS_OF, now: () => NOW });
  await app.ready();
  return { app, logs };
}

export async function loginAs(app: App, email: string, password = TEST_PASSWORD): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`login ${email}: ${response.statusCode} ${response.body}`);
  return response.json().token as string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
