import { describe, expect, it } from 'vitest';
import { csrfFrom, mergeCookies } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp({ PUBLIC_POSTS_PER_MINUTE: '5' });

/** One public form POSTed from `address`, with a token from the page as that client got it. */
async function post(url: string, fields: Record<string, string>, address: string) {
  const server = await app.server();
  const page = await server.inject({ url: '/login', remoteAddress: address });
  return server.inject({
    method: 'POST',
    url,
    remoteAddress: address,
    headers: { cookie: mergeCookies('', page), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
  });
}

describe('flood limit on public forms', () => {
  it('answers the sixth public POST a minute from one address with 429, Retry-After and a page', async () => {
    const forms: [string, Record<string, string>][] = [
      ['/login', { username: 'a', password: 'b' }],
      ['/forgot-password', { identifier: 'someone' }],
      ['/forgot-username', { email: 'someone@example.org' }],
      ['/invite/code', { email: 'someone@example.org', code: 'ABCD2345' }],
      ['/login', { username: 'a', password: 'b' }],
    ];
    // The five allowed are spread over several public forms: the limit is per address, not per form.
    for (const [url, fields] of forms) {
      expect((await post(url, fields, '203.0.113.7')).statusCode, url).not.toBe(429);
    }
    const refused = await post('/setup', { token: 'x' }, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-type']).toContain('text/html');
    expect(readPage(refused.body).text).toContain('Too many forms were sent from your network address');

    // Another address is not affected, and pages (GET) from the limited one still load.
    expect((await post('/login', { username: 'a', password: 'b' }, '203.0.113.8')).statusCode).toBe(401);
    const server = await app.server();
    expect((await server.inject({ url: '/login', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });
});
