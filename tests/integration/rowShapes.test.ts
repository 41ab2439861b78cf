import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../src/db/connect.ts';
import { NEVER_AFTER, NEVER_BEFORE, queryRows, readRow } from '../../src/db/rows.ts';

/**
 * What each driver really returns differs (node-postgres: bigint, count(*) and numeric as strings; PGlite:
 * bigint as a number, or a BigInt past 2^53); a row shape reads both the same. Runs on the engine under
 * test: PGlite, or PostgreSQL when TEST_DATABASE_URL is set. No tables: every value is a literal.
 */
let database: Database;
beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  database = url ? openPostgres(url, 2) : await openPglite(undefined);
});
afterAll(() => database.close());

describe('a row shape reads every column the same on every engine', () => {
  it('numbers: bigint, integer, smallint, numeric, float, count(*)', async () => {
    const rows = await queryRows(
      database.db,
      sql`select 9007199254740991::bigint as big, -42::int as int, 7::smallint as small, 12.50::numeric as num,
                 2.5::float8 as float, count(*) as count, ${5}::bigint as param
            from (values (1), (2), (3)) v`,
      {
        big: 'number',
        int: 'number',
        small: 'number',
        num: 'number',
        float: 'number',
        count: 'number',
        param: 'number',
      },
    );
    expect(rows).toEqual([
      { big: Number.MAX_SAFE_INTEGER, int: -42, small: 7, num: 12.5, float: 2.5, count: 3, param: 5 },
    ]);
  });

  it('refuses an integer a JavaScript number cannot hold, and NaN, instead of rounding', async () => {
    await expect(
      queryRows(database.db, sql`select 9007199254740993::bigint as big`, { big: 'number' }),
    ).rejects.toThrow('Column "big" is not number');
    await expect(queryRows(database.db, sql`select 'NaN'::numeric as n`, { n: 'number' })).rejects.toThrow(
      'Column "n" is not number',
    );
  });

  it('timestamptz as a Date, to the millisecond, in any session time zone', async () => {
    const [row] = await queryRows(
      database.db,
      sql`select '2026-01-15 09:00:00.123456+00'::timestamptz as micro, '2026-01-15 09:00:00+00'::timestamptz as whole,
                 ${new Date('2026-03-01T12:34:56.789Z')}::timestamptz as param,
                 '0099-06-01 00:00:00+00'::timestamptz as early`,
      { micro: 'date', whole: 'date', param: 'date', early: 'date' },
    );
    expect(row!.micro).toEqual(new Date('2026-01-15T09:00:00.123Z'));
    expect(row!.whole).toEqual(new Date('2026-01-15T09:00:00.000Z'));
    expect(row!.param).toEqual(new Date('2026-03-01T12:34:56.789Z'));
    expect(row!.early.toISOString()).toBe('0099-06-01T00:00:00.000Z');

    // An offset other than UTC (a server or a session set to another zone) names the same instant.
    const [zoned] = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'Asia/Kolkata'`);
      return queryRows(tx, sql`select '2026-01-15 09:00:00.5+00'::timestamptz as at, now()::text as shown`, {
        at: 'date',
        shown: 'text',
      });
    });
    expect(zoned!.at).toEqual(new Date('2026-01-15T09:00:00.500Z'));
    expect(zoned!.shown).toMatch(/\+05:30$/);
  });

  it('timestamptz microseconds survive as text', async () => {
    const [row] = await queryRows(
      database.db,
      sql`select to_char('2026-01-15 09:00:00.123456+00'::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`,
      { at: 'text' },
    );
    expect(row!.at).toBe('2026-01-15T09:00:00.123456Z');
  });

  it('-infinity and infinity as the earliest and latest Date', async () => {
    const [row] = await queryRows(
      database.db,
      sql`select '-infinity'::timestamptz as never_before, 'infinity'::timestamptz as never_after`,
      { never_before: 'date', never_after: 'date' },
    );
    expect(row!.never_before).toEqual(NEVER_BEFORE);
    expect(row!.never_after).toEqual(NEVER_AFTER);
    expect(row!.never_before.getTime()).toBeLessThan(new Date('0001-01-01T00:00:00Z').getTime());
  });

  it('boolean, text, json and jsonb', async () => {
    const [row] = await queryRows(
      database.db,
      sql`select true as yes, false as no, 'Ærøskøbing'::text as name, 'invitation'::varchar as kind,
                 '{"a":1,"b":[true,null]}'::json as j, '{"n":2}'::jsonb as jb, '[1,"x"]'::jsonb as list`,
      { yes: 'boolean', no: 'boolean', name: 'text', kind: 'text', j: 'json', jb: 'json', list: 'json' },
    );
    expect(row).toEqual({
      yes: true,
      no: false,
      name: 'Ærøskøbing',
      kind: 'invitation',
      j: { a: 1, b: [true, null] },
      jb: { n: 2 },
      list: [1, 'x'],
    });
  });

  it('NULL only where the shape admits it', async () => {
    const [row] = await queryRows(
      database.db,
      sql`select null::bigint as n, null::timestamptz as at, null::text as t, null::boolean as b, null::jsonb as j`,
      { n: 'number?', at: 'date?', t: 'text?', b: 'boolean?', j: 'json' },
    );
    expect(row).toEqual({ n: null, at: null, t: null, b: null, j: null });
    await expect(queryRows(database.db, sql`select null::bigint as n`, { n: 'number' })).rejects.toThrow(
      'Column "n" is NULL; its shape is "number"',
    );
    // A nullable column still checks the type of what is there.
    await expect(queryRows(database.db, sql`select 'x'::text as n`, { n: 'number?' })).rejects.toThrow(
      'Column "n" is not number',
    );
  });

  it('the row has exactly the shape’s columns', async () => {
    await expect(queryRows(database.db, sql`select 1 as a, 2 as b`, { a: 'number' })).rejects.toThrow(
      'Column "b" is not in the row shape',
    );
    await expect(queryRows(database.db, sql`select 1 as a`, { a: 'number', b: 'text' })).rejects.toThrow(
      'Column "b" is missing from the row',
    );
    await expect(queryRows(database.db, sql`select 1 as a`, { a: 'text' })).rejects.toThrow(
      'Column "a" is not text',
    );
    expect(await queryRows(database.db, sql`select 1 as a where false`, { a: 'number' })).toEqual([]);
  });
});

describe('readRow', () => {
  it('reads PostgreSQL’s text forms of a timestamptz', () => {
    const at = (s: string) => readRow({ at: s }, { at: 'date' }).at.toISOString();
    expect(at('2026-01-15 09:00:00+05:30')).toBe('2026-01-15T03:30:00.000Z');
    expect(at('2026-01-15 09:00:00-03')).toBe('2026-01-15T12:00:00.000Z');
    expect(at('1900-01-01 00:00:00+00:09:21')).toBe('1899-12-31T23:50:39.000Z');
    expect(at('2026-01-15 09:00:00.07+00')).toBe('2026-01-15T09:00:00.070Z');
    expect(readRow({ at: '0002-01-01 00:00:00+00 BC' }, { at: 'date' }).at.getUTCFullYear()).toBe(-1);
    expect(() => readRow({ at: 'yesterday' }, { at: 'date' })).toThrow('Column "at" is not date');
  });

  it('reads the common UTC form (read by character code) as the long way does, any number of decimals', () => {
    const at = (s: string) => readRow({ at: s }, { at: 'date' }).at.toISOString();
    expect(at('2026-01-15 09:00:00+00')).toBe('2026-01-15T09:00:00.000Z');
    expect(at('2026-01-15 09:00:00.1+00')).toBe('2026-01-15T09:00:00.100Z');
    expect(at('2026-01-15 09:00:00.12+00')).toBe('2026-01-15T09:00:00.120Z');
    expect(at('2026-01-15 09:00:00.123+00')).toBe('2026-01-15T09:00:00.123Z');
    expect(at('2026-01-15 09:00:00.1239+00')).toBe('2026-01-15T09:00:00.123Z');
    expect(at('1999-12-31 23:59:59.999999+00')).toBe('1999-12-31T23:59:59.999Z');
    expect(at('0999-01-01 00:00:00+00')).toBe('0999-01-01T00:00:00.000Z');
    for (const bad of [
      '2026-01-15 09:00:00.+00',
      '2026-1-15 09:00:00+00',
      '2026-01-15 09:00:00.1234567+00',
    ]) {
      expect(() => at(bad), bad).toThrow('Column "at" is not date');
    }
  });

  it('reads integers as node-postgres writes them, and refuses what is not a number', () => {
    const n = (v: unknown) => readRow({ n: v }, { n: 'number' }).n;
    expect([n('42'), n('-7'), n('0'), n('007'), n('1.50'), n('-0')]).toEqual([42, -7, 0, 7, 1.5, -0]);
    for (const bad of ['', ' 1', '0x10', '1e3', 'NaN', '9007199254740993']) {
      expect(() => n(bad), bad).toThrow('Column "n" is not number');
    }
  });
});
