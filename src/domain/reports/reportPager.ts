import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { isRealTimestamp, isStorableText } from '../../db/cursorValues.ts';
import { members } from '../../db/schema.ts';
import { badParam } from '../queryParams.ts';

/**
 * Keyset paging for the Query Tool's activity reports: rows in ascending order of a key tuple that ends in a
 * unique id, so deep pages cost what the first does and every row is shown exactly once however the pages
 * are walked. No OFFSET anywhere.
 */

export type KeyType = 'text' | 'timestamptz' | 'bigint';
export type Key = { column: PgColumn | SQL; type: KeyType };
export type KeyValue = string | number;

/** Where a page starts: after or before a cursor from an earlier page; nothing means the first page. */
export type PagePosition = { after?: string; before?: string };

export type ReportPage<R> = {
  rows: R[];
  /** Cursor for the next page, null on the last one. */
  next: string | null;
  /** Cursor for the previous page, null on the first one. */
  prev: string | null;
};

export const REPORT_PAGE_SIZE = 50;

/**
 * The value a key travels as. A timestamp is read as text to the microsecond: a JavaScript Date would round
 * it to milliseconds and skip or repeat rows written within the same millisecond.
 */
export function keyValue(key: Key): SQL {
  return key.type === 'timestamptz'
    ? sql`to_char(${key.column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : sql`${key.column}`;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const valid = (v: unknown, type: KeyType) =>
  type === 'bigint'
    ? Number.isSafeInteger(v)
    : type === 'text'
      ? isStorableText(v)
      : isRealTimestamp(v) && TIMESTAMP.test(v);

export const encodeCursor = (values: KeyValue[]): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

/** A cursor comes back from the browser, so it is input like any other: checked value by value. */
export function decodeCursor(cursor: string, keys: readonly Key[], field: string): KeyValue[] {
  let values: unknown = null;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !values.every((v, i) => valid(v, keys[i]!.type))
  )
    throw badParam('That page link is out of date. Start again from the first page.', field);
  return values as KeyValue[];
}

/** `(k1, k2, …) > (v1, v2, …)` (or `<`): a row comparison walks an index on the same columns. */
function beyond(keys: readonly Key[], values: KeyValue[], op: '>' | '<'): SQL {
  const columns = sql.join(
    keys.map((k) => sql`${k.column}`),
    sql`, `,
  );
  const given = sql.join(
    keys.map((k, i) => sql`${values[i]}::${sql.raw(k.type)}`),
    sql`, `,
  );
  return sql`(${columns}) ${sql.raw(op)} (${given})`;
}

/** The order by clause for the keys, ascending or (walking back) descending. */
export const orderOf = (keys: readonly Key[], dir: 'asc' | 'desc'): SQL =>
  sql.join(
    keys.map((k) => sql`${k.column} ${sql.raw(dir)}`),
    sql`, `,
  );

/** Select this as `cursor` in every row: the row's key values, as one JSON array. */
export const cursorColumn = (keys: readonly Key[]) =>
  sql<KeyValue[] | string>`json_build_array(${sql.join(keys.map(keyValue), sql`, `)})`;

/** Rows as the caller's query returns them, with the `cursor` column above. */
export type Keyed = { cursor: KeyValue[] | string };

// Drivers differ: node-postgres parses json, PGlite through raw SQL may hand over the text.
const cursorOf = (row: Keyed) =>
  encodeCursor(typeof row.cursor === 'string' ? (JSON.parse(row.cursor) as KeyValue[]) : row.cursor);
export type Fetch<R extends Keyed> = (boundary: SQL | null, order: SQL, limit: number) => Promise<R[]>;

/**
 * One page. `fetch` runs the caller's query with an extra condition (`boundary`), an order and a limit; it
 * returns limit + 1 rows at most, the extra one saying there is more.
 */
export async function reportPage<R extends Keyed>(
  keys: readonly Key[],
  position: PagePosition,
  pageSize: number,
  fetch: Fetch<R>,
): Promise<ReportPage<Omit<R, 'cursor'>>> {
  const strip = (rows: R[]) => rows.map(({ cursor: _cursor, ...row }) => row);
  const firstPage = async () => {
    const rows = await fetch(null, orderOf(keys, 'asc'), pageSize + 1);
    const page = rows.slice(0, pageSize);
    return { rows: strip(page), next: rows.length > pageSize ? cursorOf(page.at(-1)!) : null, prev: null };
  };
  if (position.before) {
    const at = decodeCursor(position.before, keys, 'before');
    const rows = await fetch(beyond(keys, at, '<'), orderOf(keys, 'desc'), pageSize + 1);
    // Reaching the start going backwards: show the real first page, full.
    if (rows.length <= pageSize) return firstPage();
    const page = rows.slice(0, pageSize).reverse();
    return { rows: strip(page), next: cursorOf(page.at(-1)!), prev: cursorOf(page[0]!) };
  }
  if (!position.after) return firstPage();
  const at = decodeCursor(position.after, keys, 'after');
  const rows = await fetch(beyond(keys, at, '>'), orderOf(keys, 'asc'), pageSize + 1);
  const page = rows.slice(0, pageSize);
  return {
    rows: strip(page),
    next: rows.length > pageSize ? cursorOf(page.at(-1)!) : null,
    prev: page.length > 0 ? cursorOf(page[0]!) : null,
  };
}

/** The after/before parameters of a report's query string (both at once is refused, not guessed at). */
export function readPosition(after: string | undefined, before: string | undefined): PagePosition {
  if (after && before) throw badParam('Ask for the page after a point or before it, not both.', 'after');
  return { ...(after ? { after } : {}), ...(before ? { before } : {}) };
}

/** Who a report row is about: the columns every member report shows and links by. */
export const memberColumns = {
  memberId: members.id,
  memberNumber: members.memberNumber,
  firstName: members.firstName,
  lastName: members.lastName,
  email: members.email,
};
