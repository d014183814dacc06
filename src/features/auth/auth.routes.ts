import { SESSION_COOKIE, actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z } from '../../api/zod.ts';
import { ROLES } from '../../store/schema.ts';
import { ROLE_LABELS, ROLE_PERMISSIONS, scopeOf } from './permissions.ts';
import { login, logout } from './sessions.ts';

const sessionUser = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  tenantId: z.uuid(),
  creditorId: z.uuid().nullable(),
});

export async function authRoutes(app: App, { db, config }: ApiContext) {
  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: config.LOGIN_RATE_PER_MINUTE, timeWindow: '1 minute' } },
      schema: {
        tags: ['autenticação'],
        summary: 'Entrar com e-mail e senha',
        description: 'Devolve um token de sessão (Bearer) e também o grava num cookie HttpOnly para o aplicativo web.',
        security: [],
        body: z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(256) }),
        response: { 200: z.object({ token: z.string(), expiresAt: z.date(), user: sessionUser }) },
      },
    },
    async (request, reply) => {
      const result = await login(db, {
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
        ttlHours: config.SESSION_TTL_HOURS,
      });
      const secure = request.protocol === 'https' ? '; Secure' : '';
      reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${encodeURIComponent(result.token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.round(config.SESSION_TTL_HOURS * 3600)}${secure}`,
      );
      return result;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['autenticação'], summary: 'Encerrar a sessão', response: { 204: z.null() } } },
    async (request, reply) => {
      const header = request.headers.authorization;
      const cookie = request.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      const token = header?.startsWith('Bearer ') ? header.slice(7) : cookie ? decodeURIComponent(cookie.split('=')[1]!) : null;
      if (token) await logout(db, token);
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['autenticação'],
        summary: 'Quem sou eu e o que posso fazer',
        response: {
          200: z.object({
            userId: z.uuid(), name: z.string(), email: z.string(), tenantId: z.uuid(), tenantSlug: z.string(), tenantName: z.string(),
            role: z.enum(ROLES), roleLabel: z.string(), creditorId: z.uuid().nullable(), permissions: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      // The user's own name and agency, for the web app's header (no permission needed to know who you are).
      const who = await db.scoped(scopeOf(actor), ({ db: q }) =>
        q.selectFrom('users').innerJoin('tenants', 'tenants.id', 'users.tenant_id').select(['users.name', 'users.email', 'tenants.slug', 'tenants.name as tenantName']).where('users.id', '=', actor.userId).executeTakeFirstOrThrow(),
      );
      return {
        userId: actor.userId, name: who.name, email: who.email, tenantId: actor.tenantId, tenantSlug: who.slug, tenantName: who.tenantName,
        role: actor.role, roleLabel: ROLE_LABELS[actor.role], creditorId: actor.creditorId, permissions: [...ROLE_PERMISSIONS[actor.role]],
      };
    },
  );
}
