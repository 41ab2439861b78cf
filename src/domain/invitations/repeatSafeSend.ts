import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { formKeyOf, type Outcome, onceWithinWindow, type Submission } from '../forms/repeatSafeSubmission.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type SendAllTarget, sendAllTargetInput } from '../sendAll/sendAllTarget.ts';
import { queueOneInvitationIn, startSendAllIn } from './queueInvitations.ts';

/**
 * Send's form (a row of Invitation Codes): only the key it was shown with. formKeyOf checks it and says
 * what is wrong in its own words, as a refusal naming the field — also where no page shows the form again.
 */
export const sendInvitationInput = z.unknown().transform((body) => ({ key: formKeyOf(body) }));

/** Send All's confirmation form: its key and who the round is for (the filters and the two options). */
export const startSendAllInput = z
  .unknown()
  .transform((body) => ({ key: formKeyOf(body) }))
  .and(sendAllTargetInput.transform((target) => ({ target })));

/** What a Send or Send All form answered the first time: the round it opened. */
export type RoundAnswer = { roundId: number };

export function roundAnswer(stored: unknown): RoundAnswer {
  const roundId = (stored as { roundId?: unknown } | null)?.roundId;
  if (typeof roundId !== 'number' || !Number.isSafeInteger(roundId)) {
    throw new Error('A stored form result has no round id.');
  }
  return { roundId };
}

function accountOf(actor: Actor): number {
  // The forms are pages of a signed-in admin; the CLI's system actor has no account to key them by.
  if (actor.accountId === null) throw new Error('A repeat-safe form needs a signed-in account.');
  return actor.accountId;
}

/**
 * Send on a row of Invitation Codes, pressed once or repeated with the same form key: the first press
 * queues one invitation (and its audit event); a repeat within the window answers with that round and
 * queues nothing. The key is per member (`send:<id>`), so a key sent to another row's address is refused.
 */
export async function sendInvitationOnce(
  deps: Deps,
  actor: Actor,
  memberId: number,
  key: string,
): Promise<Outcome<RoundAnswer>> {
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const submission = { accountId: accountOf(actor), key, action: `invitation.send:${memberId}` };
  const outcome = await deps.db.transaction((tx) =>
    onceWithinWindow(
      tx,
      submission,
      now,
      async () => ({
        roundId: (await queueOneInvitationIn(tx, deps, actor, memberId, 'invitation.send', now)).roundId,
      }),
      roundAnswer,
    ),
  );
  if (!outcome.repeated) await deps.jobs.emailDue();
  return outcome;
}

/**
 * Send All's confirmation, submitted once or repeated with the same form key: the first opens the round;
 * a repeat within the window answers with that round rather than with "already running".
 */
export function startSendAllOnce(deps: Deps, actor: Actor, key: string, target: SendAllTarget) {
  return startSendAllOnceAs(
    deps,
    actor,
    { accountId: accountOf(actor), key, action: 'invitation.send_all' },
    target,
  );
}

/** Send All once per submission: a signed-in admin's form, or an API token's `Idempotency-Key`. */
export async function startSendAllOnceAs(
  deps: Deps,
  actor: Actor,
  submission: Submission,
  target: SendAllTarget,
): Promise<Outcome<RoundAnswer & { total: number }>> {
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const outcome = await deps.db.transaction((tx) =>
    onceWithinWindow(
      tx,
      submission,
      now,
      () => startSendAllIn(tx, deps, actor, now, target),
      (stored) => ({ ...roundAnswer(stored), total: Number((stored as { total?: unknown }).total) || 0 }),
    ),
  );
  if (!outcome.repeated && outcome.result.total > 0) {
    await deps.jobs.emailDue({ volume: outcome.result.total });
  }
  return outcome;
}
