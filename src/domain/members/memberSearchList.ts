import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import {
  type DbDeps,
  fetchPage,
  keyType,
  type RawRow,
  SORT_KEYS,
  sortKeyOf,
} from '../invitations/pendingPageSql.ts';
import { decodeCursor, encodeCursor, type SortDir } from '../invitations/pendingQuery.ts';
import type { MemberSearchQuery } from './memberSearchQuery.ts';
import { filterConditions, type MemberSearchResult, toRow } from './memberSearchRows.ts';

type LoginRow = { member_id: number | string; username: string; last_login_at: Date | string | null };
const flip = (dir: SortDir): SortDir => (dir === 'asc' ? 'desc' : 'asc');

/** Every member by last name, first name, id: the keyset walk of members_name_idx (reused from Invitation Codes). */
export async function listByName(
  deps: DbDeps,
  query: MemberSearchQuery,
  limit: number,
): Promise<MemberSearchResult> {
  const keys = SORT_KEYS.name;
  const types = keys.map(keyType);
  const after = query.after ? decodeCursor(query.after, 'name', 'asc', types, 'after') : null;
  const before = query.before ? decodeCursor(query.before, 'name', 'asc', types, 'before') : null;
  const where = filterConditions(query);
  const cursorOf = (row: RawRow) => encodeCursor('name', 'asc', sortKeyOf(row));

  let rows: RawRow[];
  let nextCursor: string | null = null;
  let prevCursor: string | null = null;
  if (before) {
    const back = await fetchPage(deps, where, null, { keys, dir: flip('asc'), cursor: before, limit });
    if (back.length > limit) {
      rows = back.slice(0, limit).reverse();
      nextCursor = cursorOf(rows.at(-1)!);
      prevCursor = cursorOf(rows[0]!);
    } else {
      // Back at the start: show the real first page, full.
      const first = await fetchPage(deps, where, null, { keys, dir: 'asc', cursor: null, limit });
      rows = first.slice(0, limit);
      nextCursor = first.length > limit ? cursorOf(rows.at(-1)!) : null;
    }
  } else {
    const page = await fetchPage(deps, where, null, { keys, dir: 'asc', cursor: after, limit });
    rows = page.slice(0, limit);
    nextCursor = page.length > limit ? cursorOf(rows.at(-1)!) : null;
    prevCursor = after && rows.length > 0 ? cursorOf(rows[0]!) : null;
  }
  const logins = await loginsOf(deps, rows);
  return {
    rows: rows.map((r) => toRow(r, logins.get(Number(r.id)))),
    mode: 'list',
    nextCursor,
    prevCursor,
    page: 1,
    hasNextPage: nextCursor !== null,
    capped: false,
    rosterEmpty: false,
  };
}

async function loginsOf(deps: DbDeps, rows: RawRow[]): Promise<Map<number, LoginRow>> {
  if (rows.length === 0) return new Map();
  const ids = sql.join(
    rows.map((r) => sql`${Number(r.id)}::bigint`),
    sql`, `,
  );
  const found = await queryRows<LoginRow>(
    deps.db,
    sql`select member_id, username, last_login_at from accounts where member_id in (${ids})`,
  );
  return new Map(found.map((l) => [Number(l.member_id), l]));
}
