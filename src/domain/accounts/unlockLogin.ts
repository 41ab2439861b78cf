import { eq } from 'drizzle-orm';
import { loginThrottle } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberLogin, usernameThrottleRule } from './memberLogin.ts';

/**
 * Profile > Unlock login: forgets the failed logins counted against the member's username, so they can
 * try again at once instead of waiting for the window to pass. The per-address counter stays: it guards
 * against a script guessing many usernames, which an unlock of one member should not switch off.
 */
export async function unlockLogin(deps: Deps, actor: Actor, memberId: number): Promise<void> {
  requirePermission(actor, 'logins.manage');
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, memberId);
    const cleared = await tx
      .delete(loginThrottle)
      .where(eq(loginThrottle.key, usernameThrottleRule(login.usernameLower).key))
      .returning({ failures: loginThrottle.failures });
    await recordAudit(tx, now, actor, 'login.unlocked', {
      memberId: login.memberId,
      details: { failedAttempts: cleared[0]?.failures ?? 0 },
    });
  });
}
