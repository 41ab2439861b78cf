import type { DbOrTx } from '../../db/connect.ts';
import { emailMessages } from '../../db/schema.ts';

/** Emails about a login (not invitations): rendered by deliverDueEmail when a worker claims them. */
export type AccountEmailKind = 'username_changed' | 'password_reset' | 'username_reminder';

/**
 * Queues one email about a member's login inside the caller's transaction. Secrets (a reset link) are
 * made only when a worker claims the message, so nothing secret is stored before it is sent. After the
 * transaction commits, the caller wakes a worker with `deps.jobs.emailDue()`.
 */
export async function queueAccountEmail(
  tx: DbOrTx,
  now: Date,
  message: { kind: AccountEmailKind; memberId: number; toAddress: string },
): Promise<number> {
  const [row] = await tx
    .insert(emailMessages)
    .values({ ...message, state: 'queued', createdAt: now, updatedAt: now })
    .returning({ id: emailMessages.id });
  return row!.id;
}
