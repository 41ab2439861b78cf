import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { EmailMessageDetail } from './emailLog.ts';
import { storedMessage } from './emailLog.ts';
import { revealSecrets } from './keptSecrets.ts';

/**
 * Shows a kept invitation's link and code, as the newcomer would have received them. Only someone who
 * could issue a fresh link anyway (Re-enable Invite Link: a Security Administrator) may, and every reveal
 * is an audit event committed with the read. A password reset link is never kept, so never revealed.
 */
export async function revealEmailMessage(deps: Deps, actor: Actor, id: number): Promise<EmailMessageDetail> {
  requirePermission(actor, 'logins.manage');
  return deps.db.transaction(async (tx) => {
    const { keptSecrets, ...message } = await storedMessage(tx, id);
    if (!keptSecrets) {
      throw new AppError(
        'conflict',
        'This message keeps no link or code to reveal: it went to a mail server, or it is a password reset link, which only the member’s own mailbox may hold.',
      );
    }
    await recordAudit(tx, deps.clock.now(), actor, 'email_log.secret_revealed', {
      memberId: message.member?.id ?? null,
      details: { messageId: message.id, kind: message.kind },
    });
    const revealed = revealSecrets({ text: message.textBody, html: message.htmlBody }, keptSecrets);
    return {
      ...message,
      textBody: revealed.text,
      htmlBody: revealed.html,
      secrets: 'revealed',
      canReveal: true,
    };
  });
}
