import type { PendingQuery, PendingSort } from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import type { PendingMember, PendingPage } from '../../../domain/invitationCodes/listInvitationCodes.ts';
import { paths } from '../../paths.ts';
import { deliveryWords } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField } from '../../ui/forms.tsx';
import { MemberNameCell, memberNameId } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { RepeatSafeField } from '../../ui/RepeatSafeField.tsx';
import { SortableHeader } from '../../ui/SortableHeader.tsx';
import { pageUrl, sortUrl } from './links.ts';

const sortNames: Record<PendingSort, string> = {
  name: 'name',
  memberNumber: 'member number',
  email: 'email',
  lastInvited: 'last sent',
  invitationsSent: 'invitations sent',
};

/** "sorted by name, A to Z" — the caption says the order in words as well as aria-sort. */
function orderInWords(query: PendingQuery): string {
  const asc = query.dir === 'asc';
  const way =
    query.sort === 'lastInvited'
      ? asc
        ? 'never invited first, then longest ago'
        : 'most recent first, never invited last'
      : query.sort === 'invitationsSent'
        ? asc
          ? 'fewest first'
          : 'most first'
        : asc
          ? 'A to Z'
          : 'Z to A';
  return `sorted by ${sortNames[query.sort]}, ${way}`;
}

function Header({ query, sort, label }: { query: PendingQuery; sort: PendingSort; label: string }) {
  return (
    <SortableHeader label={label} active={query.sort === sort} dir={query.dir} href={sortUrl(query, sort)} />
  );
}

function MemberRow({ m, csrfToken }: { m: PendingMember; csrfToken: string }) {
  const nameId = memberNameId(m.id);
  return (
    <tr>
      <td>{m.memberNumber}</td>
      <MemberNameCell member={m} describesRow />
      <td>{m.email}</td>
      <td>{m.status === 'current' ? 'Current' : 'Lapsed'}</td>
      <td>{m.invitationsSent}</td>
      <td>{formatDateTime(m.lastInvitedAt, 'Never')}</td>
      <td>{deliveryWords(m)}</td>
      <td>
        <form method="post" action={paths.send(m.id)} class="inline">
          <CsrfField token={csrfToken} />
          <RepeatSafeField />
          {/* The accessible name stays exactly "Send"; the row's name cell is read as its description. */}
          <button type="submit" aria-describedby={nameId}>
            Send
          </button>
        </form>
      </td>
    </tr>
  );
}

export function PendingTable({
  query,
  page,
  filtered,
  csrfToken,
}: {
  query: PendingQuery;
  page: PendingPage;
  filtered: boolean;
  csrfToken: string;
}) {
  const shown = page.rows.length;
  return (
    <>
      <table>
        <caption>
          {filtered ? 'Members without a login matching your search and filters' : 'Members without a login'},{' '}
          {orderInWords(query)}. Showing {shown} {shown === 1 ? 'member' : 'members'} on this page.
        </caption>
        <thead>
          <tr>
            <Header query={query} sort="memberNumber" label="Member number" />
            <Header query={query} sort="name" label="Name" />
            <Header query={query} sort="email" label="Email" />
            <th scope="col">Status</th>
            <Header query={query} sort="invitationsSent" label="Invitations sent" />
            <Header query={query} sort="lastInvited" label="Last sent" />
            <th scope="col">Delivery</th>
            <th scope="col">Invitation</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((m) => (
            <MemberRow key={m.id} m={m} csrfToken={csrfToken} />
          ))}
        </tbody>
      </table>
      <Pager page={page} href={(position) => pageUrl(query, position)} />
    </>
  );
}
