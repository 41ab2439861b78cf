/**
 * Admin home, Invitation Rounds, the Query Tool's activity reports and reminders on a large roster: 1M
 * members in a fresh PostgreSQL database, 100k in PGlite (in memory). Clear All Usernames and Restore are
 * measured by bench/clear-all.ts.
 *
 *   node --import tsx bench/admin-reports.ts        (npm run bench:admin-reports)
 *
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; "off" skips PostgreSQL): a scratch database per
 * size, dropped afterwards. BENCH_PG_SIZE (one size; default BENCH_MEMBERS or 100k and 1M),
 * BENCH_PGLITE_SIZE (100000; 0 skips), BENCH_REPS (20), BENCH_EXPLAIN (1: EXPLAIN ANALYZE of the activity
 * reports on PostgreSQL).
 *
 * The roster comes from bench/lib/roster.ts (60% with a login). On top of it, set-based: 4 Send All rounds
 * (300, 200, 120 and 60 days ago) to 40%, 30%, 20% and 10% of the members (mostly sent, some failed, skipped,
 * interrupted, deferred), one reminder round (30 days ago, 5%), 0.3% as many single Sends (one an hour);
 * one invitation for 80% of the members issued over 120 days (valid 14 days, used by those with a login,
 * 2% revoked) and an older, expired one for 10% more; 2 login_history rows per member over 180 days.
 * Nothing is cached (decision 0026): the admin home, Invitation Rounds and Login Activity's logins per day
 * read figures the database keeps as they change, each timed against its ceiling in the same run, A/B
 * interleaved: the same stored rows read bare.
 */
import os from 'node:os';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, type Db, openPglite, openPostgres } from '../src/db/connect.ts';
import { queryRows } from '../src/db/rows.ts';
import { hashPassword } from '../src/domain/accounts/passwords.ts';
import type { Deps } from '../src/domain/deps.ts';
import { countPendingMembers } from '../src/domain/invitationCodes/countInvitationCodes.ts';
import type { Actor } from '../src/domain/policy.ts';
import { reminderAudienceCount } from '../src/domain/reminders/reminderAudience.ts';
import { runDueReminderRound } from '../src/domain/reminders/runDueReminderRound.ts';
import { adminDashboard } from '../src/domain/reports/adminDashboard.ts';
import { listFailedDeliveries } from '../src/domain/reports/failedDeliveries.ts';
import { latestRound, listInvitationRounds } from '../src/domain/reports/invitationRounds.ts';
import { listNeverLoggedIn, loginsPerDay } from '../src/domain/reports/loginActivity.ts';
import { onboardingProgress } from '../src/domain/reports/onboardingProgress.ts';
import { listPendingInvitations } from '../src/domain/reports/pendingInvitations.ts';
import { responseCurves } from '../src/domain/reports/responseCurves.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { dropIndexes, loadLoginHistory, loadRoster, scratchDatabase, time } from './lib/roster.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Reports at each size of BENCH_MEMBERS (bench/lib/figures.ts), else BENCH_PG_SIZE, else 100k and 1M.
const PG_SIZES = process.env.BENCH_PG_SIZE
  ? [Number(process.env.BENCH_PG_SIZE)].filter((n) => n > 0)
  : benchMembers([100_000, 1_000_000]);
const PGLITE_SIZE = Number(process.env.BENCH_PGLITE_SIZE ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 20);
const EXPLAIN = (process.env.BENCH_EXPLAIN ?? '1') === '1';
const PASSWORD = 'bench-admin-password-1';
const noJobs = { emailDue: async () => {}, selfServiceRequested: async () => {} };

type Row = { engine: string; size: number; case: string; median: number; p95: number; unit?: string };
const rows: Row[] = [];
const report = (r: Row) => {
  rows.push(r);
  const u = r.unit ?? 'ms';
  console.log(
    `  ${r.case.padEnd(62)} median ${r.median.toFixed(1).padStart(8)} ${u}  p95 ${r.p95.toFixed(1).padStart(8)} ${u}`,
  );
};
const seconds = async (run: () => Promise<unknown>) => {
  const t = performance.now();
  const result = await run();
  return { s: (performance.now() - t) / 1000, result };
};

