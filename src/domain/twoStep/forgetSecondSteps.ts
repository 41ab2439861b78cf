import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import {
  authenticatorApps,
  loginChallenges,
  passkeyChallenges,
  passkeys,
  recoveryCodes,
} from '../../db/schema.ts';

/**
 * Removes every second step of a login (inside the caller's transaction): the authenticator app, the
 * recovery codes and any sign-in waiting for a code. Passkeys are deleted here too once they exist.
 * Returns whether there was anything to remove.
 */
export async function forgetSecondSteps(tx: DbOrTx, accountId: number): Promise<boolean> {
  const apps = await tx
    .delete(authenticatorApps)
    .where(eq(authenticatorApps.accountId, accountId))
    .returning({ confirmedAt: authenticatorApps.confirmedAt });
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
  await tx.delete(loginChallenges).where(eq(loginChallenges.accountId, accountId));
  const keys = await tx
    .delete(passkeys)
    .where(eq(passkeys.accountId, accountId))
    .returning({ id: passkeys.id });
  await tx.delete(passkeyChallenges).where(eq(passkeyChallenges.accountId, accountId));
  return apps.some((a) => a.confirmedAt !== null) || keys.length > 0;
}
