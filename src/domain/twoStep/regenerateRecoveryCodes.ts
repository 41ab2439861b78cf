import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { issueRecoveryCodes } from './recoveryCodes.ts';
import { hasSecondStep } from './secondSteps.ts';

/**
 * Recovery codes > Regenerate: ten new codes replace every old one (used or not), shown once. Only for a
 * login with a second step: without one there is nothing to recover.
 */
export async function regenerateRecoveryCodes(deps: Deps, actor: Actor): Promise<string[]> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await hasSecondStep(tx, login.accountId))) {
      throw new AppError('conflict', 'Set up an authenticator app or a passkey first.');
    }
    await recordAudit(tx, now, actor, 'two_step.recovery_codes_regenerated', { memberId: login.memberId });
    return issueRecoveryCodes(tx, login.accountId, now);
  });
}
