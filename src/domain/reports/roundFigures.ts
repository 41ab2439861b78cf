import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';

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

/** The stored figures of some rounds (migration 0021 keeps them as messages and logins change). */
async function storedFigures(db: Db, rounds: RoundRow[]): Promise<Map<number, Counted>> {
  const ids = sql.join(
    rounds.map((r) => sql`${r.id}`),
    sql`, `,
  );
  const [states, logins] = await Promise.all([
    queryRows(
      db,
      sql`select round_id, sum(sent + logged)::int as delivered,
                 sum(failed)::int as failed, sum(pending)::int as pending, sum(not_sent)::int as "notSent"
          from round_figures where round_id in (${ids}) group by round_id`,
      {
        round_id: 'number',
        delivered: 'number',
        failed: 'number',
        pending: 'number',
        notSent: 'number',
      },
    ),
    queryRows(
      db,
      sql`select round_id, sum(logins)::int as n from round_login_days
          where round_id in (${ids}) group by round_id`,
      { round_id: 'number', n: 'number' },
    ),
  ]);
  const none = { delivered: 0, failed: 0, pending: 0, notSent: 0 };
  return new Map(
    rounds.map((r) => {
      const { round_id: _, ...counted } = states.find((s) => s.round_id === r.id) ?? {
        round_id: r.id,
        ...none,
      };
      return [r.id, { ...counted, loginsSince: logins.find((l) => l.round_id === r.id)?.n ?? 0 }];
    }),
  );
}

/**
 * The message and login figures of some rounds, as stored: a few rows per round (its slots and its days
 * with new logins) whatever its size, so no round is ever recounted. What each figure means is kept by the
 * triggers of migration 0021 (gh_message_outcome: delivered = sent + logged, pending = queued, claimed,
 * sending, deferred; not sent = skipped, interrupted; logins since = the round's messages whose member's
 * login was created after the round started).
 */
export async function roundFigures(deps: Pick<Deps, 'db'>, rounds: RoundRow[]): Promise<RoundFigures[]> {
  const known = rounds.length > 0 ? await storedFigures(deps.db, rounds) : new Map<number, Counted>();
  return rounds.map((r) => {
    const counted = known.get(r.id)!;
    return { ...r, ...counted, loginsSinceShare: shareOf(counted.loginsSince, r.total) };
  });
}
