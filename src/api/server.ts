import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { authenticateApiKey, isApiKey } from '../features/auth/api-keys.ts';
import { authenticate } from '../features/auth/sessions.ts';
import { AppError } from '../shared/errors.ts';
import type { Config } from '../shared/config.ts';
import type { Database } from '../store/database.ts';
import { SESSION_COOKIE, type ApiContext, type App } from './context.ts';
import { sendProblem, toAppError } from './problem.ts';
import { registerRoutes } from './routes.ts';
import { isApiPath, registerWebApp, sendAppShell } from './web-app.ts';
import { z } from './zod.ts';

export const API_VERSION = '0.1.0';

export interface ServerOptions {
  db: Database;
  config: Config;
  logger: Logger;
  today?: () => string;
  /** The current instant (contact windows of the work queue); a parameter so tests can pin it. */
  now?: () => Date;
  /** Serve the built web app (web/dist) on the same origin; default true when it has been built. */
  serveWebApp?: boolean;
}

function bearerToken(authorization: string | undefined, cookie: string | undefined): string | null {
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim() || null;
  const match = cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(SESSION_COOKIE.length + 1)) : null;
}

export async function buildServer(options: ServerOptions): Promise<App> {
  const { db, config } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    trustProxy: true,
    bodyLimit: 10 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toAppError(error, request)));
  app.setNotFoundHandler((request, reply) => {
    if (webApp && sendAppShell(request, reply)) return;
    sendProblem(reply, new AppError('not_found', `Rota ${request.method} ${request.url.split('?')[0]} não existe.`));
  });

  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyMultipart, { limits: { fileSize: config.MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 20 } });
  // Import files also come as a raw body; the route streams it instead of buffering.
  app.addContentTypeParser(['text/csv', 'text/plain', 'application/x-ndjson', 'application/jsonl', 'application/octet-stream'], (_request, payload, done) => done(null, payload));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Recupera API',
        version: API_VERSION,
        description:
          'API da plataforma Recupera de recuperação de crédito e cobrança extrajudicial. Valores em centavos (inteiros), ' +
          'taxas como frações decimais em texto ("0.02" = 2%), datas AAAA-MM-DD. Erros em application/problem+json.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  // The web app's files and pages are public; every API route but the public ones needs a session.
  const webApp = options.serveWebApp === false ? false : await registerWebApp(app);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public || request.url.startsWith('/docs') || !isApiPath(request.url)) return;
    const token = bearerToken(request.headers.authorization, request.headers.cookie);
    if (!token) throw new AppError('unauthenticated', 'Autenticação necessária: envie Authorization: Bearer <token>.');
    // An integrator's API key (rk_…) acts as its user, like a session (src/features/auth/api-keys.ts).
    request.actor = isApiKey(token) ? await authenticateApiKey(db, token, request.ip) : await authenticate(db, token, request.ip);
  });

  const context: ApiContext = { db, config, today: options.today ?? (() => new Date().toISOString().slice(0, 10)), now: options.now ?? (() => new Date()) };

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['sistema'],
        summary: 'Saúde do serviço e do banco',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), version: z.string(), demo: z.boolean().describe('A agência de demonstração é semeada (o login mostra as contas de teste)') }) },
      },
    },
    async () => {
      try {
        await db.system(({ sql }) => sql.query('select 1'));
      } catch (error) {
        throw new AppError('database_busy', 'O banco de dados não responde.', { cause: error });
      }
      return { status: 'ok' as const, database: db.kind, version: API_VERSION, demo: config.SEED_DEMO };
    },
  );
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await registerRoutes(app, context);
  return app;
}
