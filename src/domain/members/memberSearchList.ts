import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import {
  type DbDeps,
  type PendingMember,
  pendingFetch,
  pendingKeyset,
} from '../invitations/pendingPageSql.ts';
import type { MemberSearchQuery } from './memberSearchQuery.ts';
import { filterConditions, type MemberSearchResult, memberSearchRowOf } from './memberSearchRows.ts';

type LoginRow = { member_id: unknown; username: unknown; last_login_at: unknown };

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
    rows: page.rows.map((m) => memberSearchRowOf(m, logins.get(m.id))),
    mode: 'list',
    next: page.next,
    prev: page.prev,
    page: 1,
    hasNextPage: page.next !== null,
    capped: false,
    rosterEmpty: false,
  };
}

async function loginsOf(deps: DbDeps, rows: PendingMember[]): Promise<Map<number, LoginRow>> {
  if (rows.length === 0) return new Map();
  const ids = sql.join(
    rows.map((r) => sql`${r.id}::bigint`),
    sql`, `,
  );
  const found = await queryRows<LoginRow>(
    deps.db,
    sql`select member_id, username, last_login_at from accounts where member_id in (${ids})`,
  );
  return new Map(found.map((l) => [Number(l.member_id), l]));
}
