import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts, members, type Role } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../policy.ts';

export type MemberLogin = {
  accountId: number;
  memberId: number;
  username: string;
  usernameLower: string;
  role: Role;
  firstName: string;
  lastName: string;
  email: string;
};

/**
 * The login of a member, read under a lock on the member's row (the lock acceptInvitation and
 * reenableInviteLink take too), so that two repairs of one login run one after the other.
 */
export async function lockMemberLogin(tx: DbOrTx, memberId: number): Promise<MemberLogin> {
  const [row] = await tx
    .select({
      accountId: accounts.id,
      memberId: members.id,
      username: accounts.username,
      usernameLower: accounts.usernameLower,
      role: accounts.role,
      firstName: members.firstName,
      lastName: members.lastName,
      email: members.email,
    })
    .from(members)
    .leftJoin(accounts, eq(accounts.memberId, members.id))
    .where(eq(members.id, memberId))
    .for('update', { of: members });
  if (!row) throw new AppError('not_found', 'There is no member with that id.');
  if (row.accountId === null) {
    throw new AppError('conflict', `${row.firstName} ${row.lastName} has no login yet.`);
  }
  return row as MemberLogin;
}

/**
 * The session to keep when a change ends a login's sessions: only the acting administrator's own, and
 * only when they change their own login (so they are not thrown out by their own action).
 */
export const sessionToKeep = (actor: Actor, login: MemberLogin, actorSessionHash?: string) =>
  actor.accountId === login.accountId ? actorSessionHash : undefined;
