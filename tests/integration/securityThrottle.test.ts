import { describe, expect, it } from 'vitest';
import { changeOwnPassword } from '../../src/domain/accounts/changeOwnPassword.ts';
import { logIn } from '../../src/domain/auth/logIn.ts';
import { clearAllUsernames } from '../../src/domain/clearAllUsernames/clearAllUsernames.ts';
import { isAppError } from '../../src/errors.ts';
import { browser, buildLogin, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';

// The in-memory flood limit on public forms is raised: these tests are about the database throttles.
const app = useTestApp({ PUBLIC_POSTS_PER_MINUTE: '1000' });

/** What one attempt came to: the secret was checked (`checked`), or the throttle refused it first. */
async function outcome(attempt: Promise<unknown>): Promise<'ok' | 'checked' | 'throttled'> {
  try {
    await attempt;
    return 'ok';
  } catch (e) {
    if (isAppError(e) && e.code === 'rate_limited') return 'throttled';
    if (isAppError(e)) return 'checked';
    throw e;
  }
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

const attempt = (username: string, password: string, ip = '203.0.113.7') =>
  outcome(logIn(app.deps, { username, password, ip, userAgent: 'test' }));

describe('a burst of parallel guesses', () => {
  it('evaluates at most the limit, and the right password in or after the burst does not sign in', async () => {
    const member = await buildLogin(app);
    const burst = Array.from({ length: 60 }, (_, i) => (i === 30 ? member.password : `wrong guess ${i}`));
    const outcomes = await Promise.all(burst.map((password) => attempt(member.username, password)));
    const counts = tally(outcomes);
    expect(counts.ok ?? 0).toBe(0);
    expect((counts.checked ?? 0) + (counts.ok ?? 0)).toBeLessThanOrEqual(5);
    expect(outcomes[30]).toBe('throttled');
    expect(await attempt(member.username, member.password)).toBe('throttled');
  });

  it('holds over HTTP too: at most five 401s, the rest 429', async () => {
    const member = await buildLogin(app);
    const server = await app.server();
    const b = browser(server);
    const page = await b.get('/login');
    const cookie = b.cookies;
    const post = (password: string) =>
      server.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: '198.51.100.4',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(page.body),
          username: member.username,
          password,
        }).toString(),
      });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(`wrong ${i}`)));
    const statuses = tally(answers.map((r) => String(r.statusCode)));
    expect(statuses['401'] ?? 0).toBeLessThanOrEqual(5);
    expect((statuses['401'] ?? 0) + (statuses['429'] ?? 0)).toBe(60);
    const right = await post(member.password);
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain('Forgot password?');
  });
});

describe('lockout as a weapon', () => {
  it('a burst from one address does not stop the owner at another, and that address gets its limit only', async () => {
    const member = await buildLogin(app);
    const fromA = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(member.username, `guess ${i}`, '192.0.2.1')),
    );
    expect(tally(fromA).checked).toBeLessThanOrEqual(5);
    expect(await attempt(member.username, member.password, '192.0.2.1')).toBe('throttled');
    expect(await attempt(member.username, member.password, '192.0.2.99')).toBe('ok');
    // Over HTTP: the owner's browser (another address) signs in while address A is refused.
    const owner = browser(await app.server());
    expect((await owner.logIn(member.username, member.password)).statusCode).toBe(303);
  });

  it('bounds a login’s guesses from many addresses, and then refuses it everywhere', async () => {
    const member = await buildLogin(app);
    const addresses = Array.from({ length: 15 }, (_, i) => `10.0.${i}.1`);
    const outcomes = await Promise.all(
      addresses.flatMap((ip) =>
        Array.from({ length: 6 }, (_, i) => attempt(member.username, `spray ${ip} ${i}`, ip)),
      ),
    );
    const checked = tally(outcomes).checked ?? 0;
    expect(checked).toBeLessThanOrEqual(50);
    expect(checked).toBeGreaterThanOrEqual(40);
    expect(await attempt(member.username, member.password, '10.9.9.9')).toBe('throttled');
    app.clock.advance(61 * 60_000);
    expect(await attempt(member.username, member.password, '10.9.9.9')).toBe('ok');
  });

  it('counts an unknown username exactly like a known one', async () => {
    const ghost = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt('ghost-user', `guess ${i}`, '192.0.2.5')),
    );
    expect(tally(ghost)).toEqual({ checked: 5, throttled: 15 });
  });
});

describe('re-entering one’s own password', () => {
  it('is throttled on Change password, counted before the check, even in parallel', async () => {
    const member = await buildLogin(app);
    const session = { tokenHash: 'none' };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        outcome(
          changeOwnPassword(app.deps, member.actor, session, {
            currentPassword: `wrong ${i}`,
            newPassword: 'orchard lantern pebble 73',
          }),
        ),
      ),
    );
    expect(tally(outcomes).checked).toBeLessThanOrEqual(5);
    const right = changeOwnPassword(app.deps, member.actor, session, {
      currentPassword: member.password,
      newPassword: 'orchard lantern pebble 73',
    });
    expect(await outcome(right)).toBe('throttled');
  });

  it('is throttled on Clear All Usernames by the same rule, even in parallel', async () => {
    const me = await buildLogin(app, { role: 'security_admin' });
    await buildLogin(app);
    const clear = (password: string) =>
      outcome(
        clearAllUsernames(app.deps, me.actor, {
          includeAdmins: false,
          confirmation: 'clear 1 login',
          password,
        }),
      );
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => clear(`wrong ${i}`)));
    expect(tally(outcomes).checked).toBeLessThanOrEqual(5);
    expect(await clear(me.password)).toBe('throttled');
    // One rule for every re-check of the signed-in person's password: Change password waits too.
    const change = changeOwnPassword(
      app.deps,
      me.actor,
      { tokenHash: 'none' },
      {
        currentPassword: me.password,
        newPassword: 'orchard lantern pebble 73',
      },
    );
    expect(await outcome(change)).toBe('throttled');
  });
});
