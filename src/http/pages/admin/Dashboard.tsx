import { can } from '../../../domain/policy.ts';
import type { AdminDashboard } from '../../../domain/reports/adminDashboard.ts';
import type { RoundFigures } from '../../../domain/reports/invitationRounds.ts';
import { paths, withQuery } from '../../paths.ts';
import { LineChart } from '../../ui/charts/LineChart.tsx';
import { formatDateTime, plural } from '../../ui/format.ts';
import type { PageContext } from '../../ui/Layout.tsx';
import { countWithShare, formatCount, roundKindWords } from '../invitationRounds/words.ts';

// Link texts here avoid the navigation's names ("Invitation Codes", "Query Tool" …): people and tests
// find those links by name, and a second link containing the same words would make the name ambiguous.
const PENDING_LIST = paths.invitationCodes;
const FAILED_LIST = withQuery(paths.invitationCodes, { deliveryFailed: '1' });
const IMPORT = paths.import;

const bucketWords = { day: 'day', week: 'week (from Monday)', month: 'month' } as const;

/** "3 delivered", or what happened instead: a message kept in the Email Log never left the machine. */
function deliveredWords(delivered: number, kept: number): string {
  const reached = delivered - kept;
  const parts = [
    (reached > 0 || kept === 0) && `${formatCount(reached)} delivered`,
    kept > 0 && `${formatCount(kept)} kept in the Email Log (no mail server was set up, so not sent)`,
  ];
  return parts.filter(Boolean).join(', ');
}

type LastRoundProps = { round: RoundFigures | null; kept: number; linkReport: boolean };

function LastRound({ round, kept, linkReport }: LastRoundProps) {
  if (!round) {
    return (
      <p>
        No invitations have been sent yet. <a href={PENDING_LIST}>Invite the members who have no login</a>.
      </p>
    );
  }
  return (
    <p>
      <strong>Last round:</strong> {roundKindWords[round.kind]} to {plural(round.total, 'member', 'members')},
      started {formatDateTime(round.startedAt)} by {round.startedByLabel}:{' '}
      {deliveredWords(round.delivered, kept)}, {formatCount(round.failed)} failed
      {round.pending > 0 && <>, {formatCount(round.pending)} still to send</>}; logins created since:{' '}
      {countWithShare(round.loginsSince, round.loginsSinceShare)}.
      {linkReport && (
        <>
          {' '}
          <a href={paths.invitationRounds}>See every invitation round</a>
        </>
      )}
    </p>
  );
}

/** The admin home's figures: who has joined, who has not, the last round and the curve of logins. */
export function Dashboard({ ctx, data }: { ctx: PageContext; data: AdminDashboard }) {
  const may = (p: Parameters<typeof can>[1]) => Boolean(ctx.user && can(ctx.user.role, p));
  if (data.rosterSize <= data.adminLogins) {
    return (
      <section class="dashboard card" aria-labelledby="dashboard-heading">
        <h2 id="dashboard-heading">Your portal</h2>
        <p>
          <strong>No members have been imported yet.</strong> Start by importing your roster from a CSV file;
          then invite your members to create their portal logins.
        </p>
        {may('members.import') && (
          <p>
            <a class="button" href={IMPORT}>
              Import your roster
            </a>
          </p>
        )}
      </section>
    );
  }
  // Every figure is of the same roster count, so they add up: current + lapsed, with + without a login.
  const lapsed = data.rosterSize - data.currentMembers;
  const withoutLogin = data.rosterSize - data.withLogin;
  const currentWithout = data.currentMembers - data.currentWithLogin;
  return (
    <section class="dashboard" aria-labelledby="dashboard-heading">
      <h2 id="dashboard-heading">Your portal</h2>
      <ul class="counts">
        <li>
          <strong>{plural(data.rosterSize, 'member', 'members')}</strong> on the roster:{' '}
          {formatCount(data.currentMembers)} current and {formatCount(lapsed)} lapsed
        </li>
        <li>
          <strong>
            {formatCount(data.currentWithLogin)} of {formatCount(data.currentMembers)}
          </strong>{' '}
          current members have a portal login
          {data.currentShare !== null && ` (${data.currentShare.toLocaleString('en-GB')}%)`}
        </li>
        <li>
          <strong>{plural(withoutLogin, 'member', 'members')}</strong> without a login (
          {formatCount(currentWithout)} current and {formatCount(withoutLogin - currentWithout)} lapsed){' '}
          {withoutLogin > 0 && may('invitations.send') && <a href={PENDING_LIST}>Invite them</a>}
        </li>
        <li>
          <strong>{plural(data.failedDeliveries, 'failed delivery needs', 'failed deliveries need')}</strong>{' '}
          attention{' '}
          {data.failedDeliveries > 0 && may('invitations.send') && (
            <a href={FAILED_LIST}>Show members whose invitation failed</a>
          )}
        </li>
      </ul>
      <LastRound round={data.lastRound} kept={data.lastRoundKept} linkReport={may('reports.read')} />
      <LineChart
        title="Onboarding progress"
        description={`Portal logins created since the first one, counted cumulatively per ${bucketWords[data.onboarding.bucket]} (UTC). Logins removed since are not counted.`}
        yLabel="Logins created (total)"
        series={[{ label: 'Logins created', points: data.onboarding.points }]}
        empty="Nobody has created a portal login yet."
      />
    </section>
  );
}
