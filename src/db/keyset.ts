import { type SQL, sql } from 'drizzle-orm';
import { type PgColumn, PgDialect } from 'drizzle-orm/pg-core';
import { AppError } from '../errors.ts';
import { isRealTimestamp, isStorableText } from './cursorValues.ts';

/**
 * The one keyset pager of the house: every list and every export walks rows in the order of a key tuple
 * that ends in a unique id, so deep pages cost what the first does, rows written meanwhile do not shift
 * what the next page shows, and every row is shown exactly once however the pages are walked. No OFFSET.
 *
 * A list declares its keys (columns or SQL expressions, never NULL, with their types) and one direction;
 * its query takes the engine's boundary, order and limit. The cursor travelling through the browser is
 * the last (or first) row's key values, base64url JSON, checked value by value when it comes back.
 */

export type KeyType = 'text' | 'timestamptz' | 'bigint' | 'integer';
export type Key = { column: PgColumn | SQL; type: KeyType };
export type KeyValue = string | number;
export type Direction = 'asc' | 'desc';

/** Where a page starts: after or before a cursor from an earlier page; nothing means the first page. */
export type PagePosition = { after?: string; before?: string };

export type Page<R> = {
  rows: R[];
  /** Cursor for the next page (further along the order), null on the last one. */
  next: string | null;
  /** Cursor for the previous page, null on the first one. */
  prev: string | null;
};

/** Rows as the caller's query returns them: its own columns and the engine's `cursor` column (JSON text). */
export type Keyed = { cursor: string };

/** Runs the caller's query with an extra condition (null: none), an order and a limit. */
export type Fetch<R extends Keyed> = (boundary: SQL | null, order: SQL, limit: number) => Promise<R[]>;

export const OUT_OF_DATE = 'That page link is out of date. Start again from the first page.';

// Timestamps travel as json_build_array writes them: ISO 8601 to the microsecond with the offset (a
// JavaScript Date would round to milliseconds and skip or repeat rows written within one millisecond), and
// ±infinity (a "never" sentinel) as PostgreSQL writes it. (to_char would give one fixed format, but costs
// about 4 µs a row on the server: 0.2 ms a page.)
const valid = (v: unknown, type: KeyType) =>
  type === 'bigint' || type === 'integer'
    ? Number.isSafeInteger(v)
    : type === 'text'
      ? isStorableText(v)
      : v === '-infinity' || v === 'infinity' || isRealTimestamp(v);

const dialect = new PgDialect();

/**
 * A piece of SQL without parameters, written out once as one raw string. Drizzle walks every nested piece
 * of a statement each time it is sent; a keyset's columns, orders and cursor go with every page.
 */
function writtenOnce(piece: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(piece);
  return params.length > 0 ? piece : sql.raw(text);
}

const copiersByColumns = new Map<string, (row: Keyed) => object>();

/**
 * The rows without their `cursor` column. Rest destructuring (`{ cursor, ...row }`) cost about 8 µs a page
 * of 51 rows; a copy written out for the rows' column names, made once per set of names, a fraction of
 * that. Rows of one fetch come from one statement, so they share their column names: the first row's
 * names are every row's.
 */
export function withoutCursor<R extends Keyed>(rows: R[]): Omit<R, 'cursor'>[] {
  if (rows.length === 0) return [];
  const names = Object.keys(rows[0]!).filter((name) => name !== 'cursor');
  const id = names.join('\u0000');
  let copy = copiersByColumns.get(id);
  if (!copy) {
    const fields = names.map((name) => `${JSON.stringify(name)}: row[${JSON.stringify(name)}]`);
    copy = new Function('row', `return { ${fields.join(', ')} };`) as (row: Keyed) => object;
    copiersByColumns.set(id, copy);
  }
  return rows.map(copy) as Omit<R, 'cursor'>[];
}

/** The after/before parameters of a list's query string (both at once is refused, not guessed at). */
export function readPosition(after: string | undefined, before: string | undefined): PagePosition {
  if (after && before)
    throw new AppError('validation', 'Ask for the page after a point or before it, not both.', 'after');
  return { ...(after ? { after } : {}), ...(before ? { before } : {}) };
}

/**
 * A keyset over `keys` in one `direction`. `scope` names what else a cursor belongs to (a sort and its
 * direction, say): a cursor made for another scope is out of date, not silently reinterpreted.
 */
