import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type DeliveryState, emailMessages, members } from '../../src/db/schema.ts';
import { listEmailLog } from '../../src/domain/emailLog/emailLog.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const LOG = '/admin/email-log';

type MessageRow = typeof emailMessages.$inferInsert;

/** Inserts `count` messages, one second apart (oldest first) unless `createdAt` is given. */
async function insertMessages(count: number, overrides: Partial<MessageRow> = {}) {
  const start = app.clock.now().getTime();
  const rows = Array.from({ length: count }, (_, i) => {
    const at = new Date(start + i * 1000);
    return {
      kind: 'invitation' as const,
      toAddress: `member${i}@example.org`,
      subject: `Invitation ${i}`,
      textBody: `Text ${i}`,
      htmlBody: `<p>HTML ${i}</p>`,
      state: 'logged' as DeliveryState,
      createdAt: at,
      updatedAt: at,
      ...overrides,
    };
  });
  return app.deps.db.insert(emailMessages).values(rows).returning({ id: emailMessages.id });
}

async function signedIn(role: 'admin' | 'security_admin' | 'member' = 'admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

/** The messages of a log page, in the order shown: where each row's Subject link goes. */
const shownIds = (html: string) => {
  const page = readPage(html);
  const table = page.queryByRole('table');
  if (!table) return [];
  return page
    .inside(table)
    .getAllByRole('link')
    .map((a) => Number(/^\/admin\/email-log\/(\d+)$/.exec(a.getAttribute('href') ?? '')?.[1]));
};
const link = (html: string, text: string) => readPage(html).link(text);

/** The message page's headers (a description list) as term → description. */
function detailsOf(html: string): Record<string, string> {
  const list = readPage(html).container.querySelector('dl.details')!;
  const details: Record<string, string> = {};
  for (const term of list.querySelectorAll('dt')) {
    details[term.textContent!.trim()] = (term.nextElementSibling?.textContent ?? '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return details;
}

describe('Email Log', () => {
  it('shows every message newest first, with its state in words', async () => {
    await insertMessages(3);
    await insertMessages(1, {
      toAddress: 'bounced@example.org',
      subject: 'Bounced one',
      state: 'failed',
      attempts: 2,
      lastError: '550 5.1.1 mailbox unavailable',
      createdAt: new Date('2026-01-15T10:00:00Z'),
    });
    const b = await signedIn();
    const res = await b.get(LOG);
    expect(res.statusCode).toBe(200);
    const [failed, ...rest] = shownIds(res.body);
    expect(rest).toEqual([...rest].sort((x, y) => y - x));
    expect(failed).toBe(4);
    const page = readPage(res.body);
    expect(page.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'When',
      'To',
      'Subject',
      'Kind',
      'State',
      'Attempts',
      'Last error',
    ]);
    const rows = page.tableRows();
    expect(rows.map((cells) => cells[1])).toEqual([
      'bounced@example.org',
      'member2@example.org',
      'member1@example.org',
      'member0@example.org',
    ]);
    expect(rows[0]).toEqual([
      '15 Jan 2026, 10:00 UTC',
      'bounced@example.org',
      'Bounced one',
      'Invitation',
      'Failed',
      '2',
      '550 5.1.1 mailbox unavailable',
    ]);
    expect(rows[1]!.slice(2, 5)).toEqual([
      'Invitation 2',
      'Invitation',
      'Kept in Email Log (no SMTP server configured)',
    ]);
    expect(page.link('Bounced one')).toBe(`${LOG}/4`);
    expect(page.queryByRole('navigation', { name: 'Pages' })).toBeNull();
    expect(page.queryByText(/Older messages|Newer messages/)).toBeNull();
  });

  it('says plainly that mail is kept here while no SMTP server is configured', async () => {
    const b = await signedIn();
    const withoutSmtp = readPage((await b.get(LOG)).body);
    expect(withoutSmtp.text).toContain('No SMTP server is configured.');
    expect(withoutSmtp.text).toContain('Set SMTP_URL to deliver them.');
    expect(withoutSmtp.getByText('SMTP_URL').tagName).toBe('CODE');
    app.config.smtpUrl = 'smtp://127.0.0.1:2525';
    try {
      expect(readPage((await b.get(LOG)).body).text).not.toContain('No SMTP server is configured.');
    } finally {
      app.config.smtpUrl = undefined;
    }
  });

  it('has an empty state', async () => {
    const b = await signedIn();
    expect(readPage((await b.get(LOG)).body).text).toContain('No email has been sent yet.');
    const searched = readPage((await b.get(`${LOG}?state=failed`)).body);
    expect(searched.text).toContain('No message matches this search.');
    expect(searched.link('Show all messages')).toBe(LOG);
  });

  it('pages through 120 messages 50 at a time, older and back newer, missing none', async () => {
    // Ten messages share one timestamp: the id breaks the tie, so none is skipped or repeated.
    await insertMessages(110);
    await insertMessages(10, { createdAt: new Date('2026-01-15T09:00:30Z'), toAddress: 'same@example.org' });
    const b = await signedIn();
    const first = await b.get(LOG);
    const page1 = shownIds(first.body);
    expect(page1).toHaveLength(50);
    expect(link(first.body, 'Newer messages')).toBeNull();

    const second = await b.get(link(first.body, 'Older messages')!);
    const page2 = shownIds(second.body);
    expect(page2).toHaveLength(50);
    const third = await b.get(link(second.body, 'Older messages')!);
    const page3 = shownIds(third.body);
    expect(page3).toHaveLength(20);
    expect(link(third.body, 'Older messages')).toBeNull();

    const all = [...page1, ...page2, ...page3];
    expect(new Set(all).size).toBe(120);
    const rows = await app.deps.db
      .select({ id: emailMessages.id, at: emailMessages.createdAt })
      .from(emailMessages);
    const expected = rows.sort((x, y) => y.at.getTime() - x.at.getTime() || y.id - x.id).map((r) => r.id);
    expect(all).toEqual(expected);

    const back = await b.get(link(third.body, 'Newer messages')!);
    expect(shownIds(back.body)).toEqual(page2);
    const top = await b.get(link(back.body, 'Newer messages')!);
    expect(shownIds(top.body)).toEqual(page1);
    expect(link(top.body, 'Newer messages')).toBeNull();
  });

  it('keeps messages apart that were created within the same millisecond', async () => {
    // Written by SQL, created_at has microseconds that a JavaScript Date cannot hold.
    await app.deps.db.execute(sql`
      insert into email_messages (id, kind, to_address, state, created_at, updated_at)
      select g, 'invitation', 'm' || g || '@example.org', 'queued',
             timestamptz '2026-01-15 09:00:00.000100+00' + (g % 5) * interval '1 microsecond', now()
      from generate_series(1, 7) g`);
    const seen: number[] = [];
    let page = await listEmailLog(app.deps, systemActor(), {}, {}, 2);
    seen.push(...page.rows.map((r) => r.id));
    while (page.next) {
      page = await listEmailLog(app.deps, systemActor(), {}, { after: page.next }, 2);
      seen.push(...page.rows.map((r) => r.id));
    }
    // Newest first: microsecond 4 (ids 4), 3 (3), 2 (7, 2), 1 (6, 1), 0 (5).
    expect(seen).toEqual([4, 3, 7, 2, 6, 1, 5]);
    // And back, from the last page to the first.
    const back: number[][] = [page.rows.map((r) => r.id)];
    while (page.prev) {
      page = await listEmailLog(app.deps, systemActor(), {}, { before: page.prev }, 2);
      back.unshift(page.rows.map((r) => r.id));
    }
    expect(back.flat()).toEqual(seen);
  });

  it('filters by state and by the start of the recipient address, and keeps the filter when paging', async () => {
    await insertMessages(60, { state: 'sent' });
    await insertMessages(3, {
      state: 'deferred',
      toAddress: 'Slow.Server@example.org',
      lastError: '451 later',
    });
    await insertMessages(1, { state: 'sent', toAddress: 'slow_user@example.org' });
    const b = await signedIn();

    const deferred = await b.get(`${LOG}?state=deferred`);
    expect(shownIds(deferred.body)).toHaveLength(3);
    expect(readPage(deferred.body).valueOf('State')).toBe('deferred');

    const byPrefix = await b.get(`${LOG}?to=slow.`);
    expect(shownIds(byPrefix.body)).toHaveLength(3);
    // "_" is an ordinary character in a search, not a wildcard.
    expect(shownIds((await b.get(`${LOG}?to=slow_`)).body)).toHaveLength(1);
    expect(shownIds((await b.get(`${LOG}?to=${encodeURIComponent('%')}`)).body)).toHaveLength(0);

    const sent = await b.get(`${LOG}?state=sent&to=member`);
    expect(shownIds(sent.body)).toHaveLength(50);
    const sentPage = readPage(sent.body);
    expect([sentPage.valueOf('State'), sentPage.valueOf('Recipient')]).toEqual(['sent', 'member']);
    const older = new URL(link(sent.body, 'Older messages')!, 'http://portal.test');
    expect(older.pathname).toBe(LOG);
    expect(older.searchParams.get('state')).toBe('sent');
    expect(older.searchParams.get('to')).toBe('member');
    expect(older.searchParams.get('after')).toBeTruthy();
    expect(shownIds((await b.get(`${older.pathname}${older.search}`)).body)).toHaveLength(10);
    // A state the portal does not know is no filter, as before.
    expect(shownIds((await b.get(`${LOG}?state=bogus`)).body)).toHaveLength(50);
  });

  it('refuses a page link that was tampered with, saying so on the page', async () => {
    await insertMessages(3);
    const b = await signedIn();
    const cursor = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const query of [
      'after=not-a-cursor&to=member',
      `before=${cursor({ s: '', k: ['2026-01-15T09:00:00.000000Z'] })}&to=member`,
      `after=${cursor({ s: '', k: ['2026-01-15T09:00:00.000000Z', 'one'] })}&to=member`,
    ]) {
      const res = await b.get(`${LOG}?${query}`);
      expect(res.statusCode, query).toBe(400);
      const page = readPage(res.body);
      expect(page.alert(), query).toContain(
        'That page link is out of date. Start again from the first page.',
      );
      expect(page.valueOf('Recipient')).toBe('member');
      expect(shownIds(res.body)).toEqual([]);
    }
  });

  it('shows one message with its headers, the text in <pre> and the HTML in a sandboxed frame', async () => {
    const [member] = await app.deps.db
      .insert(members)
      .values({
        memberNumber: 'M-7',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.org',
        emailLower: 'ada@example.org',
      })
      .returning({ id: members.id });
    const [message] = await insertMessages(1, {
      memberId: member!.id,
      toAddress: 'ada@example.org',
      subject: 'Your invitation to the Gatehouse member portal',
      textBody: 'Hello Ada,\n\nA <b>plain</b> line.',
      htmlBody: '<p style="color:red">Hello "Ada" &amp; <script>alert(1)</script></p>',
      state: 'sent',
      attempts: 1,
      sentAt: new Date('2026-01-15T09:00:05Z'),
    });
    const b = await signedIn();
    const res = await b.get(`${LOG}/${message!.id}`);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'Your invitation to the Gatehouse member portal' });
    const details = detailsOf(res.body);
    expect(details.From).toBe('Gatehouse <no-reply@localhost>');
    expect(details.To).toBe('ada@example.org');
    expect(details.Member).toBe('Ada Lovelace (M-7)');
    expect(details.State).toBe('Sent');
    expect(page.link('Ada Lovelace')).toBe(`/admin/members/${member!.id}`);
    // The plain text exactly as written, markup in it shown as text, not obeyed.
    const text = page.inside(page.getByRole('region', { name: 'Plain-text version' }));
    expect(text.container.querySelector('pre')?.textContent).toBe('Hello Ada,\n\nA <b>plain</b> line.');
    // The sandbox grants only opening links in a new tab (outside the sandbox, as a mail program would):
    // no scripts, no forms, no same-origin access, no navigation of the page.
    const frame = page.getByTitle('HTML version of the message');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    // The stored HTML reaches the page only as an escaped attribute value and as escaped source text:
    // read back, each is the stored HTML exactly (the frame's after the base that opens links in a new
    // tab); nowhere is it markup of the page itself.
    const stored = '<p style="color:red">Hello "Ada" &amp; <script>alert(1)</script></p>';
    expect(frame.getAttribute('srcdoc')).toBe(`<base target="_blank">${stored}`);
    const source = page.inside(page.getByRole('region', { name: 'HTML version' }));
    expect(source.getByText('HTML source').tagName).toBe('SUMMARY');
    expect(source.container.querySelector('pre')?.textContent).toBe(stored);
    expect(res.body).not.toContain('<script>');
    expect(page.container.querySelector('p[style]')).toBeNull();
  });

  it('explains a message that has not been written yet', async () => {
    const [message] = await insertMessages(1, {
      state: 'queued',
      subject: null,
      textBody: null,
      htmlBody: null,
    });
    const b = await signedIn();
    const list = readPage((await b.get(LOG)).body);
    expect(list.link(`Message ${message!.id} (not written yet)`)).toBe(`${LOG}/${message!.id}`);
    const res = await b.get(`${LOG}/${message!.id}`);
    expect(res.statusCode).toBe(200);
    expect(readPage(res.body).text).toContain('This message has not been written yet');
    expect(detailsOf(res.body).State).toBe('Queued');
  });

  it('answers 404 for a message that does not exist', async () => {
    const b = await signedIn();
    for (const id of ['999', 'abc', '1e3', '99999999999999999999']) {
      const res = await b.get(`${LOG}/${id}`);
      expect(res.statusCode, id).toBe(404);
    }
    for (const id of ['999', 'abc']) {
      expect(readPage((await b.get(`${LOG}/${id}`)).body).text).toContain(
        'There is no message with this number in the Email Log.',
      );
    }
  });

  it('is closed to Members', async () => {
    const [message] = await insertMessages(1);
    const b = await signedIn('member');
    for (const url of [LOG, `${LOG}/${message!.id}`]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(readPage(res.body).text).toContain('access level');
    }
  });
});
