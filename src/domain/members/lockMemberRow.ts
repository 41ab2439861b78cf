import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

/** A member's roster row with their login, if they have one. */
export type MemberRow = {
  member: typeof members.$inferSelect;
  login: {
    accountId: number;
    username: string;
    usernameLower: string;
    role: (typeof accounts.$inferSelect)['role'];
    mustChangePassword: boolean;
    createdAt: Date;
    lastLoginAt: Date | null;
  } | null;
};

function selectMemberRow(db: DbOrTx, memberId: number) {
  return db
    .select({
      member: members,
      login: {
        accountId: accounts.id,
        username: accounts.username,
        usernameLower: accounts.usernameLower,
        role: accounts.role,
        mustChangePassword: accounts.mustChangePassword,
        createdAt: accounts.createdAt,
        lastLoginAt: accounts.lastLoginAt,
      },
    })
    .from(members)
    .leftJoin(accounts, eq(accounts.memberId, members.id))
    .where(eq(members.id, memberId));
}

const found = (row: MemberRow | undefined): MemberRow => {
  if (!row) throw new AppError('not_found', 'There is no member with that id.');
  return row;
};

/**
 * The member and their login, read under a lock on the member's row — the lock every change to a
 * member's login or invitations takes (acceptInvitation and reenableInviteLink lock the same row), so two
 * such changes to one member run one after the other. Only the member's row is locked, not the login's.
 */
export async function lockMemberRow(tx: DbOrTx, memberId: number): Promise<MemberRow> {
  const [row] = await selectMemberRow(tx, memberId).for('update', { of: members });
  return found(row);
}

/** The member and their login, without a lock (for reading only). */
export async function readMemberRow(db: DbOrTx, memberId: number): Promise<MemberRow> {
  const [row] = await selectMemberRow(db, memberId);
  return found(row);
}
