import type { RosterMember, RosterPage } from '../../../domain/reports/memberRoster.ts';
import type { RosterQuery, RosterSort } from '../../../domain/reports/memberRosterQuery.ts';
import { deliveryWords } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { MemberNameCell } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { SortableHeader } from '../../ui/SortableHeader.tsx';
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

function Header({ q, sort, label }: { q: RosterQuery; sort: RosterSort; label: string }) {
  return <SortableHeader label={label} active={q.sort === sort} dir={q.dir} href={sortUrl(q, sort)} />;
}

function Row({ m }: { m: RosterMember }) {
  const noLogin = m.username === null;
  return (
    <tr>
      <td data-label="Member number">{m.memberNumber}</td>
      <MemberNameCell member={m} />
      <td data-label="Email">{m.email}</td>
      <td data-label="Username">{noLogin ? <span class="muted">No login</span> : m.username}</td>
      <td data-label="Login created" class="when">
        {noLogin ? '—' : formatDateTime(m.loginCreatedAt)}
      </td>
      <td data-label="Last Login" class="when">
        {noLogin ? '—' : formatDateTime(m.lastLoginAt, 'Never')}
      </td>
      <td data-label="Invitations sent">{m.invitationsSent}</td>
      <td data-label="Last invited" class="when">
        {formatDateTime(m.lastInvitedAt, 'Never')}
      </td>
      <td data-label="Delivery">{deliveryWords(m)}</td>
    </tr>
  );
}

export function RosterTable({ q, page, filtered }: { q: RosterQuery; page: RosterPage; filtered: boolean }) {
  const shown = page.rows.length;
  return (
    <>
      {/* A named region: browsers let keyboard users focus and scroll a table wider than the screen. */}
      <section class="roster-scroll" aria-label="Member Roster - Current table">
        <table class="roster-table stack">
          <caption>
            {filtered ? 'Current members matching your filters' : 'Current members'}, {orderInWords(q)}.
            Showing {shown} {shown === 1 ? 'member' : 'members'} on this page.
          </caption>
          <thead>
            <tr>
              <Header q={q} sort="memberNumber" label="Member number" />
              <Header q={q} sort="name" label="Name" />
              <Header q={q} sort="email" label="Email" />
              <Header q={q} sort="username" label="Username" />
              <Header q={q} sort="loginCreated" label="Login created" />
              <Header q={q} sort="lastLogin" label="Last Login" />
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
