import { eq } from 'drizzle-orm';
import { accounts, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';

export async function ownProfile(deps: Deps, accountId: number) {
  const [row] = await deps.db
    .select({
      memberNumber: members.memberNumber,
      firstName: members.firstName,
      lastName: members.lastName,
      email: members.email,
      status: members.status,
      username: accounts.username,
      role: accounts.role,
      loginCreatedAt: accounts.createdAt,
      lastLoginAt: accounts.lastLoginAt,
      passwordChangedAt: accounts.passwordChangedAt,
    })
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.memberId))
    .where(eq(accounts.id, accountId));
  if (!row) throw new AppError('not_found', 'This login no longer exists.');
  return row;
}
export type OwnProfile = Awaited<ReturnType<typeof ownProfile>>;
