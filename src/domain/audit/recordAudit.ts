import type { DbOrTx } from '../../db/connect.ts';
import { auditEvents } from '../../db/schema.ts';
import type { Actor } from '../policy.ts';

/** Append one audit event inside the caller's transaction, so it commits with the action it describes. */
export async function recordAudit(
  tx: DbOrTx,
  at: Date,
  actor: Actor,
  action: string,
  target: { memberId?: number | null; details?: Record<string, unknown> } = {},
): Promise<void> {
  await tx.insert(auditEvents).values({
    at,
    actorAccountId: actor.accountId,
    actorLabel: actor.label,
    action,
    memberId: target.memberId ?? null,
    ip: actor.ip,
    details: target.details ?? {},
  });
}
