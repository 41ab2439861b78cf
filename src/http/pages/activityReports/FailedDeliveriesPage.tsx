import type { Page } from '../../../db/keyset.ts';
import {
  type FailedDelivery,
  type LoginFilter,
  loginFilters,
} from '../../../domain/reports/failedDeliveries.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors, Select } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { MemberNameCell, memberNameId } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { invitationCodesFor, reportCrumbs, reportUrl } from './links.ts';

export type FailedDeliveriesView = {
  ctx: PageContext;
  /** The login filter as asked for (also when refused), so the form shows it back. */
  login: string;
  page: Page<FailedDelivery> | null;
  paged: boolean;
  errors?: FieldErrors;
};

const loginWords: Record<LoginFilter, string> = {
  without: 'Without a login',
  with: 'With a login',
  all: 'Either',
};

const whoWords: Record<LoginFilter, string> = {
  without: 'members without a login',
  with: 'members with a login',
  all: 'all members',
};

function FilterForm({ login, errors }: { login: string; errors?: FieldErrors }) {
  return (
    <search aria-label="Filter failed deliveries">
      <form method="get" action={paths.failedDeliveries} class="card">
        <Select
          name="login"
          label="Login"
          value={login || 'without'}
          options={Object.entries(loginWords)}
          errors={errors}
        />
        <button type="submit">Apply</button>
      </form>
    </search>
  );
}

function Row({ r }: { r: FailedDelivery }) {
  const nameId = memberNameId(r.memberId);
  return (
    <tr>
      <MemberNameCell
        member={{ id: r.memberId, firstName: r.firstName, lastName: r.lastName }}
        describesRow
      />
      <td>{r.memberNumber}</td>
      <td>{r.email}</td>
      <td>{r.deliveryDetail ?? 'No answer was recorded.'}</td>
      <td>{formatDateTime(r.lastInvitedAt, 'Never')}</td>
      <td>{r.hasLogin ? 'Yes' : 'No'}</td>
      <td>
        {r.hasLogin ? (
          <span class="muted">Has a login</span>
        ) : (
          <a href={invitationCodesFor(r.memberNumber)} aria-describedby={nameId}>
            Find in Invitation Codes
          </a>
        )}
      </td>
    </tr>
  );
}

function EmptyState({ login, paged }: { login: LoginFilter; paged: boolean }) {
  if (paged) {
    return (
      <p>
        There is nothing more to show. <a href={reportUrl(paths.failedDeliveries, { login })}>First page</a>
      </p>
    );
  }
  return (
    <p>
      {login === 'all'
        ? 'No invitation email has failed.'
        : `No invitation email to ${whoWords[login]} has failed.`}{' '}
      Mail that is still being retried is not a failure: it is listed as Retrying in{' '}
      <a href={paths.invitationCodes}>Invitation Codes</a> and the <a href={paths.emailLog}>Email Log</a>.
    </p>
  );
}

/** Admin › Query Tool › Failed Deliveries: invitations the mail server refused, and how to fix them. */
export function FailedDeliveriesPage({ view }: { view: FailedDeliveriesView }) {
  const { page } = view;
  const login = (
    (loginFilters as readonly string[]).includes(view.login) ? view.login : 'without'
  ) as LoginFilter;
  const filters = { login: login === 'without' ? undefined : login };
  return (
    <AdminFrame ctx={view.ctx} title="Failed Deliveries" crumbs={reportCrumbs}>
      <p>
        Members whose newest invitation email could not be delivered, with the mail server's answer. Messages
        the portal is still retrying are not listed.
      </p>
      <div class="card" role="note" aria-labelledby="fix-heading">
        <h2 id="fix-heading">How to fix a failed delivery</h2>
        <ol>
          <li>
            Correct the member's email address in your roster and import it again under{' '}
            <a href={paths.import}>Member Management › Import members</a>.
          </li>
          <li>
            Then find the member in <a href={paths.invitationCodes}>Invitation Codes</a> and press{' '}
            <strong>Send</strong>.
          </li>
        </ol>
        <p class="muted">
          If the address is right, the answer usually says why the mail was refused (a full mailbox, a spam
          filter).
        </p>
      </div>
      <ErrorSummary errors={view.errors} />
      <FilterForm login={view.login} errors={view.errors} />
      {page &&
        (page.rows.length === 0 ? (
          <EmptyState login={login} paged={view.paged} />
        ) : (
          <>
            <table>
              <caption>
                Failed deliveries to {whoWords[login]}, by name. Showing {page.rows.length} on this page.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Member number</th>
                  <th scope="col">Email</th>
                  <th scope="col">Mail server's answer</th>
                  {/* A failed email does not count as an invitation: this is the last one that arrived. */}
                  <th scope="col">Last invited (delivered)</th>
                  <th scope="col">Has a login</th>
                  <th scope="col">Send again</th>
                </tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <Row key={r.memberId} r={r} />
                ))}
              </tbody>
            </table>
            <Pager page={page} href={(position) => reportUrl(paths.failedDeliveries, filters, position)} />
          </>
        ))}
    </AdminFrame>
  );
}
