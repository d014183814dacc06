import type { FastifyRequest } from 'fastify';
import type { StaffActor } from '../features/auth/permissions.ts';
import type { Database } from '../store/database.ts';
import type { Config } from '../shared/config.ts';
import { AppError } from '../shared/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff member behind the session (the debtor portal authenticates its own sessions). */
    actor: StaffActor | null;
  }
  interface FastifyContextConfig {
    /** Routes open without a session (health, login, docs). */
    public?: boolean;
  }
}

/** What every route module receives. */
export interface ApiContext {
  db: Database;
  config: Config;
  /** Today, as the server sees it (a parameter so tests can pin it). */
  today: () => string;
  /** The current instant, as the server sees it (pinned in tests). */
  now: () => Date;
}

export function actorOf(request: FastifyRequest): StaffActor {
  if (!request.actor) throw new AppError('unauthenticated', 'Autenticação necessária.');
  return request.actor;
}

/** The route pattern, recorded in the audit log ("/api/debtors/:debtorId"). */
export function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

export const SESSION_COOKIE = 'recupera_session';

export type App = import('fastify').FastifyInstance<
  import('fastify').RawServerDefault,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  import('fastify-type-provider-zod').ZodTypeProvider
>;
