/**
 * Clear All Usernames and Restore as background jobs (issue 15, item 3) on PostgreSQL: the form's POST
 * through the real server (Fastify inject: session, CSRF, argon2 password check, the count, recording the
 * request), the worker's job (one transaction), and in the same run the ceiling — the bare set-based
 * statements, triggers off, has_login set by one UPDATE — and the job's work with the old per-row
 * has_login trigger (migrations 0002/0017) against the new statement-level ones (0021), interleaved and
 * rolled back. 60% of members have a login (600k at 1M).
 *
 *   node --import tsx bench/clear-all.ts
 *
 * BENCH_MEMBERS (100000,1000000), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test: a scratch
 * database per size, dropped afterwards), BENCH_AB (old/new pairs per size: 2 below 1M, 1 at 1M; 0 skips).
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/db/connect.ts';
import { queryRows } from '../src/db/rows.ts';
import { clearLoginsIn } from '../src/domain/clearAllUsernames/clearLogins.ts';
import { loginClearRequest } from '../src/domain/clearAllUsernames/loginClearRequests.ts';
import { restoreClearedLoginsIn } from '../src/domain/clearAllUsernames/restoreClearedLogins.ts';
import { runWaitingLoginClearRequest } from '../src/domain/clearAllUsernames/runLoginClearRequest.ts';
import { systemActor } from '../src/domain/policy.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/logging.ts';
import { browser, csrfFrom, giveAuthenticator } from '../tests/factories.ts';
import { ADMIN, bareClear, bareRestore, loadClearAllActivity, withTrigger } from './lib/clearAllSetup.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';
import { loadRoster, quantile, scratchDatabase } from './lib/roster.ts';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLEAR = '/admin/member-management/invitation-codes/clear-all-usernames';
const median = (xs: number[]) => quantile(xs, 0.5);
const line = (what: string, value: number, unit: string, extra = '') =>
  console.log(`  ${what.padEnd(58)} ${value.toFixed(unit === 'ms' ? 1 : 2).padStart(9)} ${unit}${extra}`);

const seconds = async <T>(run: () => Promise<T>) => {
  const t = performance.now();
  const result = await run();
  return { s: (performance.now() - t) / 1000, result };
};

/** The job's work with the old per-row trigger and with the new ones, interleaved: medians in seconds. */
async function oldAgainstNew(pairs: number, run: (old: boolean) => Promise<number>) {
  if (pairs < 1) return null;
  const times = { old: [] as number[], new: [] as number[] };
  for (let i = 0; i < pairs; i++) {
    times.old.push(await run(true));
    times.new.push(await run(false));
  }
  return { old: median(times.old), new: median(times.new) };
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
    const asker = { ...systemActor('bench'), accountId: adminId };
    const pairs = Number(process.env.BENCH_AB ?? (size >= 1_000_000 ? 1 : 2));
    const now = () => new Date();
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

    // Clear: the bare ceiling, old trigger vs new (rolled back), then the real request and job.
    const clearCeiling = await bareClear(db, adminId);
    line('Clear All: bare set-based statements (ceiling)', clearCeiling, 's');
    const clearAB = await oldAgainstNew(pairs, (old) =>
      withTrigger(db, old, (tx) =>
        clearLoginsIn(tx as never, now(), asker, { includeAdmins: false, confirmed: logins }),
      ),
    );
    if (clearAB) {
      record('Clear All work, old per-row trigger (rolled back)', clearAB.old, 's', clearCeiling);
      record('Clear All work, statement-level trigger (rolled back)', clearAB.new, 's', clearCeiling);
    }
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
    const clearJob = await seconds(() => runWaitingLoginClearRequest(app.deps));
    const cleared = await loginClearRequest(app.deps, systemActor(), clearJob.result!.requestId);
    if (cleared.failure) throw new Error(cleared.failure);
    record(`Clear All: job, ${cleared.done} logins`, clearJob.s, 's', clearCeiling);
    await db.execute(sql`vacuum analyze`);

    // Restore: the same, from the clear just made.
    const clearId = cleared.clearId!;
    const restoreCeiling = await bareRestore(db, clearId);
    line('Restore: bare set-based statements (ceiling)', restoreCeiling, 's');
    const restoreAB = await oldAgainstNew(pairs, (old) =>
      withTrigger(db, old, (tx) => restoreClearedLoginsIn(tx as never, now(), asker, clearId)),
    );
    if (restoreAB) {
      record('Restore work, old per-row trigger (rolled back)', restoreAB.old, 's', restoreCeiling);
      record('Restore work, statement-level trigger (rolled back)', restoreAB.new, 's', restoreCeiling);
    }
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
    const restoreJob = await seconds(() => runWaitingLoginClearRequest(app.deps));
    const restored = await loginClearRequest(app.deps, systemActor(), restoreJob.result!.requestId);
    if (restored.failure) throw new Error(restored.failure);
    record('Restore: form POST (HTTP, request recorded)', restorePost.s * 1000, 'ms');
    record(`Restore: job, ${restored.done} logins`, restoreJob.s, 's', restoreCeiling);

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