// --- Statements the node-postgres driver sends, captured for EXPLAIN ANALYZE (PostgreSQL only). ---
let capture: { text: string; values: unknown[] }[] | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [q, v] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
  if (capture) {
    if (typeof q === 'string') capture.push({ text: q, values: Array.isArray(v) ? v : [] });
    else if (q && typeof q === 'object' && 'text' in q)
      capture.push({ text: q.text, values: q.values ?? (Array.isArray(v) ? v : []) });
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function explain(database: Database, name: string, run: () => Promise<unknown>) {
  capture = [];
  await run();
  const statements = capture;
  capture = null;
  console.log(`    EXPLAIN ${name}:`);
  for (const s of statements) {
    if (!/^\s*select/i.test(s.text)) continue;
    const plan = await database.executeSql(`explain (analyze, buffers) ${s.text}`, s.values);
    console.log(
      (plan.rows as Record<string, string>[]).map((p) => `      ${Object.values(p)[0]}`).join('\n'),
    );
  }
}

/** Rounds, messages, invitations, login history and a Security Administrator on top of the roster. */
async function loadActivity(db: Db, n: number): Promise<{ seconds: number; actor: Actor }> {
  const started = performance.now();
  await db.execute(sql`select setseed(0.17)`);
  // Rounds.
  const sendAlls: [number, number][] = [
    [300, 0.4],
    [200, 0.3],
    [120, 0.2],
    [60, 0.1],
  ];
  const messageIndexes = await dropIndexes(db, ['email_messages']);
  for (const [daysAgo, share] of sendAlls) {
    await db.execute(sql`
      with r as (
        insert into invitation_rounds (kind, started_by_label, started_at, total, finished_at)
        values ('send_all', 'Bench Admin', now() - make_interval(days => ${daysAgo}), 0,
                now() - make_interval(days => ${daysAgo}) + interval '6 hours')
        returning id, started_at)
      insert into email_messages (kind, member_id, round_id, to_address, state, attempts, last_error,
                                  created_at, updated_at, sent_at)
      select 'invitation', m.id, r.id, m.email, st, 1, case when st = 'failed' then '550 5.1.1 unknown' end,
             r.started_at, r.started_at + interval '1 hour', case when st = 'sent' then r.started_at + interval '1 hour' end
      from r, (select id, email, random() x, case when random() < 0.86 then 'sent' when random() < 0.3 then 'failed'
                  when random() < 0.6 then 'skipped' when random() < 0.5 then 'interrupted' else 'deferred' end st
               from members) m
      where m.x < ${share}`);
  }
  await db.execute(sql`
    with r as (
      insert into invitation_rounds (kind, started_by_label, started_at, total, finished_at)
      values ('reminder', 'Automatic reminders', now() - interval '30 days', 0, now() - interval '29 days')
      returning id, started_at)
    insert into email_messages (kind, member_id, round_id, to_address, state, attempts, created_at, updated_at, sent_at)
    select 'invitation', m.id, r.id, m.email, 'sent', 1, r.started_at, r.started_at, r.started_at
    from r, members m where not m.has_login and random() < 0.125`);
  const singles = Math.max(300, Math.round(n * 0.003));
  await db.execute(sql`
    insert into invitation_rounds (kind, started_by_label, started_at, total, finished_at)
    select 'single', 'Bench Admin', now() - g * interval '1 hour', 1, now() - g * interval '1 hour' + interval '1 minute'
    from generate_series(1, ${singles}) g`);
  await db.execute(sql`
    insert into email_messages (kind, member_id, round_id, to_address, state, attempts, created_at, updated_at, sent_at)
    select 'invitation', m.id, r.id, m.email, case when random() < 0.95 then 'sent' else 'failed' end, 1,
           r.started_at, r.started_at, r.started_at
    from (select id, started_at, (1 + floor(random() * ${n}))::bigint mid from invitation_rounds where kind = 'single') r
    join members m on m.id = r.mid`);
  await db.execute(sql`
    update invitation_rounds r set total = c.n
    from (select round_id, count(*)::int n from email_messages group by round_id) c where c.round_id = r.id`);
  for (const def of messageIndexes) await db.execute(sql.raw(def));

  // Invitations: 80% of members, issued over 120 days, valid 14 days; 10% more with an older expired one.
  const invitationIndexes = await dropIndexes(db, ['invitations']);
  await db.execute(sql`
    insert into invitations (member_id, token_hash, code_hash, created_at, expires_at, used_at, revoked_at)
    select id, 't' || id, 'c', c, c + interval '14 days',
           case when has_login then c + random() * interval '3 days' end,
           case when not has_login and random() < 0.02 then c + interval '1 day' end
    from (select id, has_login, random() x, now() - random() * interval '120 days' c from members) m
    where x < 0.8`);
  await db.execute(sql`
    insert into invitations (member_id, token_hash, code_hash, created_at, expires_at)
    select id, 'old' || id, 'c', c, c + interval '14 days'
    from (select id, random() x, now() - interval '130 days' - random() * interval '170 days' c from members) m
    where x < 0.1`);
  for (const def of invitationIndexes) await db.execute(sql.raw(def));

  await loadLoginHistory(db, n);

  // The acting Security Administrator (a real password hash: Clear All Usernames checks it).
  const hash = await hashPassword(PASSWORD);
  const [adminRow] = await queryRows(
    db,
    sql`with m as (
          insert into members (member_number, first_name, last_name, email, email_lower)
          values ('ADMIN1', 'Bench', 'Admin', 'admin@example.org', 'admin@example.org') returning id)
        insert into accounts (member_id, username, username_lower, password_hash, role, created_at, last_login_at)
        select id, 'benchadmin', 'benchadmin', ${hash}, 'security_admin', now() - interval '800 days', now() from m
        returning id`,
    { id: 'number' },
  );
  await db.execute(sql`
    insert into settings (key, value)
    values ('reminder_rounds', '{"enabled":true,"everyDays":7,"maxPerMember":3,"pausedAt":null}'::jsonb)
    on conflict (key) do update set value = excluded.value`);
  for (const t of [
    'members',
    'accounts',
    'invitation_rounds',
    'email_messages',
    'invitations',
    'login_history',
  ])
    await db.execute(sql.raw(`vacuum analyze ${t}`));
  const actor: Actor = {
    accountId: adminRow!.id,
    label: 'Bench Admin',
    role: 'security_admin',
    ip: null,
  };
  return { seconds: (performance.now() - started) / 1000, actor };
}

async function counts(db: Db) {
  const [c] = await queryRows(
    db,
    sql`select (select count(*) from members) members, (select count(*) from accounts) accounts,
               (select count(*) from email_messages) messages, (select count(*) from invitation_rounds) rounds,
               (select count(*) from invitations) invitations,
               (select count(*) from invitations where used_at is null and revoked_at is null and expires_at > now()) open_invitations,
               (select count(*) from login_history) login_history`,
    {
      members: 'number',
      accounts: 'number',
      messages: 'number',
      rounds: 'number',
      invitations: 'number',
      open_invitations: 'number',
      login_history: 'number',
    },
  );
  return c!;
}

/** Times `run` and `ceiling` alternately (A, B, A, B …) after 3 warm-up pairs: medians and p95s of each. */
async function interleaved(reps: number, run: () => Promise<unknown>, ceiling: () => Promise<unknown>) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps + 3; i++) {
    for (const [fn, into] of [
      [run, a],
      [ceiling, b],
    ] as const) {
      const t = performance.now();
      await fn();
      if (i >= 3) into.push(performance.now() - t);
    }
  }
  const q = (xs: number[], p: number) =>
    [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  return { run: { median: q(a, 0.5), p95: q(a, 0.95) }, ceiling: { median: q(b, 0.5), p95: q(b, 0.95) } };
}

