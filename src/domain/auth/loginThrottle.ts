import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { ThrottleRule } from './throttle.ts';
import { throttleKeyPrefix, throttleRule } from './throttleRules.ts';

/**
 * The login's rules (decision 0009): per (login, address), per login from all addresses, per address.
 * Unknown usernames are counted exactly like known ones (the key is the typed name, lower-cased), so the
 * throttle itself reveals nothing about which accounts exist.
 */
export const loginRules = (usernameLower: string, ip: string | null): ThrottleRule[] => [
  throttleRule('login-pair', usernameLower, ip),
  throttleRule('login', usernameLower),
  throttleRule('login-ip', ip),
];

/** Matches every counter of one login: its total, and its count at each address. */
const loginKeys = (usernameLower: string) =>
  sql`(key = ${throttleRule('login', usernameLower).key}
       or left(key, ${throttleKeyPrefix('login-pair', usernameLower).length}) = ${throttleKeyPrefix('login-pair', usernameLower)})`;

export type LoginLock = {
  /** The login refuses every address until then (its total from all addresses is used up). */
  everywhereUntil: Date | null;
  /** Some addresses are refused until then (each used up its own guesses at this login). */
  addressesUntil: Date | null;
  addresses: number;
};

/** What the login throttle holds against one login now, with the arithmetic reserveAttempt applies. */
export async function loginLock(db: DbOrTx, usernameLower: string, now: Date): Promise<LoginLock> {
  const rows = await queryRows(
    db,
    sql`select key, failures, window_start as "windowStart" from login_throttle where ${loginKeys(usernameLower)}`,
    { key: 'text', failures: 'number', windowStart: 'date' },
  );
  const total = throttleRule('login', usernameLower);
  const pair = throttleRule('login-pair', usernameLower, null);
  const lock: LoginLock = { everywhereUntil: null, addressesUntil: null, addresses: 0 };
  for (const row of rows) {
    const rule = row.key === total.key ? total : pair;
    const until = new Date(row.windowStart.getTime() + rule.windowMs);
    if (row.failures < rule.limit || until <= now) continue;
    if (rule === total) lock.everywhereUntil = until;
    else {
      lock.addresses += 1;
      if (!lock.addressesUntil || until > lock.addressesUntil) lock.addressesUntil = until;
    }
  }
  return lock;
}

/**
 * Forgets every counter of one login (Unlock login, a password reset, a temporary password): the total
 * and every address's. Returns how many failed attempts the total held. The per-address rule stays: it
 * guards against a script guessing many usernames, which repairing one login should not switch off.
 */
export async function clearLoginCounters(db: DbOrTx, usernameLower: string): Promise<number> {
  const rows = await queryRows(
    db,
    sql`delete from login_throttle where ${loginKeys(usernameLower)} returning key, failures`,
    { key: 'text', failures: 'number' },
  );
  const totalKey = throttleRule('login', usernameLower).key;
  const pairs = rows.filter((r) => r.key !== totalKey).reduce((n, r) => n + r.failures, 0);
  return Math.max(rows.find((r) => r.key === totalKey)?.failures ?? 0, pairs);
}
