import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

/**
 * "N members have no login yet" for the Invitation Codes header: exact and current on every view, read
 * from member_figures (a few dozen rows kept by migration 0021's triggers on members) instead of counting
 * 700k rows of a 1M roster (~300 ms).
 */
export async function countPendingMembers(deps: Pick<Deps, 'db'>, actor: Actor): Promise<number> {
  requirePermission(actor, 'invitations.send');
  const [row] = await queryRows(
    deps.db,
    sql`select coalesce(sum(members), 0) as n from member_figures where not has_login`,
    { n: 'number' },
  );
  return row?.n ?? 0;
}
