import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const PAGE = '/admin/member-management/invitation-codes';

/** `count` members without a login, numbered P0001…, set-based; returns their ids in number order. */
async function addPendingMembers(count: number, extra = sql``): Promise<number[]> {
  const rows = await queryRows(
    app.deps.db,
    sql`insert into members (member_number, first_name, last_name, email, email_lower, status ${extra})
        select 'P' || lpad(g::text, 4, '0'), 'Pat', 'Member' || lpad(g::text, 4, '0'),
               'pat' || g || '@example.org', 'pat' || g || '@example.org',
               case when g % 5 = 0 then 'lapsed' else 'current' end
        from generate_series(1, ${count}) g
        returning id`,
    { id: 'number' },
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function signedIn(role: 'member' | 'admin' | 'security_admin' = 'admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

/** The member numbers of the table's rows, in page order. */
const memberNumbers = (page: Page) => page.tableRows().map((cells) => cells[0]);
/** A sortable column header: its aria-sort and where its link goes. */
const columnHeader = (page: Page, name: RegExp) => {
  const header = page.getByRole('columnheader', { name });
  return { sort: header.getAttribute('aria-sort'), href: page.inside(header).link(name) };
};

describe('Invitation Codes page', () => {
  it('shows an administrator the members without a login, each with a Send form', async () => {
    const b = await signedIn('admin');
    const ids = await addPendingMembers(3);
    await app.deps.db.execute(sql`
      update members set invitations_sent = 2, last_invited_at = '2026-01-14T10:30:00Z', delivery_state = 'failed',
        delivery_detail = '550 mailbox unavailable' where id = ${ids[1]}`);
    const res = await b.get(PAGE);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'Invitation Codes' });
    const breadcrumbs = page.inside(page.getByRole('navigation', { name: 'Breadcrumb' }));
    expect(breadcrumbs.link('Admin')).toBe('/admin');
    expect(breadcrumbs.link('Member Management')).toBe('/admin/member-management');
    expect(page.text).toContain('have not yet created their username and password');
    expect(page.text).toContain('3 members have no login yet.');
    expect(page.tableRows()).toHaveLength(3);
    // Each row's Send button is announced with the member's name (aria-describedby), and posts, with a
    // CSRF token, to that member's send path.
    for (const [n, id] of ids.entries()) {
      const name = `Member000${n + 1}, Pat`;
      expect(page.link(name)).toBe(`/admin/members/${id}`);
      page.getByRole('rowheader', { name });
      const send = page.getByRole('button', { name: 'Send', description: name });
      const form = send.closest('form')!;
      expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual([
        'post',
        `${PAGE}/${id}/send`,
      ]);
      expect(form.querySelector<HTMLInputElement>('input[type=hidden][name=_csrf]')?.value).toBeTruthy();
    }
    expect(page.getAllByRole('button', { name: 'Send' })).toHaveLength(3);
    const delivery = page.tableRows().map((cells) => cells.slice(4, 7));
    expect(delivery[0]).toEqual(['0', 'Never', 'Never invited']);
    expect(delivery[1]).toEqual(['2', '14 Jan 2026, 10:30 UTC', 'Failed: 550 mailbox unavailable']);
    expect(page.valueOf('Search')).toBe('');
    expect(columnHeader(page, /^Name/)).toEqual({ sort: 'ascending', href: `${PAGE}?dir=desc` });
    expect(page.text).toContain(
      'Send All emails an invitation to the current members among the 3 members who still have no login.',
    );
    expect(page.link('Send All')).toBe(`${PAGE}/send-all`);
    // Clear All Usernames is for Security Administrators: an Administrator is told so, without the link.
    page.getByRole('heading', { name: 'Danger zone' });
    expect(page.link('Clear All Usernames')).toBeNull();
  });

  it('gives a Security Administrator the Clear All Usernames link in the danger zone', async () => {
    const b = await signedIn('security_admin');
    await addPendingMembers(1);
    const page = readPage((await b.get(PAGE)).body);
    expect(page.link('Clear All Usernames')).toBe(`${PAGE}/clear-all-usernames`);
  });

  it('refuses a Member with 403', async () => {
    const b = await signedIn('member');
    const res = await b.get(PAGE);
    expect(res.statusCode).toBe(403);
    expect(readPage(res.body).text).toContain('access level');
  });

  it('says when everyone has a login', async () => {
    const b = await signedIn('admin'); // the admin is the only member, and has a login
    const page = readPage((await b.get(PAGE)).body);
    expect(page.text).toContain('Everyone on the roster has created a login.');
    expect(page.queryByRole('table')).toBeNull();
    expect(page.link('Send All')).toBeNull();
  });

  it('says when the filters match nobody, with a way to clear them', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(2);
    const page = readPage((await b.get(`${PAGE}?search=nobody-like-this&sort=email`)).body);
    expect(page.text).toContain('No members without a login match your search and filters.');
    expect(page.link('Clear filters')).toBe(`${PAGE}?sort=email`);
    expect(page.valueOf('Search')).toBe('nobody-like-this');
  });

  it('filters and sorts from the URL, and the header links keep the filters', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(10);
    const page = readPage((await b.get(`${PAGE}?status=lapsed&sort=memberNumber&dir=desc`)).body);
    expect(memberNumbers(page)).toEqual(['P0010', 'P0005']);
    expect(columnHeader(page, /^Member number/)).toEqual({
      sort: 'descending',
      href: `${PAGE}?status=lapsed&sort=memberNumber`,
    });
    expect(columnHeader(page, /^Email/)).toEqual({ sort: null, href: `${PAGE}?status=lapsed&sort=email` });
    expect(page.valueOf('Status')).toBe('lapsed');
  });

  it('pages with Next page and Previous page links that keep filters and sort', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(120);
    const first = readPage((await b.get(`${PAGE}?status=current&sort=email`)).body);
    expect(first.tableRows()).toHaveLength(50);
    expect(first.link('Previous page')).toBeNull();
    const next = first.link('Next page')!;
    expect(next).toMatch(/^\/admin\/member-management\/invitation-codes\?status=current&sort=email&after=/);
    const second = readPage((await b.get(next)).body);
    expect(second.tableRows()).toHaveLength(46); // 96 current members
    expect(second.link('Next page')).toBeNull();
    const back = readPage((await b.get(second.link('Previous page')!)).body);
    expect(memberNumbers(back)).toEqual(memberNumbers(first));
  });

  it('shows a running Send All with its progress', async () => {
    const b = await signedIn('admin');
    const ids = await addPendingMembers(3);
    const [round] = await queryRows(
      app.deps.db,
      sql`insert into invitation_rounds (kind, started_by_label, started_at, total)
          values ('send_all', 'admin', now(), 3) returning id`,
      { id: 'number' },
    );
    await app.deps.db.execute(sql`
      insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
      select 'invitation', m.id, ${round!.id}, m.email, s.state, now(), now()
      from unnest(${sql.param(ids)}::bigint[], array['sent', 'failed', 'queued']) as s(id, state)
      join members m on m.id = s.id`);
    const page = readPage((await b.get(PAGE)).body);
    expect(page.text).toContain('A Send All is running: 1 of 3 sent, 1 failed.');
    expect(page.link('View progress')).toBe(`${PAGE}/rounds/${round!.id}`);
  });

  it('shows the notice after a Send, naming the member from the database, not from the URL', async () => {
    const b = await signedIn('admin');
    const member = await buildMember(app, { firstName: 'Ann', lastName: '<b>Lee</b>' });
    const sent = await b.submit(PAGE, `${PAGE}/${member.id}/send`, {});
    expect(sent.statusCode).toBe(303);
    const page = readPage((await b.get(sent.headers.location as string)).body);
    // The name is shown as text: the `<b>` in it must not become markup.
    expect(page.status()).toBe(
      'Invitation to Ann <b>Lee</b> kept in the Email Log (no mail server is set up).',
    );
    expect(page.container.querySelector('b')).toBeNull();
    const crafted = readPage((await b.get(`${PAGE}?sent=${encodeURIComponent('Someone Else')}`)).body);
    expect(crafted.status()).toBeNull();
    expect(crafted.text).not.toContain('Invitation to');
  });

  it('explains a bad filter next to its field and keeps what was typed', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(1);
    const res = await b.get(`${PAGE}?sentBefore=2026-02-30&search=pat`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.errorFor('Last sent before')).toMatch(/^Enter the date as year-month-day/);
    expect(page.valueOf('Search')).toBe('pat');
    const sort = await b.get(`${PAGE}?sort=password`);
    expect(sort.statusCode).toBe(400);
    expect(readPage(sort.body).text).toContain(
      'Sort by one of: name, memberNumber, email, lastInvited, invitationsSent.',
    );
    const cursor = await b.get(`${PAGE}?after=bogus`);
    expect(cursor.statusCode).toBe(400);
    expect(readPage(cursor.body).text).toContain('That page link is out of date.');
  });
});
