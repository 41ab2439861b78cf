import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

// Any script's letters (Zoë, Łukasz, 李) and digits. After NFC most accented letters are one code point;
// an accent with no precomposed form stays a combining mark, accepted after its letter.
const USERNAME_PATTERN = /^(?:\p{L}\p{M}*|[\p{N}._@+-])+$/u;
const USERNAME_CHARACTERS = 'Use letters (including accented ones), digits and . _ - @ + only (no spaces).';

/** The rule as the forms state it; the check below accepts exactly this. */
export const USERNAME_RULE = '3 to 64 characters: letters (including accented ones), digits and . _ - @ +';

/** Trimmed username, or an error naming the field. Usernames are unique regardless of case. */
export function normaliseUsername(raw: string): string {
  const username = raw.trim().normalize('NFC');
  if (username.length < 3) throw new AppError('validation', 'Use at least 3 characters.', 'username');
  if (username.length > 64) throw new AppError('validation', 'Use at most 64 characters.', 'username');
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError('validation', USERNAME_CHARACTERS, 'username');
  }
  return username;
}

export async function assertUsernameFree(tx: DbOrTx, username: string): Promise<void> {
  const [taken] = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.usernameLower, username.toLowerCase()))
    .limit(1);
  if (taken) throw new AppError('conflict', 'That username is taken. Choose another.', 'username');
}
