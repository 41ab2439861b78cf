import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { searchMembers } from '../../src/domain/members/searchMembers.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { isAppError } from '../../src/errors.ts';
import { formatDateTime } from '../../src/http/ui/format.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const PAGE = '/admin/members';

async function signedIn(role: 'member' | 'admin' | 'security_admin' = 'admin') {
  const login = await buildLogin(app, {
    role,
    username: `boss${role}${Math.random().toString(36).slice(2, 8)}`,
  });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

const linkTo = (html: string, text: string) => readPage(html).link(text);
/** The member ids the results table's row headers link to, in order (none when there is no table). */
const resultIds = (html: string | Page) => {
  const page = typeof html === 'string' ? readPage(html) : html;
  return page
    .queryAllByRole('rowheader')
    .map((cell) => page.inside(cell).getByRole('link').getAttribute('href')!)
    .map((href) => Number(/^\/admin\/members\/(\d+)$/.exec(href)![1]));
};
/** The results table's row for the member named `name`: its cells' texts. */
const rowOf = (page: Page, name: string) => page.tableRows().find((cells) => cells[1] === name);
const search = (params: Record<string, string>) => `${PAGE}?${new URLSearchParams(params)}`;

/** `count` members, Member0001…, set-based; every third one lapsed. */
async function addMembers(count: number): Promise<number[]> {
  const rows = await queryRows(
    app.deps.db,
    sql`insert into members (member_number, first_name, last_name, email, email_lower, status)
        select 'B' || lpad(g::text, 4, '0'), 'Bulk', 'Member' || lpad(g::text, 4, '0'),
               'bulk' || g || '@example.org', 'bulk' || g || '@example.org',
               case when g % 3 = 0 then 'lapsed' else 'current' end
        from generate_series(1, ${count}) g
        returning id`,
    { id: 'number' },
  );
  return rows.map((r) => r.id);
}

describe('Member Search page', () => {
  it('finds John Smith when the admin types "Jonh Smith", and links to his profile', async () => {
    const { b } = await signedIn();
    const john = await buildMember(app, { firstName: 'John', lastName: 'Smith', email: 'js@example.org' });
    await buildMember(app, { firstName: 'Mary', lastName: 'Jones' });
    const res = await b.get(search({ search: 'Jonh Smith' }));
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.valueOf('Search')).toBe('Jonh Smith');
    expect(page.link('John Smith')).toBe(`/admin/members/${john.id}`);
    expect(resultIds(page)).toEqual([john.id]);
    expect(page.text).toContain('Showing the 1 best matches');
    // No login: no username and no Last Login.
    expect(rowOf(page, 'John Smith')?.slice(4)).toEqual(['—', '—']);
    // One misspelt word is enough too.
    expect(resultIds((await b.get(search({ search: 'Smiht' }))).body)).toEqual([john.id]);
  });

  it('finds by email, member number and username, exact matches first', async () => {
    const { b, login } = await signedIn();
    const exactNumber = await buildMember(app, { memberNumber: 'A100', firstName: 'Zed', lastName: 'Zulu' });
    const similar = await buildMember(app, { memberNumber: 'A1000', firstName: 'Aaron', lastName: 'Able' });
    const byEmail = await buildMember(app, {
      email: 'Kim.Lee@Example.org',
      firstName: 'Kim',
      lastName: 'Lee',
    });

    expect(resultIds((await b.get(search({ search: 'a100' }))).body)).toEqual([exactNumber.id, similar.id]);
    expect(resultIds((await b.get(search({ search: 'kim.lee@example.org' }))).body)[0]).toBe(byEmail.id);
    const byUsername = await b.get(search({ search: login.username.toUpperCase() }));
    const found = readPage(byUsername.body);
    expect(resultIds(found)[0]).toBe(login.memberId);
    // Logging in just now is the Last Login.
    expect(found.tableRows()[0]!.slice(4)).toEqual([login.username, formatDateTime(app.clock.now())]);
  });

  it('filters by status and login, with and without a search term', async () => {
    const { b, login } = await signedIn();
    const lapsed = await buildMember(app, { firstName: 'Lena', lastName: 'Shaw', status: 'lapsed' });
    const current = await buildMember(app, { firstName: 'Lou', lastName: 'Shaw' });
    expect(resultIds((await b.get(search({ search: 'shaw', status: 'lapsed' }))).body)).toEqual([lapsed.id]);
    expect(resultIds((await b.get(search({ search: 'shaw', login: 'no', status: 'current' }))).body)).toEqual(
      [current.id],
    );
    expect(resultIds((await b.get(search({ search: 'shaw', login: 'yes' }))).body)).toEqual([]);
    expect(resultIds((await b.get(search({ login: 'yes' }))).body)).toEqual([login.memberId]);
    expect(resultIds((await b.get(search({ status: 'lapsed', login: 'no' }))).body)).toEqual([lapsed.id]);
    const none = await b.get(search({ search: 'shaw', login: 'yes' }));
    expect(readPage(none.body).text).toContain('No members match your search and filters.');
  });

  it('pages through every member by name without gaps or repeats, forwards and back', async () => {
    const { b, login } = await signedIn();
    const ids = await addMembers(120);
    const all = new Set([...ids, login.memberId]);
    const seen: number[] = [];
    const pages: string[] = [];
    let url: string | null = PAGE;
    while (url) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(200);
      pages.push(url);
      seen.push(...resultIds(res.body));
      url = linkTo(res.body, 'Next page');
    }
    expect(pages).toHaveLength(3);
    expect(seen).toHaveLength(all.size);
    expect(new Set(seen)).toEqual(all);
    // Back from the last page lands on the same rows as the middle page.
    const last = await b.get(pages[2]!);
    const back = await b.get(linkTo(last.body, 'Previous page')!);
    expect(resultIds(back.body)).toEqual(seen.slice(50, 100));
  });

  it('pages through ranked matches without gaps or repeats, up to the bounded top list', async () => {
    const { b } = await signedIn();
    await addMembers(230);
    const seen: number[] = [];
    let url: string | null = search({ search: 'bulk' });
    let pages = 0;
    while (url) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(200);
      pages += 1;
      seen.push(...resultIds(res.body));
      url = linkTo(res.body, 'Next page');
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    const second = await b.get(search({ search: 'bulk', page: '2' }));
    expect(linkTo(second.body, 'Previous page')).toBe(search({ search: 'bulk' }));
  });

  it('refuses bad input at the edge and names the field', async () => {
    const { b } = await signedIn();
    const res = await b.get(search({ status: 'gone' }));
    expect(res.statusCode).toBe(400);
    expect(readPage(res.body).errorFor('Status')).toBe('Status must be Any, Current or Lapsed.');
    const long = await b.get(search({ search: 'x'.repeat(101) }));
    expect(long.statusCode).toBe(400);
    expect(readPage(long.body).errorFor('Search')).toBe('Search for at most 100 characters.');
    const twice = await b.get(`${PAGE}?login=yes&login=no`);
    expect(twice.statusCode).toBe(400);
    // An edited page link names no field of the form: it is said over the form.
    const edited = await b.get(search({ after: 'garbage' }));
    expect(edited.statusCode).toBe(400);
    expect(readPage(edited.body).alert()).toContain(
      'That page link is out of date. Start again from the first page.',
    );
    const far = await b.get(search({ search: 'bulk', page: '9' }));
    expect(far.statusCode).toBe(400);
    expect(readPage(far.body).alert()).toContain(
      'Search results have at most 4 pages; refine the search to see others.',
    );
    const both = await b.get(search({ after: 'a', before: 'b' }));
    expect(readPage(both.body).alert()).toContain('Ask for the page after a point or before it, not both.');
  });

  it('is refused to a member', async () => {
    const { b } = await signedIn('member');
    expect((await b.get(PAGE)).statusCode).toBe(403);
  });
});

