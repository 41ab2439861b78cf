import type { Role } from '../db/schema.ts';
import { AppError } from '../errors.ts';

/** Everything the portal lets someone do, named by what it is. */
export const permissions = [
  'portal.use',
  'admin.enter',
  'members.read',
  'members.import',
  'members.edit',
  'invitations.send',
  'reports.read',
  'logins.manage',
  'roles.assign',
  'logins.clearAll',
  'audit.read',
  'settings.manage',
  'apiTokens.manage',
  'webhooks.manage',
] as const;
export type Permission = (typeof permissions)[number];

const memberGrants: Permission[] = ['portal.use'];
const adminGrants: Permission[] = [
  ...memberGrants,
  'admin.enter',
  'members.read',
  'members.import',
  'members.edit',
  'invitations.send',
  'reports.read',
];
const securityAdminGrants: Permission[] = [
  ...adminGrants,
  'logins.manage',
  'roles.assign',
  'logins.clearAll',
  'audit.read',
  'settings.manage',
  'apiTokens.manage',
  'webhooks.manage',
];

/** The access levels of PRODUCT.md as data: role → what it may do. */
export const grants: Record<Role, ReadonlySet<Permission>> = {
  member: new Set(memberGrants),
  admin: new Set(adminGrants),
  security_admin: new Set(securityAdminGrants),
};

export const roleLabels: Record<Role, string> = {
  member: 'Member',
  admin: 'Administrator',
  security_admin: 'Security Administrator',
};

export const can = (role: Role, permission: Permission): boolean => grants[role].has(permission);

/** The lowest access level that holds a permission, for telling people what they would need. */
export function lowestRoleWith(permission: Permission): Role {
  return (['member', 'admin', 'security_admin'] as const).find((r) => can(r, permission)) ?? 'security_admin';
}

/** Who is acting: carried from the edge (http/cli) into every use-case. */
export type Actor = {
  accountId: number | null;
  label: string;
  role: Role;
  ip: string | null;
};

/** The command line runs with the operator's authority: whoever can open the data directory. */
export const systemActor = (label = 'command line'): Actor => ({
  accountId: null,
  label,
  role: 'security_admin',
  ip: null,
});

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    const needed = roleLabels[lowestRoleWith(permission)];
    throw new AppError('forbidden', `You need the ${needed} access level to do this.`, undefined, {
      needed,
    });
  }
}
