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

/** The one sentence the live region says: what is happening, or what happened. */
export function requestSummary(r: LoginClearRequest): string {
  const state = stateOf(r);
  if (state === 'failed') return `Failed: ${r.failure}`;
  if (r.kind === 'clear') {
    if (state === 'done')
      return `Removed ${logins(r.done ?? 0)}. Those members are back in Invitation Codes.`;
    return `${stateWords[state]}: removing ${logins(r.confirmed ?? 0)}.`;
  }
  if (state === 'done')
    return `Restored ${logins(r.done ?? 0)}; ${logins(r.skipped ?? 0)} could not come back.`;
  return `${stateWords[state]}: restoring the logins of Clear All Usernames #${r.clearId}.`;
}

/**
 * A Clear All Usernames or Restore as it runs in the worker: state, what was asked and, once done, what
 * happened. The work is one transaction, so there is no part-way figure: it is all done or none of it.
 * With JavaScript, inviteLoop.js reads the page again every few seconds while it is unfinished (the same
 * markers as a round's progress page); without it, Refresh does the same by hand.
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
          <dd>{stateWords[state]}</dd>
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
            It runs as one transaction: all of it happens, or none of it.{' '}
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
