import {
  type PendingQuery,
  type PendingSort,
  pendingQueryParams,
} from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import type { PendingMember, PendingPage } from '../../../domain/invitationCodes/listInvitationCodes.ts';
import { paths } from '../../paths.ts';
import { deliveryWords, sendNotice } from '../../ui/deliveryWords.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField } from '../../ui/forms.tsx';
import { MemberNameCell, memberNameId } from '../../ui/MemberNameCell.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { RepeatSafeField } from '../../ui/RepeatSafeField.tsx';
import { SortableHeader } from '../../ui/SortableHeader.tsx';
import { pageUrl, sortUrl } from './links.ts';

/** A Send that just went out: to whom, and whether a mail server takes it (else the Email Log keeps it). */
export type SentNotice = { memberId: number; name: string; delivers: boolean };

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

/** The list's query as hidden fields, so that Send comes back to the same search, filters, sort and page. */
function ListFields({ query }: { query: PendingQuery }) {
  return (
    <>
      {Object.entries(pendingQueryParams(query)).map(([name, value]) =>
        value ? <input key={name} type="hidden" name={name} value={value} /> : null,
      )}
    </>
  );
}

type RowProps = {
  m: PendingMember;
  query: PendingQuery;
  csrfToken: string;
  /** This row was just sent to: its confirmation sits beside its button. */
  sent: SentNotice | null;
  /** Focus lands here after a Send: the next row's Send (or the same row's, on the last row). */
  focus: boolean;
};

function MemberRow({ m, query, csrfToken, sent, focus }: RowProps) {
  const nameId = memberNameId(m.id);
  return (
    <tr id={`member-${m.id}`} class={sent ? 'just-sent' : undefined}>
      <td data-label="Member number">{m.memberNumber}</td>
      <MemberNameCell member={m} describesRow />
      <td data-label="Email">{m.email}</td>
      <td data-label="Status">{m.status === 'current' ? 'Current' : 'Lapsed'}</td>
      <td data-label="Invitations sent">{m.invitationsSent}</td>
      <td data-label="Last sent">{formatDateTime(m.lastInvitedAt, 'Never')}</td>
      <td data-label="Delivery">{deliveryWords(m)}</td>
      <td data-label="Invitation" class="row-action">
        <form method="post" action={paths.send(m.id)} class="inline" data-send>
          <CsrfField token={csrfToken} />
          <RepeatSafeField />
          <ListFields query={query} />
          {/* The accessible name stays exactly "Send"; the row's name cell is read as its description. */}
          <button type="submit" aria-describedby={nameId} autofocus={focus}>
            Send
          </button>
        </form>
        {sent && (
          <p class="sent-note" role="status" data-sent>
            {sendNotice(`${m.firstName} ${m.lastName}`, sent.delivers)}
          </p>
        )}
      </td>
    </tr>
  );
}

export function PendingTable({
  query,
  page,
  filtered,
  csrfToken,
  sent,
}: {
  query: PendingQuery;
  page: PendingPage;
  filtered: boolean;
  csrfToken: string;
  /** The member a Send just went to, when the list came back after it. */
  sent?: SentNotice;
}) {
  const shown = page.rows.length;
  const sentAt = page.rows.findIndex((m) => m.id === sent?.memberId);
  const focusAt = sentAt < 0 ? -1 : Math.min(sentAt + 1, shown - 1);
  return (
    <>
      <table class="stack" data-pending>
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
          {page.rows.map((m, i) => (
            <MemberRow
              key={m.id}
              m={m}
              query={query}
              csrfToken={csrfToken}
              sent={i === sentAt ? sent! : null}
              focus={i === focusAt}
            />
          ))}
        </tbody>
      </table>
      <Pager page={page} href={(position) => pageUrl(query, position)} />
    </>
  );
}