/**
 * The ceilings: the same stored rows the reports read, read bare (plain SQL through the same driver, no
 * domain code): what a view costs at best once its figures are kept as they change (migration 0021).
 */
function bareReads(db: Db) {
  const read = (statement: SQL) => db.execute(statement);
  const roundIds = (kind?: string) => sql`(select id from invitation_rounds
    ${kind ? sql`where kind = ${kind}` : sql``} order by started_at desc, id desc limit 25)`;
  const curveIds = sql`(select id from invitation_rounds where kind in ('send_all', 'reminder')
    order by started_at desc, id desc limit 5)`;
  const roundsPage = async (kind?: string) => {
    await read(
      sql`select * from invitation_rounds where id in ${roundIds(kind)} order by started_at desc, id desc`,
    );
    await read(sql`select * from round_figures where round_id in ${roundIds(kind)}`);
    await read(sql`select * from round_login_days where round_id in ${roundIds(kind)}`);
    await read(sql`select * from invitation_rounds where id in ${curveIds}`);
    await read(sql`select * from round_login_days where round_id in ${curveIds} and day < 60`);
  };
  return {
    home: async () => {
      await read(sql`select * from member_figures`);
      await read(sql`select * from account_days`);
      await read(sql`select * from round_figures where round_id = (select max(id) from invitation_rounds)`);
      await read(
        sql`select * from round_login_days where round_id = (select max(id) from invitation_rounds)`,
      );
    },
    roundsPage,
    loginDays: () =>
      read(sql`select * from login_days where day > extract(epoch from now())::int / 86400 - 30`),
  };
}

