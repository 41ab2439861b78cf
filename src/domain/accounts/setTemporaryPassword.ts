import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { clearLoginCounters } from '../auth/loginThrottle.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberLogin, sessionToKeep } from './memberLogin.ts';
import { passwordRulesOf } from './passwordRulesOf.ts';
import { assertPasswordAcceptable, hashPassword, personalWords } from './passwords.ts';

/** Change Password's form: the temporary password (its strength is checked by assertPasswordAcceptable). */
export const setTemporaryPasswordInput = z.object({ newPassword: text });

/**
 * Change login > Change Password: a temporary password the administrator passes on to the member. It
 * must be changed at the next login (the administrator knows it), every session of the login ends, and
 * a lockout from failed logins is lifted so the member can use it straight away. The password itself is
 * never recorded anywhere but as its argon2 hash.
 */
export async function setTemporaryPassword(
  deps: Deps,
  actor: Actor,
  input: { memberId: number; newPassword: string; actorSessionHash?: string },
): Promise<void> {
  requirePermission(actor, 'logins.manage');
  // Checked against the member's own names before the (slow) hash, outside the transaction.
  const before = await deps.db.transaction((tx) => lockMemberLogin(tx, input.memberId));
  assertPasswordAcceptable(
    input.newPassword,
    await passwordRulesOf(deps),
    personalWords(before),
    'newPassword',
  );
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, input.memberId);
    await tx
      .update(accounts)
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: now })
      .where(eq(accounts.id, login.accountId));
    await endOtherSessions(tx, login.accountId, sessionToKeep(actor, login, input.actorSessionHash));
    await clearLoginCounters(tx, login.usernameLower);
    await recordAudit(tx, now, actor, 'password.set_by_admin', { memberId: login.memberId });
  });
}
