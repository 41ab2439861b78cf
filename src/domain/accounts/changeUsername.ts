import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { isUniqueViolation } from '../../db/pgErrors.ts';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberLogin, sessionToKeep } from './memberLogin.ts';
import { normaliseUsername } from './usernames.ts';

/** Change Username's form: the new name (its rules are checked by normaliseUsername). */
export const changeUsernameInput = z.object({ username: text });

const TAKEN = 'That username is taken. Choose another.';

/**
 * Change login > Change Username. The member is told by email at their roster address (so a change they
 * did not ask for does not go unnoticed), and every session of the login ends: whoever is signed in
 * must sign in again with the new name. An administrator changing their own name keeps this session.
 */
export async function changeUsername(
  deps: Deps,
  actor: Actor,
  input: { memberId: number; username: string; actorSessionHash?: string },
): Promise<{ from: string; to: string }> {
  requirePermission(actor, 'logins.manage');
  const username = normaliseUsername(input.username);
  const usernameLower = username.toLowerCase();
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, input.memberId);
    if (login.username === username) {
      throw new AppError('validation', 'That is already the username. Type the new one.', 'username');
    }
    // A change of case only ("ann" → "Ann") keeps the member's own lower-cased name, so it is not "taken".
    const [taken] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.usernameLower, usernameLower), ne(accounts.id, login.accountId)))
      .limit(1);
    if (taken) throw new AppError('conflict', TAKEN, 'username');
    await tx
      .update(accounts)
      .set({ username, usernameLower })
      .where(eq(accounts.id, login.accountId))
      .catch((e: unknown) => {
        // Another login took the name between the check and the update: the unique index decides.
        if (isUniqueViolation(e, 'accounts_username_lower_key'))
          throw new AppError('conflict', TAKEN, 'username');
        throw e;
      });
    await queueAccountEmail(tx, now, {
      kind: 'username_changed',
      memberId: login.memberId,
      toAddress: login.email,
    });
    await endOtherSessions(tx, login.accountId, sessionToKeep(actor, login, input.actorSessionHash));
    await recordAudit(tx, now, actor, 'login.username_changed', {
      memberId: login.memberId,
      details: { from: login.username, to: username },
    });
    return { from: login.username, to: username };
  });
  await deps.jobs.emailDue();
  return result;
}
