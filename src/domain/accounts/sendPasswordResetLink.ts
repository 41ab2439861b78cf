import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberLogin } from './memberLogin.ts';

/**
 * Change login > Send password reset link: the first choice, because nobody but the member ever knows
 * the password. The link itself is made when the worker sends the email (see queueAccountEmail), and it
 * goes only to the member's roster address.
 */
export async function sendPasswordResetLink(
  deps: Deps,
  actor: Actor,
  memberId: number,
): Promise<{ toAddress: string }> {
  requirePermission(actor, 'logins.manage');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const login = await lockMemberLogin(tx, memberId);
    const messageId = await queueAccountEmail(tx, now, {
      kind: 'password_reset',
      memberId: login.memberId,
      toAddress: login.email,
    });
    await recordAudit(tx, now, actor, 'password.reset_link_sent', {
      memberId: login.memberId,
      details: { messageId },
    });
    return { toAddress: login.email };
  });
  await deps.jobs.emailDue();
  return result;
}
