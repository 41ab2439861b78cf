import type { DbOrTx } from '../../db/connect.ts';
import { isUniqueViolation } from '../../db/pgErrors.ts';
import { accounts, type Role } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { queueLoginCreated } from '../webhooks/webhookEvents.ts';
import { assertPasswordAcceptable, hashPassword, type PasswordRules } from './passwords.ts';
import { assertUsernameFree, normaliseUsername } from './usernames.ts';

export type NewLogin = {
  memberId: number;
  username: string;
  password: string;
  role: Role;
  /** Names and email of the member, so the password may not be built from them. */
  personalWords: string[];
};

/** Creates the login for a member inside the caller's transaction; validates both fields first. */
export async function createLogin(
  tx: DbOrTx,
  input: NewLogin,
  opts: { now: Date } & PasswordRules,
): Promise<{ accountId: number; username: string }> {
  const username = normaliseUsername(input.username);
  assertPasswordAcceptable(input.password, opts, [username, ...input.personalWords], 'password');
  await assertUsernameFree(tx, username);
  const inserted = tx
    .insert(accounts)
    .values({
      memberId: input.memberId,
      username,
      usernameLower: username.toLowerCase(),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      createdAt: opts.now,
      passwordChangedAt: opts.now,
    })
    .returning({ id: accounts.id })
    .catch((e: unknown) => {
      // Two people racing for one name: the unique index decides, and the loser gets the field error.
      if (isUniqueViolation(e, 'accounts_username_lower_key')) {
        throw new AppError('conflict', 'That username is taken. Choose another.', 'username');
      }
      throw e;
    });
  const [row] = await inserted;
  // The membership database hears of it (a webhook), committed with the login or not at all.
  await queueLoginCreated(tx, opts.now, row!.id);
  return { accountId: row!.id, username };
}
