import { eq } from 'drizzle-orm';
import { accounts, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

/**
 * A member changes their own password: the current one is required (a borrowed, unlocked browser is not
 * enough), and every other session of the account ends so a thief's session does not outlive the change.
 */
export async function changeOwnPassword(
  deps: Deps,
  actor: Actor,
  session: { tokenHash: string },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  if (actor.accountId === null) throw new AppError('unauthenticated', 'Log in first.');
  const accountId = actor.accountId;
  const [row] = await deps.db
    .select({
      passwordHash: accounts.passwordHash,
      memberId: members.id,
      username: accounts.username,
      firstName: members.firstName,
      lastName: members.lastName,
      email: members.email,
    })
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.memberId))
    .where(eq(accounts.id, accountId));
  if (!row) throw new AppError('not_found', 'This login no longer exists.');
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new AppError('validation', 'That is not your current password.', 'currentPassword');
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('validation', 'Choose a password different from the current one.', 'newPassword');
  }
  const personal = [row.username, row.firstName, row.lastName, row.email];
  const problem = passwordProblem(input.newPassword, deps.config.passwordMinLength, personal);
  if (problem) throw new AppError('validation', problem, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false })
      .where(eq(accounts.id, accountId));
    await endOtherSessions(tx, accountId, session.tokenHash);
    await recordAudit(tx, now, actor, 'password.changed_by_member', { memberId: row.memberId });
  });
}
