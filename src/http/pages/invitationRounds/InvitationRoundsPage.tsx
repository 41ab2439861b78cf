import type { Page } from '../../../db/keyset.ts';
import { can } from '../../../domain/policy.ts';
import type { RoundFigures, RoundKind } from '../../../domain/reports/invitationRounds.ts';
import type { ResponseCurve } from '../../../domain/reports/responseCurves.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { LineChart } from '../../ui/charts/LineChart.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { countWithShare, formatCount, roundKindChoices, roundKindWords, roundsUrl } from './words.ts';

export type InvitationRoundsView = {
  ctx: PageContext;
  kind: RoundKind | '';
  smtpConfigured: boolean;
  /** Absent when the query was refused (a kind, an edited page link). */
  page?: Page<RoundFigures>;
  /** Only on the first page. */
  curves?: ResponseCurve[];
  errors?: FieldErrors;
};

const day = (d: Date) =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export const curveLabel = (c: ResponseCurve) =>
  `${roundKindWords[c.kind]} #${c.roundId}, ${day(c.startedAt)}`;

function KindFilter({ kind }: { kind: RoundKind | '' }) {
  return (
    <nav aria-label="Kind of round">
      <ul class="round-filter">
        {roundKindChoices.map(([value, words]) => (
          <li key={value}>
            <a href={roundsUrl(value)} aria-current={value === kind ? 'page' : undefined}>
              {words}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ResponseChart({ curves }: { curves: ResponseCurve[] }) {
  return (
    <section aria-labelledby="response-heading">
      <h2 id="response-heading">Response curve</h2>
      <LineChart
        title="Logins created after recent Send All and reminder rounds"
        description={
          'For each of the newest Send All and reminder rounds, the share of its members who had created ' +
          'a portal login, day by day for up to 60 days after the round started.'
        }
        yLabel="Members with a login (%)"
        yMax={100}
        formatY={(y) => `${y.toLocaleString('en-GB')}%`}
        series={curves.map((c) => ({ label: curveLabel(c), points: c.points }))}
        empty="No Send All or reminder round has been sent yet, so there is no response to show."
      />
    </section>
  );
}

function RoundRow({ r, linkProgress }: { r: RoundFigures; linkProgress: boolean }) {
  return (
    <tr id={`round-${r.id}`}>
      <th scope="row">{linkProgress ? <a href={paths.round(r.id)}>#{r.id}</a> : `#${r.id}`}</th>
      <td>{roundKindWords[r.kind]}</td>
      <td>{r.startedByLabel}</td>
      <td>{formatDateTime(r.startedAt)}</td>
      <td>{formatDateTime(r.finishedAt, 'Still sending')}</td>
      <td>{formatCount(r.total)}</td>
      <td>{formatCount(r.delivered)}</td>
      <td>{formatCount(r.failed)}</td>
      <td>{formatCount(r.pending)}</td>
      <td>{formatCount(r.notSent)}</td>
      <td>{countWithShare(r.loginsSince, r.loginsSinceShare)}</td>
    </tr>
  );
}

function RoundsTable({ view, page }: { view: InvitationRoundsView; page: Page<RoundFigures> }) {
  if (page.rows.length === 0) {
    return view.kind ? (
      <p>
        There is no round of this kind yet. <a href={roundsUrl('')}>Show all rounds</a>
      </p>
    ) : (
      <p>
        No invitations have been sent yet. Each Send, Send All and reminder on{' '}
        <a href={paths.invitationCodes}>Invitation Codes</a> will appear here as a round.
      </p>
    );
  }
  const linkProgress = Boolean(view.ctx.user && can(view.ctx.user.role, 'invitations.send'));
  return (
    <>
      <div class="table-scroll">
        <table>
          <caption class="muted">Newest first. Times are UTC.</caption>
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">Kind</th>
              <th scope="col">Started by</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Members</th>
              <th scope="col">Delivered</th>
              <th scope="col">Failed</th>
              <th scope="col">Pending or retrying</th>
              <th scope="col">Not sent</th>
              <th scope="col">Logins created since</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <RoundRow key={r.id} r={r} linkProgress={linkProgress} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={page}
        href={(position) => roundsUrl(view.kind, position)}
        labels={{ prev: 'Newer rounds', next: 'Older rounds' }}
      />
    </>
  );
}

/** Query Tool › Invitation Rounds: every Send, Send All and reminder, and what came of it. */
export function InvitationRoundsPage({ view }: { view: InvitationRoundsView }) {
  return (
    <AdminFrame
      ctx={view.ctx}
      title="Invitation Rounds"
      crumbs={[{ href: paths.queryTool, label: 'Query Tool' }]}
    >
      <p>
        Every Send, Send All and reminder is a round. <strong>Delivered</strong> counts emails that reached
        the mail server, or were kept in the <a href={paths.emailLog}>Email Log</a> because no SMTP server was
        configured (the portal then counts them as delivered).{' '}
        {!view.smtpConfigured && (
          <strong>No SMTP server is configured now, so no email leaves the portal.</strong>
        )}{' '}
        <strong>Logins created since</strong> counts the round's members whose portal login was created after
        the round started, whatever link they used.
      </p>
      <ErrorSummary errors={view.errors} />
      {view.curves && <ResponseChart curves={view.curves} />}
      <section aria-labelledby="rounds-heading">
        <h2 id="rounds-heading">Rounds</h2>
        <KindFilter kind={view.kind} />
        {view.page && <RoundsTable view={view} page={view.page} />}
      </section>
    </AdminFrame>
  );
}
