import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { can, lowestRoleWith, permissions, requirePermission } from './policy.ts';

describe('access levels', () => {
  it('grant each level everything the level below has', () => {
    for (const p of permissions) {
      if (can('member', p)) expect(can('admin', p)).toBe(true);
      if (can('admin', p)) expect(can('security_admin', p)).toBe(true);
    }
  });

  it('keep login management and Clear All Usernames for Security Administrators', () => {
    for (const p of ['logins.manage', 'roles.assign', 'logins.clearAll', 'audit.read'] as const) {
      expect(lowestRoleWith(p)).toBe('security_admin');
    }
    expect(lowestRoleWith('invitations.send')).toBe('admin');
    expect(lowestRoleWith('portal.use')).toBe('member');
  });

  it('refuse with a message naming the access level needed', () => {
    const actor = { accountId: 1, label: 'm', role: 'admin' as const, ip: null };
    expect(() => requirePermission(actor, 'logins.clearAll')).toThrowError(
      'You need the Security Administrator access level to do this.',
    );
    expect(() => requirePermission(actor, 'logins.clearAll')).toThrowError(AppError);
    expect(() => requirePermission(actor, 'members.import')).not.toThrow();
  });
});
