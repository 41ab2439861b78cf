import {
  daysLeft,
  type PendingInvitationsPage as Page,
  type PendingInvitation,
} from '../../../domain/reports/pendingInvitations.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { deliveryStateWords } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors, Select } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { MemberNameCell, memberNameId } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { invitationCodesFor, reportCrumbs, reportUrl } from './links.ts';

export type PendingInvitationsView = {
  ctx: PageContext;
  /** The filter as asked for (also when refused), so the form shows it back. */
  within: string;
  page: Page | null;
  paged: boolean;
  errors?: FieldErrors;
};

export function expiresInWords(expiresAt: Date, now: Date): string {
  const days = daysLeft(expiresAt, now);
  if (days === 0) return 'Expires in less than a day';
  return `Expires in ${days} ${days === 1 ? 'day' : 'days'}`;
}

function FilterForm({ within, errors }: { within: string; errors?: FieldErrors }) {
  return (
    <search aria-label="Filter pending invitations">
      <form method="get" action={paths.pendingInvitations} class="card">
        <Select
          name="within"
          label="Expiring within"
          value={within || 'all'}
          options={[
            ['all', 'All'],
            ['1', '1 day'],
            ['3', '3 days'],
            ['7', '7 days'],
          ]}
          errors={errors}
        />
        <button type="submit">Apply</button>
      </form>
    </search>
  );
}

function Row({ r, now }: { r: PendingInvitation; now: Date }) {
  const nameId = memberNameId(r.memberId);
  return (
    <tr>
      <MemberNameCell
        member={{ id: r.memberId, firstName: r.firstName, lastName: r.lastName }}
        describesRow
      />
      <td>{r.memberNumber}</td>
      <td>{r.email}</td>
      <td>{formatDateTime(r.issuedAt)}</td>
      <td>
        {expiresInWords(r.expiresAt, now)}
        <br />
        <span class="muted">{formatDateTime(r.expiresAt)}</span>
      </td>
      <td>{r.deliveryState ? deliveryStateWords[r.deliveryState] : 'Not recorded'}</td>
      <td>{r.invitationsSent}</td>
      <td>
        <a href={invitationCodesFor(r.memberNumber)} aria-describedby={nameId}>
          Find in Invitation Codes
        </a>
      </td>
    </tr>
  );
}

function EmptyState({ within, paged }: { within: string | undefined; paged: boolean }) {
  if (paged) {
    return (
      <p>
        There is nothing more to show.{' '}
        <a href={reportUrl(paths.pendingInvitations, { within })}>First page</a>
      </p>
    );
  }
  if (within) {
    return (
      <p>
        No open invitation expires within {within} {within === '1' ? 'day' : 'days'}.{' '}
        <a href={paths.pendingInvitations}>Show all pending invitations</a>
      </p>
    );
  }
  return (
    <p>
      No member is waiting on an invitation link right now. A member appears here once an invitation has been
      sent to them, until they create a login or the link expires. Invite members from{' '}
      <a href={paths.invitationCodes}>Invitation Codes</a>.
    </p>
  );
}

/** Admin › Query Tool › Pending Invitations: links that still work, soonest to expire first. */
export function PendingInvitationsPage({ view }: { view: PendingInvitationsView }) {
  const { page, within } = view;
  const filters = { within: within === 'all' ? undefined : within };
  return (
    <AdminFrame ctx={view.ctx} title="Pending Invitations" crumbs={reportCrumbs}>
      <p>
        Members without a login whose newest invitation link still works: not used, not replaced, not expired.
        The links about to expire come first. To send someone a fresh link, find them in{' '}
        <a href={paths.invitationCodes}>Invitation Codes</a> and press <strong>Send</strong>.
      </p>
      <ErrorSummary errors={view.errors} />
      <FilterForm within={within} errors={view.errors} />
      {page &&
        (page.rows.length === 0 ? (
          <EmptyState within={filters.within} paged={view.paged} />
        ) : (
          <>
            <table>
              <caption>
                Pending invitations, soonest to expire first
                {filters.within
                  ? `, expiring within ${filters.within} ${filters.within === '1' ? 'day' : 'days'}`
                  : ''}
                . Showing {page.rows.length} on this page.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Member number</th>
                  <th scope="col">Email</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Delivery</th>
                  <th scope="col">Invitations sent</th>
                  <th scope="col">Send again</th>
                </tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <Row key={r.invitationId} r={r} now={page.now} />
                ))}
              </tbody>
            </table>
            <Pager page={page} href={(position) => reportUrl(paths.pendingInvitations, filters, position)} />
          </>
        ))}
    </AdminFrame>
  );
}
