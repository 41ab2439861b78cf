import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { SessionClient } from '../auth/sessions.ts';
import { waitWords, withThrottle } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { secondStepRules } from '../twoStep/checkCode.ts';
import { completeSignIn, pendingChallenge, type SignedInResult } from '../twoStep/verifySecondStep.ts';
import { assertionOptions, checkAssertion } from './assertion.ts';

/** /login/verify's `Use a passkey` form: the browser's answer, put in a hidden field by passkeys.js. */
export const passkeySignInInput = z.object({ credential: text });

export const PASSKEY_REFUSED =
  'That passkey was not accepted. Try again with a passkey added to this login, or type a code instead.';

/** The options for the passkey of a sign-in waiting for its second step (its cookie's token). */
export async function passkeySignInOptions(
  deps: Deps,
  challengeToken: string | undefined,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = await pendingChallenge(deps, challengeToken);
  return assertionOptions(deps, challenge.accountId, 'sign_in');
}

/**
 * The second step of a sign-in with a passkey: counted like a code (same throttle), then the session
 * opens as after a code (completeSignIn).
 */
export async function signInWithPasskey(
  deps: Deps,
  input: z.infer<typeof passkeySignInInput> & { challengeToken: string | undefined } & SessionClient,
): Promise<SignedInResult> {
  const challenge = await pendingChallenge(deps, input.challengeToken);
  const checked = await withThrottle(
    deps.db,
    secondStepRules(challenge.accountId, input.ip),
    deps.clock.now(),
    () => checkAssertion(deps, challenge.accountId, 'sign_in', input.credential, 'code'),
    (ok) => ok,
  );
  if (checked.throttled)
    throw new AppError(
      'rate_limited',
      `Too many attempts. ${waitWords(checked.waitMs)} and try again.`,
      'code',
    );
  if (!checked.result) throw new AppError('unauthenticated', PASSKEY_REFUSED, 'code');
  return completeSignIn(deps, challenge, input, 'passkey');
}
