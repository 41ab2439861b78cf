import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { nextTurn } from '../members/rosterText.ts';

/**
 * Inside a Clear All Usernames' or a Restore's transaction: members.has_login is left as it is (the
 * statement-level upkeep of migration 0022 stands aside, migration 0023) and brought up to date after
 * the commit by `updateMemberLists`. At a million members that update was most of a clear — every one of
 * members' indexes takes a new entry per member — and the clear holds its tables exclusively, so every
 * page waited for it (decision 0031).
 */
export async function hasLoginLater(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select set_config('gatehouse.has_login_later', 'on', true)`);
}

// Members per batch: each batch is a transaction of its own, short enough that a sign-in or a list
// waiting on one of its rows waits a fraction of a second — and, on the embedded database, that the
// server's one thread is not held for long.
const BATCH = { elsewhere: 5_000, embedded: 1_000 };

const STEP = { members: 'number', last: 'number' } as const;

/**
 * Brings has_login up to date for the members of a finished clear or restore (request `requestId`, whose
 * `done` is set), in batches walked by member id, each in its own transaction that also moves the
 * request's cursor: a worker that stops part-way leaves a cursor the next one continues from, and two
 * workers take turns on the request's row. Each member's has_login is set to whether they have a login
 * now, so a member who made a new login meanwhile keeps it. The request is finished with the last batch.
 * A worker that is `stopping` leaves after the batch in hand; the next one continues.
 */
export async function updateMemberLists(
  deps: Pick<Deps, 'db' | 'clock'>,
  requestId: number,
  stopping?: AbortSignal,
): Promise<void> {
  const size = deps.db.statementsRunElsewhere ? BATCH.elsewhere : BATCH.embedded;
  // The clear or restore just added or removed up to a million rows of these two tables. Planned with
  // the statistics of before, each batch read all of a clear's copies to sort them, or hashed every login
  // to probe a few thousand (measured at 1M: 264 s of lists instead of 50).
  await deps.db.execute(sql`analyze cleared_logins, accounts`);
  while (!stopping?.aborted) {
    const more = await deps.db.transaction(async (tx) => {
      const [request] = await queryRows(
        tx,
        sql`select clear_id as "clearId", coalesce(members_cursor, 0) as cursor
            from login_clear_requests
            where id = ${requestId}::bigint and done is not null and finished_at is null
            for update`,
        { clearId: 'number', cursor: 'number' },
      );
      if (!request) return false;
      const [step] = await queryRows(
        tx,
        sql`with batch as (
              select member_id from cleared_logins
              where clear_id = ${request.clearId}::bigint and member_id > ${request.cursor}::bigint
              order by member_id limit ${size}
            ), now_has as (
              select b.member_id, exists (select 1 from accounts a where a.member_id = b.member_id) as has_login
              from batch b
            ), updated as (
              update members m set has_login = n.has_login, updated_at = greatest(m.updated_at, now())
              from now_has n where m.id = n.member_id and m.has_login <> n.has_login
            )
            select count(*) as members, coalesce(max(member_id), 0) as last from batch`,
        STEP,
      );
      const done = step!.members === 0;
      await tx.execute(sql`
        update login_clear_requests
        set members_cursor = ${done ? request.cursor : step!.last}::bigint,
            members_updated = coalesce(members_updated, 0) + ${step!.members}::int,
            finished_at = ${done ? deps.clock.now() : null}
        where id = ${requestId}::bigint`);
      return !done;
    });
    if (!more) return;
    // The embedded database answers without I/O: let waiting requests in between batches.
    await nextTurn();
  }
}

/**
 * Finishes the member lists that a stopped worker left part-way: requests whose logins have changed
 * (`done`) but which are not finished. Returns how many there were.
 */
export async function finishMemberLists(
  deps: Pick<Deps, 'db' | 'clock'>,
  stopping?: AbortSignal,
): Promise<number> {
  const requests = await queryRows(
    deps.db,
    sql`select id from login_clear_requests where done is not null and finished_at is null order by id`,
    { id: 'number' },
  );
  for (const { id } of requests) await updateMemberLists(deps, id, stopping);
  return requests.length;
}
