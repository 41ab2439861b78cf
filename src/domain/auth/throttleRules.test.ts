import { afterEach, describe, expect, it, vi } from 'vitest';
import { LONGEST_WINDOW_MS } from './throttle.ts';
import { checkThrottleRules, THROTTLE_RULES, throttleKeyPrefix, throttleRule } from './throttleRules.ts';

describe('the throttle rule table', () => {
  it('keeps every window within what housekeeping keeps counters for', () => {
    for (const [name, rule] of Object.entries(THROTTLE_RULES)) {
      expect(rule.windowMs, name).toBeGreaterThan(0);
      expect(rule.windowMs, name).toBeLessThanOrEqual(LONGEST_WINDOW_MS);
      expect(rule.limit, name).toBeGreaterThanOrEqual(1);
    }
    expect(() => checkThrottleRules()).not.toThrow();
  });

  it('refuses a table with a window housekeeping would cut short, naming the rule', () => {
    const rules = {
      ...THROTTLE_RULES,
      'forgot-login': { limit: 3, windowMs: 2 * LONGEST_WINDOW_MS },
      'code-id': { limit: 0, windowMs: 0 },
    };
    expect(() => checkThrottleRules(rules)).toThrow(
      'The throttle rule table (src/domain/auth/throttleRules.ts) is wrong: "code-id" has limit 0 (at least 1); ' +
        '"code-id" has window 0 ms (more than 0); "forgot-login" has a 120-minute window, longer than the 60 ' +
        'minutes housekeeping keeps throttle counters (LONGEST_WINDOW_MS in throttle.ts).',
    );
    // Exactly the housekeeping window still fits.
    expect(() => checkThrottleRules({ edge: { limit: 1, windowMs: LONGEST_WINDOW_MS } })).not.toThrow();
  });

  it('makes keys that typed values cannot forge', () => {
    // A typed name holding the separator must not reach into another login's counters.
    const forged = throttleRule('login-pair', 'bob|10.0.0.1', '10.0.0.2').key;
    expect(forged.startsWith(throttleKeyPrefix('login-pair', 'bob'))).toBe(false);
    expect(
      throttleRule('login-pair', 'bob', '10.0.0.1').key.startsWith(throttleKeyPrefix('login-pair', 'bob')),
    ).toBe(true);
    expect(throttleRule('login-ip', null).key).toBe('login-ip:unknown');
  });
});

describe('start-up with a misconfigured throttle table', () => {
  afterEach(() => {
    vi.doUnmock('./throttleRules.ts');
    vi.resetModules();
  });

  it('stops before opening the database, with the message', async () => {
    vi.resetModules();
    vi.doMock('./throttleRules.ts', async (importOriginal) => {
      const real = await importOriginal<typeof import('./throttleRules.ts')>();
      const broken = {
        ...real.THROTTLE_RULES,
        login: { ...real.THROTTLE_RULES.login, windowMs: 3 * 60 * 60_000 },
      };
      return { ...real, THROTTLE_RULES: broken, checkThrottleRules: () => real.checkThrottleRules(broken) };
    });
    const { createApp } = await import('../../app.ts');
    const { loadConfig } = await import('../../config.ts');
    // A database nobody listens for: going on to open it would fail differently (connection refused).
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' });
    await expect(createApp(config)).rejects.toThrow(
      '"login" has a 180-minute window, longer than the 60 minutes housekeeping keeps throttle counters',
    );
  });
});
