import { type SQL, sql } from 'drizzle-orm';
import type { Fetch, Keyed, Keyset } from '../../db/keyset.ts';
import { queryRows, type Shape } from '../../db/rows.ts';
import {
  AS_PENDING,
  KEYED_SHAPE,
  type PendingMember,
  type ReadDeps,
  readKeyed,
  SORT_COLUMNS,
} from './invitationCodesSql.ts';

/**
 * How a search finds its page. Two ways, each fast where the other is slow (1M members, PostgreSQL):
 * - walk down the sort order and keep the matches: stops after one page of matches, so a term spread
 *   through the list ("son", 58k members; "gmail") is found in a few thousand rows, where reading all its
 *   trigram matches takes 100–250 ms; but a term whose matches sit far down the order ("smith" by name)
 *   would walk most of the list;
 * - read every trigram match (GIN index), then order them: costs what the matches cost, whatever the order.
 * A walked row costs about what a match does (1–2 µs), so a sample of the table estimates the matches and
 * a walk may read half as many rows (its budget). The first walk reads at most SHORT_WALK_ROWS of them:
 * a term spread through the list fills its page there. Only when that falls short and more budget is left,
 * the sample is also ranked in the list's order (~1 ms) to see whether its first match lies within reach
 * (a clustered surname's does not), and if so the walk goes on to the whole budget. Otherwise the trigram
 * matches are read. Every statement costs ~0.5 ms on PostgreSQL whatever it does, so each walk is one,
 * its length worked out by the database before it starts.
 */
const WALK_ROWS_PER_MATCH = 0.5;
/** The first walk's length at most: a few ms on 1M members, less than ranking the sample at 100k. */
const SHORT_WALK_ROWS = 2_000;
/** How far past the budget the sample's first match may lie and the longer walk still be tried. */
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
const SAMPLED_MEMBERS = sql`members tablesample system (${SAMPLE_PERCENT}) repeatable (0)`;
/** A constant written into the statement, not sent as a parameter (it shapes the plan, never changes). */
const literal = (n: number) => sql.raw(String(n));

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
    // surname clustered far down the name order (PERFORMANCE.md). The walked rows are read in full
    // anyway, so the page's columns come straight from them.
    const walkOf = (rows: SQL) =>
      sql`select ${AS_PENDING}, ${keys.cursor} as cursor from (
            select * from members where ${whereSql} order by ${order} limit (${rows})
          ) w where ${search} order by ${order} limit ${take}`;
    if (walk) {
      const short = await shortWalk(deps, walkOf, walkBudget(where, search));
      if (short.rows.length === take) return short.rows;
      if (short.budget > SHORT_WALK_ROWS) {
        const near = firstMatchWithin(where, search, boundary, order);
        const budget = literal(short.budget);
        const further = await readKeyed(
          deps,
          walkOf(
            sql`select case when (${near}) <= ${budget} * ${literal(FIRST_MATCH_SLACK)} then ${budget} else 0 end`,
          ),
        );
        if (further.length === take) return further;
      }
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

/** One row, `budget`: how many rows of the sort order a walk may read, from the matches in the sample. */
function walkBudget(where: SQL[], search: SQL): SQL {
  return sql`select least(${literal(MAX_WALK_ROWS)},
      ceil(count(*) filter (where ${search}) * 100.0 / ${SAMPLE_PERCENT} * ${literal(WALK_ROWS_PER_MATCH)}))::int as budget
    from ${SAMPLED_MEMBERS} where ${sql.join(where, sql` and `)}`;
}

/**
 * A row of the short walk: a match and the budget, or the budget alone (every other column NULL) when the
 * walk found no match — one row at least, so that the budget is always known.
 */
const SHORT_WALK_SHAPE: Shape = {
  ...Object.fromEntries(
    Object.entries(KEYED_SHAPE).map(([name, type]) => [name, `${type.replace('?', '')}?`]),
  ),
  budget: 'number',
  n: 'number?',
};

/** The first walk, one statement: the budget, then at most SHORT_WALK_ROWS of it walked. */
async function shortWalk(
  deps: ReadDeps,
  walkOf: (rows: SQL) => SQL,
  budget: SQL,
): Promise<{ rows: (PendingMember & Keyed)[]; budget: number }> {
  // row_number() over () numbers the walk's rows in the order they come, which is the list's.
  const read = await queryRows(
    deps.db,
    sql`with b as materialized (${budget})
        select m.*, b.budget from b left join lateral (
          select w.*, row_number() over () as n from (${walkOf(sql`select least(budget, ${literal(SHORT_WALK_ROWS)}) from b`)}) w
        ) m on true order by m.n`,
    SHORT_WALK_SHAPE,
  );
  // The shape reads status and delivery_state as text; the columns hold only their enums' values.
  const rows = read.filter((row) => row.id !== null).map(({ budget: _, n: __, ...row }) => row);
  return { rows: rows as (PendingMember & Keyed)[], budget: read[0]!.budget as number };
}

/**
 * Where the first match past the boundary lies in the list's order (rows from the boundary; null: none),
 * as the sample ranked in that order says (~1 ms: a sort of the sample).
 * A sample of ~1 in 700 rows meets the first match one sample spacing late on average (a term of 58k
 * matches: ~9k rows), hence FIRST_MATCH_SLACK.
 */
function firstMatchWithin(where: SQL[], search: SQL, boundary: SQL | null, order: SQL): SQL {
  const beyond = boundary ?? sql`true`;
  return sql`select min(rank) filter (where hit and beyond) * 100.0 / ${SAMPLE_PERCENT}
    from (select ${search} as hit, ${beyond} as beyond, row_number() over (partition by ${beyond} order by ${order}) as rank
          from ${SAMPLED_MEMBERS} where ${sql.join(where, sql` and `)}) s`;
}
