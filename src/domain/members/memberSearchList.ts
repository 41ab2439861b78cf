import { sql } from 'drizzle-orm';
import { queryRows, type RowOf } from '../../db/rows.ts';
import { type DbDeps, type PendingMember, pendingKeyset } from '../invitationCodes/invitationCodesSql.ts';
import { pendingFetch } from '../invitationCodes/pendingFetch.ts';
import type { MemberSearchQuery } from './memberSearchQuery.ts';
import { filterConditions, type MemberSearchResult, type MemberSearchRow } from './memberSearchRows.ts';

const LOGIN_SHAPE = { memberId: 'number', username: 'text', lastLoginAt: 'date?' } as const;
type Login = RowOf<typeof LOGIN_SHAPE>;

/** By last name, first name, id: the keyset (and index order) of Invitation Codes' name sort. */
const BY_NAME = pendingKeyset('name', 'asc');

/** Every member by last name, first name, id: the keyset walk of members_name_idx. */
export async function listByName(
  deps: DbDeps,
  query: MemberSearchQuery,
  limit: number,
): Promise<MemberSearchResult> {
  const page = await BY_NAME.page(query, limit, pendingFetch(deps, BY_NAME, filterConditions(query), null));
  const logins = await loginsOf(deps, page.rows);
  return {
    rows: page.rows.map((m) => withLogin(m, logins.get(m.id))),
    mode: 'list',
    next: page.next,
    prev: page.prev,
    page: 1,
    hasNextPage: page.next !== null,
    capped: false,
    rosterEmpty: false,
  };
}

/** A listed member and their login, if any, as one row of Member Search. */
const withLogin = (m: PendingMember, login: Login | undefined): MemberSearchRow => ({
  id: m.id,
  memberNumber: m.memberNumber,
  firstName: m.firstName,
  lastName: m.lastName,
  email: m.email,
  status: m.status,
  username: login?.username ?? null,
  lastLoginAt: login?.lastLoginAt ?? null,
});

async function loginsOf(deps: DbDeps, rows: PendingMember[]): Promise<Map<number, Login>> {
  if (rows.length === 0) return new Map();
  const ids = sql.join(
    rows.map((r) => sql`${r.id}::bigint`),
    sql`, `,
  );
  const found = await queryRows(
    deps.db,
    sql`select member_id as "memberId", username, last_login_at as "lastLoginAt"
        from accounts where member_id in (${ids})`,
    LOGIN_SHAPE,
  );
  return new Map(found.map((l) => [l.memberId, l]));
}
