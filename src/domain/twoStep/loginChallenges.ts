import { and, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts, loginChallenges, type Role } from '../../db/schema.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';

// Long enough to open an app and type a code, short enough that a stolen cookie soon means nothing.
export const CHALLENGE_MS = 5 * 60_000;

/**
 * A sign-in waiting for its second step: the password was right (or a reset link was used), no session
 * exists yet. Returns the token for the browser's pending-sign-in cookie; only its hash is stored.
 */
export async function startChallenge(
  db: DbOrTx,
  now: Date,
  challenge: { accountId: number; keep: boolean },
): Promise<string> {
  const token = newToken();
  await db.insert(loginChallenges).values({
    tokenHash: hashToken(token),
    accountId: challenge.accountId,
    keep: challenge.keep,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_MS),
  });
  return token;
}

export type Challenge = { tokenHash: string; accountId: number; keep: boolean; username: string; role: Role };

/** The sign-in behind a pending-sign-in cookie, while it lasts; null when unknown or expired. */
export async function findChallenge(db: DbOrTx, token: string, now: Date): Promise<Challenge | null> {
  const [row] = await db
    .select({
      tokenHash: loginChallenges.tokenHash,
      accountId: loginChallenges.accountId,
      keep: loginChallenges.keep,
      username: accounts.username,
      role: accounts.role,
    })
    .from(loginChallenges)
    .innerJoin(accounts, eq(accounts.id, loginChallenges.accountId))
    .where(and(eq(loginChallenges.tokenHash, hashToken(token)), gt(loginChallenges.expiresAt, now)))
    .limit(1);
  return row ?? null;
}

/** Uses a challenge up: true for the one caller that deleted it (two submissions cannot both sign in). */
export async function takeChallenge(db: DbOrTx, tokenHash: string): Promise<boolean> {
  const gone = await db
    .delete(loginChallenges)
    .where(eq(loginChallenges.tokenHash, tokenHash))
    .returning({ tokenHash: loginChallenges.tokenHash });
  return gone.length > 0;
}

/** Housekeeping: challenges past their five minutes. */
export async function purgeExpiredChallenges(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  await deps.db.delete(loginChallenges).where(lt(loginChallenges.expiresAt, deps.clock.now()));
}
