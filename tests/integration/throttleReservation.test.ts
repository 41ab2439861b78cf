import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loginThrottle } from '../../src/db/schema.ts';
import { reserveAttempt, type ThrottleRule } from '../../src/domain/auth/throttle.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const MINUTE = 60_000;

const rule = (key: string, limit: number): ThrottleRule => ({
  key,
  limit,
  windowMs: 10 * MINUTE,
  onSuccess: 'refund',
});

async function counts(...keys: string[]) {
  const rows = await app.deps.db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  return Object.fromEntries(rows.map((r) => [r.key, r.failures]));
}

describe('reserving an attempt against several throttle rules (one statement)', () => {
  it('counts against every rule, and a refused attempt counts against none', async () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const rules = [rule('test-tight:a', 1), rule('test-loose:a', 5)];
    expect((await reserveAttempt(app.deps.db, rules, now)).waitMs).toBe(0);
    expect(await counts('test-tight:a', 'test-loose:a')).toEqual({ 'test-tight:a': 1, 'test-loose:a': 1 });

    const refused = await reserveAttempt(app.deps.db, rules, new Date(now.getTime() + MINUTE));
    expect(refused.reserved).toBeNull();
    // Nine minutes of the tight rule's window remain.
    expect(refused.waitMs).toBe(9 * MINUTE);
    expect(await counts('test-tight:a', 'test-loose:a')).toEqual({ 'test-tight:a': 1, 'test-loose:a': 1 });
  });

  it('starts a closed window again at 1 and reports the window the count landed in', async () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const rules = [rule('test-window:b', 1)];
    await reserveAttempt(app.deps.db, rules, now);
    const later = new Date(now.getTime() + 11 * MINUTE);
    const again = await reserveAttempt(app.deps.db, rules, later);
    expect(again.waitMs).toBe(0);
    expect(again.reserved?.windows.get('test-window:b')).toEqual(later);
    expect(await counts('test-window:b')).toEqual({ 'test-window:b': 1 });
  });

  it('admits exactly the limit of parallel attempts on a new key', async () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const rules = [rule('test-burst:c', 3), rule('test-burst-ip:c', 100)];
    const results = await Promise.all(
      Array.from({ length: 12 }, () => reserveAttempt(app.deps.db, rules, now)),
    );
    expect(results.filter((r) => r.reserved).length).toBe(3);
  });
});
