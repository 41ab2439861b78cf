import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';

const INTERRUPTED =
  'The worker stopped while this event was being sent, so it may or may not have arrived. It was not ' +
  'sent again by itself, so that the receiver never gets it twice; Retry sends it once more.';

/**
 * Settles the deliveries of a worker that died mid-POST (their lease ran out): `interrupted`, never
 * resent automatically — at most once per event and endpoint, as with email's `sending`. With the
 * embedded database only one process can be sending, so at its start `everything` found is abandoned.
 * Returns how many were interrupted.
 */
export async function interruptAbandonedWebhooks(
  deps: Deps,
  opts: { everything?: boolean } = {},
): Promise<number> {
  const now = deps.clock.now();
  const abandoned = opts.everything === true ? sql`true` : sql`next_attempt_at < ${now}`;
  const [row] = await queryRows(
    deps.db,
    sql`
      with interrupted as (
        update webhook_deliveries set state = 'interrupted', next_attempt_at = null, updated_at = ${now},
          last_error = ${INTERRUPTED}
        where state = 'sending' and ${abandoned}
        returning id)
      select count(*) as n from interrupted`,
    { n: 'number' },
  );
  return row!.n;
}