/** Sections 1, 2, 3 and 5 (reports and reminders). Nothing is cached: every call reads what is stored. */
async function reports(engine: string, database: Database, size: number, deps: Deps, actor: Actor) {
  const db = database.db;
  const r = (c: string, t: { median: number; p95: number }) => report({ engine, size, case: c, ...t });
  const bare = bareReads(db);
  const against = async (figure: string, run: () => Promise<unknown>, ceiling: () => Promise<unknown>) => {
    const t = await interleaved(REPS, run, ceiling);
    r(figure, t.run);
    r('  ceiling: the stored rows read bare', t.ceiling);
    reportFigure({
      bench: 'admin-reports',
      figure: `${figure}, median`,
      engine: database.kind === 'postgres' ? 'postgres' : 'pglite',
      members: size,
      value: t.run.median,
      unit: 'ms',
      ceiling: t.ceiling.median,
      higherIsBetter: false,
    });
  };

  // 1. Admin home, and the Invitation Codes header's count (both from member_figures).
  await against('admin home (adminDashboard)', () => adminDashboard(deps, actor), bare.home);
  r('  part: count without a login', await time(REPS, () => countPendingMembers(deps, actor)));
  r('  part: onboardingProgress', await time(REPS, () => onboardingProgress(deps)));
  r('  part: latestRound', await time(REPS, () => latestRound(deps)));

  // 2. Invitation Rounds, first page: the rounds table and the response curves, as the route runs them.
  const roundsPage = (kind?: 'send_all') =>
    Promise.all([listInvitationRounds(deps, actor, { kind }), responseCurves(deps, actor)]);
  await against(
    'Invitation Rounds first page (all kinds)',
    () => roundsPage(),
    () => bare.roundsPage(),
  );
  await against(
    'Invitation Rounds first page (Send All only)',
    () => roundsPage('send_all'),
    () => bare.roundsPage('send_all'),
  );
  r('  part: response curves', await time(REPS, () => responseCurves(deps, actor)));
  await against('Login Activity: logins per day (30 days)', () => loginsPerDay(deps, actor), bare.loginDays);

  // 3. Activity reports, first pages.
  const cases: [string, () => Promise<unknown>][] = [
    ['Pending Invitations, first page', () => listPendingInvitations(deps, actor, { position: {} })],
    [
      'Pending Invitations, expiring within 1 day',
      () => listPendingInvitations(deps, actor, { within: 1, position: {} }),
    ],
    [
      'Failed Deliveries, without a login',
      () => listFailedDeliveries(deps, actor, { login: 'without', position: {} }),
    ],
    [
      'Failed Deliveries, with a login',
      () => listFailedDeliveries(deps, actor, { login: 'with', position: {} }),
    ],
    ['Failed Deliveries, either', () => listFailedDeliveries(deps, actor, { login: 'all', position: {} })],
    ['Login Activity: never logged in, first page', () => listNeverLoggedIn(deps, actor, { position: {} })],
  ];
  for (const [name, run] of cases) {
    r(name, await time(REPS, run));
    if (EXPLAIN && database.kind === 'postgres') await explain(database, name, run);
  }
  r(
    'Login Activity page (per day, then never logged in)',
    await time(REPS, async () => {
      await loginsPerDay(deps, actor);
      await listNeverLoggedIn(deps, actor, { position: {} });
    }),
  );

  // 5. Reminders: the audience count (the reminder settings page), then one automatic round queued.
  const now = new Date();
  let audience = 0;
  r(
    'reminder audience count',
    await time(Math.min(REPS, 10), async () => {
      audience = await reminderAudienceCount(db, { everyDays: 7, maxPerMember: 3 }, now);
    }),
  );
  if (EXPLAIN && database.kind === 'postgres')
    await explain(database, 'reminder audience count', () =>
      reminderAudienceCount(db, { everyDays: 7, maxPerMember: 3 }, now),
    );
  const queued = await seconds(() => runDueReminderRound(deps));
  const result = queued.result as Awaited<ReturnType<typeof runDueReminderRound>>;
  console.log(
    `  reminder round: audience ${audience.toLocaleString('en')}; runDueReminderRound ${JSON.stringify(result)} in ${queued.s.toFixed(2)} s`,
  );
  report({
    engine,
    size,
    case: `reminder round queued (${result.started ? result.total : 0} messages)`,
    median: queued.s,
    p95: queued.s,
    unit: 's',
  });
}

