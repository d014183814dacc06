import type { Role } from '../../store/schema.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * The permission matrix (docs/security.md shows it as a table). Roles are fixed per user;
 * a creditor viewer's permissions apply only to its own creditor, which row-level security
 * enforces in the database.
 */
export const PERMISSIONS = [
  'creditors.read', 'creditors.write',
  'portfolios.read', 'portfolios.write',
  'debtors.read', 'debtors.write',
  'debts.read', 'debts.write',
  'imports.run', 'imports.read',
  'users.read', 'users.write',
  'audit.read',
  'privacy.read', 'privacy.write', // LGPD data-subject requests (part E of issue 9)
  'schedules.read', 'schedules.write',
  'policies.read', 'policies.write',
  'offers.simulate', 'agreements.write', 'agreements.approve',
  'payments.write', 'promises.write', 'documents.send',
  'accounts.write', 'charges.issue', 'payments.reconcile', 'escalation.write',
  'segments.write', 'models.write', 'distribution.write', 'queue.work', 'supervision.read',
  'dashboard.read',
  'enrichment.run', 'enrichment.read', 'enrichment.configure', // provider lookups, their log, the tenant's budget (part A of issue 9)
  'remittance.read', 'remittance.write', // commission rules and statements (part D of issue 9)
  'erp.sync', // ERP receivables batches, pull sources and their runs (part C of issue 9)
  'webhooks.read', 'webhooks.manage', // outbound webhooks: subscriptions, delivery log, replay (part B of issue 9)
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = ['creditors.read', 'portfolios.read', 'debtors.read', 'debts.read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  supervisor: new Set([
    ...READ_ALL, 'creditors.write', 'portfolios.write', 'debtors.write', 'debts.write', 'imports.run', 'imports.read', 'users.read', 'schedules.read', 'schedules.write',
    'policies.read', 'policies.write', 'offers.simulate', 'agreements.write', 'agreements.approve', 'payments.write', 'promises.write', 'documents.send',
    'accounts.write', 'charges.issue', 'payments.reconcile', 'escalation.write',
    'segments.write', 'models.write', 'distribution.write', 'queue.work', 'supervision.read', 'dashboard.read',
    'enrichment.run', 'enrichment.read',
    'remittance.read', 'remittance.write',
    'erp.sync',
    'webhooks.read',
  ]),
  analyst: new Set([
    ...READ_ALL, 'debtors.write', 'debts.write', 'imports.run', 'imports.read', 'schedules.read',
    'policies.read', 'offers.simulate', 'agreements.write', 'payments.write', 'promises.write', 'documents.send',
    'charges.issue', 'payments.reconcile', 'dashboard.read',
    'enrichment.run', 'enrichment.read',
  ]),
  collector: new Set([...READ_ALL, 'schedules.read', 'policies.read', 'offers.simulate', 'promises.write', 'charges.issue', 'queue.work']),
  creditor_viewer: new Set([...READ_ALL, 'imports.read', 'schedules.read', 'policies.read', 'dashboard.read', 'remittance.read']),
  auditor: new Set([...READ_ALL, 'imports.read', 'users.read', 'audit.read', 'privacy.read', 'privacy.write', 'schedules.read', 'policies.read', 'supervision.read', 'dashboard.read', 'remittance.read',
    'enrichment.read', 'webhooks.read']),
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrador',
  supervisor: 'Supervisor',
  analyst: 'Analista',
  collector: 'Operador de cobrança',
  creditor_viewer: 'Credor (somente leitura)',
  auditor: 'Auditor / DPO',
};

/** A member of the agency's staff, signed in with a session (`users` row, one of the ROLES). */
export interface StaffActor {
  userId: string;
  tenantId: string;
  role: Role;
  /** Set for creditor viewers: the only creditor they may see. */
  creditorId: string | null;
  ip?: string | undefined;
  /** Set when the request came with an API key: the only permissions it may use, within its user's role. */
  keyScopes?: readonly Permission[] | undefined;
}

/**
 * The debtor acting on their own case through the self-service portal (src/features/portal).
 * Not a staff role: a debtor is never a `users` row, so `role` is the fixed pseudo-role
 * 'debtor' (outside ROLES and users.role) with exactly PORTAL_PERMISSIONS, and `userId` is null,
 * so nothing they do is written as some user's act — the timeline records the debtor
 * (actor_kind 'debtor') and the audit log the portal session. Row-level security scopes them to
 * the tenant like anyone; the portal's routes check that every id belongs to `debtorId`.
 */
export interface PortalActor {
  userId: null;
  tenantId: string;
  role: 'debtor';
  creditorId: null;
  ip?: string | undefined;
  debtorId: string;
  /** The portal session (its token's SHA-256 prefix), for the audit trail. */
  sessionRef: string;
}

/** Who is acting: every application function receives it explicitly. */
export type Actor = StaffActor | PortalActor;

/**
 * What a debtor may do in the portal: read their own balances and documents, simulate the
 * policy's offers, create and accept an agreement (agreements.write) and issue its charges.
 */
export const PORTAL_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['debts.read', 'offers.simulate', 'agreements.write', 'charges.issue']);

const labelOf = (role: Actor['role']) => (role === 'debtor' ? 'Devedor (portal)' : ROLE_LABELS[role]);

type Permitted = Pick<Actor, 'role'> & { keyScopes?: readonly Permission[] | undefined };

export function can(actor: Permitted, permission: Permission): boolean {
  const byRole = (actor.role === 'debtor' ? PORTAL_PERMISSIONS : ROLE_PERMISSIONS[actor.role]).has(permission);
  return byRole && (!actor.keyScopes || actor.keyScopes.includes(permission));
}

export function requirePermission(actor: Permitted, permission: Permission): void {
  if (!can(actor, permission)) {
    if (actor.keyScopes && !actor.keyScopes.includes(permission)) {
      throw new AppError('forbidden', `Esta chave de API só pode usar ${actor.keyScopes.join(', ')}; ${permission} exige uma sessão de usuário.`);
    }
    throw new AppError('forbidden', `O perfil ${labelOf(actor.role)} não tem a permissão ${permission}.`);
  }
}

/** The staff user behind an actor, for what only staff do (queues, dispositions): a debtor in the portal is refused. */
export function staffUserId(actor: Actor): string {
  if (actor.userId === null) throw new AppError('forbidden', 'Disponível só para a equipe da assessoria.');
  return actor.userId;
}

export function scopeOf(actor: Actor) {
  return { tenantId: actor.tenantId, creditorId: actor.creditorId, userId: actor.userId };
}
