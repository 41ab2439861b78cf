import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { authenticatorApps } from '../../db/schema.ts';
import { throttleRule } from '../auth/throttleRules.ts';
import { looksLikeRecoveryCode, useRecoveryCode } from './recoveryCodes.ts';
import { matchingStep } from './totp.ts';

export type CodeKind = 'authenticator' | 'recovery';

/** The second step's throttle (throttleRules.ts): per login and address, per login, per address. */
export const secondStepRules = (accountId: number, ip: string | null) => [
  throttleRule('second-pair', accountId, ip),
  throttleRule('second', accountId),
  throttleRule('second-ip', ip),
];

/** What was typed into `Code`, without the spaces people copy along. */
export const typedCode = (typed: string) => typed.replace(/\s/g, '');

/**
 * Checks a typed code against a login's confirmed authenticator app (a step not used before: the row is
 * locked and the step stored, so a code works once even when submitted twice at the same moment) or,
 * when it has the shape of one, against its unused recovery codes (used up). Null when it is neither.
 * The caller counts the attempt first (withThrottle).
 */
export async function checkCode(
  db: Db,
  accountId: number,
  typed: string,
  now: Date,
): Promise<CodeKind | null> {
  const code = typedCode(typed);
  if (looksLikeRecoveryCode(code)) {
    return (await useRecoveryCode(db, accountId, code, now)) ? 'recovery' : null;
  }
  return db.transaction(async (tx) => {
    const [app] = await tx
      .select({ secret: authenticatorApps.secret, lastStep: authenticatorApps.lastStep })
      .from(authenticatorApps)
      .where(
        sql`${authenticatorApps.accountId} = ${accountId} and ${authenticatorApps.confirmedAt} is not null`,
      )
      .for('update');
    const step = app ? matchingStep(app.secret, code, now) : null;
    if (step === null || (app!.lastStep !== null && step <= app!.lastStep)) return null;
    await tx
      .update(authenticatorApps)
      .set({ lastStep: step })
      .where(eq(authenticatorApps.accountId, accountId));
    return 'authenticator';
  });
}
