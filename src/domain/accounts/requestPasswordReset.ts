import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { requestSelfServiceEmail } from './selfService.ts';

/** Forgot password's form: a username or an email address (checked below, with the page's words). */
export const requestPasswordResetInput = z.object({ identifier: text });

/**
 * "Forgot password?": emails a reset link to the roster address of each login matching the username or
 * email address typed; the same answer whatever happened. The link itself is made when the email is sent.
 */
export async function requestPasswordReset(
  deps: Deps,
  input: z.infer<typeof requestPasswordResetInput>,
  ip: string | null,
): Promise<void> {
  const typed = input.identifier.trim().toLowerCase();
  if (!typed) throw new AppError('validation', 'Enter your username or email address.', 'identifier');
  if (typed.length > 320)
    throw new AppError('validation', 'That is too long for a username or email address.', 'identifier');
  await requestSelfServiceEmail(deps, { page: 'forgot-password', typed, ip });
}
