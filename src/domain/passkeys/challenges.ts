import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { passkeyChallenges } from '../../db/schema.ts';
import { CHALLENGE_MS } from './relyingParty.ts';

export type ChallengePurpose = 'register' | 'sign_in' | 'step_up';

/** Keeps the challenge just handed out; it replaces any earlier one of the same login and purpose. */
export async function keepChallenge(
  db: DbOrTx,
  accountId: number,
  purpose: ChallengePurpose,
  challenge: string,
  now: Date,
): Promise<void> {
  const expiresAt = new Date(now.getTime() + CHALLENGE_MS);
  await db
    .insert(passkeyChallenges)
    .values({ accountId, purpose, challenge, expiresAt })
    .onConflictDoUpdate({
      target: [passkeyChallenges.accountId, passkeyChallenges.purpose],
      set: { challenge, expiresAt },
    });
}

/** Uses the challenge up (whatever the answer turns out to be) and returns it, or null if none is current. */
export async function takeChallenge(
  db: DbOrTx,
  accountId: number,
  purpose: ChallengePurpose,
  now: Date,
): Promise<string | null> {
  const [row] = await db
    .delete(passkeyChallenges)
    .where(and(eq(passkeyChallenges.accountId, accountId), eq(passkeyChallenges.purpose, purpose)))
    .returning({ challenge: passkeyChallenges.challenge, expiresAt: passkeyChallenges.expiresAt });
  return row && row.expiresAt.getTime() > now.getTime() ? row.challenge : null;
}
