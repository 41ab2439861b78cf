import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const PAGE = '/admin/member-management/invitation-codes';

/** `count` members without a login, numbered K0001…, named Kim or Lee by turns; returns their ids. */
async function addPendingMembers(count: number): Promise<number[]> {
  const rows = await queryRows(
    app.deps.db,
    sql`insert into members (member_number, first_name, last_name, email, email_lower, status)
        select 'K' || lpad(g::text, 4, '0'), case when g % 2 = 0 then 'Lee' else 'Kim' end,
               'Member' || lpad(g::text, 4, '0'), 'k' || g || '@example.org', 'k' || g || '@example.org', 'current'
        from generate_series(1, ${count}) g
        returning id`,
    { id: 'number' },
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function signedIn() {
  const login = await buildLogin(app, { role: 'admin' });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

/** Presses Send on the row of `memberNumber`: posts every field of that row's form, as a browser does. */
async function pressSend(b: ReturnType<typeof browser>, page: Page, memberNumber: string) {
  const row = page.getByRole('row', { name: new RegExp(`^${memberNumber} `) });
  const form = page.inside(row).getByRole('button', { name: 'Send' }).closest('form')!;
  const fields = Object.fromEntries(
    [...form.querySelectorAll<HTMLInputElement>('input')].map((i) => [i.name, i.value]),
  );
  const server = await app.server();
  const res = await server.inject({
    method: 'POST',
    url: form.getAttribute('action')!,
    headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

const memberNumbers = (page: Page) => page.tableRows().map((cells) => cells[0]);

describe('Invitation Codes: Send keeps my place', () => {
  it('comes back to the same search, filter, sort and page, with the confirmation beside the row', async () => {
    const b = await signedIn();
    await addPendingMembers(120);
    // Lee's members (the even numbers), newest number first, second page of 50.
    const first = readPage((await b.get(`${PAGE}?search=lee&invited=never&sort=memberNumber&dir=desc`)).body);
    const listUrl = first.link('Next page')!;
    const list = readPage((await b.get(listUrl)).body);
    expect(memberNumbers(list).slice(0, 3)).toEqual(['K0020', 'K0018', 'K0016']);

    const back = await pressSend(b, list, 'K0018');
    const url = new URL(back, 'http://portal.test');
    expect(url.pathname).toBe(PAGE);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ...Object.fromEntries(new URL(listUrl, 'http://portal.test').searchParams),
      sent: expect.stringMatching(/^\d+$/),
    });

    const after = readPage((await b.get(back)).body);
    expect(memberNumbers(after)).toEqual(memberNumbers(list));
    expect(after.valueOf('Search')).toBe('lee');
    expect(after.valueOf('Invited')).toBe('never');
    // The confirmation is in the row that was sent to, and is the page's only status message.
    const sentRow = after.getByRole('row', { name: /^K0018 / });
    expect(after.inside(sentRow).status()).toBe(
      'Invitation to Lee Member0018 kept in the Email Log (no mail server is set up).',
    );
    expect(after.status()).toBe(
      'Invitation to Lee Member0018 kept in the Email Log (no mail server is set up).',
    );
    // Focus lands on the next row's Send, so the admin can go on down the list.
    const focused = after.container.querySelectorAll('[autofocus]');
    expect(focused).toHaveLength(1);
    expect(focused[0]!.closest('tr')).toBe(after.getByRole('row', { name: /^K0016 / }));
    expect(focused[0]!.textContent).toBe('Send');
  });

  it('focuses the same row on the last row, and says so on top when the row is no longer shown', async () => {
    const b = await signedIn();
    await addPendingMembers(3);
    const list = readPage((await b.get(`${PAGE}?sort=memberNumber`)).body);
    const back = await pressSend(b, list, 'K0003');
    const after = readPage((await b.get(back)).body);
    const focused = after.container.querySelector('[autofocus]')!;
    expect(focused.closest('tr')).toBe(after.getByRole('row', { name: /^K0003 / }));

    // The same round seen from a list where that member is not shown: the notice is above the list.
    const sent = new URL(back, 'http://portal.test').searchParams.get('sent');
    const elsewhere = readPage((await b.get(`${PAGE}?search=nobody&sent=${sent}`)).body);
    expect(elsewhere.status()).toBe(
      'Invitation to Kim Member0003 kept in the Email Log (no mail server is set up).',
    );
    expect(elsewhere.container.querySelector('[autofocus]')).toBeNull();
  });

  it('goes back to the plain list when the list fields of the form were edited', async () => {
    const b = await signedIn();
    const [id] = await addPendingMembers(1);
    const res = await b.submit(PAGE, `${PAGE}/${id}/send`, { sort: 'password', search: 'x' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${PAGE}\\?sent=\\d+$`));
  });
});
