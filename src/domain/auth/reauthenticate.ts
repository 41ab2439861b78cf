import { eq } from 'drizzle-orm';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import type { Deps } from '../deps.ts';
import { waitWords, withThrottle } from './throttle.ts';
import { throttleRule } from './throttleRules.ts';

/**
 * The signed-in person's own password, asked again before something grave (Change password, Clear All
 * Usernames). Guessable like a login, so a stolen session must not get unlimited tries: every such check
 * of one account shares the `reauth` rule and is counted before the password is compared. Throws
 * `rate_limited` (next to `field`) when the throttle refuses; otherwise says whether it matched.
 */
export async function ownPasswordMatches(
  deps: Deps,
  accountId: number,
  password: string,
  field: string,
): Promise<boolean> {
  const checked = await withThrottle(
    deps.db,
    [throttleRule('reauth', accountId)],
    deps.clock.now(),
    async () => {
      const [own] = await deps.db
        .select({ passwordHash: accounts.passwordHash })
        .from(accounts)
        .where(eq(accounts.id, accountId));
      return own ? verifyPassword(own.passwordHash, password) : false;
    },
    (matched) => matched,
  );
  if (checked.throttled) {
    throw new AppError(
      'rate_limited',
      `Too many wrong passwords. ${waitWords(checked.waitMs)} and try again.`,
      field,
    );
  }
  return checked.result;
}
