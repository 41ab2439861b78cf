import { eq } from 'drizzle-orm';
import { accounts, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';
import { passwordRulesOf } from './passwordRulesOf.ts';
import { assertPasswordAcceptable, hashPassword, personalWords } from './passwords.ts';

/** The signed-in member's own login, with the words a password must not be built from. */
export async function readOwnLogin(deps: Deps, actor: Actor) {
  if (actor.accountId === null) throw new AppError('unauthenticated', 'Log in first.');
  const [row] = await deps.db
    .select({
      accountId: accounts.id,
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
    .where(eq(accounts.id, actor.accountId));
  if (!row) throw new AppError('not_found', 'This login no longer exists.');
  return row;
}

type OwnLogin = Awaited<ReturnType<typeof readOwnLogin>>;

export async function checkNewPassword(deps: Deps, login: OwnLogin, newPassword: string): Promise<void> {
  assertPasswordAcceptable(newPassword, await passwordRulesOf(deps), personalWords(login), 'newPassword');
}

/**
 * Stores the member's new password and ends every other session of the login, so that whoever else held
 * the old one (a thief, or the administrator who set a temporary one) is shut out.
 */
export async function storeOwnPassword(
  deps: Deps,
  actor: Actor,
  login: OwnLogin,
  session: { tokenHash: string },
  newPassword: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false })
      .where(eq(accounts.id, login.accountId));
    await endOtherSessions(tx, login.accountId, session.tokenHash);
    await recordAudit(tx, now, actor, 'password.changed_by_member', { memberId: login.memberId, details });
  });
}
