import { describe, expect, it } from 'vitest';
import { issuePasswordResets } from '../../src/domain/accounts/passwordResets.ts';
import { buildLogin, csrfFrom, mergeCookies } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

// Item 15 of issue 9: on PostgreSQL, two reset links of one login submitted at once deadlocked (11 of 50
// requests answered 500). One submission wins; every other one is told the link has been used.
describe('two reset links of one login used at the same moment', () => {
  it('let exactly one through and answer the rest 410, never 500', async () => {
    const login = await buildLogin(app);
    const links = await issuePasswordResets(app.deps.db, [login.accountId, login.accountId], app.clock.now());
    const server = await app.server();
    // Each request a browser of its own (its own address, cookie and CSRF token), fetched beforehand so
    // that the 50 submissions reach the server together.
    const prepared = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const url = `/reset-password/${links[i % 2]!.token}`;
        const remoteAddress = `198.51.100.${i + 1}`;
        const page = await server.inject({ method: 'GET', url, remoteAddress });
        return { url, remoteAddress, cookie: mergeCookies('', page), csrf: csrfFrom(page.body) };
      }),
    );
    const answers = await Promise.all(
      prepared.map((p, i) =>
        server.inject({
          method: 'POST',
          url: p.url,
          remoteAddress: p.remoteAddress,
          headers: { cookie: p.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            _csrf: p.csrf,
            newPassword: `quiet lantern harbour ${i}`,
          }).toString(),
        }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(49);
    const refused = answers.find((a) => a.statusCode === 410)!;
    readPage(refused.body).getByRole('heading', { level: 1, name: 'This link has already been used' });
  });
});
