import { describe, expect, it } from 'vitest';
import { LONGEST_WINDOW_MS } from './throttle.ts';
import { THROTTLE_RULES, throttleKeyPrefix, throttleRule } from './throttleRules.ts';

describe('the throttle rule table', () => {
  it('keeps every window within what housekeeping keeps counters for', () => {
    for (const [name, rule] of Object.entries(THROTTLE_RULES)) {
      expect(rule.windowMs, name).toBeGreaterThan(0);
      expect(rule.windowMs, name).toBeLessThanOrEqual(LONGEST_WINDOW_MS);
      expect(rule.limit, name).toBeGreaterThanOrEqual(1);
    }
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
