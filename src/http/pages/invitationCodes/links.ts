import type { PagePosition } from '../../../db/keyset.ts';
import {
  type PendingQuery,
  type PendingSort,
  pendingQueryInput,
  pendingQueryParams,
  type SortDir,
} from '../../../domain/invitationCodes/invitationCodesQuery.ts';
import { paths, withQuery } from '../../paths.ts';

/** A round's progress page. Kept for the Invitation Rounds report, which links with it; it is paths.round. */
export const roundPath = (roundId: number) => paths.round(roundId);

/** The list with the same filters, sorted by `sort`: ascending first, reversed when it is already the sort. */
export function sortUrl(query: PendingQuery, sort: PendingSort): string {
  const dir: SortDir = query.sort === sort && query.dir === 'asc' ? 'desc' : 'asc';
  return withQuery(
    paths.invitationCodes,
    pendingQueryParams({ ...query, sort, dir }, { withPosition: false }),
  );
}

/** Another page of the same list (the Pager's links). */
export const pageUrl = (query: PendingQuery, position: PagePosition): string =>
  withQuery(
    paths.invitationCodes,
    pendingQueryParams({ ...query, after: position.after, before: position.before }),
  );

/** The same sort without any filter or search. */
export const clearFiltersUrl = (query: Pick<PendingQuery, 'sort' | 'dir'>): string =>
  withQuery(paths.invitationCodes, pendingQueryParams({ sort: query.sort, dir: query.dir }));

export const hasFilters = (q: PendingQuery): boolean =>
  Boolean(q.search || q.status || q.invited || q.sentBefore || q.deliveryFailed);

/** Send All's confirmation for the members these filters show (sort and page do not choose anyone). */
export const sendAllUrl = (query: PendingQuery): string =>
  withQuery(paths.sendAll, pendingQueryParams(query, { withSort: false, withPosition: false }));

/**
 * Where Send goes back to: the list as it was (the Send form carries its query as hidden fields) with the
 * round that was sent. A query that does not read (an edited form) gives the plain list, not an error:
 * the invitation has gone out either way.
 */
export function listAfterSend(body: unknown, roundId: number): string {
  const parsed = pendingQueryInput.safeParse(body ?? {});
  const list = parsed.success ? pendingQueryParams(parsed.data) : {};
  return withQuery(paths.invitationCodes, { ...list, sent: String(roundId) });
}
