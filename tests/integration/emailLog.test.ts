import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type DeliveryState, emailMessages, members } from '../../src/db/schema.ts';
import { listEmailLog } from '../../src/domain/emailLog/emailLog.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

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

/** The message links of a log page, in the order shown. */
const shownIds = (html: string) =>
  [...html.matchAll(/href="\/admin\/email-log\/(\d+)"/g)].map((m) => Number(m[1]));
const link = (html: string, text: string) =>
  new RegExp(`<a href="([^"]+)">${text}</a>`).exec(html)?.[1]?.replaceAll('&amp;', '&');

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
    expect(res.body.indexOf('bounced@example.org')).toBeLessThan(res.body.indexOf('member2@example.org'));
    expect(failed).toBe(4);
    for (const header of ['When', 'To', 'Subject', 'Kind', 'State', 'Attempts', 'Last error']) {
      expect(res.body).toContain(`<th scope="col">${header}</th>`);
    }
    expect(res.body).toContain('550 5.1.1 mailbox unavailable');
    expect(res.body).toContain('<td>Failed</td>');
    expect(res.body).toContain('<td>Kept in Email Log (no SMTP server configured)</td>');
    expect(res.body).toContain('<td>Invitation</td>');
    expect(res.body).toContain('15 Jan 2026, 10:00 UTC');
    expect(res.body).not.toContain('Older messages');
    expect(res.body).not.toContain('Newer messages');
  });

  it('says plainly that mail is kept here while no SMTP server is configured', async () => {
    const b = await signedIn();
    const withoutSmtp = await b.get(LOG);
    expect(withoutSmtp.body).toContain('No SMTP server is configured.');
    expect(withoutSmtp.body).toContain('Set <code>SMTP_URL</code> to deliver them.');
    app.config.smtpUrl = 'smtp://127.0.0.1:2525';
    try {
      expect((await b.get(LOG)).body).not.toContain('No SMTP server is configured.');
    } finally {
      app.config.smtpUrl = undefined;
    }
  });

  it('has an empty state', async () => {
    const b = await signedIn();
    expect((await b.get(LOG)).body).toContain('No email has been sent yet.');
    expect((await b.get(`${LOG}?state=failed`)).body).toContain('No message matches this search.');
  });

  it('pages through 120 messages 50 at a time, older and back newer, missing none', async () => {
    // Ten messages share one timestamp: the id breaks the tie, so none is skipped or repeated.
    await insertMessages(110);
    await insertMessages(10, { createdAt: new Date('2026-01-15T09:00:30Z'), toAddress: 'same@example.org' });
    const b = await signedIn();
    const first = await b.get(LOG);
    const page1 = shownIds(first.body);
    expect(page1).toHaveLength(50);
    expect(link(first.body, 'Newer messages')).toBeUndefined();

    const second = await b.get(link(first.body, 'Older messages')!);
    const page2 = shownIds(second.body);
    expect(page2).toHaveLength(50);
    const third = await b.get(link(second.body, 'Older messages')!);
    const page3 = shownIds(third.body);
    expect(page3).toHaveLength(20);
    expect(link(third.body, 'Older messages')).toBeUndefined();

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
    expect(link(top.body, 'Newer messages')).toBeUndefined();
  });

  it('keeps messages apart that were created within the same millisecond', async () => {
    // Written by SQL, created_at has microseconds that a JavaScript Date cannot hold.
    await app.deps.db.execute(sql`
      insert into email_messages (id, kind, to_address, state, created_at, updated_at)
      select g, 'invitation', 'm' || g || '@example.org', 'queued',
             timestamptz '2026-01-15 09:00:00.000100+00' + (g % 5) * interval '1 microsecond', now()
      from generate_series(1, 7) g`);
    const seen: number[] = [];
    let page = await listEmailLog(app.deps, systemActor(), {}, undefined, 2);
    seen.push(...page.rows.map((r) => r.id));
    while (page.older) {
      page = await listEmailLog(app.deps, systemActor(), {}, { direction: 'older', cursor: page.older }, 2);
      seen.push(...page.rows.map((r) => r.id));
    }
    // Newest first: microsecond 4 (ids 4), 3 (3), 2 (7, 2), 1 (6, 1), 0 (5).
    expect(seen).toEqual([4, 3, 7, 2, 6, 1, 5]);
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
    expect(deferred.body).toContain('<option value="deferred" selected>Retrying (deferred)</option>');

    const byPrefix = await b.get(`${LOG}?to=slow.`);
    expect(shownIds(byPrefix.body)).toHaveLength(3);
    // "_" is an ordinary character in a search, not a wildcard.
    expect(shownIds((await b.get(`${LOG}?to=slow_`)).body)).toHaveLength(1);
    expect(shownIds((await b.get(`${LOG}?to=${encodeURIComponent('%')}`)).body)).toHaveLength(0);

    const sent = await b.get(`${LOG}?state=sent&to=member`);
    expect(shownIds(sent.body)).toHaveLength(50);
    const older = link(sent.body, 'Older messages')!;
    expect(older).toContain('state=sent');
    expect(older).toContain('to=member');
    expect(shownIds((await b.get(older)).body)).toHaveLength(10);
  });

  it('starts from the newest page when a page link was tampered with', async () => {
    await insertMessages(3);
    const b = await signedIn();
    const res = await b.get(`${LOG}?older=not-a-cursor&state=bogus`);
    expect(res.statusCode).toBe(200);
    expect(shownIds(res.body)).toHaveLength(3);
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
    expect(res.body).toContain('<h1>Your invitation to the Gatehouse member portal</h1>');
    expect(res.body).toContain('<dd>Gatehouse &lt;no-reply@localhost></dd>');
    expect(res.body).toContain('<dd>ada@example.org</dd>');
    expect(res.body).toContain(`<a href="/admin/members/${member!.id}">Ada Lovelace</a>`);
    expect(res.body).toContain('<dd>Sent</dd>');
    expect(res.body).toContain('<pre class="email-text">Hello Ada,\n\nA &lt;b>plain&lt;/b> line.</pre>');
    // A bare `sandbox` grants nothing: no scripts, no forms, no same-origin access, no navigation of the page.
    expect(res.body).toMatch(/<iframe title="HTML version of the message" sandbox srcdoc="[^"]*"/);
    // The stored HTML reaches the page only as an escaped attribute value and as escaped source text.
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain(
      'srcdoc="&lt;p style=&quot;color:red&quot;>Hello &quot;Ada&quot; &amp;amp; &lt;script>',
    );
  });

  it('explains a message that has not been written yet', async () => {
    const [message] = await insertMessages(1, {
      state: 'queued',
      subject: null,
      textBody: null,
      htmlBody: null,
    });
    const b = await signedIn();
    const list = await b.get(LOG);
    expect(list.body).toContain(`Message ${message!.id} (not written yet)`);
    const res = await b.get(`${LOG}/${message!.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('This message has not been written yet');
    expect(res.body).toContain('<dd>Queued</dd>');
  });

  it('answers 404 for a message that does not exist', async () => {
    const b = await signedIn();
    for (const id of ['999', 'abc', '1e3', '99999999999999999999']) {
      const res = await b.get(`${LOG}/${id}`);
      expect(res.statusCode, id).toBe(404);
    }
    expect((await b.get(`${LOG}/999`)).body).toContain(
      'There is no message with this number in the Email Log.',
    );
  });

  it('is closed to Members', async () => {
    const [message] = await insertMessages(1);
    const b = await signedIn('member');
    for (const url of [LOG, `${LOG}/${message!.id}`]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('access level');
    }
  });
});
