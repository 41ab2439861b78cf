import { eq } from 'drizzle-orm';
import { authenticatorApps, recoveryCodes } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { hasSecondStep, secondStepState } from './secondSteps.ts';

/**
 * Turn off the authenticator app (a member who turned it on; anyone who has a passkey besides). Refused
 * when the role requires a second step and the app is the only one. The recovery codes go with the last
 * second step. Emailed and audited.
 */
export async function removeAuthenticator(deps: Deps, actor: Actor): Promise<void> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const state = await secondStepState(tx, login.accountId);
    if (!state.authenticator) throw new AppError('conflict', 'No authenticator app is set up.');
    await tx.delete(authenticatorApps).where(eq(authenticatorApps.accountId, login.accountId));
    const left = await hasSecondStep(tx, login.accountId);
    if (state.required && !left) {
      throw new AppError(
        'forbidden',
        'Your access level requires a second step: add a passkey before removing the app.',
      );
    }
    if (!left) await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, login.accountId));
    await queueAccountEmail(tx, now, {
      kind: 'second_step_removed',
      memberId: login.memberId,
      toAddress: login.email,
    });
    await recordAudit(tx, now, actor, 'two_step.authenticator_removed', { memberId: login.memberId });
  });
  await deps.jobs.emailDue();
}