describe('searchMembers', () => {
  const actor = systemActor('test');

  it('reports an empty roster (the page says where to import members: MemberSearchPage.test.tsx)', async () => {
    expect((await searchMembers(app.deps, actor, {})).rosterEmpty).toBe(true);
    expect((await searchMembers(app.deps, actor, { search: 'smith' })).rosterEmpty).toBe(true);
    await buildMember(app);
    const found = await searchMembers(app.deps, actor, { search: 'nobody-matches-this' });
    expect(found.rows).toEqual([]);
    expect(found.rosterEmpty).toBe(false);
  });

  it('checks a query built in code with the same rules, and the page size', async () => {
    const refused = (query: Parameters<typeof searchMembers>[2]) =>
      searchMembers(app.deps, actor, query).catch((e: unknown) => e);
    expect(await refused({ limit: 0 })).toMatchObject({ code: 'validation', field: 'limit' });
    expect(await refused({ status: 'gone' as 'current' })).toMatchObject({
      field: 'status',
      message: 'Status must be Any, Current or Lapsed.',
    });
    expect(await refused({ page: 2 })).toMatchObject({
      field: 'page',
      message: 'That page link is out of date. Start again from the first page.',
    });
    expect(await refused({ search: 'smith', page: 3, limit: 100 })).toMatchObject({
      field: 'page',
      message: 'Search results have at most 2 pages; refine the search to see others.',
    });
    expect(await refused({ search: 'smith', after: 'x' })).toMatchObject({ field: 'after' });
  });

  it('needs members.read', async () => {
    const error = await searchMembers(app.deps, { ...actor, role: 'member' }, {}).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('forbidden');
  });
});
