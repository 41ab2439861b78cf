import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const PAGE = '/admin/member-management/invitation-codes';
const SEND_ALL = `${PAGE}/send-all`;
const HOUR = 3_600_000;

async function signedInAdmin() {
  const login = await buildLogin(app, { role: 'admin' });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

/** Presses the confirmation's Send button: POSTs every field of its form, as the browser would. */
async function pressSend(b: ReturnType<typeof browser>, confirmUrl: string, button: string | RegExp) {
  const page = readPage((await b.get(confirmUrl)).body);
  const form = page.getByRole('button', { name: button }).closest('form')!;
  expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual(['post', SEND_ALL]);
  const fields = Object.fromEntries(
    [...form.querySelectorAll<HTMLInputElement>('input')].map((i) => [i.name, i.value]),
  );
  const server = await app.server();
  const res = await server.inject({
    method: 'POST',
    url: SEND_ALL,
    headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  expect(res.statusCode).toBe(303);
  const roundId = Number(/rounds\/(\d+)$/.exec(res.headers.location as string)![1]);
  return roundId;
}

const recipients = async (roundId: number) =>
  (
    await queryRows(
      app.deps.db,
      sql`select to_address as email from email_messages where round_id = ${roundId} order by to_address`,
      { email: 'text' },
    )
  ).map((r) => r.email);

describe('Send All: who it emails', () => {
  it('emails current members only; a visible option takes in lapsed members too', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app, { email: 'current@example.org' });
    await buildMember(app, { email: 'lapsed@example.org', status: 'lapsed' });

    const confirm = readPage((await b.get(SEND_ALL)).body);
    expect(confirm.text).toContain('Send All emails the current members who have not created a login yet.');
    expect(confirm.getByRole('list', { name: 'Who is left out' }).textContent).toBe(
      '1 lapsed member left out.',
    );
    expect(
      (confirm.getByRole('checkbox', { name: 'Include lapsed members' }) as HTMLInputElement).checked,
    ).toBe(false);
    const first = await pressSend(b, SEND_ALL, 'Send 1 invitation');
    expect(await recipients(first)).toEqual(['current@example.org']);
    await app.deps.db.execute(sql`update invitation_rounds set finished_at = now() where id = ${first}`);

    const withLapsed = `${SEND_ALL}?includeLapsed=1&skipRecentHours=0`;
    const page = readPage((await b.get(withLapsed)).body);
    expect((page.getByRole('checkbox', { name: 'Include lapsed members' }) as HTMLInputElement).checked).toBe(
      true,
    );
    const second = await pressSend(b, withLapsed, 'Send 2 invitations');
    expect(await recipients(second)).toEqual(['current@example.org', 'lapsed@example.org']);
  });

  it('skips members invited in the last 24 hours by default, shows how many, and lets the admin change it', async () => {
    const recent = await buildMember(app, { email: 'recent@example.org' });
    await buildMember(app, { email: 'waiting@example.org' });
    const sender = await buildLogin(app, { role: 'admin' });
    await sendInvitation(app.deps, sender.actor, recent.id);
    app.clock.advance(3 * HOUR);
    const { b } = await signedInAdmin();

    const res = await b.get(SEND_ALL);
    expect(res.statusCode, res.body).toBe(200);
    const confirm = readPage(res.body);
    expect(confirm.valueOf('Skip members invited in the last (hours)')).toBe('24');
    expect(confirm.getByRole('list', { name: 'Who is left out' }).textContent).toBe(
      '1 member invited in the last 24 hours will be skipped.',
    );
    confirm.getByRole('button', { name: 'Send 1 invitation' });

    const twoHours = readPage((await b.get(`${SEND_ALL}?skipRecentHours=2`)).body);
    expect(twoHours.valueOf('Skip members invited in the last (hours)')).toBe('2');
    expect(twoHours.queryByRole('list', { name: 'Who is left out' })?.textContent ?? '').toBe('');
    twoHours.getByRole('button', { name: 'Send 2 invitations' });

    const round = await pressSend(b, SEND_ALL, 'Send 1 invitation');
    expect(await recipients(round)).toEqual(['waiting@example.org']);
  });

  it('refuses an hours value it cannot read, next to the field, and offers no Send', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app);
    const res = await b.get(`${SEND_ALL}?skipRecentHours=soon&search=pat`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.errorFor('Skip members invited in the last (hours)')).toBe(
      'Enter a whole number of hours from 0 to 2160.',
    );
    expect(page.valueOf('Skip members invited in the last (hours)')).toBe('soon');
    expect(page.text).toContain('search “pat”');
    expect(page.queryByRole('button', { name: /^Send/ })).toBeNull();
    page.getByRole('button', { name: 'Update the count' });
  });

  it('offers no Send at all for a filter it cannot read, rather than a wider Send All', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app);
    const res = await b.get(`${SEND_ALL}?sentBefore=2026-02-30`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.alert()).toContain('Enter the date as year-month-day, for example 2026-01-31.');
    expect(page.text).toContain('These filters could not be read, so nothing can be sent with them.');
    expect(page.queryByRole('button', { name: /^Send/ })).toBeNull();
    expect(page.queryByRole('button', { name: 'Update the count' })).toBeNull();
    expect(page.link('Back to Invitation Codes')).toBe(PAGE);
    // Posted by hand with the bad filter, the form is refused the same way and nothing is queued.
    const confirm = readPage((await b.get(SEND_ALL)).body);
    const form = confirm.getByRole('button', { name: 'Send 1 invitation' }).closest('form')!;
    const fields = Object.fromEntries(
      [...form.querySelectorAll<HTMLInputElement>('input')].map((i) => [i.name, i.value]),
    );
    const server = await app.server();
    const posted = await server.inject({
      method: 'POST',
      url: SEND_ALL,
      headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, sentBefore: 'yesterday' }).toString(),
    });
    expect(posted.statusCode).toBe(400);
    expect(readPage(posted.body).queryByRole('button', { name: /^Send/ })).toBeNull();
    const [queued] = await queryRows(app.deps.db, sql`select count(*) as n from email_messages`, {
      n: 'number',
    });
    expect(queued!.n).toBe(0);
  });

  it('sends to the members the Invitation Codes filters show, and records the filters', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app, { lastName: 'Pattinson', email: 'pat1@example.org' });
    await buildMember(app, { lastName: 'Pattern', email: 'pat2@example.org', status: 'lapsed' });
    await buildMember(app, { lastName: 'Other', email: 'other@example.org' });

    const list = readPage((await b.get(`${PAGE}?search=patt&sort=email`)).body);
    const link = list.link('Send to the members matching these filters')!;
    expect(link).toBe(`${SEND_ALL}?search=patt`);
    const confirm = readPage((await b.get(link)).body);
    expect(confirm.text).toContain('Members without a login matching these filters: search “patt”.');
    expect(confirm.link('Change the filters')).toBe(`${PAGE}?search=patt`);
    const round = await pressSend(b, link, 'Send to the 1 member matching these filters');
    expect(await recipients(round)).toEqual(['pat1@example.org']);

    const [event] = await queryRows(
      app.deps.db,
      sql`select details from audit_events where action = 'invitation.send_all'`,
      { details: 'json' },
    );
    expect(event!.details).toEqual({
      roundId: round,
      total: 1,
      filters: { search: 'patt' },
      includeLapsed: false,
      skipRecentHours: 24,
    });
  });

  it('a Lapsed status filter asks for lapsed members, without the extra option', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app, { email: 'current@example.org' });
    await buildMember(app, { email: 'lapsed@example.org', status: 'lapsed' });
    const url = `${SEND_ALL}?status=lapsed`;
    const page = readPage((await b.get(url)).body);
    expect(page.queryByRole('checkbox', { name: 'Include lapsed members' })).toBeNull();
    const round = await pressSend(b, url, 'Send to the 1 member matching these filters');
    expect(await recipients(round)).toEqual(['lapsed@example.org']);
  });
});

