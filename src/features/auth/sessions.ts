import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import type { Database } from '../../store/database.ts';
import type { Role } from '../../store/schema.ts';
import type { StaffActor } from './permissions.ts';
import { decoyHash, verifyPassword } from './passwords.ts';

/** Opaque bearer tokens: 32 random bytes; only their SHA-256 is stored, so a database leak yields no session. */
/** What is stored of a secret token (session, API key): its SHA-256, never the token. */
export const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: { id: string; name: string; email: string; role: Role; tenantId: string; creditorId: string | null };
}

export async function login(
  db: Database,
  input: { email: string; password: string; ip?: string; userAgent?: string; ttlHours: number },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const user = await db.system(({ db: q }) =>
    q
      .selectFrom('users')
      .select(['id', 'tenant_id', 'name', 'email', 'role', 'creditor_id', 'password_hash', 'active'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
      .executeTakeFirst(),
  );
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash()));
  if (!user || !ok || !user.active) {
    if (user) {
      await db.system(({ db: q }) =>
        q.insertInto('audit_log').values({ tenant_id: user.tenant_id, user_id: user.id, action: 'login_failed', resource: 'session', ip: input.ip ?? null }).execute(),
      );
    }
    throw new AppError('unauthenticated', 'E-mail ou senha incorretos.');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.ttlHours * 3_600_000);
  await db.system(async ({ db: q }) => {
    await q
      .insertInto('sessions')
      .values({ id: tokenId(token), tenant_id: user.tenant_id, user_id: user.id, expires_at: expiresAt, ip: input.ip ?? null, user_agent: input.userAgent?.slice(0, 300) ?? null })
      .execute();
    await q.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
    await q.insertInto('audit_log').values({ tenant_id: user.tenant_id, user_id: user.id, action: 'login', resource: 'session', ip: input.ip ?? null }).execute();
  });
  return {
    token,
    expiresAt,
    user: { id: user.id, name: user.name, email: user.email, role: user.role, tenantId: user.tenant_id, creditorId: user.creditor_id },
  };
}

/** The actor behind a bearer token, or an error if it is unknown, expired, revoked or its user disabled. */
export async function authenticate(db: Database, token: string, ip?: string): Promise<StaffActor> {
  const row = await db.system(({ db: q }) =>
    q
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.tenant_id', 'u.role', 'u.creditor_id', 'u.active', 's.expires_at', 's.revoked_at'])
      .where('s.id', '=', tokenId(token))
      .executeTakeFirst(),
  );
  if (!row || row.revoked_at || !row.active) throw new AppError('unauthenticated', 'Sessão inválida; entre novamente.');
  if (row.expires_at.getTime() <= Date.now()) throw new AppError('unauthenticated', 'Sessão expirada; entre novamente.');
  return { userId: row.id, tenantId: row.tenant_id, role: row.role, creditorId: row.creditor_id, ip };
}

export async function logout(db: Database, token: string): Promise<void> {
  await db.system(({ db: q }) => q.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', tokenId(token)).execute());
}
