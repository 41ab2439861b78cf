import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { requestSelfServiceEmail } from './selfService.ts';

/** Forgot username's form: the email address (checked below, with the page's words). */
export const requestUsernameReminderInput = z.object({ email: text });

/**
 * "Forgot username?": each login whose member has this roster address gets an email with its username;
 * the same answer whatever happened, so the page does not reveal whose address is on the roster.
 */
export async function requestUsernameReminder(
  deps: Deps,
  input: z.infer<typeof requestUsernameReminderInput>,
  ip: string | null,
): Promise<void> {
  const typed = input.email.trim().toLowerCase();
  if (!typed) throw new AppError('validation', 'Enter your email address.', 'email');
  if (!/^[^\s@]+@[^\s@]+$/.test(typed) || typed.length > 320) {
    throw new AppError('validation', 'Enter an email address like name@example.org.', 'email');
  }
  await requestSelfServiceEmail(deps, { page: 'forgot-username', typed, ip });
}
