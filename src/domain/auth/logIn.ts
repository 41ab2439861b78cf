import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { burnPasswordCheck, verifyPassword } from '../accounts/passwords.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import type { Role } from '../vocabulary.ts';
import { loginRules } from './loginThrottle.ts';
import { insertSession, storedUserAgent } from './sessions.ts';
import { waitWords, withThrottle } from './throttle.ts';

// One message for a wrong username and a wrong password: the answer must not reveal which accounts exist.
export const WRONG_CREDENTIALS = 'That username and password do not match. Check both and try again.';

/** The lockout says how to get back in: wait, or prove control of the mailbox with a reset link. */
export const lockedOutMessage = (waitMs: number) =>
  `Too many failed attempts. ${waitWords(waitMs)} and try again, or use “Forgot password?” to set a new password by email.`;

/**
 * The login form: what was typed. A field left empty is named (it tells nothing about which accounts
 * exist, and "do not match" would send the person looking for a typing mistake they did not make).
 */
export const logInInput = z.object({
  username: text.refine((v) => v.trim() !== '', 'Enter your username.'),
  password: text.refine((v) => v !== '', 'Enter your password.'),
});

export type LogInInput = z.infer<typeof logInInput> & { ip: string | null; userAgent: string | null };

/**
 * Checks the credentials and opens a new session (a fresh token: sessions are rotated at login). The
 * attempt is counted before the password is checked (withThrottle), so parallel guesses cannot outrun it.
 */
export async function logIn(
  deps: Deps,
  input: LogInInput,
): Promise<{ token: string; accountId: number; role: Role }> {
  const usernameLower = input.username.trim().toLowerCase();
  const rules = loginRules(usernameLower, input.ip);
  const now = deps.clock.now();
  const checked = await withThrottle(
    deps.db,
    rules,
    now,
    async () => {
      const [account] = usernameLower
        ? await deps.db
            .select({ id: accounts.id, role: accounts.role, passwordHash: accounts.passwordHash })
            .from(accounts)
            .where(eq(accounts.usernameLower, usernameLower))
            .limit(1)
        : [];
      // An unknown username costs one argon2 verification too, so the answer's timing tells nothing.
      if (!account) await burnPasswordCheck(input.password);
      return account && (await verifyPassword(account.passwordHash, input.password)) ? account : null;
    },
    (account) => account !== null,
  );
  if (checked.throttled) throw new AppError('rate_limited', lockedOutMessage(checked.waitMs), 'username');
  const account = checked.result;
  if (!account) throw new AppError('unauthenticated', WRONG_CREDENTIALS, 'username');
  // One statement (atomic without a transaction's extra round trips): login is the portal's hottest write.
  // It also appends to the member's login history ("Recent logins" on their home page).
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteMs);
  const token = await insertSession(
    deps.db,
    { accountId: account.id, now, expiresAt, client: input },
    sql`touched as (update accounts set last_login_at = ${now} where id = ${account.id}),
        history as (insert into login_history (account_id, at, ip, user_agent)
                    values (${account.id}, ${now}, ${input.ip}, ${storedUserAgent(input.userAgent)}))`,
  );
  return { token, accountId: account.id, role: account.role };
}
