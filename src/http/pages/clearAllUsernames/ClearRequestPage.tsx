import {
  type LoginClearRequest,
  type RequestState,
  stateOf,
} from '../../../domain/clearAllUsernames/loginClearRequests.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import type { PageContext } from '../../ui/Layout.tsx';
import { invitationCodesCrumbs, logins } from './links.ts';

const stateWords: Record<RequestState, string> = {
  queued: 'Waiting for the worker',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
};

/** The members whose lists follow a clear's or restore's logins: every member of the clear. */
const membersOf = (r: LoginClearRequest) => (r.done ?? 0) + (r.skipped ?? 0);

/** Once the logins have changed, the member lists follow in steps (decision 0031): how far they are. */
const listsProgress = (r: LoginClearRequest) =>
  ` Updating the member lists: ${(r.membersUpdated ?? 0).toLocaleString('en')} of ${membersOf(r).toLocaleString('en')} members.`;

/** The logins have changed (committed) and the member lists are still following them. */
const listsFollowing = (r: LoginClearRequest) => stateOf(r) === 'running' && r.done !== null;

/** The one sentence the live region says: what is happening, or what happened. */
export function requestSummary(r: LoginClearRequest): string {
  const state = stateOf(r);
  if (state === 'failed') return `Failed: ${r.failure}`;
  if (r.kind === 'clear') {
    if (state === 'done')
      return `Removed ${logins(r.done ?? 0)}. Those members are back in Invitation Codes.`;
    if (listsFollowing(r)) return `Removed ${logins(r.done ?? 0)}.${listsProgress(r)}`;
    return `${stateWords[state]}: removing ${logins(r.confirmed ?? 0)}.`;
  }
  const restored = `Restored ${logins(r.done ?? 0)}; ${logins(r.skipped ?? 0)} could not come back.`;
  if (state === 'done') return restored;
  if (listsFollowing(r)) return `${restored}${listsProgress(r)}`;
  return `${stateWords[state]}: restoring the logins of Clear All Usernames #${r.clearId}.`;
}

/**
 * A Clear All Usernames or Restore as it runs in the worker: state, what was asked and, once done, what
 * happened. The logins change in one transaction, so there is no part-way figure for them: all or none.
 * The member lists then follow in steps, counted. With JavaScript, inviteLoop.js reads the page again
 * every few seconds while it is unfinished (the same markers as a round's progress page); without it,
 * Refresh does the same by hand.
 */
export function ClearRequestPage({ ctx, request }: { ctx: PageContext; request: LoginClearRequest }) {
  const state = stateOf(request);
  const finished = state === 'done' || state === 'failed';
  const what = request.kind === 'clear' ? 'Clear All Usernames' : 'Restore cleared logins';
  return (
    <AdminFrame ctx={ctx} title={`${what}: request #${request.id}`} crumbs={invitationCodesCrumbs}>
      <p role="status" class="progress-summary" data-progress-summary>
        {requestSummary(request)}
      </p>
      <div data-round data-running={finished ? undefined : ''}>
        <dl class="details">
          <dt>State</dt>
          <dd>{listsFollowing(request) ? 'Updating the member lists' : stateWords[state]}</dd>
          <dt>Asked for</dt>
          <dd>
            {formatDateTime(request.requestedAt)} by {request.actorLabel}
          </dd>
          {request.kind === 'clear' ? (
            <>
              <dt>Logins to remove</dt>
              <dd>
                {logins(request.confirmed ?? 0)} (
                {request.includeAdmins ? "members' and administrators'" : "members' only"})
              </dd>
            </>
          ) : (
            <>
              <dt>Restores</dt>
              <dd>Clear All Usernames #{request.clearId}</dd>
            </>
          )}
          <dt>Started</dt>
          <dd>{formatDateTime(request.startedAt, 'Not yet')}</dd>
          <dt>Finished</dt>
          <dd>{formatDateTime(request.finishedAt, 'Not yet')}</dd>
        </dl>
        {!finished && (
          <p>
            The logins are {request.kind === 'clear' ? 'removed' : 'put back'} in one transaction: all of
            them, or none. Then the member lists follow, in steps; Send All waits until they have.{' '}
            <a href={paths.clearRequest(request.id)}>Refresh</a>{' '}
            <span class="muted">(with JavaScript on, this page updates by itself)</span>
          </p>
        )}
        {state === 'done' && request.clearId !== null && (
          <p>
            <a href={paths.clear(request.clearId)}>Clear All Usernames #{request.clearId}</a> (restorable for
            30 days)
          </p>
        )}
      </div>
      <p>
        <a href={paths.invitationCodes}>Back to Invitation Codes</a>
      </p>
      <script src={paths.inviteLoopScript} defer />
    </AdminFrame>
  );
}
