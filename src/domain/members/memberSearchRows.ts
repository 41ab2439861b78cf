import { type SQL, sql } from 'drizzle-orm';
import type { Shape } from '../../db/rows.ts';
import type { MemberSearchQuery } from './memberSearchQuery.ts';
import { ROSTER_ENTRY_SHAPE, type RosterEntry } from './rosterEntry.ts';

/** One row of Member Search: a roster member and their login, if any. */
export type MemberSearchRow = RosterEntry & {
  id: number;
  username: string | null;
  lastLoginAt: Date | null;
};

export type MemberSearchResult = {
  rows: MemberSearchRow[];
  /** `list`: every member by name, keyset pages. `search`: the best matches, ranked, in bounded pages. */
  mode: 'list' | 'search';
  /** list mode: the keyset engine's cursors for the pages after and before this one. */
  next: string | null;
  prev: string | null;
  /** search mode: this page (1-based) and whether another follows within the top matches. */
  page: number;
  hasNextPage: boolean;
  /** search mode: the matches filled the bounded top list, so there may be more than can be shown. */
  capped: boolean;
  /** There are no members at all (only worked out when the page is empty). */
  rosterEmpty: boolean;
};

/**
 * How a row of Member Search is read (db/rows.ts): one JavaScript type per column on every engine. A query
 * selects the columns under these names; `status` is read as text and holds only 'current' or 'lapsed'.
 */
export const MEMBER_SEARCH_SHAPE = {
  id: 'number',
  ...ROSTER_ENTRY_SHAPE,
  username: 'text?',
  lastLoginAt: 'date?',
} as const satisfies Shape;

/** The filter conditions on `members` (unqualified columns). */
export function filterConditions(query: MemberSearchQuery): SQL[] {
  const where: SQL[] = [sql`true`];
  if (query.status) where.push(sql`status = ${query.status}`);
  // Literals, so the planner can use the partial indexes of members without a login.
  if (query.login === 'no') where.push(sql`not has_login`);
  if (query.login === 'yes') where.push(sql`has_login`);
  return where;
}
