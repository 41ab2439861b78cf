import type { RosterPage } from '../../../domain/reports/memberRoster.ts';
import type { RosterQuery } from '../../../domain/reports/memberRosterQuery.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { clearFiltersUrl, csvUrl } from './links.ts';
import { RosterFilterForm, type RosterFilterValues } from './RosterFilterForm.tsx';
import { RosterTable } from './RosterTable.tsx';

export type MemberRosterView = {
  ctx: PageContext;
  values: RosterFilterValues;
  /** The report, or null when the query was refused (then `errors` says why). */
  result: { q: RosterQuery; page: RosterPage; filtered: boolean; paged: boolean } | null;
  errors?: FieldErrors;
};

function Results({ result }: { result: NonNullable<MemberRosterView['result']> }) {
  const { q, page, filtered, paged } = result;
  if (page.rows.length > 0) {
    return (
      <>
        <p>
          <a class="button secondary" href={csvUrl(q)} download>
            Export CSV
          </a>{' '}
          <span class="muted">
            Every member of this report (all pages), in this order, as a spreadsheet file.
          </span>
        </p>
        <RosterTable q={q} page={page} filtered={filtered} />
      </>
    );
  }
  return (
    <div class="card">
      {paged ? (
        <p>There are no more members on this page of the report.</p>
      ) : filtered ? (
        <p>
          <strong>No current members match these filters.</strong>
        </p>
      ) : (
        <p>
          <strong>There are no current members on the roster yet.</strong> Import the roster under{' '}
          <a href={paths.import}>Member Management › Import members</a>.
        </p>
      )}
      {(paged || filtered) && (
        <p>
          <a href={clearFiltersUrl(q)}>{filtered ? 'Clear filters' : 'Go to the first page'}</a>
        </p>
      )}
    </div>
  );
}

/** Admin › Query Tool › Member Roster - Current: who has joined the portal, and when they last came. */
export function MemberRosterPage({ view }: { view: MemberRosterView }) {
  return (
    <AdminFrame
      ctx={view.ctx}
      title="Member Roster - Current"
      crumbs={[{ href: paths.queryTool, label: 'Query Tool' }]}
    >
      <p>
        Current members with their portal login, Last Login and invitations. Click a column heading to sort by
        it; click it again to reverse the order. Members who have never logged in, and members without a
        login, are always listed last, in both directions. Times are in UTC.
      </p>
      <ErrorSummary errors={view.errors} />
      <RosterFilterForm values={view.values} errors={view.errors} />
      {view.result && <Results result={view.result} />}
    </AdminFrame>
  );
}
