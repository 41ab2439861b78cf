import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { type IssuedReset, issuePasswordResets } from '../accounts/passwordResets.ts';

/** The part of a claimed row that emails about a login need. */
export type AccountEmailRow = { id: number; kind: string; account_id: number | null };

export const NO_LOGIN_REASON = 'Not sent: the member no longer has a login.';

/**
 * Inside the claim transaction: emails about a login whose login has gone are skipped, and each
 * password_reset message gets a fresh reset link, recorded on the message. A retried message (the mail
 * server said "try later") had a link that never reached anyone: it is closed when its successor is made.
 */
export async function prepareAccountEmails(
  tx: Tx,
  rows: AccountEmailRow[],
  now: Date,
): Promise<{ skipped: number[]; resets: Map<number, IssuedReset> }> {
  const accountRows = rows.filter((r) => r.kind !== 'invitation');
  const skipped = accountRows.filter((r) => r.account_id === null).map((r) => r.id);
  if (skipped.length > 0) {
    await tx.execute(sql`
      update email_messages set state = 'skipped', next_attempt_at = null, updated_at = ${now},
        last_error = ${NO_LOGIN_REASON}
      where id = any(${sql.param(skipped)}::bigint[])`);
  }
  const toReset = accountRows.filter((r) => r.kind === 'password_reset' && r.account_id !== null);
  const resets = new Map<number, IssuedReset>();
  if (toReset.length === 0) return { skipped, resets };
  const messageIds = sql.param(toReset.map((r) => r.id));
  await tx.execute(sql`
    update password_resets p set expires_at = least(p.expires_at, ${now})
    from email_messages e
    where e.id = any(${messageIds}::bigint[]) and p.id = e.password_reset_id and p.used_at is null`);
  const issued = await issuePasswordResets(
    tx,
    toReset.map((r) => r.account_id!),
    now,
  );
  await tx.execute(sql`
    update email_messages e set password_reset_id = u.reset_id
    from unnest(${messageIds}::bigint[], ${sql.param(issued.map((i) => i.resetId))}::bigint[]) as u(id, reset_id)
    where e.id = u.id`);
  for (const [i, r] of toReset.entries()) resets.set(r.id, issued[i]!);
  return { skipped, resets };
}
