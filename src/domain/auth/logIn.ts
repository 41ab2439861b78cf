import { eq } from 'drizzle-orm';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { burnPasswordCheck, verifyPassword } from '../accounts/passwords.ts';
import type { Deps } from '../deps.ts';
import { loginRules } from './loginThrottle.ts';
import { startSession } from './sessions.ts';
import { clearAttempts, countAttempt, minutesOf, throttledForMs } from './throttle.ts';

// One message for a wrong username and a wrong password: the answer must not reveal which accounts exist.
export const WRONG_CREDENTIALS = 'That username and password do not match. Check both and try again.';

export type LogInInput = { username: string; password: string; ip: string | null; userAgent: string | null };

/** Checks the credentials and opens a new session (a fresh token: sessions are rotated at login). */
export async function logIn(deps: Deps, input: LogInInput): Promise<{ token: string; accountId: number }> {
  const usernameLower = input.username.trim().toLowerCase();
  const rules = loginRules(usernameLower, input.ip);
  const now = deps.clock.now();
  const waitMs = await throttledForMs(deps.db, rules, now);
  if (waitMs > 0) {
    const waitMinutes = minutesOf(waitMs);
    throw new AppError(
      'rate_limited',
      `Too many failed attempts. Wait ${waitMinutes} minute${waitMinutes === 1 ? '' : 's'} and try again.`,
    );
  }
  const [account] = usernameLower
    ? await deps.db
        .select({ id: accounts.id, passwordHash: accounts.passwordHash })
        .from(accounts)
        .where(eq(accounts.usernameLower, usernameLower))
        .limit(1)
    : [];
  const ok = account ? await verifyPassword(account.passwordHash, input.password) : false;
  if (!account) await burnPasswordCheck(input.password);
  if (!account || !ok) {
    await countAttempt(deps.db, rules, now);
    throw new AppError('unauthenticated', WRONG_CREDENTIALS, 'username');
  }
  return deps.db.transaction(async (tx) => {
    await clearAttempts(tx, [rules[0]!.key]);
    await tx.update(accounts).set({ lastLoginAt: now }).where(eq(accounts.id, account.id));
    const token = await startSession(tx, deps, account.id, input);
    return { token, accountId: account.id };
  });
}
