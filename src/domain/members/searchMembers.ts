import { type SQL, sql } from 'drizzle-orm';
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
import { exactNumberCandidates, SEARCH_TEXT, searchCondition } from '../invitations/pendingSearch.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  checkMemberSearchQuery,
  MEMBER_PAGE_SIZE,
  type MemberSearchQuery,
  SEARCH_TOP_N,
} from './memberSearchQuery.ts';

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

/**
 * How many trigram candidates each half of a search (members with and without a login) reads before
 * ranking: enough for any name search, and a bound on the work for a term half the roster contains.
 */
const CANDIDATES_PER_PART = 2000;
const WORD_SIMILARITY_THRESHOLD = '0.5';

type LoginRow = { member_id: number | string; username: string; last_login_at: Date | string | null };
type SearchRow = RawRow & { username: string | null; last_login_at: Date | string | null };

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

const toRow = (
  r: RawRow,
  login: { username: string | null; last_login_at: Date | string | null } | undefined,
) => ({
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
function filterConditions(query: MemberSearchQuery): SQL[] {
  const where: SQL[] = [sql`true`];
  if (query.status) where.push(sql`status = ${query.status}`);
  // Literals, so the planner can use the partial indexes of members without a login.
  if (query.login === 'no') where.push(sql`not has_login`);
  if (query.login === 'yes') where.push(sql`has_login`);
  return where;
}

async function rosterIsEmpty(deps: DbDeps): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(deps.db, sql`select exists (select 1 from members) as any`);
  return !row?.any;
}

/**
 * Admin > Member Search. Without a search term: every member by name, one keyset page at a time. With
 * one: exact member number / username / email first, then the best trigram matches on name, email and
 * member number (typo-tolerant through word similarity), bounded to the top SEARCH_TOP_N.
 */
export async function searchMembers(
  deps: DbDeps,
  actor: Actor,
  query: MemberSearchQuery,
): Promise<MemberSearchResult> {
  requirePermission(actor, 'members.read');
  checkMemberSearchQuery(query);
  const limit = query.limit ?? MEMBER_PAGE_SIZE;
  const term = query.search?.trim() ?? '';
  const result = term ? await rankedSearch(deps, query, term, limit) : await listByName(deps, query, limit);
  if (result.rows.length === 0 && !query.after && !query.before && (result.page ?? 1) === 1) {
    result.rosterEmpty = await rosterIsEmpty(deps);
  }
  return result;
}

const flip = (dir: SortDir): SortDir => (dir === 'asc' ? 'desc' : 'asc');

/** Every member by last name, first name, id: the keyset walk of members_name_idx (reused from Invitation Codes). */
async function listByName(
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

/** Names are matched with typo tolerance; a term with a digit or an @ is an email, number or username. */
const isNameLike = (term: string) => !/[\d@]/.test(term);

/**
 * The ranked search. Every step starts from an index:
 * - exact: member number (unique index), email (members_email_lower_idx), username (accounts_username_lower_key);
 * - substring: every word appears (LIKE, as Invitation Codes searches) — the trigram GIN index over SEARCH_TEXT;
 * - typo-tolerant, for names only and only while the steps above find fewer than SEARCH_TOP_N members: word
 *   similarity of the whole term ("jonh smith" is close to " john smith "), through the same index. Run
 *   always it would recheck tens of thousands of loose candidates for a common name (0.5 s on 1M members).
 * The candidates are found first and only then ranked (PERFORMANCE.md: left to itself the planner walks the
 * name index for common surnames). Members without a login and those with one are read as two parts, so the
 * first can use the partial index members_pending_search_idx and the second a full trigram index.
 * Ranking: exact first, then word similarity to the term, then name.
 */
async function rankedSearch(
  deps: DbDeps,
  query: MemberSearchQuery,
  term: string,
  limit: number,
): Promise<MemberSearchResult> {
  const page = query.page ?? 1;
  const offset = (page - 1) * limit;
  const take = Math.min(limit + 1, SEARCH_TOP_N - offset);
  let rows = await rankedRows(deps, query, term, { take, offset, fuzzy: false });
  const total = rows.length > 0 ? Number(rows[0]!.total) : offset > 0 ? await countOnly() : 0;
  async function countOnly() {
    const [first] = await rankedRows(deps, query, term, { take: 1, offset: 0, fuzzy: false });
    return first ? Number(first.total) : 0;
  }
  if (total < SEARCH_TOP_N && isNameLike(term)) {
    rows = await rankedRows(deps, query, term, { take, offset, fuzzy: true });
  }
  const shown = rows.slice(0, limit);
  return {
    rows: shown.map((r) => toRow(r, r)),
    mode: 'search',
    nextCursor: null,
    prevCursor: null,
    page,
    hasNextPage: rows.length > limit,
    capped: offset + rows.length >= SEARCH_TOP_N,
    rosterEmpty: false,
  };
}

type RankedRow = SearchRow & { total: number | string };

async function rankedRows(
  deps: DbDeps,
  query: MemberSearchQuery,
  term: string,
  opts: { take: number; offset: number; fuzzy: boolean },
): Promise<RankedRow[]> {
  const lowered = term.toLowerCase();
  const filters = sql.join(filterConditions(query), sql` and `);
  const like = searchCondition(term) ?? sql`false`;
  const match = opts.fuzzy ? sql`(${like} or ${lowered} <% ${SEARCH_TEXT})` : like;
  const candidates = exactNumberCandidates(term);
  const byNumber =
    candidates.length > 0
      ? sql`member_number in (${sql.join(
          candidates.map((c) => sql`${c}`),
          sql`, `,
        )})`
      : sql`false`;
  // LIMIT fences each part, so the planner cannot fold it into a walk of another index.
  const part = (login: SQL, alias: string) =>
    sql`union all select id, 1, score from (
          select id, word_similarity(${lowered}, ${SEARCH_TEXT}) as score from members
          where ${login} and ${filters} and ${match}
          limit ${CANDIDATES_PER_PART}
        ) as ${sql.raw(alias)}`;
  const parts: SQL[] = [];
  if (query.login !== 'yes') parts.push(part(sql`not has_login`, 'without_login'));
  if (query.login !== 'no') parts.push(part(sql`has_login`, 'with_login'));
  const mFilters = sql.join(
    [
      query.status ? sql`m.status = ${query.status}` : sql`true`,
      query.login === 'no' ? sql`not m.has_login` : query.login === 'yes' ? sql`m.has_login` : sql`true`,
    ],
    sql` and `,
  );
  const statement = sql`with found as (
          select id, 0 as tier, 1::real as score from members where ${byNumber}
          union all
          select id, 0, 1::real from members where email_lower = ${lowered}
          union all
          select member_id, 0, 1::real from accounts where username_lower = ${lowered}
          ${sql.join(parts, sql` `)}
        ), ranked as (
          select id, min(tier) as tier, max(score) as score from found group by id
        )
        select m.id, m.member_number, m.first_name, m.last_name, m.email, m.status,
               a.username, a.last_login_at, count(*) over () as total
        from ranked r
        join members m on m.id = r.id
        left join accounts a on a.member_id = m.id
        where ${mFilters}
        order by r.tier, r.score desc, m.last_name, m.first_name, m.id
        limit ${opts.take} offset ${opts.offset}`;
  if (!opts.fuzzy || /\s/.test(term.trim())) return queryRows<RankedRow>(deps.db, statement);
  // pg_trgm's default word-similarity threshold (0.6) misses one-word typos ("smiht", "fetherstonhaugh");
  // 0.5 finds them (~50 ms per part on 1M members), set for this transaction only. Several words have more
  // trigrams, so one typo costs less of the score: they keep 0.6, which reads fewer loose candidates.
  return deps.db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.word_similarity_threshold', ${WORD_SIMILARITY_THRESHOLD}, true)`,
    );
    return queryRows<RankedRow>(tx, statement);
  });
}
