import type { PagePosition } from '../../../db/keyset.ts';
import {
  type RosterFilter,
  type RosterQuery,
  type RosterSort,
  rosterFilterParams,
  type SortDir,
} from '../../../domain/reports/memberRosterQuery.ts';
import { paths, withQuery } from '../../paths.ts';

type View = RosterFilter & { sort: RosterSort; dir: SortDir };

/** Filters then sort as URL parameters, in a fixed order; defaults (name, A to Z) are left out. */
const params = (q: View): Record<string, string | undefined> => ({
  ...rosterFilterParams(q),
  sort: q.sort === 'name' ? undefined : q.sort,
  dir: q.dir === 'asc' ? undefined : q.dir,
});

/** The report with the same filters, sorted by `sort`: ascending first, reversed when it is already the sort. */
export function sortUrl(q: RosterQuery, sort: RosterSort): string {
  const dir: SortDir = q.sort === sort && q.dir === 'asc' ? 'desc' : 'asc';
  return withQuery(paths.memberRoster, params({ ...q, sort, dir }));
}

/** Another page of the same report. */
export const pageUrl = (q: RosterQuery, position: PagePosition): string =>
  withQuery(paths.memberRoster, { ...params(q), ...position });

/** The whole report, as filtered and sorted on screen, as a CSV file. */
export const csvUrl = (q: RosterQuery): string => withQuery(paths.memberRosterCsv, params(q));

/** The same sort without any filter. */
export const clearFiltersUrl = (q: Pick<RosterQuery, 'sort' | 'dir'>): string =>
  withQuery(paths.memberRoster, params({ sort: q.sort, dir: q.dir }));
