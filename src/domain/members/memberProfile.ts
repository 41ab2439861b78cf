import { desc, eq } from 'drizzle-orm';
import { emailMessages, invitations } from '../../db/schema.ts';
import { loginLock } from '../auth/loginThrottle.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { hasSecondStep } from '../twoStep/secondSteps.ts';
import { readMemberRow } from './lockMemberRow.ts';

const HISTORY_LIMIT = 20;

/** A member as an administrator sees them: roster details, login, and invitation history. */
export async function memberProfile(deps: Deps, actor: Actor, memberId: number) {
  requirePermission(actor, 'members.read');
  const { member, login } = await readMemberRow(deps.db, memberId);
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
  // Whether the login has a second step (two-step verification), for the Reset second step repair.
  const secondStep = login ? await hasSecondStep(deps.db, login.accountId) : false;
  return { member, login, loginState, history, secondStep };
}
/** The Login section's state: no login, invited, active, or locked after repeated failed logins. */
export type LoginState =
  | { kind: 'none' | 'invited' | 'active'; lockedUntil?: undefined }
  | { kind: 'locked'; lockedUntil: Date; everywhere: boolean; addresses: number };

async function stateOf(
  deps: Deps,
  invitationsSent: number,
  login: { usernameLower: string } | null,
): Promise<LoginState> {
  if (!login) return { kind: invitationsSent > 0 ? 'invited' : 'none' };
  // The same rules and arithmetic logIn applies. Locked: refused everywhere (the login's total is used
  // up) or at some addresses (each used up its own guesses); either way Unlock login clears it.
  const lock = await loginLock(deps.db, login.usernameLower, deps.clock.now());
  const until = [lock.everywhereUntil, lock.addressesUntil].filter((d): d is Date => d !== null);
  if (until.length === 0) return { kind: 'active' };
  const lockedUntil = new Date(Math.max(...until.map((d) => d.getTime())));
  return {
    kind: 'locked',
    lockedUntil,
    everywhere: lock.everywhereUntil !== null,
    addresses: lock.addresses,
  };
}

export type MemberProfile = Awaited<ReturnType<typeof memberProfile>>;
