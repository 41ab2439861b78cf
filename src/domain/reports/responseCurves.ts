import { desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { invitationRounds } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { RoundKind } from './roundFigures.ts';

const DAY_MS = 86_400_000;
/** How many of the newest Send All / reminder rounds get a curve. */
export const CURVE_ROUNDS = 5;
/** A curve follows its round this many days: nearly every response comes in the first weeks. */
export const CURVE_DAYS = 60;

export type ResponseCurve = {
  roundId: number;
  kind: Extract<RoundKind, 'send_all' | 'reminder'>;
  startedAt: Date;
  total: number;
  /**
   * The cumulative share (percent, one decimal) of the round's members who had created a login by each
   * point: the start (0), then the end of each day since — the last point is "now" while a day is open.
   */
  points: { x: Date; y: number }[];
};

/** Per round and per day since its start, how many of its members created their login that day (stored). */
function loginsPerDay(db: Db, rounds: { id: number }[], days: number) {
  const ids = sql.join(
    rounds.map((r) => sql`${r.id}`),
    sql`, `,
  );
  return queryRows(
    db,
    sql`select round_id, day, logins as n from round_login_days
        where round_id in (${ids}) and day < ${days} and logins <> 0`,
    { round_id: 'number', day: 'number', n: 'number' },
  );
}

/**
 * The response curves of the newest Send All and reminder rounds, from round_login_days: per round and per
 * whole day (86,400 s) since its start, the round's members whose login was created in that day, kept by
 * migration 0021's triggers as messages and logins change — at most CURVE_DAYS rows a round.
 */
export async function responseCurves(
  deps: Deps,
  actor: Actor,
  rounds = CURVE_ROUNDS,
  days = CURVE_DAYS,
): Promise<ResponseCurve[]> {
  requirePermission(actor, 'reports.read');
  const recent = await deps.db
    .select({
      id: invitationRounds.id,
      kind: invitationRounds.kind,
      startedAt: invitationRounds.startedAt,
      total: invitationRounds.total,
    })
    .from(invitationRounds)
    .where(inArray(invitationRounds.kind, ['send_all', 'reminder']))
    .orderBy(desc(invitationRounds.startedAt), desc(invitationRounds.id))
    .limit(rounds);
  const withMembers = recent.filter((r) => r.total > 0);
  if (withMembers.length === 0) return [];
  const perDay = await loginsPerDay(deps.db, withMembers, days);
  const now = deps.clock.now().getTime();
  return withMembers.map((r) => {
    const start = r.startedAt.getTime();
    const openDays = Math.min(days, Math.max(0, Math.ceil((now - start) / DAY_MS)));
    const counts = new Map(perDay.filter((p) => Number(p.round_id) === r.id).map((p) => [p.day, p.n]));
    const points = [{ x: r.startedAt, y: 0 }];
    let cumulative = 0;
    for (let d = 1; d <= openDays; d++) {
      cumulative += counts.get(d - 1) ?? 0;
      points.push({
        x: new Date(Math.min(start + d * DAY_MS, now)),
        y: Math.round((1000 * cumulative) / r.total) / 10,
      });
    }
    return {
      roundId: r.id,
      kind: r.kind as ResponseCurve['kind'],
      startedAt: r.startedAt,
      total: r.total,
      points,
    };
  });
}
