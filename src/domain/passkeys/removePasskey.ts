import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { passkeys } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import type { Deps } from '../deps.ts';
import { checkbox, id } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { afterOwnSecondStepRemoved, noticeSecondStepChange } from '../twoStep/secondStepChanged.ts';

export const removePasskeyInput = z.object({
  passkeyId: id('passkey'),
  confirm: checkbox.refine((v) => v, 'Tick the box to confirm that you want to remove the passkey.'),
});

/**
 * Removes one of the signed-in login's passkeys. Refused when the role requires a second step and this
 * is the last one; the recovery codes go with the last second step. Emailed and audited.
 */
export async function removePasskey(deps: Deps, actor: Actor, input: { passkeyId: number }): Promise<void> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(passkeys)
      .where(and(eq(passkeys.id, input.passkeyId), eq(passkeys.accountId, login.accountId)))
      .returning({ name: passkeys.name });
    if (!gone) throw new AppError('not_found', 'There is no such passkey on your login.');
    await afterOwnSecondStepRemoved(tx, login.accountId, 'set up another one before removing this passkey.');
    await noticeSecondStepChange(tx, now, actor, login, {
      kind: 'second_step_removed',
      action: 'two_step.passkey_removed',
      details: { name: gone.name },
    });
  });
  await deps.jobs.emailDue();
}
