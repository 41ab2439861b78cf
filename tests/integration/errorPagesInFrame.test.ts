import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { can } from '../../src/domain/policy.ts';
import { paths } from '../../src/http/paths.ts';
import { browser, buildLogin, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

// A small form limit, so that a 413 needs only a few kilobytes.
const app = useTestApp({ FORM_LIMIT_KB: '4' });

async function signedIn(role: 'member' | 'admin' | 'security_admin') {
  const server = await app.server();
  const login = await buildLogin(app, { role });
  const b = browser(server);
  await b.logIn(login.username, login.password);
  return { server, b, login };
}

/** GET with the cookies of `b` and a Referer, as a browser following a link would send. */
const getFrom = (server: FastifyInstance, cookies: string, url: string, referer?: string) =>
  server.inject({ method: 'GET', url, headers: { cookie: cookies, ...(referer ? { referer } : {}) } });

describe('error pages inside the portal frame', () => {
  it('403 for a visitor (a form without its token): the plain frame, no account navigation, a way home', async () => {
    const server = await app.server();
    const res = await server.inject({
      method: 'POST',
      url: paths.login,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a&password=b',
    });
    expect(res.statusCode).toBe(403);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'This form has expired' });
    page.getByRole('link', { name: /Member Portal/ });
    expect(page.queryByRole('navigation', { name: 'Account' })).toBeNull();
    page.getByRole('main');
    expect(page.link("Go to the portal's home page")).toBe('/');
  });

  it('an unknown address for a visitor still asks them to log in first', async () => {
    const res = await (await app.server()).inject({ method: 'GET', url: '/no-such-page' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('404 for a member: the member layout with navigation, who is signed in and Log out', async () => {
    const { server, b, login } = await signedIn('member');
    const res = await getFrom(server, b.cookies, '/home/nothing-here', 'http://portal.test/home');
    expect(res.statusCode).toBe(404);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'Page not found' });
    const account = page.inside(page.getByRole('navigation', { name: 'Account' }));
    expect(account.text).toMatch(new RegExp(`Signed in as First\\d+ \\(${login.username}\\)`));
    expect(account.link('My profile')).toBe('/home');
    account.getByRole('button', { name: 'Log out' });
    // A member is not shown the admin breadcrumbs.
    expect(page.queryByRole('navigation', { name: 'Breadcrumb' })).toBeNull();
    expect(page.link('Back to the page you came from')).toBe('/home');
  });

  it('403 for a member on an admin page: member layout, back to the portal page they came from', async () => {
    const { server, b, login } = await signedIn('member');
    const res = await getFrom(server, b.cookies, paths.admin, 'http://portal.test/home?tab=1');
    expect(res.statusCode).toBe(403);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'You do not have access to this page' });
    expect(page.text).toContain('access level');
    expect(page.inside(page.getByRole('navigation', { name: 'Account' })).text).toContain(login.username);
    expect(page.link('Back to the page you came from')).toBe('/home?tab=1');
  });

  it('403 for an Administrator: the admin frame (breadcrumbs from Admin) and the account navigation', async () => {
    const { server, b, login } = await signedIn('admin');
    const refused = server.accessTable.find(
      (r) => r.method === 'GET' && r.url.startsWith('/admin') && !can('admin', r.access as never),
    );
    expect(refused, 'a GET admin page an Administrator may not open').toBeDefined();
    const url = refused!.url.replace(/:[A-Za-z]+/g, '1');
    const res = await getFrom(server, b.cookies, url, 'http://portal.test/admin');
    expect(res.statusCode).toBe(403);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'You do not have access to this page' });
    expect(page.inside(page.getByRole('navigation', { name: 'Breadcrumb' })).link('Admin')).toBe('/admin');
    expect(page.inside(page.getByRole('navigation', { name: 'Account' })).text).toContain(login.username);
    expect(page.link('Back to the page you came from')).toBe('/admin');
  });

  it('410 for an expired upload: the admin frame, and home when the Referer is another site', async () => {
    const { server, b } = await signedIn('admin');
    const res = await getFrom(
      server,
      b.cookies,
      paths.importUpload(randomUUID()),
      'https://evil.example/admin',
    );
    expect(res.statusCode).toBe(410);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'No longer available' });
    expect(page.text).toContain('This upload has expired or was already applied');
    page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(page.queryByRole('link', { name: 'Back to the page you came from' })).toBeNull();
    expect(page.link("Go to the portal's home page")).toBe('/');
  });

  it('the way back never points at the failing address itself', async () => {
    const { server, b } = await signedIn('member');
    const res = await getFrom(server, b.cookies, '/gone-away', 'http://portal.test/gone-away');
    const page = readPage(res.body);
    expect(page.queryByRole('link', { name: 'Back to the page you came from' })).toBeNull();
    expect(page.link("Go to the portal's home page")).toBe('/');
  });

  it('413 for a form that is too large: inside the frame, saying nothing was saved', async () => {
    const { server, b, login } = await signedIn('member');
    const form = await b.get('/home');
    const res = await server.inject({
      method: 'POST',
      url: '/logout',
      headers: {
        cookie: b.cookies,
        'content-type': 'application/x-www-form-urlencoded',
        referer: 'http://portal.test/home',
      },
      payload: new URLSearchParams({ _csrf: csrfFrom(form.body), filler: 'x'.repeat(8 * 1024) }).toString(),
    });
    expect(res.statusCode).toBe(413);
    const page = readPage(res.body);
    page.getByRole('heading', { level: 1, name: 'Too large to send' });
    expect(page.text).toContain('nothing was saved');
    expect(page.inside(page.getByRole('navigation', { name: 'Account' })).text).toContain(login.username);
    expect(page.link('Back to the page you came from')).toBe('/home');
  });
});
