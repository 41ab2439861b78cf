import { sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Direction,
  type Fetch,
  type Key,
  keyset,
  type PagePosition,
  readPosition,
} from '../../src/db/keyset.ts';
import { useTestApp } from '../harness.ts';

/**
 * The keyset engine itself (src/db/keyset.ts), on the database under test: every row shown once, walked
 * either way, whatever the ties; and a cursor that comes back edited refused as out of date, before any
 * query runs. The lists built on it (Audit Log, Email Log, reports) test their own pages.
 */
const app = useTestApp();

const probe = pgTable('keyset_probe', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
  name: text('name').notNull(),
});

const OUT_OF_DATE = 'That page link is out of date. Start again from the first page.';

/**
 * The rows, as microseconds after 2026-01-15 09:00 UTC (±Infinity: PostgreSQL's ±infinity): ids 2, 5 and
 * 9 share one microsecond, 3 and 7 another within the same millisecond; 4 and 8 lie at -infinity, 6 at
 * infinity. Ids are not in time order, so the id only breaks ties.
 */
const ROWS: [id: number, micros: number, name: string][] = [
  [1, 0, 'delta'],
  [2, 1500, 'alpha'],
  [3, 1001, 'alpha'],
  [4, -Infinity, 'charlie'],
  [5, 1500, 'bravo'],
  [6, Infinity, 'alpha'],
  [7, 1001, 'echo'],
  [8, -Infinity, 'bravo'],
  [9, 1500, 'alpha'],
  [10, 1002, 'charlie'],
  [11, 2_000_000, 'delta'],
];

beforeEach(async () => {
  await app.deps.db.execute(sql`create table if not exists keyset_probe (
    id bigint primary key, at timestamptz not null, name text not null)`);
  const rows = ROWS.map(([id, micros, name]) =>
    Number.isFinite(micros)
      ? `(${id}, timestamptz '2026-01-15 09:00:00+00' + interval '${micros} microseconds', '${name}')`
      : `(${id}, '${micros > 0 ? 'infinity' : '-infinity'}'::timestamptz, '${name}')`,
  );
  await app.deps.db.execute(sql.raw(`insert into keyset_probe (id, at, name) values ${rows.join(', ')}`));
});

const byTime: Key[] = [
  { column: probe.at, type: 'timestamptz' },
  { column: probe.id, type: 'bigint' },
];
const byName: Key[] = [
  { column: probe.name, type: 'text' },
  { column: probe.id, type: 'bigint' },
];

/** The ids in the order a list over (time, id) or (name, id) shows them, worked out here, not by SQL. */
function expectedIds(by: 'time' | 'name', direction: Direction): number[] {
  const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...ROWS].sort(
    (x, y) => (by === 'time' ? compare(x[1], y[1]) : compare(x[2], y[2])) || x[0] - y[0],
  );
  const ids = sorted.map(([id]) => id);
  return direction === 'asc' ? ids : ids.reverse();
}

type Counted = { fetch: Fetch<{ id: number; cursor: string }>; calls: () => number };

/** The probe's query for a keyset, counting how often it runs. */
function fetchFor(cursor: ReturnType<typeof keyset>['cursor']): Counted {
  let calls = 0;
  return {
    fetch: (boundary, order, limit) => {
      calls += 1;
      return app.deps.db
        .select({ id: probe.id, cursor })
        .from(probe)
        .where(boundary ?? undefined)
        .orderBy(order)
        .limit(limit);
    },
    calls: () => calls,
  };
}

const encode = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

