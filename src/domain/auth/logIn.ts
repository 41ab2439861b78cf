import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { burnPasswordCheck, verifyPassword } from '../accounts/passwords.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { startChallenge } from '../twoStep/loginChallenges.ts';
import { hasSecondStepSql } from '../twoStep/secondSteps.ts';
import type { Role } from '../vocabulary.ts';
import { openLoginSession } from './loginSession.ts';
import { loginRules } from './loginThrottle.ts';
import { reserveAttempt, settleSuccess, waitWords } from './throttle.ts';

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

export type LogInInput = z.infer<typeof logInInput> & {
  ip: string | null;
  userAgent: string | null;
  /** "Keep me signed in", carried through the second step when the login has one. */
  keep?: boolean;
};

/** A signed-in session, or (`challenge`) a sign-in still owing its second step (/login/verify). */
export type LogInResult = { accountId: number; role: Role } & (
  | { token: string; challenge?: undefined }
  | { challenge: string; token?: undefined }
);

/** The account behind a username when the password matches; always one argon2id verification. */
async function checkCredentials(deps: Deps, usernameLower: string, password: string) {
  const [account] = usernameLower
    ? await deps.db
        .select({
          id: accounts.id,
          role: accounts.role,
          passwordHash: accounts.passwordHash,
          // Read with the account, so a login without a second step costs no extra round trip.
          secondStep: hasSecondStepSql(sql`${accounts.id}`).mapWith(Boolean),
        })
        .from(accounts)
        .where(eq(accounts.usernameLower, usernameLower))
        .limit(1)
    : [];
  // An unknown username costs one argon2 verification too, so the answer's timing tells nothing.
  if (!account) await burnPasswordCheck(password);
  return account && (await verifyPassword(account.passwordHash, password)) ? account : null;
}

/**
 * Checks the credentials and opens a new session (a fresh token: sessions are rotated at login), or,
 * for a login with a second step, a pending sign-in (twoStep/loginChallenges.ts). The attempt is counted
 * before the password is checked (reserveAttempt), so parallel guesses cannot outrun it. The steps of
 * withThrottle, spelled out: a success settles its throttle counters in the statement that opens the
 * session (one commit, not two), as login is the portal's hottest write.
 */
export async function logIn(deps: Deps, input: LogInInput): Promise<LogInResult> {
  const usernameLower = input.username.trim().toLowerCase();
  const now = deps.clock.now();
  const { reserved, waitMs } = await reserveAttempt(deps.db, loginRules(usernameLower, input.ip), now);
  if (!reserved) throw new AppError('rate_limited', lockedOutMessage(waitMs), 'username');
  const account = await checkCredentials(deps, usernameLower, input.password);
  if (!account) throw new AppError('unauthenticated', WRONG_CREDENTIALS, 'username');
  // A login with a second step gets no session yet: a pending sign-in that only /login/verify accepts.
  if (account.secondStep) {
    await settleSuccess(deps.db, reserved);
    const challenge = await startChallenge(deps.db, now, {
      accountId: account.id,
      keep: input.keep ?? false,
    });
    return { challenge, accountId: account.id, role: account.role };
  }
  const token = await openLoginSession(deps.db, deps, account.id, input, reserved);
  return { token, accountId: account.id, role: account.role };
}
