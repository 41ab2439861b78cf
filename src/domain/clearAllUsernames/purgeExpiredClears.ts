import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';

/**
 * Housekeeping: forgets every Clear All Usernames whose restore window has ended. Its cleared_logins rows
 * go with it (ON DELETE CASCADE), so old password hashes do not linger. Returns how many clears went.
 */
export async function purgeExpiredClears(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const rows = await queryRows(
    deps.db,
    sql`delete from login_clears where restorable_until <= ${deps.clock.now()} returning id`,
    { id: 'number' },
  );
  return rows.length;
}