describe('Send All: its progress page', () => {
  it('does not reload itself: a polite summary with the percentage, and Refresh while it runs', async () => {
    const { b } = await signedInAdmin();
    await buildMember(app);
    await buildMember(app);
    const round = await pressSend(b, SEND_ALL, 'Send 2 invitations');
    await app.deps.db.execute(
      sql`update email_messages set state = 'logged' where id = (select min(id) from email_messages where round_id = ${round})`,
    );
    const res = await b.get(`${PAGE}/rounds/${round}`);
    // A refresh is a meta element in the head, which a reader of the body cannot see: the bytes matter.
    expect(res.body).not.toContain('http-equiv="refresh"');
    const page = readPage(res.body);
    expect(page.status()).toBe('50% handled: 1 of 2 sent, 1 remaining.');
    expect(page.getByRole('progressbar', { name: 'Share of messages handled' }).getAttribute('value')).toBe(
      '50',
    );
    expect(page.link('Refresh')).toBe(`${PAGE}/rounds/${round}`);

    await app.deps.db.execute(sql`update email_messages set state = 'logged' where round_id = ${round}`);
    await app.deps.db.execute(sql`update invitation_rounds set finished_at = now() where id = ${round}`);
    const done = readPage((await b.get(`${PAGE}/rounds/${round}`)).body);
    expect(done.status()).toBe('Finished: 2 of 2 sent.');
    expect(done.link('Refresh')).toBeNull();
    done.getByRole('link', { name: 'Back to Invitation Codes' });
  });
});
