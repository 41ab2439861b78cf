import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Femi',
  'Grace',
  'Hiro',
  'Isla',
  'Jonas',
  'Kemi',
  'Luca',
  'Maya',
  'Nils',
  'Olu',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tess',
  'Uma',
  'Viktor',
  'Wren',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Adeyemi',
  'Brennan',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Gallagher',
  'Haddad',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quigley',
  'Rossi',
  'Silva',
  'Tanaka',
  'Urquhart',
  'Varga',
  'Walsh',
  'Yilmaz',
  'Zhou',
];
const DEMO_PASSWORD = 'demo portal password';
const CHUNK = 5_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The demo roster was "imported" this many days ago; logins were created since, one by one. */
const ROSTER_AGE_DAYS = 60;

/**
 * When demo login `i` was created and last used: created on one of the days since the roster came in,
 * last used (three in four) some hours after that and before now — never before it was created.
 */
export function demoLoginTimes(i: number, now: Date): { createdAt: Date; lastLoginAt: Date | null } {
  const createdDaysAgo = 1 + ((i * 7919) % (ROSTER_AGE_DAYS - 1));
  const createdAt = new Date(now.getTime() - createdDaysAgo * DAY_MS - ((i * 37) % 600) * 60_000);
  if (i % 4 === 0) return { createdAt, lastLoginAt: null };
  const hoursLater = (i * 13) % (createdDaysAgo * 24);
  return { createdAt, lastLoginAt: new Date(createdAt.getTime() + hoursLater * HOUR_MS) };
}

/**
 * `gatehouse demo`: fills an empty portal with fictional members (example.org addresses, which never
 * receive mail). About a third have a login, created over the two months since the roster came in, most
 * of those with a last login after it was created, so every screen and the onboarding curve have something
 * coherent to show. Set-based inserts, one transaction.
 */
export async function fillDemoPortal(
  deps: Deps,
  actor: Actor,
  count: number,
  onProgress: (done: number, total: number) => void = () => {},
) {
  requirePermission(actor, 'members.import');
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    throw new AppError('validation', 'Choose between 1 and 1,000,000 members.', 'members');
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = deps.clock.now();
  const rosterAt = new Date(now.getTime() - ROSTER_AGE_DAYS * DAY_MS);
  return deps.db.transaction(async (tx) => {
    // "Empty" allows the administrators' own member records: they exist from first-run setup on.
    const [existing] = await tx
      .select({ id: members.id })
      .from(members)
      .where(
        sql`not exists (select 1 from accounts a where a.member_id = ${members.id} and a.role <> 'member')`,
      )
      .limit(1);
    if (existing)
      throw new AppError('conflict', 'The portal already has a roster: demo only fills an empty portal.');
    let logins = 0;
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      const cols = {
        number: [] as string[],
        first: [] as string[],
        last: [] as string[],
        email: [] as string[],
        status: [] as string[],
      };
      const login = {
        number: [] as string[],
        username: [] as string[],
        created: [] as string[],
        lastLogin: [] as (string | null)[],
      };
      for (let i = start; i < start + n; i++) {
        const first = FIRST[i % FIRST.length]!;
        const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
        const number = `D${String(i + 1).padStart(6, '0')}`;
        cols.number.push(number);
        cols.first.push(first);
        cols.last.push(last);
        cols.email.push(`${first}.${last}.${i + 1}@example.org`.toLowerCase());
        cols.status.push(i % 10 === 9 ? 'lapsed' : 'current');
        if (i % 3 === 0) {
          login.number.push(number);
          login.username.push(`${first}.${last}${i + 1}`.toLowerCase());
          const { createdAt, lastLoginAt } = demoLoginTimes(i, now);
          login.created.push(createdAt.toISOString());
          login.lastLogin.push(lastLoginAt?.toISOString() ?? null);
        }
      }
      await tx.execute(sql`
        insert into members (member_number, first_name, last_name, email, email_lower, status, created_at, updated_at)
        select u.n, u.f, u.l, u.e, u.e, u.s, ${rosterAt}, ${rosterAt}
        from unnest(${sql.param(cols.number)}::text[], ${sql.param(cols.first)}::text[], ${sql.param(cols.last)}::text[],
                    ${sql.param(cols.email)}::text[], ${sql.param(cols.status)}::text[]) as u(n, f, l, e, s)`);
      const inserted = await queryRows(
        tx,
        sql`
        with created as (
          insert into accounts (member_id, username, username_lower, password_hash, role, created_at, password_changed_at, last_login_at)
          select m.id, u.un, u.un, ${passwordHash}, 'member', u.ca::timestamptz, u.ca::timestamptz, u.ll::timestamptz
          from unnest(${sql.param(login.number)}::text[], ${sql.param(login.username)}::text[],
                      ${sql.param(login.created)}::text[], ${sql.param(login.lastLogin)}::text[]) as u(num, un, ca, ll)
          join members m on m.member_number = u.num
          returning 1)
        select count(*) as n from created`,
        { n: 'number' },
      );
      logins += inserted[0]?.n ?? 0;
      onProgress(start + n, count);
    }
    await recordAudit(tx, now, actor, 'demo.filled', { details: { members: count, logins } });
    return {
      members: count,
      logins,
      sampleUsername: `${FIRST[0]}.${LAST[0]}1`.toLowerCase(),
      password: DEMO_PASSWORD,
    };
  });
}
