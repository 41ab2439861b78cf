import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import type { Deps } from '../deps.ts';
import { insertSession, type SessionClient, storedUserAgent } from './sessions.ts';

/**
 * The session a completed sign-in opens (after the password, or after the second step when the login
 * has one). One statement, atomic without a transaction's extra round trips: login is the portal's
 * hottest write. It also stamps Last Login and appends to the member's login history.
 */
export function openLoginSession(
  db: DbOrTx,
  deps: Pick<Deps, 'clock' | 'config'>,
  accountId: number,
  client: SessionClient,
): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteMs);
  return insertSession(
    db,
    { accountId, now, expiresAt, client },
    sql`touched as (update accounts set last_login_at = ${now} where id = ${accountId}),
        history as (insert into login_history (account_id, at, ip, user_agent)
                    values (${accountId}, ${now}, ${client.ip}, ${storedUserAgent(client.userAgent)}))`,
  );
}
