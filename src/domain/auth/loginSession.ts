import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import type { Deps } from '../deps.ts';
import { insertSession, type SessionClient, storedUserAgent } from './sessions.ts';
import { type Reservation, settlement } from './throttle.ts';

/**
 * The session a completed sign-in opens (after the password, or after the second step when the login
 * has one). One statement: login is the portal's hottest write. It also stamps Last Login, appends to the
 * member's login history and, given the password check's throttle `reservation`, settles it (clears and
 * refunds its counters) — one commit for all of it.
 */
export function openLoginSession(
  db: DbOrTx,
  deps: Pick<Deps, 'clock' | 'config'>,
  accountId: number,
  client: SessionClient,
  reservation?: Reservation,
): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteMs);
  return insertSession(
    db,
    { accountId, now, expiresAt, client },
    sql.join(
      [
        ...(reservation ? settlement(reservation) : []),
        sql`touched as (update accounts set last_login_at = ${now} where id = ${accountId})`,
        sql`history as (insert into login_history (account_id, at, ip, user_agent)
                        values (${accountId}, ${now}, ${client.ip}, ${storedUserAgent(client.userAgent)}))`,
      ],
      sql`, `,
    ),
  );
}
