import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';

const dialect = new PgDialect();
// Every value as PostgreSQL's text: the export writes text, and parsing dates and JSON only to print them
// again is most of the per-row cost.
const asText = { getTypeParser: () => (value: string) => value };

/**
 * Reads one statement through a server-side cursor on a pooled client of its own, in a read-only REPEATABLE
 * READ transaction (one snapshot), `batchSize` rows per FETCH, every value as text. Stopping early closes
 * the cursor and frees the client.
 */
export async function* cursorBatches<Row extends Record<string, unknown>>(
  pool: pg.Pool,
  statement: SQL,
  batchSize: number,
): AsyncGenerator<Row[]> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const client = await pool.connect();
  let broken: Error | undefined;
  let committed = false;
  try {
    await client.query('begin transaction isolation level repeatable read, read only');
    // The whole result will be read: plan for all of it (a hash join and a sort), not for the first rows.
    await client.query('set local cursor_tuple_fraction = 1');
    await client.query(`declare report_cursor no scroll cursor for ${text}`, params);
    const fetch = { text: `fetch forward ${Math.trunc(batchSize)} from report_cursor`, types: asText };
    // The next batch is asked for before this one is handed on, so the server reads it while the caller
    // writes this one (2 batches in memory at most).
    let ahead: Promise<pg.QueryResult<Row>> | undefined = client.query<Row>(fetch);
    for (;;) {
      const { rows } = await ahead;
      ahead = undefined;
      if (rows.length < batchSize) {
        if (rows.length > 0) yield rows;
        break;
      }
      ahead = client.query<Row>(fetch);
      try {
        yield rows;
      } finally {
        // Stopped early (or resumed): the fetch in flight is over before anything else is sent; its error,
        // if any, is thrown by the await at the top of the loop.
        await ahead.catch(() => {});
      }
    }
    await client.query('commit');
    committed = true;
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // Ended early or failed: roll back (closing the cursor); a client that cannot is not given back.
    if (!committed && broken === undefined) await client.query('rollback').catch((e: Error) => (broken = e));
    client.release(broken);
  }
}
