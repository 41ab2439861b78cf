import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/connect.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const PAGE = '/admin/member-management/invitation-codes';

/** `count` members without a login, numbered P0001…, set-based; returns their ids in number order. */
async function addPendingMembers(count: number, extra = sql``): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(
    app.deps.db,
    sql`insert into members (member_number, first_name, last_name, email, email_lower, status ${extra})
        select 'P' || lpad(g::text, 4, '0'), 'Pat', 'Member' || lpad(g::text, 4, '0'),
               'pat' || g || '@example.org', 'pat' || g || '@example.org',
               case when g % 5 = 0 then 'lapsed' else 'current' end
        from generate_series(1, ${count}) g
        returning id`,
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function signedIn(role: 'member' | 'admin' | 'security_admin' = 'admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

const sendButtons = (html: string) =>
  html.match(/<button type="submit" aria-describedby="member-\d+-name">Send<\/button>/g) ?? [];
const bodyRows = (html: string) =>
  (/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').match(/<tr>/g)?.length ?? 0;
const decode = (href: string) => href.replace(/&amp;/g, '&');
const linkTo = (html: string, text: string) => {
  const m = new RegExp(`<a href="([^"]+)">${text}</a>`).exec(html);
  return m ? decode(m[1]!) : null;
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
    const html = res.body;
    expect(html).toContain('<h1>Invitation Codes</h1>');
    expect(html).toMatch(
      /<nav aria-label="Breadcrumb" class="breadcrumbs"><a href="\/admin">Admin<\/a><span> › <a href="\/admin\/member-management">Member Management<\/a>/,
    );
    expect(html).toContain('have not yet created their username and password');
    expect(html).toContain('3 members have no login yet.');
    expect(sendButtons(html)).toHaveLength(3);
    expect(bodyRows(html)).toBe(3);
    for (const id of ids) {
      expect(html).toContain(
        `<form method="post" action="${PAGE}/${id}/send" class="inline"><input type="hidden" name="_csrf" value="`,
      );
      expect(html).toContain(`<th scope="row" id="member-${id}-name"><a href="/admin/members/${id}">`);
    }
    expect(html).toContain('Failed: 550 mailbox unavailable');
    expect(html).toContain('14 Jan 2026, 10:30 UTC');
    expect(html).toContain('Never invited');
    expect(html).toContain('<label for="search">Search</label>');
    expect(html).toMatch(
      /<th scope="col" aria-sort="ascending"><a href="\/admin\/member-management\/invitation-codes\?dir=desc">Name/,
    );
    expect(html).toContain('Send All re-sends invitations to all 3 members who still have no login.');
    expect(html).toContain(`<a class="button" href="${PAGE}/send-all">Send All</a>`);
    // Clear All Usernames is for Security Administrators: an Administrator is told so, without the link.
    expect(html).toContain('Danger zone');
    expect(html).not.toContain(`href="${PAGE}/clear-all-usernames"`);
  });

  it('gives a Security Administrator the Clear All Usernames link in the danger zone', async () => {
    const b = await signedIn('security_admin');
    await addPendingMembers(1);
    const html = (await b.get(PAGE)).body;
    expect(html).toContain(`<a href="${PAGE}/clear-all-usernames">Clear All Usernames</a>`);
  });

  it('refuses a Member with 403', async () => {
    const b = await signedIn('member');
    const res = await b.get(PAGE);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('access level');
  });

  it('says when everyone has a login', async () => {
    const b = await signedIn('admin'); // the admin is the only member, and has a login
    const html = (await b.get(PAGE)).body;
    expect(html).toContain('Everyone on the roster has created a login.');
    expect(html).not.toContain('<table');
    expect(html).not.toContain(`href="${PAGE}/send-all"`);
  });

  it('says when the filters match nobody, with a way to clear them', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(2);
    const html = (await b.get(`${PAGE}?search=nobody-like-this&sort=email`)).body;
    expect(html).toContain('No members without a login match your search and filters.');
    expect(linkTo(html, 'Clear filters')).toBe(`${PAGE}?sort=email`);
    expect(html).toContain('value="nobody-like-this"');
  });

  it('filters and sorts from the URL, and the header links keep the filters', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(10);
    const html = (await b.get(`${PAGE}?status=lapsed&sort=memberNumber&dir=desc`)).body;
    const numbers = [...html.matchAll(/<tr><td>(P\d{4})<\/td>/g)].map((m) => m[1]);
    expect(numbers).toEqual(['P0010', 'P0005']);
    expect(html).toMatch(/<th scope="col" aria-sort="descending"><a href="[^"]*">Member number/);
    expect(html).toContain(`<a href="${PAGE}?status=lapsed&amp;sort=memberNumber">Member number`);
    expect(html).toContain(`<a href="${PAGE}?status=lapsed&amp;sort=email">Email`);
    expect(html).toMatch(
      /<option value="lapsed" selected="">Lapsed<\/option>|<option value="lapsed" selected>Lapsed<\/option>/,
    );
  });

  it('pages with Next page and Previous page links that keep filters and sort', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(120);
    const first = (await b.get(`${PAGE}?status=current&sort=email`)).body;
    expect(bodyRows(first)).toBe(50);
    expect(linkTo(first, 'Previous page')).toBeNull();
    const next = linkTo(first, 'Next page')!;
    expect(next).toMatch(/^\/admin\/member-management\/invitation-codes\?status=current&sort=email&after=/);
    const second = (await b.get(next)).body;
    expect(bodyRows(second)).toBe(46); // 96 current members
    expect(linkTo(second, 'Next page')).toBeNull();
    const back = (await b.get(linkTo(second, 'Previous page')!)).body;
    expect(back.match(/<tr><td>P\d{4}/g)).toEqual(first.match(/<tr><td>P\d{4}/g));
  });

  it('shows a running Send All with its progress', async () => {
    const b = await signedIn('admin');
    const ids = await addPendingMembers(3);
    const [round] = await queryRows<{ id: number | string }>(
      app.deps.db,
      sql`insert into invitation_rounds (kind, started_by_label, started_at, total)
          values ('send_all', 'admin', now(), 3) returning id`,
    );
    await app.deps.db.execute(sql`
      insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
      select 'invitation', m.id, ${round!.id}, m.email, s.state, now(), now()
      from unnest(${sql.param(ids)}::bigint[], array['sent', 'failed', 'queued']) as s(id, state)
      join members m on m.id = s.id`);
    const html = (await b.get(PAGE)).body;
    expect(html).toContain('A Send All is running: 1 of 3 sent, 1 failed.');
    expect(html).toContain(`<a href="${PAGE}/rounds/${round!.id}">View progress</a>`);
  });

  it('shows the notice after a Send, naming the member from the database, not from the URL', async () => {
    const b = await signedIn('admin');
    const member = await buildMember(app, { firstName: 'Ann', lastName: '<b>Lee</b>' });
    const sent = await b.submit(PAGE, `${PAGE}/${member.id}/send`, {});
    expect(sent.statusCode).toBe(303);
    const html = (await b.get(sent.headers.location as string)).body;
    expect(html).toContain(
      '<div class="notice" role="status">Invitation sent to Ann &lt;b>Lee&lt;/b>.</div>',
    );
    const crafted = (await b.get(`${PAGE}?sent=${encodeURIComponent('Someone Else')}`)).body;
    expect(crafted).not.toContain('Invitation sent to');
  });

  it('explains a bad filter next to its field and keeps what was typed', async () => {
    const b = await signedIn('admin');
    await addPendingMembers(1);
    const res = await b.get(`${PAGE}?sentBefore=2026-02-30&search=pat`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<p class="error" id="sentBefore-error">Enter the date as year-month-day');
    expect(res.body).toContain('aria-describedby="sentBefore-hint sentBefore-error"');
    expect(res.body).toContain('value="pat"');
    const sort = await b.get(`${PAGE}?sort=password`);
    expect(sort.statusCode).toBe(400);
    expect(sort.body).toContain('Sort by one of: name, memberNumber, email, lastInvited, invitationsSent.');
    const cursor = await b.get(`${PAGE}?after=bogus`);
    expect(cursor.statusCode).toBe(400);
    expect(cursor.body).toContain('That page link is out of date.');
  });
});
