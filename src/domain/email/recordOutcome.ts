import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import type { DeliveryState } from '../../db/schema.ts';
import type { SendOutcome } from '../../email/mailer.ts';
import type { ClaimedMessage } from './claimDueMessages.ts';

/** After 6 temporary failures (about 4½ hours of trying) a message is given up as failed. */
export const MAX_ATTEMPTS = 6;
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 3 * 60 * 60_000];

export const retryDelayMs = (attempts: number) =>
  RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1]!;

type Content = { subject: string; text: string; html: string };

/**
 * Writes what became of one message: on the message (state, stored content, error, next attempt), on the
 * member (the invitation summary the Invitation Codes list shows) and, when the email never reached a
 * mail server, revokes the invitation it carried — nobody can have its link.
 */
export async function recordOutcome(
  db: DbOrTx,
  message: ClaimedMessage,
  outcome: SendOutcome,
  stored: Content,
  now: Date,
): Promise<DeliveryState> {
  const reachedServer = outcome.status === 'sent' || outcome.status === 'logged';
  const retry = outcome.status === 'temporary' && message.attempts < MAX_ATTEMPTS;
  const state: DeliveryState = reachedServer ? outcome.status : retry ? 'deferred' : 'failed';
  const detail =
    outcome.status === 'sent' ? outcome.response : outcome.status === 'logged' ? null : outcome.error;
  const nextAttemptAt = retry ? new Date(now.getTime() + retryDelayMs(message.attempts)) : null;
  await db.execute(sql`
    update email_messages set state = ${state}, next_attempt_at = ${nextAttemptAt}, updated_at = ${now},
      sent_at = ${reachedServer ? now : null}, last_error = ${reachedServer ? null : detail},
      subject = ${stored.subject}, text_body = ${stored.text}, html_body = ${stored.html}
    where id = ${message.id}`);
  if (message.memberId !== null && message.kind === 'invitation') {
    await db.execute(sql`
      update members set
        invitations_sent = invitations_sent + ${reachedServer ? 1 : 0},
        last_invited_at = case when ${reachedServer} then ${now}::timestamptz else last_invited_at end,
        delivery_state = ${state}, delivery_detail = ${detail}
      where id = ${message.memberId}`);
  }
  if (!reachedServer && message.invitation) {
    await db.execute(
      sql`update invitations set revoked_at = ${now} where id = ${message.invitation.invitationId}`,
    );
  }
  return state;
}

/** Marks rounds done once none of their messages is waiting or being sent. */
export async function finishCompletedRounds(db: DbOrTx, now: Date): Promise<void> {
  await db.execute(sql`
    update invitation_rounds r set finished_at = ${now}
    where r.finished_at is null
      and not exists (select 1 from email_messages e
                      where e.round_id = r.id and e.state in ('queued', 'deferred', 'claimed', 'sending'))`);
}
