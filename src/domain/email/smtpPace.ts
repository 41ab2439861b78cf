import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';

/**
 * SMTP_RATE_LIMIT for the whole portal (decision 0017). Mail providers count messages per account, not
 * per connection or per process, so the pace lives in the database: one row (`smtp_pace`) holds the
 * moment the next message may start, and every sender, in any worker process, takes its slot from it.
 */

/**
 * Takes the slot if it is free now: the row then says "the next message may start one interval (1/rate)
 * from this moment". Otherwise takes nothing and says how many milliseconds until the slot frees up.
 * One atomic statement (the upsert locks the row, so of concurrent takers in any process exactly one
 * wins each slot); it also re-makes the row if it is missing.
 *
 * A slot is taken at the moment of sending, not booked ahead: a sender that wakes late (a busy event
 * loop, a slow database round trip) then pushes the next one back, instead of the next sender's booked
 * slot already having passed and two messages leaving back to back.
 *
 * The database's clock decides, because it is the one clock every process shares; `clock_timestamp()`
 * rather than `now()`, which is the start of the statement's transaction and lags behind by however long
 * the statement waited for the row. The wait is a difference of two readings of that same clock, so a
 * process's own clock (or a test's fixed clock) never enters into it.
 */
export async function tryTakeSmtpSlot(
  db: DbOrTx,
  messagesPerSecond: number,
): Promise<{ taken: boolean; waitMs: number }> {
  const step = sql`(${1000 / messagesPerSecond}::double precision * interval '1 millisecond')`;
  // The outer select reads the row as it was before this statement: when the slot was not free, that
  // is the moment it frees up (or, if another taker changed it meanwhile, earlier: the caller just asks again).
  const [row] = await queryRows(
    db,
    sql`
      with taken as (
        insert into smtp_pace as pace (id, next_slot_at) values (1, clock_timestamp() + ${step})
        on conflict (id) do update set next_slot_at = clock_timestamp() + ${step}
          where pace.next_slot_at <= clock_timestamp()
        returning 1)
      select exists (select 1 from taken) as taken,
             extract(epoch from ((select next_slot_at from smtp_pace where id = 1) - clock_timestamp())) * 1000
               as wait_ms`,
    { taken: 'boolean', wait_ms: 'number?' },
  );
  return { taken: row!.taken, waitMs: Math.max(0, row!.wait_ms ?? 0) };
}

/**
 * Waits until this sender holds a slot: true then, and the message should go at once. Returns false,
 * without waiting any longer, once `stopping` is aborted (SIGTERM): the caller then hands nothing more
 * over. A slot taken but not used is simply lost, which only ever makes the portal slower, never faster.
 */
export async function waitForSmtpSlot(
  db: DbOrTx,
  messagesPerSecond: number,
  stopping?: AbortSignal,
): Promise<boolean> {
  while (!stopping?.aborted) {
    const { taken, waitMs } = await tryTakeSmtpSlot(db, messagesPerSecond);
    if (taken) return true;
    try {
      // At least a millisecond: the slot is the database's, and its clock may be a hair behind ours.
      await sleep(Math.max(1, waitMs), undefined, { signal: stopping });
    } catch (err) {
      if (!stopping?.aborted) throw err;
    }
  }
  return false;
}
