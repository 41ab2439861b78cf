import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Outcome, onceWithinWindow } from '../forms/repeatSafeSubmission.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { queueOneInvitationIn } from './queueInvitations.ts';
import { type RoundAnswer, roundAnswer } from './repeatSafeSend.ts';

/** A JSON API request's `Idempotency-Key`, with the token that sent it (keys are per token). */
export type ApiRequestKey = { apiTokenId: number; key: string };

/** The member with this roster number (the number a membership database knows them by), or a 404. */
export async function memberIdByNumber(db: DbOrTx, memberNumber: string): Promise<number> {
  const [row] = await db
    .select({ id: members.id })
    .from(members)
    .where(eq(members.memberNumber, memberNumber));
  if (!row)
    throw new AppError('not_found', `There is no member with number ${memberNumber}.`, 'member_number');
  return row.id;
}

/**
 * Send, for a caller that names the member by number (the JSON API): the same rules and audit event as
 * the row's Send on Invitation Codes (`queueOneInvitationIn`). With a request key, a repeat within the
 * window answers with the first round and queues nothing — the forms' mechanism (`onceWithinWindow`),
 * keyed by the token instead of an account.
 */
export async function sendToMemberNumber(
  deps: Deps,
  actor: Actor,
  input: { memberNumber: string; requestKey?: ApiRequestKey },
): Promise<Outcome<RoundAnswer>> {
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const { memberNumber, requestKey } = input;
  const outcome = await deps.db.transaction(async (tx) => {
    const send = async () => {
      const memberId = await memberIdByNumber(tx, memberNumber);
      return {
        roundId: (await queueOneInvitationIn(tx, deps, actor, memberId, 'invitation.send', now)).roundId,
      };
    };
    if (!requestKey) return { repeated: false, result: await send() };
    const submission = { ...requestKey, action: `invitation.send:${memberNumber}` };
    return onceWithinWindow(tx, submission, now, send, roundAnswer);
  });
  if (!outcome.repeated) await deps.jobs.emailDue();
  return outcome;
}
