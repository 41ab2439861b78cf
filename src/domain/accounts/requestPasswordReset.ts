import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { countAttempt, throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import { loginsMatching, selfServiceActor, selfServiceRules } from './selfService.ts';

const PAGE = 'forgot-password';

/**
 * "Forgot password?": emails a reset link to the roster address of each login matching the username or
 * email address typed. Whatever matched, was throttled or was sent, the caller shows one answer, so the
 * page reveals nothing about which logins exist. The link itself is made when the email is sent.
 */
export async function requestPasswordReset(
  deps: Deps,
  input: { identifier: string },
  ip: string | null,
): Promise<void> {
  const typed = input.identifier.trim().toLowerCase();
  if (!typed) throw new AppError('validation', 'Enter your username or email address.', 'identifier');
  if (typed.length > 320)
    throw new AppError('validation', 'That is too long for a username or email address.', 'identifier');
  const now = deps.clock.now();
  const queued = await deps.db.transaction(async (tx) => {
    const rules = [selfServiceRules.ip(PAGE, ip), selfServiceRules.target(PAGE, typed)];
    if ((await throttledForMs(tx, rules, now)) > 0) return 0;
    await countAttempt(tx, rules, now);
    let count = 0;
    for (const login of await loginsMatching(tx, typed, { byUsername: true })) {
      const perLogin = [selfServiceRules.login(PAGE, login.accountId)];
      if ((await throttledForMs(tx, perLogin, now)) > 0) continue;
      await countAttempt(tx, perLogin, now);
      await queueAccountEmail(tx, now, {
        kind: 'password_reset',
        memberId: login.memberId,
        toAddress: login.email,
      });
      await recordAudit(tx, now, selfServiceActor(ip), 'password.reset_requested', {
        memberId: login.memberId,
      });
      count += 1;
    }
    return count;
  });
  if (queued > 0) await deps.jobs.emailDue();
}
