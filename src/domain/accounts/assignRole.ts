import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, type Role, roles } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission, roleLabels } from '../policy.ts';
import { lockMemberLogin } from './memberLogin.ts';

/** Change access level's form: the role chosen (checked below against the list, with the page's words). */
export const assignRoleInput = z.object({ role: text });

const isRole = (s: string): s is Role => (roles as readonly string[]).includes(s);

/**
 * Profile > Change access level. Roles are read from the database on every request, so the change takes
 * effect at the member's next page view; sessions are left alone. The portal always keeps at least one
 * Security Administrator, or nobody could repair logins or assign access levels again.
 */
export async function assignRole(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof assignRoleInput> & { memberId: number },
): Promise<{ from: Role; to: Role; changed: boolean }> {
  requirePermission(actor, 'roles.assign');
  const to = input.role;
  if (!isRole(to)) throw new AppError('validation', 'Choose an access level from the list.', 'role');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // The member's row first (as every login repair does), then every Security Administrator's row in
    // id order: of two demotions racing for the last two, the second waits here, then no longer sees
    // the first one's row as a Security Administrator and is refused.
    const login = await lockMemberLogin(tx, input.memberId);
    const securityAdmins = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.role, 'security_admin'))
      .orderBy(asc(accounts.id))
      .for('update');
    const from = login.role;
    if (from === to) return { from, to, changed: false };
    if (from === 'security_admin' && securityAdmins.length <= 1) {
      throw new AppError(
        'conflict',
        `${login.firstName} ${login.lastName} is the only ${roleLabels.security_admin}. Give someone else that access level first.`,
        'role',
      );
    }
    await tx.update(accounts).set({ role: to }).where(eq(accounts.id, login.accountId));
    await recordAudit(tx, now, actor, 'login.role_changed', {
      memberId: login.memberId,
      details: { from, to },
    });
    return { from, to, changed: true };
  });
}
