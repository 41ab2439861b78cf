import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages, loginThrottle } from '../../src/db/schema.ts';
import { requestPasswordReset } from '../../src/domain/accounts/requestPasswordReset.ts';
import { requestUsernameReminder } from '../../src/domain/accounts/requestUsernameReminder.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { runQueuedSelfServiceJobs } from '../selfServiceJobs.ts';

const app = useTestApp({ PUBLIC_POSTS_PER_MINUTE: '1000' });

/** What the request path wrote: throttle counters (their keys without the typed value) and rows. */
async function written() {
  const throttles = await app.deps.db.select().from(loginThrottle);
  return {
    counters: throttles.map((t) => t.key.split(':')[0]).sort(),
    messages: (await app.deps.db.select().from(emailMessages)).length,
    audit: (await app.deps.db.select().from(auditEvents)).length,
  };
}

describe('Forgot password / Forgot username on the request path', () => {
  it('does the same work for a known and an unknown name: counts, and hands over to the worker', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    const known = await b.submit('/forgot-password', '/forgot-password', { identifier: member.username });
    const afterKnown = await written();
    await app.deps.db.delete(loginThrottle);
    const unknown = await b.submit('/forgot-password', '/forgot-password', { identifier: 'nobody-here' });
    expect(unknown.body).toBe(known.body);
    // Nothing is looked up or queued inline: no email row, no audit event, the same counters for both.
    expect(afterKnown).toEqual({ counters: ['forgot-ip', 'forgot-target'], messages: 0, audit: 0 });
    expect(await written()).toEqual(afterKnown);
    expect(await runQueuedSelfServiceJobs(app)).toBe(2);
    const after = await written();
    expect(after.messages).toBe(1);
    expect(after.audit).toBe(1);
  });

  it('bounds a burst of parallel requests for one login: five jobs, three emails', async () => {
    const member = await buildLogin(app);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        requestPasswordReset(app.deps, { identifier: member.username }, `10.1.0.${i}`),
      ),
    );
    expect(await runQueuedSelfServiceJobs(app)).toBe(5);
    expect((await written()).messages).toBe(3);
    // The per-login limit holds however the login is named: by its roster address, no more reset links.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        requestPasswordReset(app.deps, { identifier: `${member.username}@example.org` }, `10.2.0.${i}`),
      ),
    );
    expect(await runQueuedSelfServiceJobs(app)).toBe(5);
    expect((await written()).messages).toBe(3);
    // Forgot username has limits of its own.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        requestUsernameReminder(app.deps, { email: `${member.username}@example.org` }, `10.3.0.${i}`),
      ),
    );
    await runQueuedSelfServiceJobs(app);
    expect((await written()).messages).toBe(6);
  });
});
