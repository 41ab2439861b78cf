import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { countAttempt, throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import { loginsMatching, selfServiceActor, selfServiceRules } from './selfService.ts';

const PAGE = 'forgot-username';

/**
 * "Forgot username?": each login whose member has this roster address gets an email with its username.
 * The caller answers the same whatever happened, so the page does not reveal whose address is on the roster.
 */
export async function requestUsernameReminder(
  deps: Deps,
  input: { email: string },
  ip: string | null,
): Promise<void> {
  const typed = input.email.trim().toLowerCase();
  if (!typed) throw new AppError('validation', 'Enter your email address.', 'email');
  if (!/^[^\s@]+@[^\s@]+$/.test(typed) || typed.length > 320) {
    throw new AppError('validation', 'Enter an email address like name@example.org.', 'email');
  }
  const now = deps.clock.now();
  const queued = await deps.db.transaction(async (tx) => {
    const rules = [selfServiceRules.ip(PAGE, ip), selfServiceRules.target(PAGE, typed)];
    if ((await throttledForMs(tx, rules, now)) > 0) return 0;
    await countAttempt(tx, rules, now);
    let count = 0;
    for (const login of await loginsMatching(tx, typed, { byUsername: false })) {
      const perLogin = [selfServiceRules.login(PAGE, login.accountId)];
      if ((await throttledForMs(tx, perLogin, now)) > 0) continue;
      await countAttempt(tx, perLogin, now);
      await queueAccountEmail(tx, now, {
        kind: 'username_reminder',
        memberId: login.memberId,
        toAddress: login.email,
      });
      await recordAudit(tx, now, selfServiceActor(ip), 'username.reminder_requested', {
        memberId: login.memberId,
      });
      count += 1;
    }
    return count;
  });
  if (queued > 0) await deps.jobs.emailDue();
}
