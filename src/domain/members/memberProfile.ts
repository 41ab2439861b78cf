import { desc, eq } from 'drizzle-orm';
import { accounts, emailMessages, invitations, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
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
      role: accounts.role,
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
  const loginState = login
    ? login.lastLoginAt
      ? 'Active'
      : 'Never logged in'
    : member.invitationsSent > 0
      ? 'Invited'
      : 'No login';
  return { member, login: login ?? null, loginState, history };
}
export type MemberProfile = Awaited<ReturnType<typeof memberProfile>>;
