import { describe, expect, it } from 'vitest';
import { loginThrottle } from '../../src/db/schema.ts';
import { logIn } from '../../src/domain/auth/logIn.ts';
import { loginRules } from '../../src/domain/auth/loginThrottle.ts';
import { buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();

/** The login's counters as { rule: failures } (rows gone are absent). */
async function countersOf(username: string, ip: string) {
  const keys = new Map(loginRules(username, ip).map((r) => [r.key, r.key.split(':', 1)[0]!]));
  const rows = await app.deps.db.select().from(loginThrottle);
  return Object.fromEntries(rows.filter((r) => keys.has(r.key)).map((r) => [keys.get(r.key)!, r.failures]));
}

describe('a successful login settles its throttle counters with the session it opens', () => {
  it('clears the pair, refunds only the right attempt to the login and the address', async () => {
    const member = await buildLogin(app);
    const client = { ip: '192.0.2.7', userAgent: 'test' };
    for (const password of ['wrong one here', 'wrong two here']) {
      await expect(logIn(app.deps, { username: member.username, password, ...client })).rejects.toThrow();
    }
    expect(await countersOf(member.username, client.ip)).toEqual({
      'login-pair': 2,
      login: 2,
      'login-ip': 2,
    });
    await logIn(app.deps, { username: member.username, password: member.password, ...client });
    expect(await countersOf(member.username, client.ip)).toEqual({ login: 2, 'login-ip': 2 });
  });

  it('lets the same login, sent several times at once from one address, through every time', async () => {
    // A double-clicked Log in: each success locks several counters in one statement while the next
    // attempt reserves the same ones; both take them in key order, so neither waits on the other forever.
    const member = await buildLogin(app);
    const client = { ip: '192.0.2.8', userAgent: 'test' };
    const attempts = Array.from({ length: 4 }, () =>
      logIn(app.deps, { username: member.username, password: member.password, ...client }),
    );
    const results = await Promise.all(attempts);
    expect(new Set(results.map((r) => r.token)).size).toBe(4);
    expect(await countersOf(member.username, client.ip)).toEqual({ login: 0, 'login-ip': 0 });
  });
});
