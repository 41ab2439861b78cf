import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import {
  exactNumberCandidates,
  foldedTerm,
  isNameLike,
  SEARCH_TEXT,
  searchCondition,
} from '../invitationCodes/invitationCodesSearch.ts';
import type { DbDeps } from '../invitationCodes/invitationCodesSql.ts';
import { type MemberSearchQuery, SEARCH_TOP_N } from './memberSearchQuery.ts';
import {
  filterConditions,
  MEMBER_SEARCH_SHAPE,
  type MemberSearchResult,
  type MemberSearchRow,
} from './memberSearchRows.ts';

/**
 * How many trigram candidates each half of a search (members with and without a login) reads before
 * ranking: enough for any name search, and a bound on the work for a term half the roster contains.
 */
const CANDIDATES_PER_PART = 2000;
const WORD_SIMILARITY_THRESHOLD = '0.5';

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
export async function rankedSearch(
  deps: DbDeps,
  query: MemberSearchQuery,
  term: string,
  limit: number,
): Promise<MemberSearchResult> {
  const page = query.page ?? 1;
  const offset = (page - 1) * limit;
  const take = Math.min(limit + 1, SEARCH_TOP_N - offset);
  let rows = await rankedRows(deps, query, term, { take, offset, fuzzy: false });
  const total = rows.length > 0 ? rows[0]!.total : offset > 0 ? await countOnly() : 0;
  async function countOnly() {
    const [first] = await rankedRows(deps, query, term, { take: 1, offset: 0, fuzzy: false });
    return first?.total ?? 0;
  }
  if (total < SEARCH_TOP_N && isNameLike(term)) {
    rows = await rankedRows(deps, query, term, { take, offset, fuzzy: true });
  }
  const shown = rows.slice(0, limit);
  return {
    rows: shown.map(({ total: _total, ...row }) => row),
    mode: 'search',
    next: null,
    prev: null,
    page,
    hasNextPage: rows.length > limit,
    capped: offset + rows.length >= SEARCH_TOP_N,
    rosterEmpty: false,
  };
}

/** A ranked row: a row of Member Search and how many members the search ranked in all. */
const RANKED_SHAPE = { ...MEMBER_SEARCH_SHAPE, total: 'number' } as const;
type RankedRow = MemberSearchRow & { total: number };

async function rankedRows(
  deps: DbDeps,
  query: MemberSearchQuery,
  term: string,
  opts: { take: number; offset: number; fuzzy: boolean },
): Promise<RankedRow[]> {
  const lowered = term.toLowerCase();
  const filters = sql.join(filterConditions(query), sql` and `);
  const like = searchCondition(term) ?? sql`false`;
  const folded = foldedTerm(term);
  const match = opts.fuzzy ? sql`(${like} or ${folded} <% ${SEARCH_TEXT})` : like;
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
          select id, word_similarity(${folded}, ${SEARCH_TEXT}) as score from members
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
        select m.id, m.member_number as "memberNumber", m.first_name as "firstName",
               m.last_name as "lastName", m.email, m.status,
               a.username, a.last_login_at as "lastLoginAt", count(*) over () as total
        from ranked r
        join members m on m.id = r.id
        left join accounts a on a.member_id = m.id
        where ${mFilters}
        order by r.tier, r.score desc, m.sort_last_name, m.sort_first_name, m.id
        limit ${opts.take} offset ${opts.offset}`;
  // The shape reads status as text; the column holds only 'current' or 'lapsed'.
  const read = async (db: DbOrTx) => (await queryRows(db, statement, RANKED_SHAPE)) as RankedRow[];
  if (!opts.fuzzy || /\s/.test(term.trim())) return read(deps.db);
  // pg_trgm's default word-similarity threshold (0.6) misses one-word typos ("smiht", "fetherstonhaugh");
  // 0.5 finds them (~50 ms per part on 1M members), set for this transaction only. Several words have more
  // trigrams, so one typo costs less of the score: they keep 0.6, which reads fewer loose candidates.
  return deps.db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.word_similarity_threshold', ${WORD_SIMILARITY_THRESHOLD}, true)`,
    );
    return read(tx);
  });
}
