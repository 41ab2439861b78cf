import type { Deps } from '../deps.ts';
import type { Outcome } from '../forms/repeatSafeSubmission.ts';
import type { Actor } from '../policy.ts';
import type { SendAllTarget } from '../sendAll/sendAllTarget.ts';
import { startSendAll } from './queueInvitations.ts';
import { type RoundAnswer, startSendAllOnceAs } from './repeatSafeSend.ts';
import type { ApiRequestKey } from './sendToMemberNumber.ts';

/**
 * Send All as the JSON API asks for it. With a request key it is the confirmation form's repeat-safe
 * Send All keyed by the token; the target is part of the action, so one key sent again with other
 * filters is refused rather than answered with a round for different members.
 */
export async function startSendAllRequest(
  deps: Deps,
  actor: Actor,
  input: { target: SendAllTarget; requestKey?: ApiRequestKey },
): Promise<Outcome<RoundAnswer & { total: number }>> {
  const { target, requestKey } = input;
  if (!requestKey) return { repeated: false, result: await startSendAll(deps, actor, target) };
  const action = `invitation.send_all:${JSON.stringify(target)}`;
  return startSendAllOnceAs(deps, actor, { ...requestKey, action }, target);
}
