import { eq } from 'drizzle-orm';
import { accounts, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

/**
 * After logging in with a temporary password an administrator set, the member must choose their own.
 * Having just logged in with it is proof enough, so the temporary password is not asked for again; the
 * new one must differ from it (the administrator knows it). Other sessions end: anyone else holding the
 * temporary password is shut out.
 */
export async function chooseRequiredPassword(
  deps: Deps,
  actor: Actor,
  session: { tokenHash: string },
  input: { newPassword: string },
): Promise<void> {
  if (actor.accountId === null) throw new AppError('unauthenticated', 'Log in first.');
  const accountId = actor.accountId;
  const [row] = await deps.db
    .select({
      passwordHash: accounts.passwordHash,
      mustChangePassword: accounts.mustChangePassword,
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
  if (!row.mustChangePassword) return;
  const personal = [row.username, row.firstName, row.lastName, row.email];
  const problem = passwordProblem(input.newPassword, deps.config.passwordMinLength, personal);
  if (problem) throw new AppError('validation', problem, 'newPassword');
  if (await verifyPassword(row.passwordHash, input.newPassword)) {
    throw new AppError(
      'validation',
      'Choose a password different from the temporary one you were given.',
      'newPassword',
    );
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false })
      .where(eq(accounts.id, accountId));
    await endOtherSessions(tx, accountId, session.tokenHash);
    await recordAudit(tx, now, actor, 'password.changed_by_member', {
      memberId: row.memberId,
      details: { required: true },
    });
  });
}
