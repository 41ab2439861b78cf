import type { Logger } from 'pino';
import { finishMemberLists } from '../domain/clearAllUsernames/memberLists.ts';
import {
  runWaitingLoginClearRequest,
  settleInterruptedRequests,
} from '../domain/clearAllUsernames/runLoginClearRequest.ts';
import type { Deps } from '../domain/deps.ts';

/** Clear All Usernames and Restore, run off the request path (src/domain/clearAllUsernames). */
export const LOGIN_CLEAR_DUE = 'login-clear-due';

/**
 * Runs what is waiting (at most one request exists at a time, but one may be asked for as the last
 * finishes) after settling requests whose worker died and finishing the member lists of any whose logins
 * had already changed. Thin: the domain does the work.
 */
export async function runLoginClearRequests(
  deps: Deps,
  logger: Logger,
  stopping?: AbortSignal,
): Promise<void> {
  const settled = await settleInterruptedRequests(deps);
  if (settled > 0) logger.warn(`${settled} Clear All Usernames / Restore request(s) were interrupted`);
  // A stop waits for the batch in hand, not for a million members' lists: the next start continues them.
  const resumed = await finishMemberLists(deps, stopping);
  if (resumed > 0)
    logger.info(`finished the member lists of ${resumed} Clear All Usernames / Restore request(s)`);
  while (!stopping?.aborted) {
    const outcome = await runWaitingLoginClearRequest(deps, stopping);
    if (!outcome) return;
    if (outcome.error)
      logger.error({ err: outcome.error, requestId: outcome.requestId }, 'login clear failed');
    else logger.info(outcome, 'login clear request handled');
  }
}
