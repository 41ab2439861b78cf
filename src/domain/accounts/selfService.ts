import { sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../../db/connect.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { countAttempt, throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { type AccountEmailKind, queueAccountEmail } from '../email/queueAccountEmail.ts';
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

/**
 * Queues one email of `kind` to the roster address of each login matching what was typed, within the
 * throttles. Whatever matched, was throttled or was sent, the caller shows one answer, so the page reveals
 * nothing about which logins exist.
 */
export async function emailMatchingLogins(
  deps: Deps,
  ip: string | null,
  request: { page: string; typed: string; byUsername: boolean; kind: AccountEmailKind; action: string },
): Promise<void> {
  const { page, typed } = request;
  const now = deps.clock.now();
  const queued = await deps.db.transaction(async (tx) => {
    const rules = [selfServiceRules.ip(page, ip), selfServiceRules.target(page, typed)];
    if ((await throttledForMs(tx, rules, now)) > 0) return 0;
    await countAttempt(tx, rules, now);
    let count = 0;
    for (const login of await loginsMatching(tx, typed, { byUsername: request.byUsername })) {
      const perLogin = [selfServiceRules.login(page, login.accountId)];
      if ((await throttledForMs(tx, perLogin, now)) > 0) continue;
      await countAttempt(tx, perLogin, now);
      await queueAccountEmail(tx, now, {
        kind: request.kind,
        memberId: login.memberId,
        toAddress: login.email,
      });
      await recordAudit(tx, now, selfServiceActor(ip), request.action, { memberId: login.memberId });
      count += 1;
    }
    return count;
  });
  if (queued > 0) await deps.jobs.emailDue();
}
