import { and, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { queryRows } from '../../db/rows.ts';
import { accounts, members, type Role } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { memberColumns, REPORT_PAGE_SIZE } from './reportColumns.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const ACTIVITY_DAYS = 30;

/** One UTC day (the portal shows dates in UTC): how many logins, by how many different members. */
export type LoginDay = { day: string; logins: number; members: number };

export type LoginsPerDay = {
  /** Oldest first, every day of the period, days without a login included (as zero). */
  days: LoginDay[];
  totalLogins: number;
  /**
   * Members who logged in during the period, from accounts.last_login_at (kept per UTC day of the Last
   * Login in last_login_days, instead of a distinct count over every login of the period). The sign-in that
   * comes with creating a login from an invitation is not counted, as in the never-logged-in list below.
   */
  activeMembers: number;
};

/**
 * Logins per day over the last 30 days, today included, from login_history (one row per successful
 * login, counted per day into login_days as it is written), so nothing before the portal began recording
 * logins is shown. Days are whole UTC days since the epoch, each counted over [d × 86400 s, (d + 1) ×
 * 86400 s): no time zone or DST can stretch one.
 */
export async function loginsPerDay(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor): Promise<LoginsPerDay> {
  requirePermission(actor, 'reports.read');
  const now = deps.clock.now();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = new Date(today - (ACTIVITY_DAYS - 1) * DAY_MS);
  const [counted, [active]] = await Promise.all([
    // login_days (migration 0021) holds each UTC day's logins and different accounts, kept by triggers
    // on login_history as logins are recorded and purged: thirty rows at any size.
    queryRows(
      deps.db,
      sql`select day, logins, members from login_days
          where day >= ${from.getTime() / DAY_MS} and day <= ${today / DAY_MS}`,
      { day: 'number', logins: 'number', members: 'number' },
    ),
    // last_login_days (migration 0021): per UTC day, the logins whose Last Login falls on it.
    queryRows(
      deps.db,
      sql`select coalesce(sum(accounts), 0) as members from last_login_days
          where day >= ${from.getTime() / DAY_MS} and day <= ${today / DAY_MS}`,
      { members: 'number' },
    ),
  ]);
  const byDay = new Map(counted.map((r) => [r.day * DAY_MS, r]));
  const days = Array.from({ length: ACTIVITY_DAYS }, (_, i) => {
    const start = from.getTime() + i * DAY_MS;
    const row = byDay.get(start);
    const day = new Date(start).toISOString().slice(0, 10);
    return { day, logins: row?.logins ?? 0, members: row?.members ?? 0 };
  });
  const totalLogins = days.reduce((sum, d) => sum + d.logins, 0);
  return { days, totalLogins, activeMembers: active?.members ?? 0 };
}

/** A login that has not been used since it was made. */
export type UnusedLogin = {
  accountId: number;
  memberId: number;
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  role: Role;
  createdAt: Date;
};

export type NeverLoggedInQuery = { position: PagePosition };

/** The never-logged-in list's query (the Login Activity page's query string): the page position. */
export const neverLoggedInInput = z
  .object({ after: optionalText, before: optionalText })
  .transform(({ after, before }): NeverLoggedInQuery => ({ position: readPosition(after, before) }));

/**
 * "Has not logged in since the login was created". Creating a login from an invitation signs the member in
 * and sets last_login_at to the creation instant itself (acceptInvitation), while logins made by an
 * administrator or the command line start with none. So a login counts as used only once last_login_at
 * is later than created_at.
 */
export const neverLoggedInCondition: SQL = sql`(${accounts.lastLoginAt} is null or ${accounts.lastLoginAt} <= ${accounts.createdAt})`;

// Oldest login first: those who have been waiting longest to come back.
const KEYSET = keyset([
  { column: accounts.createdAt, type: 'timestamptz' },
  { column: accounts.id, type: 'bigint' },
] satisfies Key[]);

export async function listNeverLoggedIn(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  query: NeverLoggedInQuery,
  pageSize = REPORT_PAGE_SIZE,
): Promise<Page<UnusedLogin>> {
  requirePermission(actor, 'reports.read');
  return KEYSET.page(query.position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({
        accountId: accounts.id,
        ...memberColumns,
        username: accounts.username,
        role: accounts.role,
        createdAt: accounts.createdAt,
        cursor: KEYSET.cursor,
      })
      .from(accounts)
      .innerJoin(members, eq(members.id, accounts.memberId))
      .where(and(neverLoggedInCondition, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
}
