import { type SQL, sql } from 'drizzle-orm';
import type { Fetch, Keyed, Keyset } from '../../db/keyset.ts';
import { queryRows } from '../../db/rows.ts';
import { SEARCH_TEXT } from './invitationCodesSearch.ts';
import {
  AS_PENDING,
  type PendingMember,
  type ReadDeps,
  readKeyed,
  SORT_COLUMNS,
} from './invitationCodesSql.ts';

/**
 * How a search finds its page. Two ways, each fast where the other is slow (1M members, PostgreSQL):
 * - walk down the sort order and keep the matches: stops after one page of matches, so a term spread
 *   through the list ("son", 58k members; "gmail") is found in a few thousand rows, where reading all its
 *   trigram matches takes 150–250 ms; but a term whose matches sit far down the order ("smith" by name)
 *   would walk most of the list;
 * - read every trigram match (GIN index), then order them: costs what the matches cost, whatever the order.
 * Both read about one heap row per row, so a sample of the table (walkPlan) decides: it estimates how many
 * members match and how far down the order the first of them is. The walk runs only when that is within
 * its budget, a quarter of the matches expected; when it still fails, the search costs at most ~1.25 ×
 * reading the matches, and when it succeeds, a page's worth of rows.
 */
const WALK_ROWS_PER_MATCH = 0.25;
/** How far past the walk's budget the sample's first match may lie and the walk still be tried. */
const FIRST_MATCH_SLACK = 8;
/** Past this the matches are so many that a walk still failing means a very slow search anyway. */
const MAX_WALK_ROWS = 50_000;
/**
 * Table blocks read to estimate the matches (about 1,500 members at 1M; the whole table below ~1,500).
 * REPEATABLE: the same blocks every time, so the estimate of a term is stable and its blocks stay cached.
 */
const SAMPLE_BLOCKS = 50;
const SAMPLE_PERCENT = sql.raw(
  `least(100, 100.0 * ${SAMPLE_BLOCKS} / greatest(1, pg_relation_size('members') / current_setting('block_size')::int))`,
);

/**
 * The engine's `fetch` for one list: the rows matching `where` (and `search`, if any) past the engine's
 * boundary, in its order, at most `limit` (the engine asks one more than a page, to know there is more).
 * `walk: false` goes straight to the trigram matches (close matches: word similarity is too costly per row
 * to walk with).
 */
export function pendingFetch(
  deps: ReadDeps,
  keys: Keyset,
  where: SQL[],
  search: SQL | null,
  { walk = true } = {},
): Fetch<PendingMember & Keyed> {
  return async (boundary, order, take) => {
    const whereSql = sql.join(boundary ? [...where, boundary] : where, sql` and `);
    if (!search) {
      return readKeyed(
        deps,
        sql`select ${AS_PENDING}, ${keys.cursor} as cursor from members where ${whereSql} order by ${order} limit ${take}`,
      );
    }
    // LIMIT and OFFSET 0 fence each inner query so that the planner cannot merge it into another plan:
    // left to itself it walks the sort index hoping to meet matches early, which takes seconds for a
    // surname clustered far down the name order (PERFORMANCE.md).
    const budget = walk ? await walkBudget(deps, where, search, boundary, order) : 0;
    if (budget >= take) {
      const walked = await readKeyed(
        deps,
        pageOf(
          keys,
          order,
          sql`select ${SORT_COLUMNS} from (
                select ${SORT_COLUMNS}, ${SEARCH_TEXT} from members where ${whereSql} order by ${order} limit ${budget}
              ) w where ${search} order by ${order} limit ${take}`,
        ),
      );
      if (walked.length === take) return walked;
    }
    return readKeyed(
      deps,
      pageOf(
        keys,
        order,
        sql`select ${SORT_COLUMNS} from (
              select ${SORT_COLUMNS} from members where ${search} and ${whereSql} offset 0
            ) m order by ${order} limit ${take}`,
      ),
    );
  };
}

/**
 * A page whose sort keys `keyed` selects, with its other columns and its cursors read for its own rows
 * only. Ordering all the matches with every column (and a cursor worked out for each) cost ~1.5 × ordering
 * their keys alone.
 */
function pageOf(keys: Keyset, order: SQL, keyed: SQL): SQL {
  return sql`select p.*, k.cursor from (
      select id, ${keys.cursor} as cursor, row_number() over (order by ${order}) as n from (${keyed}) s
    ) k cross join lateral (select ${AS_PENDING} from members where id = k.id) p order by k.n`;
}

/**
 * How many rows of the sort order the walk may read: none when the sample says that the matches are few
 * or that the first of them lies far beyond the budget, else a quarter of the matches expected. The sample is
 * ~1,500 rows (SAMPLE_BLOCKS), ranked in the list's order from the boundary on.
 */
async function walkBudget(
  deps: ReadDeps,
  where: SQL[],
  search: SQL,
  boundary: SQL | null,
  order: SQL,
): Promise<number> {
  const beyond = boundary ?? sql`true`;
  const [sample] = await queryRows(
    deps.db,
    sql`select count(*) filter (where hit) as matched, min(rank) filter (where hit and beyond) as first,
               ${SAMPLE_PERCENT}::float8 as percent
        from (select ${search} as hit, ${beyond} as beyond,
                     row_number() over (partition by ${beyond} order by ${order}) as rank
              from members tablesample system (${SAMPLE_PERCENT}) repeatable (0)
              where ${sql.join(where, sql` and `)}) s`,
    { matched: 'number', first: 'number?', percent: 'number' },
  );
  const { matched, first, percent } = sample!;
  const budget = Math.min(MAX_WALK_ROWS, Math.ceil(((matched * 100) / percent) * WALK_ROWS_PER_MATCH));
  const firstAt = first === null ? Number.POSITIVE_INFINITY : (first * 100) / percent;
  // A sample of ~1 in 700 rows meets the first match one sample spacing late on average (a term of 58k
  // matches: ~9k rows): only a first match far beyond the budget (a clustered surname) rules the walk out.
  return firstAt <= budget * FIRST_MATCH_SLACK ? budget : 0;
}
