import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { ownPasswordMatches } from '../auth/reauthenticate.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import type { Actor } from '../policy.ts';
import { checkNewPassword, readOwnLogin, storeOwnPassword } from './ownLogin.ts';

/** Home > Change password's form: the current password and the new one. */
export const changeOwnPasswordInput = z.object({ currentPassword: text, newPassword: text });

/**
 * A member changes their own password: the current one is required (a borrowed, unlocked browser is not
 * enough, and its guesses are throttled), and every other session of the account ends so a thief's session does not outlive the change.
 */
export async function changeOwnPassword(
  deps: Deps,
  actor: Actor,
  session: { tokenHash: string },
  input: z.infer<typeof changeOwnPasswordInput>,
): Promise<void> {
  const login = await readOwnLogin(deps, actor);
  if (!(await ownPasswordMatches(deps, login.accountId, input.currentPassword, 'currentPassword'))) {
    throw new AppError('validation', 'That is not your current password.', 'currentPassword');
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('validation', 'Choose a password different from the current one.', 'newPassword');
  }
  await checkNewPassword(deps, login, input.newPassword);
  await storeOwnPassword(deps, actor, login, session, input.newPassword);
}
