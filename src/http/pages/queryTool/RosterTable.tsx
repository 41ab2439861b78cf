import type { RosterMember, RosterPage } from '../../../domain/reports/memberRoster.ts';
import type { RosterQuery, RosterSort } from '../../../domain/reports/memberRosterQuery.ts';
import { deliveryWords } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { MemberNameCell } from '../memberSearch/MemberNameCell.tsx';
import { pageUrl, sortUrl } from './links.ts';

const sortNames: Record<RosterSort, string> = {
  memberNumber: 'member number',
  name: 'name',
  email: 'email',
  username: 'username',
  loginCreated: 'login created',
  lastLogin: 'Last Login',
};

/** "sorted by Last Login, most recent first" — the caption says the order in words as well as aria-sort. */
export function orderInWords(q: Pick<RosterQuery, 'sort' | 'dir'>): string {
  const asc = q.dir === 'asc';
  const dated = q.sort === 'lastLogin' || q.sort === 'loginCreated';
  const way = dated ? (asc ? 'oldest first' : 'most recent first') : asc ? 'A to Z' : 'Z to A';
  const last =
    q.sort === 'lastLogin'
      ? '; members who never logged in or have no login come last'
      : q.sort === 'username' || q.sort === 'loginCreated'
        ? '; members without a login come last'
        : '';
  return `sorted by ${sortNames[q.sort]}, ${way}${last}`;
}

/** A column header that sorts by its column (again reverses it); aria-sort tells screen readers the state. */
function SortableHeader({ q, sort, label }: { q: RosterQuery; sort: RosterSort; label: string }) {
  const active = q.sort === sort;
  return (
    <th scope="col" aria-sort={active ? (q.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={sortUrl(q, sort)}>
        {label}
        {active && <span aria-hidden="true">{q.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
      </a>
    </th>
  );
}

function Row({ m }: { m: RosterMember }) {
  const noLogin = m.username === null;
  return (
    <tr>
      <td>{m.memberNumber}</td>
      <MemberNameCell member={m} />
      <td>{m.email}</td>
      <td>{noLogin ? <span class="muted">No login</span> : m.username}</td>
      <td class="when">{noLogin ? '—' : formatDateTime(m.loginCreatedAt)}</td>
      <td class="when">{noLogin ? '—' : formatDateTime(m.lastLoginAt, 'Never')}</td>
      <td>{m.invitationsSent}</td>
      <td class="when">{formatDateTime(m.lastInvitedAt, 'Never')}</td>
      <td>{deliveryWords(m)}</td>
    </tr>
  );
}

export function RosterTable({ q, page, filtered }: { q: RosterQuery; page: RosterPage; filtered: boolean }) {
  const shown = page.rows.length;
  return (
    <>
      {/* A named region: browsers let keyboard users focus and scroll a table wider than the screen. */}
      <section class="roster-scroll" aria-label="Member Roster - Current table">
        <table class="roster-table">
          <caption>
            {filtered ? 'Current members matching your filters' : 'Current members'}, {orderInWords(q)}.
            Showing {shown} {shown === 1 ? 'member' : 'members'} on this page.
          </caption>
          <thead>
            <tr>
              <SortableHeader q={q} sort="memberNumber" label="Member number" />
              <SortableHeader q={q} sort="name" label="Name" />
              <SortableHeader q={q} sort="email" label="Email" />
              <SortableHeader q={q} sort="username" label="Username" />
              <SortableHeader q={q} sort="loginCreated" label="Login created" />
              <SortableHeader q={q} sort="lastLogin" label="Last Login" />
              <th scope="col">Invitations sent</th>
              <th scope="col">Last invited</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((m) => (
              <Row key={m.id} m={m} />
            ))}
          </tbody>
        </table>
      </section>
      <Pager page={page} href={(position) => pageUrl(q, position)} />
    </>
  );
}