async function deps(database: Database, url: string): Promise<Deps> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portal.test' });
  return { db: database.db, clock: systemClock, config, jobs: noJobs };
}

async function onPostgres(size: number) {
  const scratch = await scratchDatabase(PG_URL);
  const database = openPostgres(scratch.url, 2);
  try {
    await database.migrate();
    const rosterSeconds = await loadRoster(database.db, size);
    const { seconds: activitySeconds, actor } = await loadActivity(database.db, size);
    console.log(
      `\nPostgreSQL ${size.toLocaleString('en')} members: roster loaded in ${rosterSeconds.toFixed(1)} s, activity in ${activitySeconds.toFixed(1)} s; ${JSON.stringify(await counts(database.db))}`,
    );
    const d = await deps(database, scratch.url);
    await reports('PostgreSQL', database, size, d, actor);
  } finally {
    await database.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop();
  }
}

async function onPglite(size: number) {
  const database = await openPglite(undefined);
  try {
    await database.migrate();
    const rosterSeconds = await loadRoster(database.db, size);
    const { seconds: activitySeconds, actor } = await loadActivity(database.db, size);
    console.log(
      `\nPGlite ${size.toLocaleString('en')} members: roster loaded in ${rosterSeconds.toFixed(1)} s, activity in ${activitySeconds.toFixed(1)} s; ${JSON.stringify(await counts(database.db))}`,
    );
    const d = await deps(database, 'postgres://unused/none');
    await reports('PGlite', database, size, d, actor);
  } finally {
    await database.close();
  }
}

console.log(
  `machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${REPS} repetitions per case`,
);
if (PG_URL !== 'off') for (const size of PG_SIZES) await onPostgres(size);
if (PGLITE_SIZE > 0) await onPglite(PGLITE_SIZE);

for (const engine of [...new Set(rows.map((r) => r.engine))]) {
  console.log(`\n${engine} — median / p95`);
  for (const r of rows.filter((x) => x.engine === engine))
    console.log(
      `| ${r.case} | ${r.size.toLocaleString('en')} | ${r.median.toFixed(1)} / ${r.p95.toFixed(1)} ${r.unit ?? 'ms'} |`,
    );
}
