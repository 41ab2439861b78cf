import { desc, eq } from 'drizzle-orm';
import { accounts, emailMessages, invitations, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { usernameThrottleRule } from '../accounts/memberLogin.ts';
import { throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

const HISTORY_LIMIT = 20;

/** A member as an administrator sees them: roster details, login, and invitation history. */
export async function memberProfile(deps: Deps, actor: Actor, memberId: number) {
  requirePermission(actor, 'members.read');
  const [member] = await deps.db.select().from(members).where(eq(members.id, memberId));
  if (!member) throw new AppError('not_found', 'There is no member with that id.');
  const [login] = await deps.db
    .select({
      username: accounts.username,
      usernameLower: accounts.usernameLower,
      role: accounts.role,
      mustChangePassword: accounts.mustChangePassword,
      createdAt: accounts.createdAt,
      lastLoginAt: accounts.lastLoginAt,
    })
    .from(accounts)
    .where(eq(accounts.memberId, memberId));
  const history = await deps.db
    .select({
      id: emailMessages.id,
      createdAt: emailMessages.createdAt,
      sentAt: emailMessages.sentAt,
      state: emailMessages.state,
      lastError: emailMessages.lastError,
      toAddress: emailMessages.toAddress,
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(emailMessages)
    .leftJoin(invitations, eq(invitations.id, emailMessages.invitationId))
    .where(eq(emailMessages.memberId, memberId))
    .orderBy(desc(emailMessages.id))
    .limit(HISTORY_LIMIT);
  const loginState = await stateOf(deps, member.invitationsSent, login);
  return { member, login: login ?? null, loginState, history };
}
/** The Login section's state: no login, invited, active, or locked after repeated failed logins. */
export type LoginState =
  | { kind: 'none' | 'invited' | 'active'; lockedUntil?: undefined }
  | { kind: 'locked'; lockedUntil: Date };

async function stateOf(
  deps: Deps,
  invitationsSent: number,
  login: { usernameLower: string } | undefined,
): Promise<LoginState> {
  if (!login) return { kind: invitationsSent > 0 ? 'invited' : 'none' };
  // The same rule and arithmetic logIn applies, so the page says "locked" exactly when logIn refuses.
  const now = deps.clock.now();
  const waitMs = await throttledForMs(deps.db, [usernameThrottleRule(login.usernameLower)], now);
  return waitMs > 0 ? { kind: 'locked', lockedUntil: new Date(now.getTime() + waitMs) } : { kind: 'active' };
}

export type MemberProfile = Awaited<ReturnType<typeof memberProfile>>;
