import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loginHistory } from '../../src/db/schema.ts';
import { purgeOldLoginHistory, recentLogins } from '../../src/domain/accounts/loginHistory.ts';
import { browser, buildLogin, csrfFrom, mergeCookies } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('login history', () => {
  it('records each login with address and browser, and shows the last 10 on /home', async () => {
    const member = await buildLogin(app);
    const server = await app.server();
    for (let i = 0; i < 11; i++) {
      app.clock.advance(60_000);
      expect((await browser(server).logIn(member.username, member.password)).statusCode).toBe(303);
    }
    // One more from a recognisable browser, sent by hand to set its User-Agent.
    app.clock.advance(60_000);
    const form = await server.inject({ url: '/login' });
    const cookies = mergeCookies('', form);
    const res = await server.inject({
      method: 'POST',
      url: '/login',
      headers: {
        cookie: cookies,
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': FIREFOX_WINDOWS,
      },
      payload: new URLSearchParams({
        _csrf: csrfFrom(form.body),
        username: member.username,
        password: member.password,
      }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const rows = await app.deps.db
      .select()
      .from(loginHistory)
      .where(eq(loginHistory.accountId, member.accountId));
    expect(rows).toHaveLength(12);
    const recent = await recentLogins(app.deps, member.accountId);
    expect(recent).toHaveLength(10);
    expect(recent[0]).toEqual({ at: app.clock.now(), ip: '127.0.0.1', userAgent: FIREFOX_WINDOWS });

    const b = browser(server);
    await b.logIn(member.username, member.password);
    const home = await b.get('/home');
    const page = readPage(home.body);
    const shown = page.tableRows('Recent logins');
    expect(shown).toHaveLength(10);
    expect(shown).toContainEqual([expect.any(String), '127.0.0.1', 'Firefox on Windows']);
    expect(page.text).toContain('Not you? Change your password');
  });

  it('counts a failed login nowhere in the history', async () => {
    const member = await buildLogin(app);
    await browser(await app.server()).logIn(member.username, 'wrong password here');
    expect(await app.deps.db.select().from(loginHistory)).toHaveLength(0);
  });

  it('forgets logins older than 180 days', async () => {
    const member = await buildLogin(app);
    const now = app.clock.now().getTime();
    const day = 86_400_000;
    await app.deps.db.insert(loginHistory).values([
      { accountId: member.accountId, at: new Date(now - 181 * day), ip: 'old' },
      { accountId: member.accountId, at: new Date(now - 179 * day), ip: 'recent' },
    ]);
    await purgeOldLoginHistory(app.deps);
    expect((await app.deps.db.select().from(loginHistory)).map((r) => r.ip)).toEqual(['recent']);
  });
});
