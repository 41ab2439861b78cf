import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/rows.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp();
const ROSTER = 10_000;
const PAGE = 1000;
const LOADED_AT = '2026-01-15T09:00:00.000Z';

type Member = {
  member_number: string;
  first_name: string;
  email: string;
  login: { username: string } | null;
};

/** Every page of `GET /api/v1/members?…`, with `between(pageNumber, seenSoFar)` run after each page. */
async function pageThrough(
  query: string,
  between: (page: number, seen: Member[]) => Promise<void> = async () => {},
) {
  const call = apiClient(await app.server(), await buildApiToken(app, { scopes: ['roster:read'] }));
  const seen: Member[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await call(
      `/api/v1/members?limit=${PAGE}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    seen.push(...res.json.data);
    cursor = res.json.next_cursor;
    pages += 1;
    if (cursor) await between(pages, seen);
  } while (cursor);
  return { seen, pages };
}

const numbersOf = (where: SQL) =>
  queryRows(app.deps.db, sql`select member_number from members where ${where} order by id`, {
    member_number: 'text',
  }).then((rows) => rows.map((r) => r.member_number));

/** A few members already listed and a few not yet, by member number: changes on both sides of the cursor. */
function eitherSide(page: number, listed: Set<string>, every: string[], n: number): string[] {
  const behind = every.filter((m) => listed.has(m));
  const ahead = every.filter((m) => !listed.has(m));
  const pick = (from: string[], salt: number) =>
    Array.from(
      { length: Math.min(n, from.length) },
      (_, i) => from[(i * 997 + page * 31 + salt) % from.length]!,
    );
  return [...new Set([...pick(behind, 0), ...pick(ahead, 7)])];
}

const inList = (numbers: string[]) =>
  sql.join(
    numbers.map((n) => sql`${n}`),
    sql`, `,
  );

describe('paging the roster while it changes', () => {
  it('lists 10,000 members once each while names, emails and logins change between pages', async () => {
    // One statement, 10,000 members, all last changed at the same instant.
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower, status, created_at, updated_at)
      select 'S' || lpad(g::text, 5, '0'), 'First' || g, 'Last' || (g % 97), 's' || g || '@example.org',
             's' || g || '@example.org', case when g % 5 = 0 then 'lapsed' else 'current' end,
             ${LOADED_AT}::timestamptz, ${LOADED_AT}::timestamptz
      from generate_series(1, ${ROSTER}) g`);
    const atStart = await numbersOf(sql`true`);
    expect(atStart).toHaveLength(ROSTER);
    const renamed = new Set<string>();
    const joined = new Set<string>();

    const { seen, pages } = await pageThrough('', async (page, listed) => {
      const listedNow = new Set(listed.map((m) => m.member_number));
      // Renames that would move members in a name order, and new emails, behind and ahead of the cursor.
      const rename = eitherSide(page, listedNow, atStart, 40);
      await app.deps.db.execute(sql`
        update members set first_name = 'Zed' || first_name, last_name = 'Aaron', email = 'new.' || email,
               email_lower = 'new.' || email_lower, updated_at = now()
        where member_number in (${inList(rename)})`);
      for (const m of rename) renamed.add(m);
      // Logins created (the has_login trigger moves updated_at), behind and ahead of the cursor.
      const join = eitherSide(page + 100, listedNow, atStart, 10).filter((m) => !joined.has(m));
      await app.deps.db.execute(sql`
        insert into accounts (member_id, username, username_lower, password_hash)
        select id, 'u' || member_number, 'u' || lower(member_number), 'not a hash'
        from members where member_number in (${inList(join)}) and not has_login`);
      for (const m of join) joined.add(m);
    });

    expect(pages).toBe(ROSTER / PAGE);
    const numbers = seen.map((m) => m.member_number);
    expect(numbers).toHaveLength(ROSTER); // no repeats…
    expect(new Set(numbers).size).toBe(ROSTER);
    expect(numbers).toEqual(atStart); // …no gaps, in the order they were added
    expect(renamed.size).toBeGreaterThan(500);
    expect(joined.size).toBeGreaterThan(100);

    // What changed since the load, paged the same way: exactly the renamed members and the new logins.
    const since = await pageThrough(`&updated_since=${encodeURIComponent('2026-01-15T09:00:00.001Z')}`);
    const changed = since.seen.map((m) => m.member_number);
    expect(new Set(changed).size).toBe(changed.length);
    expect(changed.sort()).toEqual([...new Set([...renamed, ...joined])].sort());
    const byNumber = new Map(since.seen.map((m) => [m.member_number, m]));
    for (const m of joined) expect(byNumber.get(m)!.login?.username).toBe(`u${m}`);
    for (const m of renamed) expect(byNumber.get(m)!.email).toMatch(/^new\./);
  }, 180_000); // 10,000 members with their search text and trigram indexes: seconds on PGlite alone

  it('pages a filtered list (current members without a login) without gaps or repeats while logins are created', async () => {
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower, status)
      select 'F' || lpad(g::text, 4, '0'), 'F', 'L', 'f' || g || '@example.org', 'f' || g || '@example.org',
             case when g % 4 = 0 then 'lapsed' else 'current' end
      from generate_series(1, 3000) g`);
    const expected = await numbersOf(sql`status = 'current' and not has_login`);
    const joined = new Set<string>();
    const { seen } = await pageThrough('&status=current&has_login=false', async (page, listed) => {
      // Logins only for members already listed: the rest must still be listed, once.
      const listedNumbers = listed.map((m) => m.member_number);
      const join = listedNumbers.filter((_, i) => (i + page) % 9 === 0).filter((m) => !joined.has(m));
      await app.deps.db.execute(sql`
        insert into accounts (member_id, username, username_lower, password_hash)
        select id, 'u' || member_number, 'u' || lower(member_number), 'not a hash'
        from members where member_number in (${inList(join)})`);
      for (const m of join) joined.add(m);
    });
    expect(seen.map((m) => m.member_number)).toEqual(expected);
    expect(joined.size).toBeGreaterThan(100);
  });
});
