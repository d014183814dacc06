import { z, zUuid } from '../../api/zod.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { Database, Tx } from '../../store/database.ts';
import { ROLES, type User } from '../../store/schema.ts';
import { recordAccess } from '../audit/record-access.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { requirePermission, scopeOf, type Actor } from '../auth/permissions.ts';

export const userInput = z
  .object({
    email: z.email().transform((e) => e.toLowerCase()),
    name: z.string().trim().min(2).max(200),
    role: z.enum(ROLES),
    creditorId: zUuid.nullish().describe('Obrigatório (e só permitido) para o perfil creditor_viewer'),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(256),
  })
  .refine((u) => (u.role === 'creditor_viewer') === !!u.creditorId, {
    message: 'o perfil creditor_viewer exige creditorId, e só ele o aceita',
    path: ['creditorId'],
  });

export const userPatch = z.object({
  name: z.string().trim().min(2).max(200).optional(),
  role: z.enum(ROLES).optional(),
  creditorId: zUuid.nullish(),
  active: z.boolean().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(256).optional(),
});

export const userOutput = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  creditorId: z.uuid().nullable(),
  active: z.boolean(),
  createdAt: z.date(),
  lastLoginAt: z.date().nullable(),
});

export function toUserOutput(row: User): z.infer<typeof userOutput> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    creditorId: row.creditor_id,
    active: row.active,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

function duplicateEmail(error: unknown): never {
  if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'Já existe um usuário com este e-mail.', { field: 'email' });
  if ((error as { code?: string }).code === '23514') {
    throw new AppError('validation', 'o perfil creditor_viewer exige creditorId, e só ele o aceita', { field: 'creditorId' });
  }
  throw error;
}

async function checkCreditor(tx: Tx, creditorId: string | null | undefined) {
  if (!creditorId) return;
  const found = await tx.db.selectFrom('creditors').select('id').where('id', '=', creditorId).executeTakeFirst();
  if (!found) throw notFound('Credor');
}

/** Inserts a user in a tenant. Used by the API (an admin acting) and by the CLI (the operator of the machine). */
export async function insertUser(tx: Tx, tenantId: string, input: z.infer<typeof userInput>): Promise<User> {
  await checkCreditor(tx, input.creditorId);
  return tx.db
    .insertInto('users')
    .values({
      tenant_id: tenantId,
      email: input.email,
      name: input.name,
      role: input.role,
      creditor_id: input.creditorId ?? null,
      password_hash: await hashPassword(input.password),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(duplicateEmail);
}

export async function listUsers(db: Database, actor: Actor) {
  requirePermission(actor, 'users.read');
  return db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('users').selectAll().orderBy('name').execute());
}

export async function getUser(db: Database, actor: Actor, id: string) {
  requirePermission(actor, 'users.read');
  const row = await db.scoped(scopeOf(actor), ({ db: q }) => q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
  if (!row) throw notFound('Usuário');
  return row;
}

export async function createUser(db: Database, actor: Actor, input: z.infer<typeof userInput>) {
  requirePermission(actor, 'users.write');
  return db.scoped(scopeOf(actor), async (tx) => {
    const user = await insertUser(tx, actor.tenantId, input);
    await recordAccess(tx, actor, { action: 'create', resource: 'user', details: { userId: user.id, role: user.role } });
    return user;
  });
}

export async function updateUser(db: Database, actor: Actor, id: string, patch: z.infer<typeof userPatch>) {
  requirePermission(actor, 'users.write');
  return db
    .scoped(scopeOf(actor), async (tx) => {
      const before = await tx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound('Usuário');
      if (id === actor.userId && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
        throw new AppError('conflict', 'Você não pode desativar nem rebaixar o próprio usuário.', { field: 'role' });
      }
      await checkCreditor(tx, patch.creditorId);
      const role = patch.role ?? before.role;
      const set: Record<string, unknown> = { updated_at: new Date() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.creditorId !== undefined || patch.role !== undefined) set.creditor_id = role === 'creditor_viewer' ? (patch.creditorId ?? before.creditor_id) : null;
      if (patch.active !== undefined) set.active = patch.active;
      if (patch.password !== undefined) set.password_hash = await hashPassword(patch.password);
      const row = await tx.db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await recordAccess(tx, actor, { action: 'update', resource: 'user', details: { userId: id, fields: Object.keys(patch).filter((k) => k !== 'password') } });
      return row;
    })
    .catch(duplicateEmail)
    .then(async (row) => {
      // A new password or a deactivation ends the user's sessions (sessions live outside the request role).
      if (patch.password !== undefined || patch.active === false) {
        await db.system(({ db: q }) => q.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', id).where('revoked_at', 'is', null).execute());
      }
      return row;
    });
}
