import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { authenticatorApps } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import { waitWords, withThrottle } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { secondStepRules, typedCode } from './checkCode.ts';
import { issueRecoveryCodes } from './recoveryCodes.ts';
import { noticeSecondStepChange } from './secondStepChanged.ts';
import { matchingStep } from './totp.ts';

/** The set-up form: the code the app shows once the secret is in it. */
export const confirmAuthenticatorInput = z.object({
  code: text.refine((v) => v.trim() !== '', 'Enter the six-digit code your authenticator app shows.'),
});

const WRONG_SETUP_CODE =
  'That code does not match. Check that the app shows the account for this portal, and type its newest code.';

/**
 * Turns the authenticator app on once a code from it is right (throttled like the sign-in's second
 * step): the app is confirmed, its step is used up, ten recovery codes are issued — returned to be
 * shown once — and the person is emailed, in one transaction with its audit event.
 */
export async function confirmAuthenticator(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof confirmAuthenticatorInput>,
): Promise<string[]> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const now = deps.clock.now();
  const checked = await withThrottle(
    deps.db,
    secondStepRules(login.accountId, actor.ip),
    now,
    async () => {
      const [app] = await deps.db
        .select({ secret: authenticatorApps.secret })
        .from(authenticatorApps)
        .where(and(eq(authenticatorApps.accountId, login.accountId), isNull(authenticatorApps.confirmedAt)));
      if (!app) throw new AppError('conflict', 'The authenticator app is set up already.', 'code');
      return matchingStep(app.secret, typedCode(input.code), now);
    },
    (step) => step !== null,
  );
  if (checked.throttled) {
    throw new AppError(
      'rate_limited',
      `Too many wrong codes. ${waitWords(checked.waitMs)} and try again.`,
      'code',
    );
  }
  const step = checked.result;
  if (step === null) throw new AppError('validation', WRONG_SETUP_CODE, 'code');
  const codes = await deps.db.transaction(async (tx) => {
    const confirmed = await tx
      .update(authenticatorApps)
      .set({ confirmedAt: now, lastStep: step })
      .where(and(eq(authenticatorApps.accountId, login.accountId), isNull(authenticatorApps.confirmedAt)))
      .returning({ accountId: authenticatorApps.accountId });
    if (confirmed.length === 0)
      throw new AppError('conflict', 'The authenticator app is set up already.', 'code');
    await noticeSecondStepChange(tx, now, actor, login, {
      kind: 'second_step_added',
      action: 'two_step.authenticator_added',
    });
    return issueRecoveryCodes(tx, login.accountId, now);
  });
  await deps.jobs.emailDue();
  return codes;
}
