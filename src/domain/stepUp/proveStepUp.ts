import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AppError } from '../../errors.ts';
import { waitWords, withThrottle } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { assertionOptions, checkAssertion } from '../passkeys/assertion.ts';
import { checkCode, secondStepRules } from '../twoStep/checkCode.ts';
import { markSecondStep } from './secondStepAt.ts';

export type StepUpProof = { code: string; credential: string };
type Session = { accountId: number; tokenHash: string; ip: string | null };

export const STEP_UP_ASK =
  'This action needs your second step again: type a code from your authenticator app (or a recovery code), or use a passkey.';
const STEP_UP_WRONG =
  'That code is not right. Type the newest code your authenticator app shows, or one of your recovery codes, or use a passkey.';

/** The options for a passkey step-up of the signed-in session. */
export function stepUpPasskeyOptions(
  deps: Deps,
  accountId: number,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return assertionOptions(deps, accountId, 'step_up');
}

/**
 * Proves the second step again for a dangerous action: a code (authenticator or recovery) typed into
 * `Code`, or a passkey answer. Counted with the sign-in's second-step throttle before checking; on
 * success the session's second step is fresh again. Refusals name the field `code`.
 */
export async function proveStepUp(deps: Deps, session: Session, proof: StepUpProof): Promise<void> {
  const code = proof.code.trim();
  if (code === '' && proof.credential === '') throw new AppError('unauthenticated', STEP_UP_ASK, 'code');
  const now = deps.clock.now();
  const checked = await withThrottle(
    deps.db,
    secondStepRules(session.accountId, session.ip),
    now,
    async () =>
      proof.credential !== ''
        ? checkAssertion(deps, session.accountId, 'step_up', proof.credential, 'code')
        : (await checkCode(deps.db, session.accountId, code, now)) !== null,
    (ok) => ok,
  );
  if (checked.throttled)
    throw new AppError(
      'rate_limited',
      `Too many wrong codes. ${waitWords(checked.waitMs)} and try again.`,
      'code',
    );
  if (!checked.result) throw new AppError('unauthenticated', STEP_UP_WRONG, 'code');
  await markSecondStep(deps.db, session.tokenHash, now);
}
