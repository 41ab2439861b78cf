import { AppError } from '../../errors.ts';
import { countAttempt, minutesOf, throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { type FoundInvitation, findInvitationByCode } from './findInvitation.ts';

const WINDOW_MS = 15 * 60_000;

export const CODE_MISMATCH =
  'That code does not match. Check the code and the email address or member number it was sent for.';

/**
 * The typed-code path of "Login from invite link". A short code can be guessed, so failures are counted
 * per address and per email/member number, and an unknown member gets the same answer as a wrong code.
 */
export async function checkTypedCode(
  deps: Deps,
  input: { code: string; identifier: string },
  ip: string | null,
): Promise<FoundInvitation> {
  if (!input.code.trim())
    throw new AppError('validation', 'Enter the invitation code from your email.', 'code');
  if (!input.identifier.trim()) {
    throw new AppError('validation', 'Enter your email address or member number.', 'identifier');
  }
  const now = deps.clock.now();
  const rules = [
    { key: `code-ip:${ip ?? 'unknown'}`, limit: 20, windowMs: WINDOW_MS },
    { key: `code-id:${input.identifier.trim().toLowerCase()}`, limit: 5, windowMs: WINDOW_MS },
  ];
  const waitMs = await throttledForMs(deps.db, rules, now);
  if (waitMs > 0) {
    throw new AppError(
      'rate_limited',
      `Too many tries. Wait ${minutesOf(waitMs)} minutes and try again.`,
      'code',
    );
  }
  const invitation = await findInvitationByCode(deps.db, input, now);
  if (!invitation) {
    await countAttempt(deps.db, rules, now);
    throw new AppError('validation', CODE_MISMATCH, 'code');
  }
  return invitation;
}
