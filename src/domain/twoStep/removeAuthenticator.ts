import { eq } from 'drizzle-orm';
import { authenticatorApps } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { afterOwnSecondStepRemoved, noticeSecondStepChange } from './secondStepChanged.ts';
import { secondStepState } from './secondSteps.ts';

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
    await afterOwnSecondStepRemoved(tx, login.accountId, 'add a passkey before removing the app.');
    await noticeSecondStepChange(tx, now, actor, login, {
      kind: 'second_step_removed',
      action: 'two_step.authenticator_removed',
    });
  });
  await deps.jobs.emailDue();
}
