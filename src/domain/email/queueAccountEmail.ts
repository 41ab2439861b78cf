import type { DbOrTx } from '../../db/connect.ts';
import { emailMessages } from '../../db/schema.ts';

/** Emails about a login (not invitations): rendered by deliverDueEmail when a worker claims them. */
export type AccountEmailKind =
  | 'username_changed'
  | 'email_changed'
  | 'password_reset'
  | 'username_reminder'
  | 'second_step_added'
  | 'second_step_removed';

type AccountEmail = { kind: AccountEmailKind; memberId: number; toAddress: string };

// Rows per insert: far below the 65,535 bind parameters one statement may carry.
const INSERT_BATCH = 1000;

/**
 * Queues one email about a member's login inside the caller's transaction. Secrets (a reset link) are
 * made only when a worker claims the message, so nothing secret is stored before it is sent. After the
 * transaction commits, the caller wakes a worker with `deps.jobs.emailDue()`.
 */
export async function queueAccountEmail(tx: DbOrTx, now: Date, message: AccountEmail): Promise<number> {
  const [row] = await tx
    .insert(emailMessages)
    .values({ ...message, state: 'queued', createdAt: now, updatedAt: now })
    .returning({ id: emailMessages.id });
  return row!.id;
}

/** The same for many messages at once (a roster import that changed many addresses). */
export async function queueAccountEmails(tx: DbOrTx, now: Date, messages: AccountEmail[]): Promise<void> {
  for (let start = 0; start < messages.length; start += INSERT_BATCH) {
    await tx
      .insert(emailMessages)
      .values(
        messages
          .slice(start, start + INSERT_BATCH)
          .map((m) => ({ ...m, state: 'queued' as const, createdAt: now, updatedAt: now })),
      );
  }
}
