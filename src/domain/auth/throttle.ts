import { lt, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { loginThrottle } from '../../db/schema.ts';

// Every throttle's counters live in the table `login_throttle` (schema/accounts.ts `loginThrottle`), one
// row per key, whatever the rule: logins, typed codes, fresh links, forgot requests… The name is older
// than the other rules; the key's prefix says which rule a row counts for (throttleRules.ts).

/**
 * At most `limit` counted attempts per `windowMs` for one key (a login, an address, a member…). What a
 * successful check does to the attempt it reserved: `clear` forgets the key (the person proved who they
 * are), `refund` gives the one attempt back (only failures should add up), `keep` leaves it counted (the
 * rule limits requests, not guesses).
 */
export type ThrottleRule = {
  key: string;
  limit: number;
  windowMs: number;
  onSuccess: 'clear' | 'refund' | 'keep';
};

/**
 * Housekeeping (the worker's hourly purge, purgeOldThrottleRows) keeps a counter this long after its window
 * started; every rule's window must fit, which start-up checks (throttleRules.ts checkThrottleRules).
 */
export const LONGEST_WINDOW_MS = 60 * 60_000;

/** An attempt counted against every rule, with the window each count landed in (for a refund). */
export type Reservation = { rules: ThrottleRule[]; windows: Map<string, Date> };

export type Reserved = { reserved: Reservation; waitMs: 0 } | { reserved: null; waitMs: number };

/** A rule's name: its key's prefix (`login-pair`, `forgot-ip`…), never the login or address after it. */
export const ruleName = (rule: Pick<ThrottleRule, 'key'>) => rule.key.split(':', 1)[0]!;

// Who is told of each refused attempt (the metrics of this process). A listener set rather than a
// dependency passed down: the throttle is called from a dozen use-cases that take only a database.
const refusalListeners = new Set<(rule: string) => void>();

/** Calls `listener` with the rule's name for every attempt a rule refuses; returns the unsubscribe. */
export function onThrottleRefusal(listener: (rule: string) => void): () => void {
  refusalListeners.add(listener);
  return () => refusalListeners.delete(listener);
}

/**
 * Counts one attempt against every rule *before* the secret is checked, all or none, in one statement
 * (one round trip, no transaction: login is the portal's hottest write). The statement reads the counters
 * first: when any rule is already at its limit within its window it counts nothing and the attempt is
 * refused. Otherwise it upserts every rule's row, and the counts it returns are those of the rows it
 * locked, so attempts racing for the last place are counted one after another and only `limit` of them
 * are admitted; one that loses that race stays counted (only ever against an attacker's burst). Rows are
 * taken in sorted key order (an INSERT takes its rows in order), so two callers sharing several keys
 * cannot deadlock. A refused attempt's caller must not check the secret.
 */
export async function reserveAttempt(db: DbOrTx, rules: ThrottleRule[], now: Date): Promise<Reserved> {
  const sorted = [...new Map(rules.map((r) => [r.key, r])).values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  if (sorted.length === 0) return { reserved: { rules, windows: new Map() }, waitMs: 0 };
  // Each rule's limit and the start of its window: a count in a window that has closed starts again at 1.
  const ruleRows = sql.join(
    sorted.map((r) => sql`(${r.key}, ${r.limit}::int, ${new Date(now.getTime() - r.windowMs)}::timestamptz)`),
    sql`, `,
  );
  const rows = await queryRows(
    db,
    sql`with rule (key, lim, window_open) as (values ${ruleRows}),
       refused as (
         select exists (select 1 from login_throttle t join rule using (key)
                        where t.window_start > rule.window_open and t.failures >= rule.lim) as refused),
       counted as (
         insert into login_throttle as t (key, failures, window_start)
         select key, 1, ${now}::timestamptz from rule where not (select refused from refused) order by key
         on conflict (key) do update set
           failures = case when t.window_start <= (select window_open from rule where rule.key = t.key)
                           then 1 else t.failures + 1 end,
           window_start = case when t.window_start <= (select window_open from rule where rule.key = t.key)
                               then ${now}::timestamptz else t.window_start end
         returning t.key, t.failures, t.window_start)
     select key, failures, window_start as "windowStart", true as counted from counted
     union all
     select key, failures, window_start, false from login_throttle
     where (select refused from refused) and key in (select key from rule)`,
    { key: 'text', failures: 'number', windowStart: 'date', counted: 'boolean' },
  );
  // A counted row is over when this attempt took it past the limit; when nothing was counted, the rows
  // already at their limit in an open window are.
  let waitMs = 0;
  const over: ThrottleRule[] = [];
  for (const row of rows) {
    const rule = sorted.find((r) => r.key === row.key)!;
    const windowEnd = row.windowStart.getTime() + rule.windowMs;
    const isOver = row.counted
      ? row.failures > rule.limit
      : row.failures >= rule.limit && windowEnd > now.getTime();
    if (isOver) {
      waitMs = Math.max(waitMs, windowEnd - now.getTime(), 1);
      over.push(rule);
    }
  }
  if (waitMs === 0) {
    return {
      reserved: { rules, windows: new Map(rows.map((row) => [row.key, row.windowStart])) },
      waitMs: 0,
    };
  }
  for (const rule of over) for (const listener of refusalListeners) listener(ruleName(rule));
  return { reserved: null, waitMs };
}

/**
 * A success's settlement (see ThrottleRule) as common table expressions, to run in the caller's own
 * statement: a login clears and refunds in the statement that opens its session, one commit for both.
 * The counters it changes are locked first, all of them in sorted key order (reserveAttempt's order),
 * because the one statement then holds several rows at once and must not deadlock with a reservation:
 * each change waits on the count of the locked rows, so whichever runs first takes every lock in order.
 */
export function settlement(reservation: Reservation): SQL[] {
  const settled = reservation.rules
    .filter((rule) => rule.onSuccess !== 'keep')
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (settled.length === 0) return [];
  const keys = sql.join(
    settled.map((r) => sql`${r.key}`),
    sql`, `,
  );
  const locked = sql`(select count(*) from settle_locks) >= 0`;
  return [
    sql`settle_locks as (select key from login_throttle where key in (${keys}) order by key for update)`,
    ...settled.map((rule, i) => {
      const name = sql.raw(`settled_${i}`);
      if (rule.onSuccess === 'clear')
        return sql`${name} as (delete from login_throttle where key = ${rule.key} and ${locked})`;
      // A refund only within the window the attempt was counted in: a new window owes nothing back.
      return sql`${name} as (update login_throttle set failures = greatest(failures - 1, 0)
        where key = ${rule.key} and window_start = ${reservation.windows.get(rule.key)!}::timestamptz
          and ${locked})`;
    }),
  ];
}

/** After a successful check: clears or refunds what the rules say (see ThrottleRule), in one statement. */
export async function settleSuccess(db: DbOrTx, reservation: Reservation): Promise<void> {
  const ctes = settlement(reservation);
  if (ctes.length) await db.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
}

export type ThrottledCheck<T> = { throttled: true; waitMs: number } | { throttled: false; result: T };

/**
 * The one way a secret is checked: reserve an attempt, check only when admitted, settle a success.
 * `succeeded` tells a right secret from a wrong one in `check`'s result.
 */
export async function withThrottle<T>(
  db: Db,
  rules: ThrottleRule[],
  now: Date,
  check: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<ThrottledCheck<T>> {
  const { reserved, waitMs } = await reserveAttempt(db, rules, now);
  if (!reserved) return { throttled: true, waitMs };
  const result = await check();
  if (succeeded(result)) await settleSuccess(db, reserved);
  return { throttled: false, result };
}

/** Milliseconds until every rule admits another attempt (0 when none is over its limit); reads only. */
export async function throttledForMs(db: DbOrTx, rules: ThrottleRule[], now: Date): Promise<number> {
  if (rules.length === 0) return 0;
  const rows = await queryRows(
    db,
    sql`select key, failures, window_start as "windowStart" from login_throttle
        where key in (${sql.join(
          rules.map((r) => sql`${r.key}`),
          sql`, `,
        )})`,
    { key: 'text', failures: 'number', windowStart: 'date' },
  );
  let waitMs = 0;
  for (const row of rows) {
    const rule = rules.find((r) => r.key === row.key)!;
    const remaining = row.windowStart.getTime() + rule.windowMs - now.getTime();
    if (row.failures >= rule.limit && remaining > 0) waitMs = Math.max(waitMs, remaining);
  }
  return waitMs;
}

export async function purgeOldThrottleRows(db: DbOrTx, now: Date): Promise<void> {
  await db
    .delete(loginThrottle)
    .where(lt(loginThrottle.windowStart, new Date(now.getTime() - LONGEST_WINDOW_MS)));
}

export const minutesOf = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/** "Wait 3 minutes" / "Wait 1 minute". */
export const waitWords = (ms: number) => {
  const minutes = minutesOf(ms);
  return `Wait ${minutes} minute${minutes === 1 ? '' : 's'}`;
};
