import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { openLoginSession } from '../auth/loginSession.ts';
import type { SessionClient } from '../auth/sessions.ts';
import { waitWords, withThrottle } from '../auth/throttle.ts';
import { hashToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { markSecondStep } from '../stepUp/secondStepAt.ts';
import type { Role } from '../vocabulary.ts';
import { checkCode, secondStepRules } from './checkCode.ts';
import { type Challenge, findChallenge, takeChallenge } from './loginChallenges.ts';

/** /login/verify's form: an authenticator code or a recovery code. */
export const verifySecondStepInput = z.object({
  code: text.refine(
    (v) => v.trim() !== '',
    'Enter the code from your authenticator app, or a recovery code.',
  ),
});

export const WRONG_CODE =
  'That code is not right. Type the newest code your authenticator app shows (each code works once), or one of your recovery codes.';
export const CHALLENGE_GONE = 'Your sign-in took too long or was already used. Log in again.';

export type SignedInResult = { token: string; accountId: number; role: Role; keep: boolean };

/**
 * Completes a sign-in whose second step was proved (a code here; a passkey assertion in the passkey
 * use-case): uses up the challenge and opens the session, in one transaction.
 */
export async function completeSignIn(
  deps: Deps,
  challenge: Challenge,
  client: SessionClient,
  how: 'authenticator' | 'recovery' | 'passkey',
): Promise<SignedInResult> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await takeChallenge(tx, challenge.tokenHash)))
      throw new AppError('unauthenticated', CHALLENGE_GONE);
    if (how === 'recovery') {
      // A recovery code is worth a line in the Audit Log: it means the device may be lost.
      const actor = {
        accountId: challenge.accountId,
        label: challenge.username,
        role: challenge.role,
        ip: client.ip,
      };
      await recordAudit(tx, now, actor, 'two_step.recovery_code_used');
    }
    const token = await openLoginSession(tx, deps, challenge.accountId, client);
    // The sign-in's second step counts as fresh for step-up (src/domain/stepUp/).
    await markSecondStep(tx, hashToken(token), now);
    return { token, accountId: challenge.accountId, role: challenge.role, keep: challenge.keep };
  });
}

/** The pending sign-in of a cookie, or the refusal that sends the person back to the login page. */
export async function pendingChallenge(deps: Deps, token: string | undefined): Promise<Challenge> {
  const challenge = token ? await findChallenge(deps.db, token, deps.clock.now()) : null;
  if (!challenge) throw new AppError('unauthenticated', CHALLENGE_GONE);
  return challenge;
}

/**
 * /login/verify: the second step of a sign-in. Every attempt is counted before the code is checked, with
 * the same limits as password guesses (throttleRules.ts `second-*`); the session exists only after it.
 */
export async function verifySecondStep(
  deps: Deps,
  input: z.infer<typeof verifySecondStepInput> & { challengeToken: string | undefined } & SessionClient,
): Promise<SignedInResult> {
  const challenge = await pendingChallenge(deps, input.challengeToken);
  const now = deps.clock.now();
  const checked = await withThrottle(
    deps.db,
    secondStepRules(challenge.accountId, input.ip),
    now,
    () => checkCode(deps.db, challenge.accountId, input.code, now),
    (kind) => kind !== null,
  );
  if (checked.throttled)
    throw new AppError(
      'rate_limited',
      `Too many wrong codes. ${waitWords(checked.waitMs)} and try again.`,
      'code',
    );
  if (!checked.result) throw new AppError('unauthenticated', WRONG_CODE, 'code');
  return completeSignIn(deps, challenge, input, checked.result);
}
