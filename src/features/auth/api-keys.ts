import { randomBytes } from 'node:crypto';
import { actorOf, type ApiContext, type App } from '../../api/context.ts';
import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { recordAccess } from '../audit/record-access.ts';
import { tokenId as keyId } from './sessions.ts';
import { requirePermission, type Actor, type Permission, type StaffActor } from './permissions.ts';

/**
 * API keys: machine credentials for integrators (an ERP). A key acts as its user — tenant,
 * creditor — through the same `Authorization: Bearer` as a session, but only within its scopes
 * (`erp.sync`): a key of a supervisor cannot approve agreements, and no key can issue keys. Only
 * its SHA-256 is stored, the key is shown once, it may expire and is revocable. Issuing and
 * revoking are audited; every act done with a key is recorded under its user, as with a session.
 */
export const API_KEY_PREFIX = 'rk_';
/** last_used_at is written at most this often: not a write per request. */
const TOUCH_MS = 60_000;

export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

export const apiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(120).describe('Para que serve a chave (por exemplo, "ERP Protheus")'),
  expiresAt: z.coerce.date().optional().describe('Sem data: não expira (revogue quando não for mais usada)'),
});

export const apiKeyOutput = z.object({
  id: z.string().describe('Identificador da chave (o SHA-256 da chave, não a chave)'),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('O começo da chave, para reconhecê-la'),
  scopes: z.array(z.string()).describe('O que a chave pode fazer (dentro do perfil do usuário): erp.sync'),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});

type Row = { id: string; user_id: string; name: string; prefix: string; scopes: string[]; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null; created_at: Date };
const toOutput = (r: Row): z.infer<typeof apiKeyOutput> => ({
  id: r.id, userId: r.user_id, name: r.name, prefix: r.prefix, scopes: r.scopes, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at, createdAt: r.created_at,
});

// api_keys is out of the request role's reach (only the owner reads it): each call is one owner
// transaction that names the tenant in every query, with its audit entry inside.
async function userOfTenant(tx: Tx, tenantId: string, userId: string) {
  const user = await tx.db.selectFrom('users').select(['id', 'tenant_id', 'active']).where('id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!user) throw notFound('Usuário');
  return user;
}

export async function createApiKey(db: Database, actor: Actor, userId: string, input: z.infer<typeof apiKeyInput>, now: Date) {
  requirePermission(actor, 'users.write');
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw new AppError('validation', 'A data de expiração já passou.', { field: 'expiresAt' });
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return db.system(async (tx) => {
    const user = await userOfTenant(tx, actor.tenantId, userId);
    const row = await tx.db
      .insertInto('api_keys')
      .values({ id: keyId(key), tenant_id: user.tenant_id, user_id: user.id, name: input.name, prefix: key.slice(0, 10), expires_at: input.expiresAt ?? null, created_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAccess(tx, actor, { action: 'create', resource: 'api_key', details: { userId, keyId: row.id.slice(0, 16), name: input.name } });
    return { ...toOutput(row), key };
  });
}

export async function listApiKeys(db: Database, actor: Actor, userId: string) {
  requirePermission(actor, 'users.write');
  return db.system(async (tx) => {
    await userOfTenant(tx, actor.tenantId, userId);
    const rows = await tx.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('tenant_id', '=', actor.tenantId).orderBy('created_at', 'desc').execute();
    return rows.map(toOutput);
  });
}

export async function revokeApiKey(db: Database, actor: Actor, userId: string, id: string, now: Date) {
  requirePermission(actor, 'users.write');
  return db.system(async (tx) => {
    await userOfTenant(tx, actor.tenantId, userId);
    const row = await tx.db
      .updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('user_id', '=', userId).where('tenant_id', '=', actor.tenantId).where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Chave de API ativa');
    await recordAccess(tx, actor, { action: 'delete', resource: 'api_key', details: { userId, keyId: id.slice(0, 16) } });
    return toOutput(row);
  });
}

/** The actor behind an API key, or an error if it is unknown, expired, revoked or its user disabled. */
export async function authenticateApiKey(db: Database, key: string, ip?: string, now = new Date()): Promise<StaffActor> {
  const row = await db.system(({ db: q }) =>
    q
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id as key_id', 'k.expires_at', 'k.revoked_at', 'k.last_used_at', 'k.scopes', 'u.id', 'u.tenant_id', 'u.role', 'u.creditor_id', 'u.active'])
      .where('k.id', '=', keyId(key))
      .executeTakeFirst(),
  );
  if (!row || row.revoked_at || !row.active) throw new AppError('unauthenticated', 'Chave de API inválida ou revogada.');
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) throw new AppError('unauthenticated', 'Chave de API expirada.');
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_MS) {
    await db.system(({ db: q }) => q.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.key_id).execute());
  }
  return { userId: row.id, tenantId: row.tenant_id, role: row.role, creditorId: row.creditor_id, ip, keyScopes: row.scopes as Permission[] };
}

const params = z.object({ userId: zUuid });
const tags = ['usuários'];

export async function apiKeyRoutes(app: App, { db, now }: ApiContext) {
  app.post(
    '/api/users/:userId/api-keys',
    { schema: { tags, summary: 'Criar chave de API para o usuário (mostrada uma única vez)', params, body: apiKeyInput, response: { 201: apiKeyOutput.extend({ key: z.string().describe('A chave: guarde-a agora, ela não é mostrada de novo') }) } } },
    async (request, reply) => reply.status(201).send(await createApiKey(db, actorOf(request), request.params.userId, request.body, now())),
  );
  app.get('/api/users/:userId/api-keys', { schema: { tags, summary: 'Chaves de API do usuário (sem as chaves)', params, response: { 200: z.array(apiKeyOutput) } } }, async (request) =>
    listApiKeys(db, actorOf(request), request.params.userId),
  );
  app.delete(
    '/api/users/:userId/api-keys/:keyId',
    { schema: { tags, summary: 'Revogar chave de API', params: params.extend({ keyId: z.string().min(1).max(64) }), response: { 200: apiKeyOutput } } },
    async (request) => revokeApiKey(db, actorOf(request), request.params.userId, request.params.keyId, now()),
  );
}
