import type { Logger } from 'pino';
import {
  finishMemberLists,
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
export async function runLoginClearRequests(deps: Deps, logger: Logger): Promise<void> {
  const settled = await settleInterruptedRequests(deps);
  if (settled > 0) logger.warn(`${settled} Clear All Usernames / Restore request(s) were interrupted`);
  const resumed = await finishMemberLists(deps);
  if (resumed > 0)
    logger.info(`finished the member lists of ${resumed} Clear All Usernames / Restore request(s)`);
  for (;;) {
    const outcome = await runWaitingLoginClearRequest(deps);
    if (!outcome) return;
    if (outcome.error)
      logger.error({ err: outcome.error, requestId: outcome.requestId }, 'login clear failed');
    else logger.info(outcome, 'login clear request handled');
  }
}
