import {
  type RosterFilter,
  type RosterQuery,
  type RosterSort,
  rosterFilterParams,
  type SortDir,
} from '../../../domain/reports/memberRosterQuery.ts';

export const QUERY_TOOL_PATH = '/admin/query-tool';
export const MEMBER_ROSTER_PATH = `${QUERY_TOOL_PATH}/member-roster-current`;
export const MEMBER_ROSTER_CSV_PATH = `${MEMBER_ROSTER_PATH}.csv`;

type View = RosterFilter & { sort: RosterSort; dir: SortDir };

/** Filters then sort as URL parameters, in a fixed order; defaults (name, A to Z) are left out. */
function params(q: View): URLSearchParams {
  const p = new URLSearchParams(rosterFilterParams(q));
  if (q.sort !== 'name') p.set('sort', q.sort);
  if (q.dir !== 'asc') p.set('dir', q.dir);
  return p;
}

const withParams = (path: string, p: URLSearchParams) => (p.size ? `${path}?${p}` : path);

/** The report with the same filters, sorted by `sort`: ascending first, reversed when it is already the sort. */
export function sortUrl(q: RosterQuery, sort: RosterSort): string {
  const dir: SortDir = q.sort === sort && q.dir === 'asc' ? 'desc' : 'asc';
  return withParams(MEMBER_ROSTER_PATH, params({ ...q, sort, dir }));
}

/** Another page of the same report. */
export function pageUrl(q: RosterQuery, cursor: { after: string } | { before: string }): string {
  const p = params(q);
  for (const [k, v] of Object.entries(cursor)) p.set(k, v);
  return withParams(MEMBER_ROSTER_PATH, p);
}

/** The whole report, as filtered and sorted on screen, as a CSV file. */
export const csvUrl = (q: RosterQuery): string => withParams(MEMBER_ROSTER_CSV_PATH, params(q));

/** The same sort without any filter. */
export const clearFiltersUrl = (q: Pick<RosterQuery, 'sort' | 'dir'>): string =>
  withParams(MEMBER_ROSTER_PATH, params({ sort: q.sort, dir: q.dir }));