export function keyset(keys: readonly Key[], direction: Direction = 'asc', scope = '') {
  const reverse: Direction = direction === 'asc' ? 'desc' : 'asc';
  // Built once, not per page: drizzle walks every nested piece of a statement each time it is sent.
  const columns = writtenOnce(
    sql.join(
      keys.map((k) => k.column),
      sql.raw(', '),
    ),
  );
  const orderBy = (dir: Direction): SQL =>
    writtenOnce(
      sql.join(
        keys.map((k) => sql`${k.column} ${sql.raw(dir)}`),
        sql.raw(', '),
      ),
    );
  const orders: Record<Direction, SQL> = { asc: orderBy('asc'), desc: orderBy('desc') };
  const orderOf = (dir: Direction): SQL => orders[dir];
  /** `(k1, k2, …) > (v1, v2, …)` (or `<`): a row comparison walks an index on the same keys. */
  const beyond = (values: KeyValue[], way: 'after' | 'before'): SQL => {
    const op = (way === 'after') === (direction === 'asc') ? '>' : '<';
    const given = sql.join(
      keys.map((k, i) => sql`${values[i]}::${sql.raw(k.type)}`),
      sql.raw(', '),
    );
    return sql`(${columns}) ${sql.raw(op)} (${given})`;
  };
  const encode = (values: KeyValue[]) =>
    Buffer.from(JSON.stringify({ s: scope, k: values })).toString('base64url');
  const valuesOf = (row: Keyed) => JSON.parse(row.cursor) as KeyValue[];
  const cursorOf = (row: Keyed) => encode(valuesOf(row));
  const strip = withoutCursor;

  /** A cursor comes back from the browser, so it is input like any other: checked value by value. */
  const decode = (cursor: string, field: string): KeyValue[] => {
    let body: { s?: unknown; k?: unknown } | null = null;
    try {
      body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      body = null;
    }
    const values = body && typeof body === 'object' ? body.k : null;
    if (
      body?.s !== scope ||
      !Array.isArray(values) ||
      values.length !== keys.length ||
      !values.every((v, i) => valid(v, keys[i]!.type))
    )
      throw new AppError('validation', OUT_OF_DATE, field);
    return values as KeyValue[];
  };

  /** The key values a cursor of this scope carries, or null when it is not one (see `decode`). */
  const probe = (cursor: string): KeyValue[] | null => {
    try {
      return decode(cursor, '');
    } catch {
      return null;
    }
  };

  return {
    /** For keysetParts: a cursor's values (null: not this keyset's), boundary, order and row cursors. */
    parts: { probe, beyond, orderOf, cursorOf, strip, valuesOf },
    /**
     * Select this as `cursor` in every row: the row's key values as one JSON array, as text. A page reads
     * the cursors of two of its rows at most: as json, the driver would parse every row's (~15 µs a page).
     */
    cursor: writtenOnce(sql`json_build_array(${columns})::text`) as SQL<string>,
    /** The list's order, for queries that read it without paging. */
    order: orderOf(direction),

    /** One page: `fetch` returns limit + 1 rows at most, the extra one saying there is more. */
    async page<R extends Keyed>(
      position: PagePosition,
      pageSize: number,
      fetch: Fetch<R>,
    ): Promise<Page<Omit<R, 'cursor'>>> {
      const firstPage = async () => {
        const rows = await fetch(null, orderOf(direction), pageSize + 1);
        const page = rows.slice(0, pageSize);
        return {
          rows: strip(page),
          next: rows.length > pageSize ? cursorOf(page.at(-1)!) : null,
          prev: null,
        };
      };
      if (position.before) {
        const at = decode(position.before, 'before');
        const rows = await fetch(beyond(at, 'before'), orderOf(reverse), pageSize + 1);
        // Reaching the start going backwards: show the real first page, full.
        if (rows.length <= pageSize) return firstPage();
        const page = rows.slice(0, pageSize).reverse();
        return { rows: strip(page), next: cursorOf(page.at(-1)!), prev: cursorOf(page[0]!) };
      }
      if (!position.after) return firstPage();
      const at = decode(position.after, 'after');
      const rows = await fetch(beyond(at, 'after'), orderOf(direction), pageSize + 1);
      const page = rows.slice(0, pageSize);
      return {
        rows: strip(page),
        next: rows.length > pageSize ? cursorOf(page.at(-1)!) : null,
        prev: page.length > 0 ? cursorOf(page[0]!) : null,
      };
    },

    /**
     * Every row, in batches of `batchSize`, each batch one keyset query: an export of a whole list holds
     * one batch in memory at a time.
     */
    async *batches<R extends Keyed>(batchSize: number, fetch: Fetch<R>): AsyncGenerator<Omit<R, 'cursor'>[]> {
      let boundary: SQL | null = null;
      for (;;) {
        const rows = await fetch(boundary, orderOf(direction), batchSize);
        if (rows.length > 0) yield strip(rows);
        if (rows.length < batchSize) return;
        boundary = beyond(valuesOf(rows.at(-1)!), 'after');
      }
    },
  };
}

export type Keyset = ReturnType<typeof keyset>;
