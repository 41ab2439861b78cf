import { type SQL, sql } from 'drizzle-orm';
import type { RawRow } from '../invitations/pendingPageSql.ts';
import type { MemberSearchQuery } from './memberSearchQuery.ts';

/** One row of Member Search: a roster member and their login, if any. */
export type MemberSearchRow = {
  id: number;
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'current' | 'lapsed';
  username: string | null;
  lastLoginAt: Date | null;
};

export type MemberSearchResult = {
  rows: MemberSearchRow[];
  /** `list`: every member by name, keyset pages. `search`: the best matches, ranked, in bounded pages. */
  mode: 'list' | 'search';
  /** list mode: cursors for the pages after and before this one. */
  nextCursor: string | null;
  prevCursor: string | null;
  /** search mode: this page (1-based) and whether another follows within the top matches. */
  page: number;
  hasNextPage: boolean;
  /** search mode: the matches filled the bounded top list, so there may be more than can be shown. */
  capped: boolean;
  /** There are no members at all (only worked out when the page is empty). */
  rosterEmpty: boolean;
};

export type LoginColumns = { username: string | null; last_login_at: Date | string | null };

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export const toRow = (r: RawRow, login: LoginColumns | undefined) => ({
  id: Number(r.id),
  memberNumber: r.member_number,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  status: r.status,
  username: login?.username ?? null,
  lastLoginAt: toDate(login?.last_login_at ?? null),
});

/** The filter conditions on `members` (unqualified columns). */
export function filterConditions(query: MemberSearchQuery): SQL[] {
  const where: SQL[] = [sql`true`];
  if (query.status) where.push(sql`status = ${query.status}`);
  // Literals, so the planner can use the partial indexes of members without a login.
  if (query.login === 'no') where.push(sql`not has_login`);
  if (query.login === 'yes') where.push(sql`has_login`);
  return where;
}
