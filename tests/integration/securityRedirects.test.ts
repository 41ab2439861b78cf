import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/db/schema.ts';
import { safeNext } from '../../src/http/safeNext.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const PORTAL = 'http://portal.test';

/** `next` values that must never lead off the portal, however a browser reads them. */
const OFF_SITE = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  '/%09/evil.example'.replace('%09', '\u0009'),
  'https://evil.example/',
  'http://portal.test.evil.example/',
  'https:evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,hi',
  'evil.example',
  '/\u0000/evil.example',
  '/\u001f/evil.example',
  '/\u007f/evil.example',
  '',
];

/** Where a redirect would take a browser, resolved as the browser would (tabs and newlines dropped). */
function browserTarget(location: string): URL {
  return new URL(location.replace(/[\t\n\r]/g, ''), PORTAL);
}

describe('safeNext', () => {
  it('refuses every off-site or scheme variant', () => {
    for (const next of OFF_SITE) expect(safeNext(next, PORTAL), JSON.stringify(next)).toBeUndefined();
  });

  it('keeps paths on the portal, with their query and fragment, and never a non-string', () => {
    expect(safeNext('/admin/members?q=a%20b#top', PORTAL)).toBe('/admin/members?q=a%20b#top');
    // Percent-encoded slashes stay a path on this portal: a browser does not decode them into an authority.
    expect(safeNext('/%2F%2Fevil.example', PORTAL)).toBe('/%2F%2Fevil.example');
    expect(safeNext('/%5Cevil.example', PORTAL)).toBe('/%5Cevil.example');
    expect(safeNext(['/a', '/b'], PORTAL)).toBeUndefined();
    expect(safeNext(undefined, PORTAL)).toBeUndefined();
  });
});

describe('next after logging in', () => {
  it('a signed-in visit to /login with a crafted next stays on the portal', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    for (const next of [...OFF_SITE, '/%09/evil.example', '/%0a/evil.example', '/%5C/evil.example']) {
      const res = await b.get(`/login?next=${encodeURIComponent(next)}`);
      // A NUL byte is refused outright by the input guard; everything else redirects.
      if (next.includes('\u0000')) {
        expect(res.statusCode).toBe(400);
        continue;
      }
      expect(res.statusCode).toBeGreaterThanOrEqual(300);
      const target = browserTarget(res.headers.location as string);
      expect(target.origin, JSON.stringify(next)).toBe(PORTAL);
    }
  });

  it('the raw tab of the report (next=/%09/evil.example) redirects home, not off-site', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    const res = await b.get('/login?next=/%09/evil.example');
    expect(browserTarget(res.headers.location as string).origin).toBe(PORTAL);
    expect(res.headers.location).toBe('/');
  });

  it('logging in with a crafted next in the form lands on the portal', async () => {
    const member = await buildLogin(app);
    for (const next of ['/\t/evil.example', '/\\evil.example', 'https://evil.example/']) {
      const b = browser(await app.server());
      const res = await b.submit('/login', '/login', {
        username: member.username,
        password: member.password,
        next,
      });
      expect(res.statusCode).toBe(303);
      expect(browserTarget(res.headers.location as string).origin, JSON.stringify(next)).toBe(PORTAL);
    }
  });

  it('choosing a required password with a crafted next lands on the portal', async () => {
    for (const next of ['/\t/evil.example', '/\\/evil.example', '//evil.example']) {
      const login = await buildLogin(app, { password: 'temporary river otter 55' });
      await app.deps.db
        .update(accounts)
        .set({ mustChangePassword: true })
        .where(eq(accounts.id, login.accountId));
      const b = browser(await app.server());
      await b.logIn(login.username, 'temporary river otter 55');
      const page = `/home/choose-password?next=${encodeURIComponent(next)}`;
      expect((await b.get(page)).body).not.toContain('evil.example');
      const res = await b.submit(page, '/home/choose-password', {
        newPassword: 'my own walnut ladder 63',
        next,
      });
      expect(res.statusCode).toBe(303);
      expect(browserTarget(res.headers.location as string).origin, JSON.stringify(next)).toBe(PORTAL);
    }
  });
});
