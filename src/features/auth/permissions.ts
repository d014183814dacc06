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
  'schedules.read', 'schedules.write',
  'policies.read', 'policies.write',
  'offers.simulate', 'agreements.write', 'agreements.approve',
  'payments.write', 'promises.write', 'documents.send',
  'accounts.write', 'charges.issue', 'payments.reconcile', 'escalation.write',
  'segments.write', 'models.write', 'distribution.write', 'queue.work', 'supervision.read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = ['creditors.read', 'portfolios.read', 'debtors.read', 'debts.read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  supervisor: new Set([
    ...READ_ALL, 'creditors.write', 'portfolios.write', 'debtors.write', 'debts.write', 'imports.run', 'imports.read', 'users.read', 'schedules.read', 'schedules.write',
    'policies.read', 'policies.write', 'offers.simulate', 'agreements.write', 'agreements.approve', 'payments.write', 'promises.write', 'documents.send',
    'accounts.write', 'charges.issue', 'payments.reconcile', 'escalation.write',
    'segments.write', 'models.write', 'distribution.write', 'queue.work', 'supervision.read',
  ]),
  analyst: new Set([
    ...READ_ALL, 'debtors.write', 'debts.write', 'imports.run', 'imports.read', 'schedules.read',
    'policies.read', 'offers.simulate', 'agreements.write', 'payments.write', 'promises.write', 'documents.send',
    'charges.issue', 'payments.reconcile',
  ]),
  collector: new Set([...READ_ALL, 'schedules.read', 'policies.read', 'offers.simulate', 'promises.write', 'charges.issue', 'queue.work']),
  creditor_viewer: new Set([...READ_ALL, 'imports.read', 'schedules.read', 'policies.read']),
  auditor: new Set([...READ_ALL, 'imports.read', 'users.read', 'audit.read', 'schedules.read', 'policies.read', 'supervision.read']),
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrador',
  supervisor: 'Supervisor',
  analyst: 'Analista',
  collector: 'Operador de cobrança',
  creditor_viewer: 'Credor (somente leitura)',
  auditor: 'Auditor / DPO',
};

/** Who is acting: every application function receives it explicitly. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  /** Set for creditor viewers: the only creditor they may see. */
  creditorId: string | null;
  ip?: string | undefined;
}

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role].has(permission);
}

export function requirePermission(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new AppError('forbidden', `O perfil ${ROLE_LABELS[actor.role]} não tem a permissão ${permission}.`);
  }
}

export function scopeOf(actor: Actor) {
  return { tenantId: actor.tenantId, creditorId: actor.creditorId, userId: actor.userId };
}
