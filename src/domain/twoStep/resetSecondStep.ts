import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { lockMemberLogin } from '../accounts/memberLogin.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { forgetSecondSteps } from './forgetSecondSteps.ts';
import { noticeSecondStepChange } from './secondStepChanged.ts';

/**
 * A lost device: a Security Administrator (or the operator, `gatehouse admin reset-second-step`) removes
 * another person's second steps. Every session of that login ends; at the next sign-in the password
 * alone lets them in, and a role that requires a second step sets a new one up before anything else.
 * Audited, and the person is emailed. Not for one's own login: that is what recovery codes are for.
 */
export async function resetSecondStep(
  deps: Deps,
  actor: Actor,
  memberId: number,
): Promise<{ username: string }> {
  requirePermission(actor, 'logins.manage');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, memberId);
    if (actor.accountId !== null && actor.accountId === login.accountId) {
      throw new AppError(
        'forbidden',
        'You cannot reset your own second step. Use a recovery code to sign in.',
      );
    }
    if (!(await forgetSecondSteps(tx, login.accountId))) {
      throw new AppError('conflict', `${login.firstName} ${login.lastName} has no second step to reset.`);
    }
    await endOtherSessions(tx, login.accountId);
    await noticeSecondStepChange(tx, now, actor, login, {
      kind: 'second_step_removed',
      action: 'two_step.reset',
      details: { username: login.username },
    });
    return { username: login.username };
  });
  await deps.jobs.emailDue();
  return result;
}

/** The command line's form: the login by its username. */
export const resetSecondStepByUsernameInput = z.object({ username: text });

/** `gatehouse admin reset-second-step --username U`: the last Security Administrator's way back in. */
export async function resetSecondStepByUsername(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof resetSecondStepByUsernameInput>,
): Promise<{ username: string }> {
  const [account] = await deps.db
    .select({ memberId: accounts.memberId })
    .from(accounts)
    .where(eq(accounts.usernameLower, input.username.trim().toLowerCase()));
  if (!account) throw new AppError('not_found', `No login has the username ${input.username}.`, 'username');
  return resetSecondStep(deps, actor, account.memberId);
}
