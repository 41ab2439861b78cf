import { asc, desc, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { isRealTimestamp } from './cursorValues.ts';

/** Where a page starts: just older or just newer than a cursor from an earlier page. */
export type KeysetPosition = { direction: 'older' | 'newer'; cursor: string };

export type KeysetPage<R> = {
  rows: R[];
  /** Cursor for the page of newer rows, null on the newest page. */
  newer: string | null;
  /** Cursor for the page of older rows, null on the oldest page. */
  older: string | null;
};

type Position = { at: string; id: number };
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_(\d{1,15})$/;
const encodeCursor = (p: Position) => `${p.at}_${p.id}`;
const positionOf = (row: { position: string; id: number }): Position => ({ at: row.position, id: row.id });

function decodeCursor(cursor: string): Position | null {
  const m = CURSOR.exec(cursor);
  // The shape alone would let 9999-99-99 through to the ::timestamptz cast, a server error.
  return m && isRealTimestamp(m[1]) ? { at: m[1]!, id: Number(m[2]) } : null;
}

/**
 * Newest-first keyset paging over (a timestamp column, id), for logs (Email Log, Audit Log): deep pages
 * cost the same as the first, and rows arriving meanwhile do not shift what the next page shows. An
 * unreadable cursor (an edited URL) starts again from the newest row.
 */
export function newestFirstKeyset(at: PgColumn, id: PgColumn) {
  // Row comparison on (at, id) walks an index on those two columns in either direction.
  const olderThan = (p: Position) => sql`(${at}, ${id}) < (${p.at}::timestamptz, ${p.id})`;
  const newerThan = (p: Position) => sql`(${at}, ${id}) > (${p.at}::timestamptz, ${p.id})`;
  return {
    /**
     * Select this as `position` in every row: the time to the microsecond, as stored. A JavaScript Date
     * would round it to milliseconds and skip or repeat rows written within the same millisecond.
     */
    position: sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    newestFirst: [desc(at), desc(id)],

    /** The condition for the rows after `row` (newest first), for walking a whole log in batches. */
    after: (row: { position: string; id: number }) => olderThan(positionOf(row)),

    /**
     * One page. `fetch(boundary, order, limit)` runs the caller's query; `exists(beyond)` says whether
     * any row matching the caller's filter lies beyond a boundary.
     */
    async page<R extends { position: string; id: number }>(
      position: KeysetPosition | undefined,
      pageSize: number,
      fetch: (boundary: SQL | undefined, order: SQL[], limit: number) => Promise<R[]>,
      exists: (beyond: SQL) => Promise<boolean>,
    ): Promise<KeysetPage<R>> {
      const cursor = position ? decodeCursor(position.cursor) : null;
      const goingNewer = cursor !== null && position?.direction === 'newer';
      const boundary = cursor ? (goingNewer ? newerThan(cursor) : olderThan(cursor)) : undefined;
      const fetched = goingNewer
        ? (await fetch(boundary, [asc(at), asc(id)], pageSize + 1)).reverse()
        : await fetch(boundary, [desc(at), desc(id)], pageSize + 1);
      const more = fetched.length > pageSize;
      // Going newer, the extra row fetched is the newest one (first after reversing).
      const rows = goingNewer ? fetched.slice(-pageSize) : fetched.slice(0, pageSize);
      const first = rows[0] && positionOf(rows[0]);
      const last = rows.at(-1) && positionOf(rows.at(-1)!);
      let newer: string | null = null;
      let older: string | null = null;
      if (first && last) {
        // The side the reader came from may have emptied meanwhile (rows can leave a filter).
        if (goingNewer) {
          newer = more ? encodeCursor(first) : null;
          older = (await exists(olderThan(last))) ? encodeCursor(last) : null;
        } else {
          older = more ? encodeCursor(last) : null;
          newer = cursor && (await exists(newerThan(first))) ? encodeCursor(first) : null;
        }
      }
      return { rows, newer, older };
    },
  };
}
