import { sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../../db/connect.ts';
import type { Actor } from '../policy.ts';

const HOUR_MS = 60 * 60_000;

/** Who the audit log names for a request made by someone who is not signed in. */
export const selfServiceActor = (ip: string | null): Actor => ({
  accountId: null,
  label: 'member (self-service)',
  role: 'member',
  ip,
});

/**
 * Limits for "Forgot password?" and "Forgot username?": per address (a script trying many names), per
 * typed name or address (someone flooding one mailbox), and per login (however it was named). Windows
 * stay within the hour that housekeeping keeps throttle rows for.
 */
export const selfServiceRules = {
  ip: (page: string, ip: string | null) => ({
    key: `${page}-ip:${ip ?? 'unknown'}`,
    limit: 20,
    windowMs: HOUR_MS,
  }),
  target: (page: string, typed: string) => ({ key: `${page}-target:${typed}`, limit: 5, windowMs: HOUR_MS }),
  login: (page: string, accountId: number) => ({
    key: `${page}-login:${accountId}`,
    limit: 3,
    windowMs: HOUR_MS,
  }),
};

export type LoginOnRoster = { accountId: number; memberId: number; email: string };

/**
 * Logins matching what someone typed: by username (any case) or, for an address, every login whose member
 * has that roster address — several members may share one. Mail only ever goes to the roster address.
 */
export async function loginsMatching(
  db: DbOrTx,
  typedLower: string,
  opts: { byUsername: boolean },
): Promise<LoginOnRoster[]> {
  return queryRows<LoginOnRoster>(
    db,
    sql`
      select a.id::int as "accountId", m.id::int as "memberId", m.email
      from accounts a join members m on m.id = a.member_id
      where m.email_lower = ${typedLower}
      ${
        opts.byUsername
          ? sql`union select a.id::int, m.id::int, m.email
      from accounts a join members m on m.id = a.member_id
      where a.username_lower = ${typedLower}`
          : sql``
      }
      order by 1`,
  );
}
