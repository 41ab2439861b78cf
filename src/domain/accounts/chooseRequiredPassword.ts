import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import type { Actor } from '../policy.ts';
import { checkNewPassword, readOwnLogin, storeOwnPassword } from './ownLogin.ts';
import { verifyPassword } from './passwords.ts';

/** Choose a new password's form: the new password (the temporary one is not asked for again). */
export const chooseRequiredPasswordInput = z.object({ newPassword: text });

/**
 * After logging in with a temporary password an administrator set, the member must choose their own.
 * Having just logged in with it is proof enough, so the temporary password is not asked for again; the
 * new one must differ from it (the administrator knows it).
 */
export async function chooseRequiredPassword(
  deps: Deps,
  actor: Actor,
  session: { tokenHash: string },
  input: z.infer<typeof chooseRequiredPasswordInput>,
): Promise<void> {
  const login = await readOwnLogin(deps, actor);
  if (!login.mustChangePassword) return;
  await checkNewPassword(deps, login, input.newPassword);
  if (await verifyPassword(login.passwordHash, input.newPassword)) {
    throw new AppError(
      'validation',
      'Choose a password different from the temporary one you were given.',
      'newPassword',
    );
  }
  await storeOwnPassword(deps, actor, login, session, input.newPassword, { required: true });
}
