import { recordAudit } from '../audit/recordAudit.ts';
import { clearLoginCounters } from '../auth/loginThrottle.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberLogin } from './memberLogin.ts';

/**
 * Profile > Unlock login: forgets every failed login counted against the member's username (from all
 * addresses, and at each address), so they can try again at once instead of waiting for the window to pass. The per-address counter stays: it guards
 * against a script guessing many usernames, which an unlock of one member should not switch off.
 */
export async function unlockLogin(deps: Deps, actor: Actor, memberId: number): Promise<void> {
  requirePermission(actor, 'logins.manage');
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, memberId);
    const failedAttempts = await clearLoginCounters(tx, login.usernameLower);
    await recordAudit(tx, now, actor, 'login.unlocked', {
      memberId: login.memberId,
      details: { failedAttempts },
    });
  });
}
