import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { LARGE_ROUND, recentCounts } from './recentCounts.ts';

export type RoundKind = 'single' | 'send_all' | 'reminder';

/** A round as stored. */
export type RoundRow = {
  id: number;
  kind: RoundKind;
  startedAt: Date;
  startedByLabel: string;
  finishedAt: Date | null;
  /** Members the round was for (one email each). */
  total: number;
};

type Counted = {
  /** Reached a mail server, or — without SMTP — kept in the Email Log ('sent' + 'logged'). */
  delivered: number;
  failed: number;
  /** Queued, being sent, or waiting to be retried. */
  pending: number;
  /** Not sent on purpose (the member made a login first) or given up after a crash. */
  notSent: number;
  /** Members of the round whose login was created after the round started. */
  loginsSince: number;
};

/** One round as the Invitation Rounds report shows it. */
export type RoundFigures = RoundRow &
  Counted & {
    /** loginsSince as a percentage of total, one decimal; null for an empty round. */
    loginsSinceShare: number | null;
  };

export const shareOf = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;

const cache = recentCounts<Counted>();
// The start time is part of the key: a round id alone could be reused after a database is emptied.
const keyOf = (r: RoundRow) => `${r.id}@${r.startedAt.getTime()}`;

async function countRounds(db: Db, rounds: RoundRow[]): Promise<Map<number, Counted>> {
  const ids = sql.join(
    rounds.map((r) => sql`${r.id}`),
    sql`, `,
  );
  const [states, logins] = await Promise.all([
    queryRows(
      db,
      sql`select round_id, state, count(*)::int as n from email_messages
          where round_id in (${ids}) group by round_id, state`,
      { round_id: 'number', state: 'text', n: 'number' },
    ),
    queryRows(
      db,
      sql`select e.round_id, count(*)::int as n
          from email_messages e
          join invitation_rounds r on r.id = e.round_id
          join accounts a on a.member_id = e.member_id
          where e.round_id in (${ids}) and a.created_at > r.started_at
          group by e.round_id`,
      { round_id: 'number', n: 'number' },
    ),
  ]);
  return new Map(
    rounds.map((r) => {
      const count = (...wanted: string[]) =>
        states
          .filter((s) => s.round_id === r.id && wanted.includes(s.state))
          .reduce((sum, s) => sum + s.n, 0);
      const counted: Counted = {
        delivered: count('sent', 'logged'),
        failed: count('failed'),
        pending: count('queued', 'claimed', 'sending', 'deferred'),
        notSent: count('skipped', 'interrupted'),
        loginsSince: logins.find((l) => l.round_id === r.id)?.n ?? 0,
      };
      return [r.id, counted];
    }),
  );
}

/**
 * The message and login figures of some rounds, in two set-based grouped queries whatever their number:
 * message states come from the (round_id, state) index; "logins since" joins each round's messages to
 * accounts through the unique member_id index. A round of 20,000 members or more is counted at most once
 * every 30 s per process (see recentCounts.ts); smaller rounds are always counted afresh.
 */
export async function roundFigures(deps: Pick<Deps, 'db'>, rounds: RoundRow[]): Promise<RoundFigures[]> {
  const known = new Map<number, Counted>();
  for (const r of rounds) {
    const hit = r.total >= LARGE_ROUND ? cache.get(deps.db, keyOf(r)) : undefined;
    if (hit) known.set(r.id, hit);
  }
  const missing = rounds.filter((r) => !known.has(r.id));
  if (missing.length > 0) {
    for (const [id, counted] of await countRounds(deps.db, missing)) known.set(id, counted);
    for (const r of missing) if (r.total >= LARGE_ROUND) cache.set(deps.db, keyOf(r), known.get(r.id)!);
  }
  return rounds.map((r) => {
    const counted = known.get(r.id)!;
    return { ...r, ...counted, loginsSinceShare: shareOf(counted.loginsSince, r.total) };
  });
}

/** Forget the remembered figures, e.g. in tests that empty the database. */
export const forgetRoundFigures = (db: Db): void => cache.forget(db);
