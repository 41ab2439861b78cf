import type { DbOrTx } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { lockMemberRow } from '../members/lockMemberRow.ts';
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
 * The login of a member, read under a lock on the member's row (lockMemberRow), so that two repairs of
 * one login run one after the other.
 */
export async function lockMemberLogin(tx: DbOrTx, memberId: number): Promise<MemberLogin> {
  const { member, login } = await lockMemberRow(tx, memberId);
  if (!login) throw new AppError('conflict', `${member.firstName} ${member.lastName} has no login yet.`);
  return {
    accountId: login.accountId,
    memberId: member.id,
    username: login.username,
    usernameLower: login.usernameLower,
    role: login.role,
    firstName: member.firstName,
    lastName: member.lastName,
    email: member.email,
  };
}

/**
 * The session to keep when a change ends a login's sessions: only the acting administrator's own, and
 * only when they change their own login (so they are not thrown out by their own action).
 */
export const sessionToKeep = (actor: Actor, login: MemberLogin, actorSessionHash?: string) =>
  actor.accountId === login.accountId ? actorSessionHash : undefined;
