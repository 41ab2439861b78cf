import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { waitWords, withThrottle } from '../auth/throttle.ts';
import { throttleRule } from '../auth/throttleRules.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type FoundInvitation, findInvitationByCode } from './findInvitation.ts';

/** The typed code and the email address or member number it was sent for (the /invite form and its follow-ups). */
export const typedCodeInput = z.object({ code: text, identifier: text });

export const CODE_MISMATCH =
  'That code does not match. Check the code and the email address or member number it was sent for.';

/**
 * Every check of a typed invitation code (showing the welcome form, creating the login, asking for a fresh
 * link): counted per address and per email/member number *before* the code is compared, so parallel
 * guesses cannot outrun the limit. An unknown member is counted and answered like a wrong code. Null for
 * a wrong code; throws `rate_limited` when the throttle refuses.
 */
export async function matchTypedCode(
  deps: Deps,
  ref: { code: string; identifier: string },
  ip: string | null,
): Promise<FoundInvitation | null> {
  const now = deps.clock.now();
  const rules = [throttleRule('code-ip', ip), throttleRule('code-id', ref.identifier.trim().toLowerCase())];
  const checked = await withThrottle(
    deps.db,
    rules,
    now,
    () => findInvitationByCode(deps.db, ref, now),
    (found) => found !== null,
  );
  if (checked.throttled) {
    throw new AppError('rate_limited', `Too many tries. ${waitWords(checked.waitMs)} and try again.`, 'code');
  }
  return checked.result;
}

/** The typed-code path of "Login from invite link": the form's fields checked, then the code. */
export async function checkTypedCode(
  deps: Deps,
  input: z.infer<typeof typedCodeInput>,
  ip: string | null,
): Promise<FoundInvitation> {
  if (!input.code.trim())
    throw new AppError('validation', 'Enter the invitation code from your email.', 'code');
  if (!input.identifier.trim()) {
    throw new AppError('validation', 'Enter your email address or member number.', 'identifier');
  }
  const invitation = await matchTypedCode(deps, input, ip);
  if (!invitation) throw new AppError('validation', CODE_MISMATCH, 'code');
  return invitation;
}
