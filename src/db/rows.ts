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
  return result.rows.map(readerOf(shape)) as RowOf<S>[];
}

/** One row read as `shape` names its columns (see queryRows). */
export function readRow<S extends Shape>(row: Record<string, unknown>, shape: S): RowOf<S> {
  return readerOf(shape)(row) as RowOf<S>;
}

type Reader = (row: Record<string, unknown>) => Record<string, unknown>;
const readersByShape = new WeakMap<Shape, Reader>();

function readerOf(shape: Shape): Reader {
  let reader = readersByShape.get(shape);
  if (!reader) {
    reader = compileReader(shape);
    readersByShape.set(shape, reader);
  }
  return reader;
}

/**
 * A reader made once per shape, with its column names written into its code. A loop over the shape's
 * columns reads every row through property names that change from column to column, which V8 cannot
 * specialise: a page of 51 rows took about 30 µs that way, about 8 µs like this. The names are the
 * shape's keys, written as JSON string literals; the checks are the functions below, one per column.
 */
function compileReader(shape: Shape): Reader {
  const columns = Object.entries(shape).map(([name, column]) => {
    const type = column.replace('?', '') as ColumnType;
    return { name, column, nullable: column.endsWith('?') || type === 'json', read: readers[type] };
  });
  const checks = columns.map(({ name, column, nullable, read }) => ({
    value(value: unknown) {
      const typed = read(value);
      if (typed === undefined)
        throw new Error(`Column "${name}" is not ${column}: ${typeof value} ${String(value).slice(0, 40)}`);
      return typed;
    },
    /** NULL, or no such column (undefined): null where the shape admits it. */
    none(row: Record<string, unknown>) {
      if (!Object.hasOwn(row, name)) throw new Error(`Column "${name}" is missing from the row`);
      if (!nullable)
        throw new Error(`Column "${name}" is NULL; its shape is "${column}" (add "?" to admit NULL)`);
      return null;
    },
  }));
  const extra = (row: Record<string, unknown>) => {
    for (const name of Object.keys(row)) {
      if (!Object.hasOwn(shape, name)) throw new Error(`Column "${name}" is not in the row shape`);
    }
  };
  const body = [
    // Every shape column is in the row (checked below), so more keys than columns means one the shape lacks.
    `let given = 0; for (const _ in row) given++; if (given !== ${columns.length}) extra(row);`,
    ...columns.map(({ name }, i) => `const v${i} = row[${JSON.stringify(name)}];`),
    `return { ${columns
      .map(
        ({ name }, i) =>
          `${JSON.stringify(name)}: v${i} == null ? checks[${i}].none(row) : checks[${i}].value(v${i})`,
      )
      .join(', ')} };`,
  ].join('\n');
  return new Function('checks', 'extra', `return function readRow(row) {\n${body}\n};`)(checks, extra);
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
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  // The common case first (an id or a count as node-postgres gives it): an integer written as JavaScript
  // writes it. Anything else ('007', '1.50', ' 1', '0x10', '') goes through the pattern.
  if (Number.isSafeInteger(n) && String(n) === value) return n;
  if (!DECIMAL.test(value)) return undefined;
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
  const utc = readUtcTimestamp(value);
  if (utc !== undefined) return new Date(utc);
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

/**
 * The form nearly every timestamp comes in (the session time zone is UTC): `2026-01-15 09:00:00+00`, with
 * up to six decimals of the second, years 1000–9999. Read by character code, about five times faster than
 * the pattern above; undefined for any other form, which then takes the long way.
 */
function readUtcTimestamp(v: string): number | undefined {
  const end = v.length - 3;
  if (end < 19 || end > 26 || v.charCodeAt(end) !== 43 || v[end + 1] !== '0' || v[end + 2] !== '0')
    return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== ' ' || v[13] !== ':' || v[16] !== ':') return undefined;
  if (end > 19 && (v[19] !== '.' || end === 20)) return undefined;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 7);
  const day = digits(v, 8, 10);
  const hour = digits(v, 11, 13);
  const minute = digits(v, 14, 16);
  const second = digits(v, 17, 19);
  const fraction = end > 19 ? digits(v, 20, end) : 0;
  if (year < 1000 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || fraction < 0)
    return undefined;
  // Milliseconds from 1 to 6 decimals, the rest cut off (as the long way does).
  const decimals = end > 19 ? end - 20 : 0;
  const millis =
    decimals <= 3 ? fraction * 10 ** (3 - decimals) : Math.floor(fraction / 10 ** (decimals - 3));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return Number.isNaN(time) ? undefined : time;
}

/** The decimal number in v[from, to), or -1 where a character is not a digit. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
