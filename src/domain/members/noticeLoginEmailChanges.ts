import type { Tx } from '../../db/connect.ts';
import { auditEvents } from '../../db/schema.ts';
import { queueAccountEmails } from '../email/queueAccountEmail.ts';
import type { Actor } from '../policy.ts';
import type { LoginEmailChange } from './loginEmailChanges.ts';

// Rows per insert: far below the 65,535 bind parameters one statement may carry.
const INSERT_BATCH = 1000;

/**
 * Inside the import's transaction: each member whose login now has a new address gets one audit event
 * with the old and new address (filterable by member in the Audit Log), and the old address is told, so
 * a change the member did not expect is noticed where they still read their mail.
 */
export async function noticeLoginEmailChanges(
  tx: Tx,
  now: Date,
  actor: Actor,
  source: string,
  changes: LoginEmailChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await queueAccountEmails(
    tx,
    now,
    changes.map((c) => ({ kind: 'email_changed', memberId: c.memberId, toAddress: c.from })),
  );
  for (let start = 0; start < changes.length; start += INSERT_BATCH) {
    await tx.insert(auditEvents).values(
      changes.slice(start, start + INSERT_BATCH).map((c) => ({
        at: now,
        actorAccountId: actor.accountId,
        actorLabel: actor.label,
        action: 'member.email_changed',
        memberId: c.memberId,
        ip: actor.ip,
        details: { from: c.from, to: c.to, source },
      })),
    );
  }
}
