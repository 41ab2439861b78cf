import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { isRosterMember } from '../members/madeUpNumbers.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { latestRound, type RoundFigures, shareOf } from './invitationRounds.ts';
import { type OnboardingProgress, onboardingProgress } from './onboardingProgress.ts';

export type AdminDashboard = {
  rosterSize: number;
  /** Members who are there only as the portal's administrators count as "no roster imported yet". */
  adminLogins: number;
  currentMembers: number;
  currentWithLogin: number;
  /** Members with a login, current and lapsed: with the members without one, the roster adds up. */
  withLogin: number;
  /** currentWithLogin as a percentage of currentMembers, one decimal; null without current members. */
  currentShare: number | null;
  /** Members without a login whose newest invitation could not be delivered. */
  failedDeliveries: number;
  lastRound: RoundFigures | null;
  /** Of the last round's delivered messages, those only kept in the Email Log (no mail server then). */
  lastRoundKept: number;
  onboarding: OnboardingProgress;
};

/**
 * The member counts, from member_figures (kept by migration 0021's triggers on members, one row per kind
 * of member and connection slot). An administrator's made-up record (ADM-…, not yet linked to her roster
 * record) is no member of the organisation: left out, as every member count leaves it out.
 */
async function memberCounts(db: Db) {
  const [counts] = await queryRows(
    db,
    sql`select coalesce(sum(members), 0)::int as roster,
               coalesce(sum(members) filter (where status = 'current'), 0)::int as current,
               coalesce(sum(members) filter (where status = 'current' and has_login), 0)::int as joined,
               coalesce(sum(members) filter (where has_login), 0)::int as "withLogin",
               coalesce(sum(members) filter (where not has_login and failed), 0)::int as failed,
               (select count(*)::int from accounts a join members am on am.id = a.member_id
                where a.role <> 'member' and ${isRosterMember(sql.raw('am.member_number'))}) as admins
        from member_figures where on_roster`,
    {
      roster: 'number',
      current: 'number',
      joined: 'number',
      withLogin: 'number',
      failed: 'number',
      admins: 'number',
    },
  );
  return counts!;
}

/** Messages of a round that never left the machine: "delivered" to the Email Log only (stored, as its figures). */
async function keptInEmailLog(db: Db, roundId: number): Promise<number> {
  const [row] = await queryRows(
    db,
    sql`select coalesce(sum(logged), 0)::int as n from round_figures where round_id = ${roundId}`,
    { n: 'number' },
  );
  return row?.n ?? 0;
}

/**
 * The figures on the admin home page, read from figures the database keeps as they change (decision 0026):
 * a few dozen rows whatever the roster's size, so every view shows the figures of that moment.
 */
export async function adminDashboard(deps: Deps, actor: Actor): Promise<AdminDashboard> {
  requirePermission(actor, 'admin.enter');
  const counts = await memberCounts(deps.db);
  const [lastRound, onboarding] = await Promise.all([latestRound(deps), onboardingProgress(deps)]);
  const lastRoundKept = lastRound ? await keptInEmailLog(deps.db, lastRound.id) : 0;
  return {
    rosterSize: counts.roster,
    adminLogins: counts.admins,
    currentMembers: counts.current,
    currentWithLogin: counts.joined,
    withLogin: counts.withLogin,
    currentShare: shareOf(counts.joined, counts.current),
    failedDeliveries: counts.failed,
    lastRound,
    lastRoundKept,
    onboarding,
  };
}
