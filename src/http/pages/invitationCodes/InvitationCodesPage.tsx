import {
  type LoginClearRequest,
  requestNamed,
} from '../../../domain/clearAllUsernames/loginClearRequests.ts';
import type { LoginClear } from '../../../domain/clearAllUsernames/restorableClears.ts';
import type { PendingQuery } from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import type { PendingPage } from '../../../domain/invitationCodes/listInvitationCodes.ts';
import type { RoundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import { can } from '../../../domain/policy.ts';
import { DEFAULT_SKIP_HOURS } from '../../../domain/sendAll/sendAllTarget.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { sendNotice } from '../../ui/deliveryWords.ts';
import { ErrorSummary, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { requestSummary } from '../clearAllUsernames/ClearRequestPage.tsx';
import { RestorableClears } from '../clearAllUsernames/RestorableClears.tsx';
import { FilterForm, type FilterValues } from './FilterForm.tsx';
import { clearFiltersUrl, sendAllUrl } from './links.ts';
import { PendingTable, type SentNotice } from './PendingTable.tsx';

export type InvitationCodesView = {
  ctx: PageContext;
  /** Members without a login in all (cached for large rosters; see countPendingMembers). */
  pendingCount: number;
  values: FilterValues;
  /** The list, or null when the query was refused (then `errors` says why). */
  result: { query: PendingQuery; page: PendingPage; filtered: boolean; paged: boolean } | null;
  errors?: FieldErrors;
  /** A Send that just went out (looked up from its round): confirmed beside its row, or on top if not shown. */
  sent?: SentNotice;
  sendAll: RoundProgress | null;
  /** A Clear All Usernames or Restore not yet finished: who has a login is changing, Send All waits. */
  loginClear: LoginClearRequest | null;
  /** Clear All Usernames still inside their 30 days (only for those who may clear and restore). */
  clears?: LoginClear[];
};

const members = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'member' : 'members'}`;

function Results({ view }: { view: InvitationCodesView }) {
  const { result, pendingCount, ctx } = view;
  if (!result) return null;
  const { query, page, filtered, paged } = result;
  if (pendingCount === 0 && page.rows.length === 0) {
    return (
      <div class="card">
        <p>
          <strong>Everyone on the roster has created a login.</strong> There is nobody left to invite.
        </p>
      </div>
    );
  }
  if (page.rows.length === 0) {
    return (
      <div class="card">
        {paged ? (
          <p>There are no more members on this page of the list.</p>
        ) : (
          <p>
            <strong>No members without a login match your search and filters.</strong>
          </p>
        )}
        <p>
          <a href={clearFiltersUrl(query)}>{paged && !filtered ? 'Go to the first page' : 'Clear filters'}</a>
        </p>
      </div>
    );
  }
  return (
    <>
      {page.closeMatches ? (
        <p class="notice" role="status">
          No member matches “{query.search}” exactly; these are close.
        </p>
      ) : null}
      <PendingTable
        query={query}
        page={page}
        filtered={filtered}
        csrfToken={ctx.csrfToken}
        sent={view.sent}
      />
    </>
  );
}

/** Send All waits for a clear or restore (decision 0031): what it is doing, and where to follow it. */
function LoginClearRunning({ ctx, request }: { ctx: PageContext; request: LoginClearRequest }) {
  const canFollow = ctx.user !== null && can(ctx.user.role, 'logins.clearAll');
  return (
    <div class="notice" role="status">
      <p>
        <strong>{requestNamed(request.kind)} is under way.</strong> {requestSummary(request)} Send All can
        start once it has finished; until then this list may not be up to date.
      </p>
      {canFollow && (
        <p>
          <a href={paths.clearRequest(request.id)}>View progress</a>
        </p>
      )}
    </div>
  );
}

function SendAllSection({ view }: { view: InvitationCodesView }) {
  const { pendingCount, sendAll: round, result, loginClear } = view;
  // Close matches are a guess at a typo: Send All targets exact matches only, so it is not offered for them.
  const filtered = result?.filtered && result.page.rows.length > 0 && !result.page.closeMatches;
  return (
    <section class="card" aria-labelledby="send-all-heading">
      <h2 id="send-all-heading">Send All</h2>
      {round && (
        <div class="notice" role="status">
          <p>
            A Send All is running: {round.sent.toLocaleString('en-GB')} of{' '}
            {round.total.toLocaleString('en-GB')} sent, {round.failed.toLocaleString('en-GB')} failed.
          </p>
          <p>
            <a href={paths.round(round.roundId)}>View progress</a>
          </p>
        </div>
      )}
      {loginClear ? (
        <LoginClearRunning ctx={view.ctx} request={loginClear} />
      ) : pendingCount > 0 ? (
        <>
          <p>
            Send All emails an invitation to the current members among the {members(pendingCount)} who still
            have no login. Members invited in the last {DEFAULT_SKIP_HOURS} hours are skipped; you can change
            both before it sends.
          </p>
          <p>
            <a class="button" href={paths.sendAll}>
              Send All
            </a>
            {filtered && result && (
              <>
                {' '}
                <a href={sendAllUrl(result.query)}>Send to the members matching these filters</a>
              </>
            )}
          </p>
        </>
      ) : (
        <p>Every member has a login, so there is nobody to send to.</p>
      )}
    </section>
  );
}

function DangerZone({ ctx, clears }: { ctx: PageContext; clears?: LoginClear[] }) {
  const allowed = ctx.user !== null && can(ctx.user.role, 'logins.clearAll');
  return (
    <section class="danger-zone" aria-labelledby="danger-heading">
      <h2 id="danger-heading">Danger zone</h2>
      <p>
        Clear All Usernames removes every member's portal login. Nobody could log in until they are invited
        and create a login again. Do not use it to re-send invitations — Send All does that. For 30 days the
        removed logins can be restored.
      </p>
      {allowed ? (
        <>
          <p>
            <a href={paths.clearAllUsernames}>Clear All Usernames</a>
          </p>
          {clears && <RestorableClears clears={clears} />}
        </>
      ) : (
        <p class="muted">Only a Security Administrator can do this.</p>
      )}
    </section>
  );
}

const sentRowShown = (view: InvitationCodesView) =>
  Boolean(view.sent && view.result?.page.rows.some((m) => m.id === view.sent!.memberId));

/** Admin > Member Management > Invitation Codes. */
export function InvitationCodesPage({ view }: { view: InvitationCodesView }) {
  const { ctx, pendingCount } = view;
  return (
    <AdminFrame
      ctx={ctx}
      title="Invitation Codes"
      crumbs={[{ href: paths.memberManagement, label: 'Member Management' }]}
    >
      {view.sent && !sentRowShown(view) && <Notice>{sendNotice(view.sent.name, view.sent.delivers)}</Notice>}
      <p>
        This list shows the members who have not yet created their username and password for the portal. Send
        emails a member their invitation code; when a member creates a login they leave this list. It usually
        takes several rounds of invitations before everyone has responded.
      </p>
      <p>
        <strong>
          {pendingCount === 0
            ? 'Every member has a login.'
            : `${members(pendingCount)} ${pendingCount === 1 ? 'has' : 'have'} no login yet.`}
        </strong>
      </p>
      <ErrorSummary errors={view.errors} />
      <FilterForm values={view.values} errors={view.errors} />
      <Results view={view} />
      <SendAllSection view={view} />
      <hr />
      <DangerZone ctx={ctx} clears={view.clears} />
      {/* Send without a reload (inviteLoop.js) says what it did here: a region that stays put is announced. */}
      <div class="visually-hidden" aria-live="polite" data-send-announcer />
      <script src={paths.inviteLoopScript} defer />
    </AdminFrame>
  );
}
