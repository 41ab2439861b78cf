import type { MemberSearchQuery } from '../../../domain/members/memberSearchQuery.ts';
import { SEARCH_TOP_N } from '../../../domain/members/memberSearchQuery.ts';
import type { MemberSearchResult, MemberSearchRow } from '../../../domain/members/searchMembers.ts';
import { can } from '../../../domain/policy.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { hasFilters, pageUrl } from './links.ts';
import { SearchForm, type SearchValues } from './SearchForm.tsx';

export type MemberSearchView = {
  ctx: PageContext;
  values: SearchValues;
  /** The results, or null when the query was refused (then `errors` says why). */
  result: { query: MemberSearchQuery; found: MemberSearchResult } | null;
  errors?: FieldErrors;
};

function MemberRow({ m }: { m: MemberSearchRow }) {
  const name = `${m.firstName} ${m.lastName}`;
  return (
    <tr>
      <td>{m.memberNumber}</td>
      <th scope="row">
        <a href={paths.memberProfile(m.id)}>{name}</a>
      </th>
      <td>{m.email}</td>
      <td>{m.status === 'current' ? 'Current' : 'Lapsed'}</td>
      <td>{m.username ?? '—'}</td>
      <td>{m.username ? formatDateTime(m.lastLoginAt, 'Never') : '—'}</td>
    </tr>
  );
}

/**
 * The pages of the results: keyset cursors when listing by name; when searching, the page numbers of the
 * bounded top matches, which travel through the Pager as the position it links to.
 */
function Pagination({ query, found }: { query: MemberSearchQuery; found: MemberSearchResult }) {
  if (found.mode === 'list') return <Pager page={found} href={(position) => pageUrl(query, position)} />;
  const numbered = {
    prev: found.page > 1 ? String(found.page - 1) : null,
    next: found.hasNextPage ? String(found.page + 1) : null,
  };
  return (
    <Pager
      page={numbered}
      href={(position) => pageUrl(query, { page: Number(position.after ?? position.before) })}
    />
  );
}

function Results({ result }: { result: NonNullable<MemberSearchView['result']> }) {
  const { query, found } = result;
  if (found.rosterEmpty) {
    return (
      <div class="card">
        <p>
          <strong>The roster is empty.</strong> Import members under{' '}
          <a href={paths.memberManagement}>Member Management</a> › Import members.
        </p>
      </div>
    );
  }
  const paged = Boolean(query.after || query.before || (query.page ?? 1) > 1);
  if (found.rows.length === 0) {
    return (
      <div class="card">
        <p>
          <strong>
            {paged
              ? 'There are no more members on this page of the list.'
              : 'No members match your search and filters.'}
          </strong>
        </p>
        <p>
          <a href={paths.memberSearch}>{hasFilters(query) ? 'Clear the search' : 'Go to the first page'}</a>
        </p>
      </div>
    );
  }
  const shown = found.rows.length;
  const caption =
    found.mode === 'search'
      ? `Members matching your search, best matches first. Showing the ${shown} best ${shown === 1 ? 'match' : 'matches'} on this page.`
      : `${hasFilters(query) ? 'Members matching your filters' : 'All members'}, by name. Showing ${shown} ${shown === 1 ? 'member' : 'members'} on this page.`;
  return (
    <>
      {found.mode === 'search' && (
        <p>
          Showing the {shown} best matches on this page, from at most the {SEARCH_TOP_N} best matches in all:
          exact member number, username or email first, then the closest names. Add to the search to narrow
          it.
        </p>
      )}
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Member number</th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Status</th>
            <th scope="col">Username</th>
            <th scope="col">Last Login</th>
          </tr>
        </thead>
        <tbody>
          {found.rows.map((m) => (
            <MemberRow key={m.id} m={m} />
          ))}
        </tbody>
      </table>
      <Pagination query={query} found={found} />
    </>
  );
}

/** Admin > Member Search. */
export function MemberSearchPage({ view }: { view: MemberSearchView }) {
  return (
    <AdminFrame ctx={view.ctx} title="Member Search">
      <ErrorSummary errors={view.errors} />
      {view.ctx.user && can(view.ctx.user.role, 'members.edit') && (
        <p>
          <a href={paths.addMember}>Add member</a> (one at a time; for many, import a roster file)
        </p>
      )}
      <SearchForm values={view.values} errors={view.errors} />
      {view.result && <Results result={view.result} />}
    </AdminFrame>
  );
}
