import { describe, expect, it } from 'vitest';
import { roles } from '../../src/db/schema.ts';
import { can } from '../../src/domain/policy.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

/** A concrete URL for a route pattern (`:id` → 1). */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, '1');

describe('access levels on admin routes', () => {
  it('every admin route is guarded by a permission, not just by being signed in', async () => {
    const server = await app.server();
    const adminRoutes = server.accessTable.filter((r) => r.url.startsWith('/admin'));
    expect(adminRoutes.length).toBeGreaterThan(4);
    for (const r of adminRoutes) expect(['public', 'signedIn']).not.toContain(r.access);
  });

  it('answers each role exactly as the policy says on every admin page', async () => {
    const server = await app.server();
    const pages = server.accessTable.filter((r) => r.url.startsWith('/admin') && r.method === 'GET');
    for (const role of roles) {
      const login = await buildLogin(app, { role });
      const b = browser(server);
      await b.logIn(login.username, login.password);
      for (const page of pages) {
        const res = await b.get(concrete(page.url));
        const allowed =
          page.access === 'public' ||
          page.access === 'signedIn' ||
          (page.access !== 'api' && can(role, page.access));
        if (allowed) expect(res.statusCode, `${role} ${page.url}`).not.toBe(403);
        else {
          expect(res.statusCode, `${role} ${page.url}`).toBe(403);
          expect(readPage(res.body).text, `${role} ${page.url}`).toContain('access level');
        }
      }
    }
  });

  it('a Member gets 403 on every admin route, GET and POST', async () => {
    const server = await app.server();
    const member = await buildLogin(app, { role: 'member' });
    const b = browser(server);
    await b.logIn(member.username, member.password);
    for (const route of server.accessTable.filter((r) => r.url.startsWith('/admin'))) {
      const res =
        route.method === 'GET'
          ? await b.get(concrete(route.url))
          : await b.submit('/home', concrete(route.url), {});
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });

  it('sends visitors who are not signed in to the login page, and back afterwards', async () => {
    const login = await buildLogin(app, { role: 'admin' });
    const b = browser(await app.server());
    const res = await b.get('/admin/members');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fmembers');
    // The login form carries the page to go back to, as a hidden field it sends with the username.
    const page = readPage((await b.get(res.headers.location as string)).body);
    const form = page.getByRole('button', { name: 'Log in' }).closest('form')!;
    expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual(['post', '/login']);
    const next = form.querySelector<HTMLInputElement>('input[type=hidden][name=next]');
    expect(next?.value).toBe('/admin/members');
    const done = await b.submit('/login?next=%2Fadmin%2Fmembers', '/login', {
      username: login.username,
      password: login.password,
      next: '/admin/members',
    });
    expect(done.headers.location).toBe('/admin/members');
  });

  it('never redirects to another site after login', async () => {
    const login = await buildLogin(app);
    const b = browser(await app.server());
    const done = await b.submit('/login', '/login', {
      username: login.username,
      password: login.password,
      next: '//evil.example/',
    });
    expect(done.headers.location).toBe('/');
  });
});

describe('public routes', () => {
  it('the health probes are public and answer without a login', async () => {
    const server = await app.server();
    for (const url of ['/healthz', '/readyz']) {
      expect(server.accessTable).toContainEqual({ method: 'GET', url, access: 'public' });
      const res = await browser(server).get(url);
      expect(res.statusCode, url).toBe(200);
    }
  });
});
