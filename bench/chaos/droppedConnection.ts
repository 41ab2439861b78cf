/**
 * Reproduction of the one process death the chaos bench found (a worker exited with code 1 during a
 * `pg_ctl stop -m immediate`): when PostgreSQL drops a connection that is checked out of the pool — a
 * transaction in progress, or the advisory-lock connection of `Database.exclusively` — node-postgres emits
 * 'error' on that Client. The pool listens only to idle clients, so nobody listens: the process dies with
 * "Unhandled 'error' event", which the unhandledRejection handler of decision 0015 never sees.
 *
 *   node --import tsx bench/chaos/droppedConnection.ts    (exit 0: survived; exit 1: the process died)
 *
 * The parent starts a throw-away cluster and runs the transaction in a child process, so the cluster is
 * removed whatever happens to the child.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openPostgres } from '../../src/db/connect.ts';
import { startThrowAwayCluster } from '../../tests/pgCluster.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function child(url: string) {
  const database = openPostgres(url);
  process.on('unhandledRejection', (err) => console.log(`unhandled rejection (survived): ${err}`));
  const outcome = await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`select pg_sleep(5)`);
    })
    .then(
      () => 'finished',
      (err) => `rejected (${String(err).split('\n')[0]})`,
    );
  console.log(`transaction ${outcome}; the process is still alive`);
  await database.close().catch(() => {});
}

async function parent(): Promise<number> {
  const cluster = await startThrowAwayCluster();
  try {
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, DROPPED_CONNECTION_URL: cluster.url },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    let killed = 0;
    for (let i = 0; i < 50 && killed === 0; i++, await sleep(200)) {
      // The server ends the session (57P01), as `pg_ctl stop -m fast` does for every session.
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where query like 'select pg_sleep%' and pid <> pg_backend_pid()`,
      );
      killed = rowCount ?? 0;
    }
    await admin.end();
    const code = await exited;
    const died = /Unhandled 'error' event/.exec(stderr);
    console.log(
      died
        ? `DEFECT: the process died (exit ${code}) on a dropped, checked-out connection:\n${stderr.slice(0, 800)}`
        : `ok: the process survived a dropped, checked-out connection (exit ${code})`,
    );
    return died || code !== 0 ? 1 : 0;
  } finally {
    await cluster.destroy();
  }
}

if (process.env.DROPPED_CONNECTION_URL) await child(process.env.DROPPED_CONNECTION_URL);
else process.exitCode = await parent();
