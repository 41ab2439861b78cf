/**
 * Clear All Usernames and Restore as background jobs (issue 15, item 3) on PostgreSQL: the form's POST
 * through the real server (Fastify inject: session, CSRF, argon2 password check, the count, recording the
 * request), and the worker's job in its two parts (decision 0031) — the transaction that removes or puts
 * back the logins, holding the tables of decision 0028 (the goal: ≤ 10 s at 1M), then the member
 * lists brought up to date in batches — with, in the same run, the ceiling: the bare set-based statements,
 * triggers off, has_login set by one UPDATE, rolled back. 60% of members have a login (600k at 1M).
 *
 *   node --import tsx bench/clear-all.ts
 *
 * BENCH_MEMBERS (100000,1000000), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test: a scratch
 * database per size, dropped afterwards).
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Db, openPostgres } from '../src/db/connect.ts';
import { queryRows } from '../src/db/rows.ts';
import { loginClearRequest } from '../src/domain/clearAllUsernames/loginClearRequests.ts';
import { runWaitingLoginClearRequest } from '../src/domain/clearAllUsernames/runLoginClearRequest.ts';
import { systemActor } from '../src/domain/policy.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';
import { browser, csrfFrom, giveAuthenticator } from '../tests/factories.ts';
import { ADMIN, bareClear, bareRestore, loadClearAllActivity } from './lib/clearAllSetup.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { loadRoster, scratchDatabase } from './lib/roster.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLEAR = '/admin/member-management/invitation-codes/clear-all-usernames';
const line = (what: string, value: number, unit: string, extra = '') =>
  console.log(`  ${what.padEnd(58)} ${value.toFixed(unit === 'ms' ? 1 : 2).padStart(9)} ${unit}${extra}`);

const seconds = async <T>(run: () => Promise<T>) => {
  const t = performance.now();
  const result = await run();
  return { s: (performance.now() - t) / 1000, result };
};

/**
 * The worker's job as it runs, in its two parts: until the request's `done` is written (the transaction
 * that changes the logins has committed; watched every 50 ms from another connection) and the rest (the
 * member lists). Seconds.
 */
async function jobInTwoParts(db: Db, run: () => Promise<{ requestId: number } | null>) {
  const started = performance.now();
  let committed: number | null = null;
  let watching = false;
  const watch = setInterval(async () => {
    if (committed !== null || watching) return;
    watching = true;
    const [r] = await queryRows(
      db,
      sql`select 1 as n from login_clear_requests where done is not null and finished_at is null`,
      { n: 'number' },
    );
    if (r && committed === null) committed = performance.now();
    watching = false;
  }, 50);
  const outcome = await run();
  clearInterval(watch);
  const finished = performance.now();
  // A job whose lists took under one watch interval: its commit is known only to within that much.
  const at = committed ?? finished;
  return {
    requestId: outcome!.requestId,
    logins: (at - started) / 1000,
    lists: (finished - at) / 1000,
    all: (finished - started) / 1000,
  };
}

async function measure(size: number) {
  const scratch = await scratchDatabase(PG_URL);
  const database = openPostgres(scratch.url, 5);
  try {
    await database.migrate();
    const db = database.db;
    const loaded = await seconds(async () => {
      await loadRoster(db, size);
      return loadClearAllActivity(db, size);
    });
    const adminId = loaded.result;
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' });
    const app = await createApp(config, { database, logger: createLogger('silent') });
    const server = await buildServer(app);
    await app.jobs.start(); // pg-boss's schema is made once, not inside the timed POST
    const [count] = await queryRows(db, sql`select count(*) n from accounts where role = 'member'`, {
      n: 'number',
    });
    const logins = count!.n;
    console.log(
      `\n${size.toLocaleString('en')} members, ${logins.toLocaleString('en')} member logins (load ${loaded.s.toFixed(0)} s)`,
    );
    /** Printed and reported as soon as measured, so a long run shows what it has so far. */
    const record = (figure: string, value: number, unit: string, ceiling?: number) => {
      line(figure, value, unit, ceiling ? `   ${(value / ceiling).toFixed(2)} × ceiling` : '');
      reportFigure({
        bench: 'clear-all',
        figure,
        engine: 'postgres',
        members: size,
        value,
        unit,
        ceiling,
        higherIsBetter: false,
      });
    };

    // Clear: the bare ceiling (rolled back), then the real request and job.
    const clearCeiling = await bareClear(db, adminId);
    line('Clear All: bare set-based statements (ceiling)', clearCeiling, 's');
    const b = browser(server);
    // A Security Administrator's risky actions need a second step: the admin gets an authenticator app.
    await giveAuthenticator({ clock: app.deps.clock, deps: app.deps } as never, {
      accountId: adminId,
      username: ADMIN.username,
    });
    const login = await b.logIn(ADMIN.username, ADMIN.password);
    const form = await b.get(CLEAR);
    if (form.statusCode !== 200)
      throw new Error(
        `login ${login.statusCode} ${login.headers.location}, form ${form.statusCode} ${form.headers.location}`,
      );
    const post = await seconds(() =>
      server.inject({
        method: 'POST',
        url: CLEAR,
        headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(form.body),
          confirmation: `clear ${logins} logins`,
          password: ADMIN.password,
        }).toString(),
      }),
    );
    if (post.result.statusCode !== 303) throw new Error(`clear POST answered ${post.result.statusCode}`);
    record('Clear All: form POST (HTTP, request recorded)', post.s * 1000, 'ms');
    const clearJob = await jobInTwoParts(db, () => runWaitingLoginClearRequest(app.deps));
    const cleared = await loginClearRequest(app.deps, systemActor(), clearJob.requestId);
    if (cleared.failure) throw new Error(cleared.failure);
    record(`Clear All: logins removed (job's transaction), ${cleared.done} logins`, clearJob.logins, 's');
    record('Clear All: member lists after it (batches)', clearJob.lists, 's');
    record('Clear All: job in all', clearJob.all, 's', clearCeiling);
    await db.execute(sql`vacuum analyze`);

    // Restore: the same, from the clear just made.
    const clearId = cleared.clearId!;
    const restoreCeiling = await bareRestore(db, clearId);
    line('Restore: bare set-based statements (ceiling)', restoreCeiling, 's');
    const restorePath = `${CLEAR}/${clearId}/restore`;
    const confirm = await b.get(restorePath);
    const restorePost = await seconds(() =>
      server.inject({
        method: 'POST',
        url: restorePath,
        headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(confirm.body) }).toString(),
      }),
    );
    if (restorePost.result.statusCode !== 303)
      throw new Error(`restore POST ${restorePost.result.statusCode}`);
    const restoreJob = await jobInTwoParts(db, () => runWaitingLoginClearRequest(app.deps));
    const restored = await loginClearRequest(app.deps, systemActor(), restoreJob.requestId);
    if (restored.failure) throw new Error(restored.failure);
    record('Restore: form POST (HTTP, request recorded)', restorePost.s * 1000, 'ms');
    record(`Restore: logins put back (job's transaction), ${restored.done} logins`, restoreJob.logins, 's');
    record('Restore: member lists after it (batches)', restoreJob.lists, 's');
    record('Restore: job in all', restoreJob.all, 's', restoreCeiling);

    await server.close();
    await app.close();
  } finally {
    await database.close().catch(() => {});
    await scratch.drop();
  }
}

console.log(`clear-all: ${os.cpus().length} cores, ${new Date().toISOString()}, PostgreSQL ${PG_URL}`);
for (const size of benchMembers([100_000, 1_000_000])) await measure(size);
process.exit(0);
