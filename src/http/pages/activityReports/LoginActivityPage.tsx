import type { Page } from '../../../db/keyset.ts';
import { roleLabels } from '../../../domain/policy.ts';
import { ACTIVITY_DAYS, type LoginsPerDay, type UnusedLogin } from '../../../domain/reports/loginActivity.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { BarChart } from '../../ui/charts/BarChart.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { MemberNameCell } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { reportCrumbs, reportUrl } from './links.ts';

export type LoginActivityView = {
  ctx: PageContext;
  perDay: LoginsPerDay;
  unused: Page<UnusedLogin> | null;
  paged: boolean;
  errors?: FieldErrors;
};

const dayOf = (day: string) => new Date(`${day}T00:00:00Z`);
const shortDay = (day: string) =>
  dayOf(day).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDay = (day: string) =>
  dayOf(day).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function PerDay({ perDay }: { perDay: LoginsPerDay }) {
  const period = `the last ${ACTIVITY_DAYS} days (${longDay(perDay.days[0]!.day)} to ${longDay(perDay.days.at(-1)!.day)}, UTC)`;
  if (perDay.totalLogins === 0) {
    return (
      <section aria-labelledby="per-day-heading">
        <h2 id="per-day-heading">Logins per day</h2>
        <p>
          Nobody has logged in during {period}. Logins are counted from when the portal began recording them.
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="per-day-heading">
      <h2 id="per-day-heading">Logins per day</h2>
      <p>
        {plural(perDay.totalLogins, 'login', 'logins')} during {period}.{' '}
        {plural(perDay.activeMembers, 'member has', 'members have')} logged in during this period.
      </p>
      <BarChart
        title={`Logins per day, last ${ACTIVITY_DAYS} days`}
        description={`Successful logins on each day (UTC) of ${period}, oldest day on the left.`}
        valueLabel="Logins"
        labelHeading="Day"
        bars={perDay.days.map((d) => ({ label: shortDay(d.day), value: d.logins }))}
      />
      <table>
        <caption>Logins per day, newest day first</caption>
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">Logins</th>
            <th scope="col">Different members</th>
          </tr>
        </thead>
        <tbody>
          {[...perDay.days].reverse().map((d) => (
            <tr key={d.day}>
              <th scope="row">
                <time datetime={d.day}>{longDay(d.day)}</time>
              </th>
              <td>{d.logins}</td>
              <td>{d.members}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Unused({ page, paged }: { page: Page<UnusedLogin>; paged: boolean }) {
  if (page.rows.length === 0) {
    return paged ? (
      <p>
        There is nothing more to show. <a href={paths.loginActivity}>First page</a>
      </p>
    ) : (
      <p>Every member with a login has logged in since creating it.</p>
    );
  }
  return (
    <>
      <table id="never-logged-in">
        <caption>
          Logins not used since they were created, oldest login first. Showing {page.rows.length} on this
          page.
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Member number</th>
            <th scope="col">Username</th>
            <th scope="col">Email</th>
            <th scope="col">Access level</th>
            <th scope="col">Login created</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r) => (
            <tr key={r.accountId} id={`login-${r.accountId}`}>
              <MemberNameCell member={{ id: r.memberId, firstName: r.firstName, lastName: r.lastName }} />
              <td>{r.memberNumber}</td>
              <td>{r.username}</td>
              <td>{r.email}</td>
              <td>{roleLabels[r.role]}</td>
              <td>{formatDateTime(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        page={page}
        href={(position) => `${reportUrl(paths.loginActivity, {}, position)}#never-logged-in-heading`}
      />
    </>
  );
}

/** Admin › Query Tool › Login Activity: logins per day, and logins nobody has used since they were made. */
export function LoginActivityPage({ view }: { view: LoginActivityView }) {
  return (
    <AdminFrame ctx={view.ctx} title="Login Activity" crumbs={reportCrumbs}>
      <ErrorSummary errors={view.errors} />
      <PerDay perDay={view.perDay} />
      <section aria-labelledby="never-logged-in-heading">
        <h2 id="never-logged-in-heading">Members who have never logged in since their login was created</h2>
        <p>
          Creating a login from an invitation signs the member in once; these members have not come back
          since. A login made by an administrator is listed until its owner first logs in. Open a profile to
          see the member's login and invitation history.
        </p>
        {view.unused && <Unused page={view.unused} paged={view.paged} />}
      </section>
    </AdminFrame>
  );
}
