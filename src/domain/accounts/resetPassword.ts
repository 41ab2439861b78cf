import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, passwordResets } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { clearLoginCounters } from '../auth/loginThrottle.ts';
import { endOtherSessions, startSession } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { startChallenge } from '../twoStep/loginChallenges.ts';
import { hasSecondStep } from '../twoStep/secondSteps.ts';
import {
  type FoundReset,
  findPasswordReset,
  findPasswordResetIn,
  type ResetState,
} from './passwordResets.ts';
import { passwordRulesOf } from './passwordRulesOf.ts';
import { assertPasswordAcceptable, hashPassword, personalWords } from './passwords.ts';

/** Set a new password's form (the emailed link's token is in its path). */
export const resetPasswordInput = z.object({ newPassword: text });

export const resetProblem: Record<Exclude<ResetState, 'valid'> | 'unknown', string> = {
  expired: 'This password reset link has expired.',
  used: 'This password reset link has already been used.',
  unknown: 'This password reset link is not valid.',
};

/**
 * "Set new password" from an emailed link. Whoever knew the old password is shut out: every session of
 * the account ends and every other unused reset link dies. The login lockout is lifted (proving control
 * of the mailbox is the way out of it), and the member is signed in.
 *
 * Concurrency: two submissions of one link, or of two links of one login, must not both win nor deadlock.
 * The transaction locks the account row first and only then the reset row, the order every writer of a
 * login's reset rows takes (deleting an account cascades the same way), so the second submission waits
 * for the first and then finds its link used. The strength check and the slow hash happen before, outside
 * the locks.
 */
export async function resetPassword(
  deps: Deps,
  token: string,
  input: z.infer<typeof resetPasswordInput>,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ accountId: number } & ({ sessionToken: string } | { challengeToken: string })> {
  const found = usableReset(await findPasswordReset(deps, token));
  assertPasswordAcceptable(
    input.newPassword,
    await passwordRulesOf(deps),
    personalWords(found),
    'newPassword',
  );
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, found.accountId)).for('update');
    const reset = usableReset(await findPasswordResetIn(tx, token, now, { lock: true }));
    const [account] = await tx
      .update(accounts)
      .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false, lastLoginAt: now })
      .where(eq(accounts.id, reset.accountId))
      .returning({ usernameLower: accounts.usernameLower, username: accounts.username });
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.accountId, reset.accountId), isNull(passwordResets.usedAt)));
    await endOtherSessions(tx, reset.accountId);
    await clearLoginCounters(tx, account!.usernameLower); // the lockout, at every address (loginThrottle.ts)
    const actor = {
      accountId: reset.accountId,
      label: account!.username,
      role: 'member' as const,
      ip: client.ip,
    };
    await recordAudit(tx, now, actor, 'password.reset_by_member', { memberId: reset.memberId });
    await tx.execute(sql`
      insert into login_history (account_id, at, ip, user_agent)
      values (${reset.accountId}, ${now}, ${client.ip}, ${client.userAgent?.slice(0, 300) ?? null})`);
    // A reset link proves the mailbox, not the second step: a login with one still owes it (/login/verify).
    if (await hasSecondStep(tx, reset.accountId)) {
      return {
        challengeToken: await startChallenge(tx, now, { accountId: reset.accountId, keep: false }),
        accountId: reset.accountId,
      };
    }
    const sessionToken = await startSession(tx, deps, reset.accountId, client);
    return { sessionToken, accountId: reset.accountId };
  });
}

/** The reset behind a token when it can still be used; otherwise the error that says why not. */
function usableReset(reset: FoundReset | null): FoundReset {
  if (!reset) throw new AppError('not_found', resetProblem.unknown, undefined, { state: 'unknown' });
  if (reset.state !== 'valid') {
    throw new AppError('gone', resetProblem[reset.state], undefined, { state: reset.state });
  }
  return reset;
}
