import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { COUNT_CACHE_MS, EXACT_COUNT_BELOW } from '../invitationCodes/countInvitationCodes.ts';
import { isRosterMember } from '../members/madeUpNumbers.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { latestRound, type RoundFigures, shareOf } from './invitationRounds.ts';
import { type OnboardingProgress, onboardingProgress } from './onboardingProgress.ts';

export type AdminDashboard = {
  /** When these figures were counted (up to 30 s ago on a large roster). */
  countedAt: Date;
  /** True when the figures were reused from an earlier count rather than counted for this page. */
  reused: boolean;
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

type Snapshot = Omit<AdminDashboard, 'reused'>;
type Cached = { value: Snapshot; countedAt: number };
const cache = new WeakMap<Db, Cached>();

async function countSnapshot(deps: Deps): Promise<Snapshot> {
  // One pass over members for all the counts. An administrator's made-up record (ADM-…, not yet linked to
  // her roster record) is no member of the organisation: left out, as every member count leaves it out.
  const [counts] = await queryRows(
    deps.db,
    sql`select count(*)::int as roster,
               (select count(*)::int from accounts a join members am on am.id = a.member_id
                where a.role <> 'member' and ${isRosterMember(sql.raw('am.member_number'))}) as admins,
               count(*) filter (where status = 'current')::int as current,
               count(*) filter (where status = 'current' and has_login)::int as joined,
               count(*) filter (where has_login)::int as "withLogin",
               count(*) filter (where not has_login and delivery_state = 'failed')::int as failed
        from members where ${isRosterMember(sql.raw('member_number'))}`,
    {
      roster: 'number',
      admins: 'number',
      current: 'number',
      joined: 'number',
      withLogin: 'number',
      failed: 'number',
    },
  );
  const [lastRound, onboarding] = await Promise.all([latestRound(deps), onboardingProgress(deps)]);
  const lastRoundKept = lastRound ? await keptInEmailLog(deps.db, lastRound.id) : 0;
  const currentMembers = counts?.current ?? 0;
  const currentWithLogin = counts?.joined ?? 0;
  return {
    countedAt: deps.clock.now(),
    rosterSize: counts?.roster ?? 0,
    adminLogins: counts?.admins ?? 0,
    currentMembers,
    currentWithLogin,
    withLogin: counts?.withLogin ?? 0,
    currentShare: shareOf(currentWithLogin, currentMembers),
    failedDeliveries: counts?.failed ?? 0,
    lastRound,
    lastRoundKept,
    onboarding,
  };
}

/** Messages of a round that never left the machine: "delivered" to the Email Log only. */
async function keptInEmailLog(db: Db, roundId: number): Promise<number> {
  const [row] = await queryRows(
    db,
    sql`select count(*)::int as n from email_messages where round_id = ${roundId} and state = 'logged'`,
    { n: 'number' },
  );
  return row?.n ?? 0;
}

/**
 * The figures on the admin home page. On a large roster (20,000 members or more) the counts read the whole
 * members and accounts tables (~0.5 s at a million), so they are COUNTED AT MOST ONCE EVERY 30 SECONDS PER
 * PROCESS and the page says when they were counted; a small roster is counted afresh on every view, so it
 * never shows a stale number: the same rule as the Invitation Codes count (countInvitationCodes.ts). The
 * age is measured on the monotonic timer: a cost trade-off, not business time.
 */
export async function adminDashboard(deps: Deps, actor: Actor): Promise<AdminDashboard> {
  requirePermission(actor, 'admin.enter');
  const { snapshot, reused } = await cachedSnapshot(deps);
  return { ...snapshot, reused };
}

async function cachedSnapshot(deps: Deps): Promise<{ snapshot: Snapshot; reused: boolean }> {
  const now = performance.now();
  const cached = cache.get(deps.db);
  if (cached && cached.value.rosterSize >= EXACT_COUNT_BELOW && now - cached.countedAt < COUNT_CACHE_MS) {
    return { snapshot: cached.value, reused: true };
  }
  const snapshot = await countSnapshot(deps);
  cache.set(deps.db, { value: snapshot, countedAt: now });
  return { snapshot, reused: false };
}

/** Forget the cached figures, e.g. right after a Send All started in this process. */
export const forgetAdminDashboard = (db: Db): void => {
  cache.delete(db);
};