describe('keyset engine', () => {
  it('orders ties the way the test expects (the expectation itself)', () => {
    expect(expectedIds('time', 'desc')).toEqual([6, 11, 9, 5, 2, 10, 7, 3, 1, 8, 4]);
    expect(expectedIds('name', 'asc')).toEqual([2, 3, 6, 9, 5, 8, 4, 10, 1, 11, 7]);
  });

  for (const [by, keys] of [
    ['time', byTime],
    ['name', byName],
  ] as const) {
    for (const direction of ['desc', 'asc'] as const) {
      it(`walks every page of (${by}, id) ${direction} forwards and back, each row once`, async () => {
        const set = keyset(keys, direction, 'probe');
        const { fetch } = fetchFor(set.cursor);
        const want = expectedIds(by, direction);
        for (const size of [1, 2, 3, 4, 11, 12]) {
          const forward: number[][] = [];
          let page = await set.page({}, size, fetch);
          expect(page.prev, `size ${size}`).toBeNull();
          forward.push(page.rows.map((r) => r.id));
          while (page.next) {
            page = await set.page({ after: page.next }, size, fetch);
            expect(page.rows.length, `size ${size}`).toBeGreaterThan(0);
            expect(page.rows.length, `size ${size}`).toBeLessThanOrEqual(size);
            expect(page.prev, `size ${size}`).not.toBeNull();
            forward.push(page.rows.map((r) => r.id));
          }
          expect(forward.flat(), `size ${size}`).toEqual(want);
          // Back from the last page: the same pages, in reverse, ending on the real first page.
          const backward: number[][] = [page.rows.map((r) => r.id)];
          while (page.prev) {
            page = await set.page({ before: page.prev }, size, fetch);
            expect(page.next, `size ${size}`).not.toBeNull();
            backward.unshift(page.rows.map((r) => r.id));
          }
          expect(backward, `size ${size}`).toEqual(forward);
        }
      });
    }
  }

  it('keeps rows apart that share one millisecond, down to the microsecond the cursor carries', async () => {
    const set = keyset(byTime, 'desc');
    const { fetch } = fetchFor(set.cursor);
    const first = await set.page({}, 5, fetch);
    expect(first.rows.map((r) => r.id)).toEqual([6, 11, 9, 5, 2]);
    // The cursor carries the time as PostgreSQL writes it in JSON: ISO 8601, microseconds, the offset.
    const [time, id] = JSON.parse(Buffer.from(first.next!, 'base64url').toString('utf8')).k;
    expect(id).toBe(2);
    expect(time).toMatch(/^2026-01-15T09:00:00\.0015\+00(:00)?$/);
    const second = await set.page({ after: first.next! }, 5, fetch);
    expect(second.rows.map((r) => r.id)).toEqual([10, 7, 3, 1, 8]);
    // A cursor at -infinity is PostgreSQL's own word for it, and reads back.
    expect(JSON.parse(Buffer.from(second.next!, 'base64url').toString('utf8')).k).toEqual(['-infinity', 8]);
    expect((await set.page({ after: second.next! }, 5, fetch)).rows.map((r) => r.id)).toEqual([4]);
  });

  it('does not shift the next page when rows are written meanwhile', async () => {
    const set = keyset(byTime, 'desc');
    const { fetch } = fetchFor(set.cursor);
    const first = await set.page({}, 4, fetch);
    await app.deps.db.execute(sql`insert into keyset_probe (id, at, name) values
      (20, timestamptz '2026-01-15 10:00:00+00', 'new'), (21, timestamptz '2026-01-15 09:00:00.0015+00', 'tie')`);
    const second = await set.page({ after: first.next! }, 4, fetch);
    // 20 is newer than the first page, and 21 ties with 9, 5 and 2 but sorts before them (the larger id,
    // descending): both belong before the cursor, so the next page neither shows them nor repeats a row.
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual([6, 11, 9, 5, 2, 10, 7, 3]);
  });

  it('walks every row once in batches, in order, each batch at most the batch size', async () => {
    for (const [by, keys] of [
      ['time', byTime],
      ['name', byName],
    ] as const) {
      for (const direction of ['desc', 'asc'] as const) {
        const set = keyset(keys, direction);
        for (const size of [1, 3, 11, 50]) {
          const { fetch, calls } = fetchFor(set.cursor);
          const batches: number[][] = [];
          for await (const batch of set.batches(size, fetch)) batches.push(batch.map((r) => r.id));
          const label = `${by} ${direction} ${size}`;
          expect(batches.flat(), label).toEqual(expectedIds(by, direction));
          expect(Math.max(...batches.map((b) => b.length)), label).toBeLessThanOrEqual(size);
          expect(
            batches.every((b) => b.length > 0),
            label,
          ).toBe(true);
          // One query per batch, and one more that finds nothing only when the rows fill the last batch.
          expect(calls(), label).toBe(Math.floor(ROWS.length / size) + 1);
          // Rows come without the engine's cursor column.
          expect(Object.keys((await set.batches(size, fetch).next()).value![0]!)).toEqual(['id']);
        }
      }
    }
  });

  it('refuses a cursor made for another list (scope), after or before', async () => {
    const bySort = keyset(byTime, 'desc', 'sort=when');
    const other = keyset(byTime, 'desc', 'sort=name');
    const { fetch } = fetchFor(bySort.cursor);
    const { next } = await bySort.page({}, 3, fetch);
    expect((await bySort.page({ after: next! }, 3, fetch)).rows).toHaveLength(3);
    const { fetch: otherFetch, calls } = fetchFor(other.cursor);
    for (const way of ['after', 'before'] as const) {
      await expect(other.page({ [way]: next! }, 3, otherFetch)).rejects.toMatchObject({
        code: 'validation',
        field: way,
        message: OUT_OF_DATE,
      });
    }
    expect(calls()).toBe(0);
  });

  it('refuses an edited cursor before any query runs, naming the parameter it came in', async () => {
    const at = '2026-01-15T09:00:00.0015+00:00';
    const tampered: [string, string][] = [
      ['not base64 JSON', 'not-a-cursor'],
      ['bad JSON', Buffer.from('{"s":"","k":[').toString('base64url')],
      ['JSON, not an object', encode([at, 2])],
      ['no values', encode({ s: '' })],
      ['values not a list', encode({ s: '', k: { 0: at, 1: 2 } })],
      ['too few values', encode({ s: '', k: [at] })],
      ['too many values', encode({ s: '', k: [at, 2, 3] })],
      ['an id as text', encode({ s: '', k: [at, '2'] })],
      ['a fractional id', encode({ s: '', k: [at, 1.5] })],
      ['an id beyond safe integers', encode({ s: '', k: [at, 1e300] })],
      ['a time as a number', encode({ s: '', k: [Date.parse(at), 2] })],
      ['month 13, day 45', encode({ s: '', k: ['2026-13-45T00:00:00.000000Z', 2] })],
      ['30 February', encode({ s: '', k: ['2026-02-30T00:00:00.000000Z', 2] })],
      ['hour 99', encode({ s: '', k: ['2026-01-15T99:00:00.000000Z', 2] })],
      ['seven decimals', encode({ s: '', k: ['2026-01-15T09:00:00.0000001Z', 2] })],
      ['no offset', encode({ s: '', k: ['2026-01-15T09:00:00.0015', 2] })],
      ['an offset past 14 hours', encode({ s: '', k: ['2026-01-15T09:00:00.0015+15:00', 2] })],
      ['infinity misspelt', encode({ s: '', k: ['-Infinity', 2] })],
      ['SQL in the time', encode({ s: '', k: ["2026-01-15'; drop table keyset_probe; --", 2] })],
    ];
    const set = keyset(byTime, 'desc');
    const { fetch, calls } = fetchFor(set.cursor);
    for (const [what, cursor] of tampered) {
      for (const way of ['after', 'before'] as const) {
        await expect(set.page({ [way]: cursor }, 3, fetch), `${what} (${way})`).rejects.toMatchObject({
          code: 'validation',
          field: way,
          message: OUT_OF_DATE,
        });
      }
    }
    expect(calls()).toBe(0);
    expect((await set.page({}, 20, fetch)).rows).toHaveLength(ROWS.length);
  });

  it('refuses text a database cannot hold (NUL, a lone surrogate) in a text key', async () => {
    const set = keyset(byName, 'asc');
    const { fetch, calls } = fetchFor(set.cursor);
    for (const name of ['al\u0000pha', '\ud800', 'x'.repeat(1001)]) {
      for (const way of ['after', 'before'] as const) {
        await expect(set.page({ [way]: encode({ s: '', k: [name, 2] }) }, 3, fetch)).rejects.toMatchObject({
          code: 'validation',
          field: way,
          message: OUT_OF_DATE,
        });
      }
    }
    expect(calls()).toBe(0);
    // Any other text is a position like any other, even one no row has.
    const page = await set.page({ after: encode({ s: '', k: ["bravo'; --", 0] }) }, 20, fetch);
    expect(page.rows.map((r) => r.id)).toEqual([4, 10, 1, 11, 7]);
  });

  it('reads a page position from after or before, refusing both at once', () => {
    const position: PagePosition = readPosition('a', undefined);
    expect(position).toEqual({ after: 'a' });
    expect(readPosition(undefined, 'b')).toEqual({ before: 'b' });
    expect(readPosition(undefined, undefined)).toEqual({});
    let refused: unknown;
    try {
      readPosition('a', 'b');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'validation', field: 'after' });
  });
});
