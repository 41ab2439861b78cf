// Fresh recounts of every stored figure (migration 0021), written the way the reports counted them before
// the figures were stored (roundFigures.ts, responseCurves.ts, loginActivity.ts, onboardingProgress.ts,
// adminDashboard.ts, countInvitationCodes.ts), beside the stored values in the same shape.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';

const byKey = <T extends Record<string, unknown>>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

const roundStates = {
  round_id: 'number',
  delivered: 'number',
  kept: 'number',
  failed: 'number',
  pending: 'number',
  not_sent: 'number',
} as const;
const roundDays = { round_id: 'number', day: 'number', n: 'number' } as const;
const loginDayShape = { day: 'number', logins: 'number', members: 'number' } as const;
const lastLoginShape = { day: 'number', n: 'number' } as const;
const accountDayShape = { day: 'text', n: 'number' } as const;
const memberShape = {
  roster: 'number',
  current: 'number',
  joined: 'number',
  with_login: 'number',
  failed: 'number',
  pending: 'number',
} as const;

/** Each figure: [recounted, stored], as sorted lists of rows (zero rows left out on both sides). */
export async function figuresBothWays(db: Db) {
  const run = <S extends Record<string, 'number' | 'text'>>(shape: S, statement: ReturnType<typeof sql>) =>
    queryRows(db, statement, shape).then(byKey);
  return {
    'round message states': await Promise.all([
      run(
        roundStates,
        sql`select round_id, count(*) filter (where state in ('sent', 'logged'))::int as delivered,
              count(*) filter (where state = 'logged')::int as kept, count(*) filter (where state = 'failed')::int as failed,
              count(*) filter (where state in ('queued', 'claimed', 'sending', 'deferred'))::int as pending,
              count(*) filter (where state in ('skipped', 'interrupted'))::int as not_sent
            from email_messages where round_id is not null group by round_id`,
      ),
      run(
        roundStates,
        sql`select round_id, sum(sent + logged)::int as delivered, sum(logged)::int as kept,
              sum(failed)::int as failed, sum(pending)::int as pending, sum(not_sent)::int as not_sent
            from round_figures group by round_id
            having sum(sent) <> 0 or sum(logged) <> 0 or sum(failed) <> 0 or sum(pending) <> 0 or sum(not_sent) <> 0`,
      ),
    ]),
    'round logins since, per day': await Promise.all([
      run(
        roundDays,
        sql`select e.round_id, floor(extract(epoch from (a.created_at - r.started_at)) / 86400)::int as day,
              count(*)::int as n
            from email_messages e join invitation_rounds r on r.id = e.round_id join accounts a on a.member_id = e.member_id
            where a.created_at > r.started_at group by 1, 2`,
      ),
      run(roundDays, sql`select round_id, day, logins as n from round_login_days where logins <> 0`),
    ]),
    'logins per UTC day': await Promise.all([
      run(
        loginDayShape,
        sql`select floor(extract(epoch from at) / 86400)::int as day, count(*)::int as logins,
              count(distinct account_id)::int as members from login_history group by 1`,
      ),
      run(loginDayShape, sql`select day, logins, members from login_days where logins <> 0 or members <> 0`),
    ]),
    'logins by UTC day of their Last Login': await Promise.all([
      run(
        lastLoginShape,
        sql`select floor(extract(epoch from last_login_at) / 86400)::int as day, count(*)::int as n
            from accounts where last_login_at > created_at group by 1`,
      ),
      run(
        lastLoginShape,
        sql`select day, sum(accounts)::int as n from last_login_days group by day having sum(accounts) <> 0`,
      ),
    ]),
    'logins created per UTC day': await Promise.all([
      run(
        accountDayShape,
        sql`select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, count(*)::int as n
            from accounts group by 1`,
      ),
      run(
        accountDayShape,
        sql`select to_char(date '1970-01-01' + day, 'YYYY-MM-DD') as day, accounts as n
            from account_days where accounts <> 0`,
      ),
    ]),
    'member counts': await Promise.all([
      run(
        memberShape,
        sql`select count(*) filter (where r)::int as roster, count(*) filter (where r and status = 'current')::int as current,
              count(*) filter (where r and status = 'current' and has_login)::int as joined,
              count(*) filter (where r and has_login)::int as with_login,
              count(*) filter (where r and not has_login and delivery_state = 'failed')::int as failed,
              count(*) filter (where not has_login)::int as pending
            from (select *, (member_number not like 'ADM-%' or member_number !~ '^ADM-[0-9a-f]{6}$') as r from members) m`,
      ),
      run(
        memberShape,
        sql`select coalesce(sum(members) filter (where on_roster), 0)::int as roster,
              coalesce(sum(members) filter (where on_roster and status = 'current'), 0)::int as current,
              coalesce(sum(members) filter (where on_roster and status = 'current' and has_login), 0)::int as joined,
              coalesce(sum(members) filter (where on_roster and has_login), 0)::int as with_login,
              coalesce(sum(members) filter (where on_roster and not has_login and failed), 0)::int as failed,
              coalesce(sum(members) filter (where not has_login), 0)::int as pending
            from member_figures`,
      ),
    ]),
  };
}

/** Every stored figure equals its fresh recount; `nonEmpty` names figures the step must have given rows. */
export async function expectStoredEqualsRecount(db: Db, nonEmpty: string[] = []) {
  for (const [figure, [recounted, stored]] of Object.entries(await figuresBothWays(db))) {
    expect(stored, figure).toEqual(recounted);
    if (nonEmpty.includes(figure)) expect(recounted.length, `${figure} has rows`).toBeGreaterThan(0);
  }
}
