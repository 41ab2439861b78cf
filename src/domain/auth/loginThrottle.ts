import type { ThrottleRule } from './throttle.ts';

const WINDOW_MS = 15 * 60_000;

/**
 * Failed logins allowed per 15 minutes: a person mistyping versus a script guessing. Unknown usernames
 * are counted exactly like known ones, so the throttle itself reveals nothing about which accounts exist.
 */
export const loginRules = (usernameLower: string, ip: string | null): ThrottleRule[] => [
  { key: `user:${usernameLower}`, limit: 5, windowMs: WINDOW_MS },
  { key: `ip:${ip ?? 'unknown'}`, limit: 30, windowMs: WINDOW_MS },
];
