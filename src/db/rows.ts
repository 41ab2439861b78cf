import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './connect.ts';

/**
 * The JavaScript type each column of a raw query is read as. The drivers disagree (node-postgres gives
 * bigint, count(*) and numeric as strings; PGlite gives bigint as a number, or as a BigInt past 2^53; both
 * give timestamptz as PostgreSQL's text through Drizzle), so a raw query names its columns' types and
 * gets the same values on every engine:
 * - `number`: any integer, count(*), numeric or float. A value a JavaScript number cannot hold exactly
 *   (an integer past 2^53, NaN, ±Infinity) is refused, not rounded.
 * - `text`: text, varchar, enums.
 * - `boolean`.
 * - `date`: timestamptz, as a `Date` (so to the millisecond: select `::text` as `text` where the
 *   microseconds matter, e.g. in a cursor). PostgreSQL's `-infinity` and `infinity` (the "never"
 *   sentinels) become the earliest and the latest instant a `Date` can hold.
 * - `json`: json or jsonb, parsed, as `unknown` (check it with zod where its shape matters); a JSON
 *   `null` and SQL NULL both come back as `null`, so `json` admits NULL with or without `?`.
 * A trailing `?` admits SQL NULL (`null`); without it a NULL is refused.
 */
export type ColumnType = 'number' | 'text' | 'boolean' | 'date' | 'json';
export type Column = ColumnType | `${ColumnType}?`;
export type Shape = Readonly<Record<string, Column>>;

type ValueOf<C extends ColumnType> = {
  number: number;
  text: string;
  boolean: boolean;
  date: Date;
  json: unknown;
}[C];

export type ColumnValue<C extends Column> = C extends `${infer T extends ColumnType}?`
  ? ValueOf<T> | null
  : C extends ColumnType
    ? ValueOf<C>
    : never;

/** The row a shape describes: exactly its columns, each of its type. */
export type RowOf<S extends Shape> = { -readonly [K in keyof S]: ColumnValue<S[K]> };

/**
 * Rows of a raw `sql` statement, each column read as `shape` names it — the same JavaScript values on
 * PGlite and on PostgreSQL. A row with a column missing, a column the shape does not name, a NULL where
 * none is admitted, or a value that is not of its column's type is an error in the statement: it throws.
 */
export async function queryRows<S extends Shape>(db: DbOrTx, statement: SQL, shape: S): Promise<RowOf<S>[]> {
  const result = (await db.execute(statement)) as unknown as { rows: Record<string, unknown>[] };
  return result.rows.map((row) => readRow(row, shape));
}

/** One row read as `shape` names its columns (see queryRows). */
export function readRow<S extends Shape>(row: Record<string, unknown>, shape: S): RowOf<S> {
  const columns = compiled(shape);
  let given = 0;
  for (const name in row) if (Object.hasOwn(row, name)) given++;
  if (given !== columns.length) {
    for (const name of Object.keys(row)) {
      if (!Object.hasOwn(shape, name)) throw new Error(`Column "${name}" is not in the row shape`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const { name, column, nullable, read } of columns) {
    if (!Object.hasOwn(row, name)) throw new Error(`Column "${name}" is missing from the row`);
    const value = row[name];
    if (value === null || value === undefined) {
      if (!nullable)
        throw new Error(`Column "${name}" is NULL; its shape is "${column}" (add "?" to admit NULL)`);
      out[name] = null;
      continue;
    }
    const typed = read(value);
    if (typed === undefined) {
      throw new Error(`Column "${name}" is not ${column}: ${typeof value} ${String(value).slice(0, 40)}`);
    }
    out[name] = typed;
  }
  return out as RowOf<S>;
}

type CompiledColumn = { name: string; column: Column; nullable: boolean; read: (value: unknown) => unknown };
// A page reads the same shape for every row: its columns are worked out once per shape.
const compiledShapes = new WeakMap<Shape, CompiledColumn[]>();

function compiled(shape: Shape): CompiledColumn[] {
  let columns = compiledShapes.get(shape);
  if (!columns) {
    columns = Object.entries(shape).map(([name, column]) => {
      const type = column.replace('?', '') as ColumnType;
      return { name, column, nullable: column.endsWith('?') || type === 'json', read: readers[type] };
    });
    compiledShapes.set(shape, columns);
  }
  return columns;
}

// Each reader returns undefined for a value that is not of its type.
const readers: Record<ColumnType, (value: unknown) => unknown> = {
  number: readNumber,
  text: (v) => (typeof v === 'string' ? v : undefined),
  boolean: (v) => (typeof v === 'boolean' ? v : undefined),
  date: readDate,
  json: (v) => v,
};

const DECIMAL = /^-?\d+(\.\d+)?$/;

function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : undefined;
  }
  if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  // An integer past 2^53 would come back as a different integer: refused rather than silently changed.
  if (!value.includes('.') && !Number.isSafeInteger(n)) return undefined;
  return n;
}

/** The earliest and latest instants a Date can hold (±8.64e15 ms), standing for ∓infinity. */
export const NEVER_BEFORE = new Date(-8.64e15);
export const NEVER_AFTER = new Date(8.64e15);

// PostgreSQL's ISO output of a timestamptz: `2026-01-15 09:00:00.123456+00`, offsets as `+05:30` or
// `+05:53:28`, years past 9999 in full, ` BC` after years before 1.
const TIMESTAMPTZ =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)( BC)?$/;

function readDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  if (value === '-infinity') return new Date(NEVER_BEFORE);
  if (value === 'infinity') return new Date(NEVER_AFTER);
  // Parsed by hand: Date's own parser reads a year such as 0099 as 1999.
  const m = TIMESTAMPTZ.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const sign = m[8] === '-' ? -1 : 1;
  const offsetMs =
    m[8] === undefined
      ? 0
      : sign * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
  const at = [Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), millis] as const;
  // Date.UTC reads years 0–99 as 1900–1999: those (and BC years: 1 BC is year 0) take the long way.
  if (year >= 100 && !m[12]) {
    const time = Date.UTC(year, ...at) - offsetMs;
    return Number.isNaN(time) ? undefined : new Date(time);
  }
  const date = new Date(0);
  date.setUTCFullYear(m[12] ? 1 - year : year, at[0], at[1]);
  date.setUTCHours(at[2], at[3], at[4], at[5]);
  date.setTime(date.getTime() - offsetMs);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
