/**
 * Chaos bench (issue 10's proof): a Send All to N members on a throw-away PostgreSQL cluster, one web and two
 * worker processes, while workers are killed (-9) and stopped (SIGTERM), the database is restarted twice
 * (`-m fast`, `-m immediate`) and a faulty mail server answers 4xx, 5xx, stalls and drops connections after
 * the whole message (bench/chaos/faultySmtp.ts). Then every member's database state is held against what
 * the mail server really has. Exits 1 on any unexplained duplicate, unmarked loss, dead link in a
 * delivered copy, unfinished message, or process that died by itself.
 *
 *   node --import tsx bench/chaos.ts [--members 10000] [--seed 1] [--chaos-seconds 120] [--timeout-seconds 300]
 *   (or CHAOS_MEMBERS, CHAOS_SEED, CHAOS_SECONDS, CHAOS_TIMEOUT_SECONDS)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { browser } from '../tests/browserClient.ts';
import { startThrowAwayCluster } from '../tests/pgCluster.ts';
import { draw, startFaultySmtp } from './chaos/faultySmtp.ts';
import { type PortalProcess, runGatehouse, startPortalProcess, workerPool } from './chaos/processes.ts';
import { roundStates, TABLE_HEADER, tableRow, tally, UNFINISHED } from './chaos/tally.ts';

const { values: flags } = parseArgs({
  options: {
    members: { type: 'string' },
    seed: { type: 'string' },
    'chaos-seconds': { type: 'string' },
    'timeout-seconds': { type: 'string' },
  },
});
const MEMBERS = Number(flags.members ?? process.env.CHAOS_MEMBERS ?? 10_000);
const SEED = Number(flags.seed ?? process.env.CHAOS_SEED ?? 1);
const CHAOS_MS = 1000 * Number(flags['chaos-seconds'] ?? process.env.CHAOS_SECONDS ?? 120);
const TIMEOUT_MS = 1000 * Number(flags['timeout-seconds'] ?? process.env.CHAOS_TIMEOUT_SECONDS ?? 300);
const ADMIN = { username: 'chaos', password: 'violet tractor umbrella 42' };
const SEND_ALL = '/admin/member-management/invitation-codes/send-all';
const LEASE_SECONDS = 20;

const began = Date.now();
const log = (line: string) =>
  console.log(`[${((Date.now() - began) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let step = 0;
const random = () => draw(SEED, 'chaos', step++); // the order of faults is reproducible for a seed

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp() {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err) => log(`cleanup: ${err}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

async function main(): Promise<number> {
  log(
    `chaos bench: ${MEMBERS} members, seed ${SEED}, ${CHAOS_MS / 1000} s of chaos, ${os.cpus().length} cores`,
  );
  const cluster = await startThrowAwayCluster();
  cleanups.push(() => cluster.destroy());
  const smtp = await startFaultySmtp({
    seed: SEED,
    rates: { permanent: 0.01, alwaysTemporary: 0.002, temporary: 0.03, postDataDrop: 0.01, stall: 0.001 },
    acceptDelayMs: 30,
    stallMs: (LEASE_SECONDS + 5) * 1000,
  });
  cleanups.push(() => smtp.close());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chaos-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    ...process.env,
    DATABASE_URL: cluster.url,
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
    DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
    EMAIL_RETRY_MINUTES: '0.05,0.1,0.2', // 3 s, 6 s, 12 s: four attempts within the run
    LOG_LEVEL: 'info',
    GATEHOUSE_PASSWORD: ADMIN.password,
  };

  log(`PostgreSQL cluster at ${cluster.url}; migrating, creating admin "${ADMIN.username}", seeding`);
  await runGatehouse(['migrate'], env);
  await runGatehouse(
    ['admin', 'create', '--username', ADMIN.username, '--email', 'chaos-admin@example.org'].concat([
      '--first-name',
      'Chaos',
      '--last-name',
      'Admin',
      '--role',
      'admin',
    ]),
    env,
  );
  const seeder = new pg.Client({ connectionString: cluster.url });
  await seeder.connect();
  await seeder.query(
    `insert into members (member_number, first_name, last_name, email, email_lower, status)
     select 'C' || lpad(g::text, 6, '0'), 'First' || g, 'Last' || g, 'member' || g || '@example.org',
            'member' || g || '@example.org', 'current'
     from generate_series(1, $1::int) g`,
    [MEMBERS],
  );
  await seeder.query('analyze members');
  await seeder.end();
  log(`${MEMBERS} members seeded; starting one web and two workers`);

  const web = await startPortalProcess(
    'web',
    ['serve', '--no-worker'],
    { ...env, PORT: '0', HOST: '127.0.0.1' },
    /"msg":"listening on (http:\/\/[^"]+)"/,
  );
  cleanups.push(async () => {
    web.child.kill('SIGKILL');
    await web.exited;
  });
  const pool = workerPool(2, env, log);
  cleanups.push(() => pool.close());
  await pool.start();
  log(`web at ${web.match}, 2 workers started`);

  const admin = browser(web.match);
  await admin.logIn(ADMIN.username, ADMIN.password);
  const started = await admin.post(SEND_ALL, {}, SEND_ALL);
  const progressPath = started.headers.get('location') ?? '';
  const roundId = Number(/rounds\/(\d+)/.exec(progressPath)?.[1]);
  if (started.status !== 303 || !roundId)
    throw new Error(`Send All answered ${started.status}: ${(await started.text()).slice(0, 2000)}`);
  log(`Send All pressed: round ${roundId}`);

  const faults = { kills: 0, sigterms: 0, dbRestarts: 0 };
  const webProblems: string[] = [];
  const watchWeb = (p: PortalProcess) =>
    void p.exited.then((how) => webProblems.push(`web ended by itself (${how}):\n${p.output()}`));
  watchWeb(web);
  const progress = async () => {
    const states = await roundStates(cluster.url, roundId);
    const ready = await fetch(`${web.match}/readyz`).then((r) => r.status, String);
    log(
      `states ${states ? JSON.stringify(states) : '(database away)'}; server has ${smtp.counts.accepted} ` +
        `messages; web /readyz ${ready}`,
    );
    return states;
  };
  const restartDatabase = async (mode: 'fast' | 'immediate') => {
    log(`-- stopping PostgreSQL (-m ${mode}) for 5 s`);
    await cluster.stop(mode);
    faults.dbRestarts += 1;
    await sleep(2500);
    const down = await fetch(`${web.match}/readyz`).then((r) => r.status, String);
    await sleep(2500);
    await cluster.start();
    log(`-- PostgreSQL is back (web /readyz answered ${down} meanwhile)`);
  };

  // The chaos: a kill -9 every 8-14 s (a worker takes a few seconds to start on a busy 2-core machine), one
  // SIGTERM at a third, the database restarted at 40% and 75%.
  // An act that finds nothing to do (no worker up at that moment) is tried again on the next turn.
  const sigterm = () => {
    const victim = pool.takeDown('SIGTERM', random);
    if (victim) log(`-- SIGTERM ${victim} (graceful stop)`);
    faults.sigterms += victim ? 1 : 0;
    return victim !== undefined;
  };
  const plan = [
    { at: 0.33, act: async () => sigterm() },
    { at: 0.4, act: () => restartDatabase('fast').then(() => true) },
    { at: 0.75, act: () => restartDatabase('immediate').then(() => true) },
  ];
  const killGap = () => 8000 + random() * 6000;
  let nextKill = Date.now() + killGap();
  let nextReport = Date.now();
  const chaosStart = Date.now();
  while (Date.now() - chaosStart < CHAOS_MS) {
    const due = plan.findIndex((p) => Date.now() - chaosStart >= p.at * CHAOS_MS);
    if (due >= 0 && (await plan[due]!.act())) plan.splice(due, 1);
    if (Date.now() >= nextKill) {
      const victim = pool.takeDown('SIGKILL', random);
      if (victim) {
        faults.kills += 1;
        log(`-- kill -9 ${victim}`);
      }
      nextKill = Date.now() + killGap();
    }
    if (Date.now() >= nextReport) {
      nextReport = Date.now() + 5000;
      const states = await progress();
      if (states && UNFINISHED.every((s) => !states[s])) break; // the round is over before the chaos is
    }
    await sleep(250);
  }
  log('chaos over; waiting for every message to reach a final state');
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const states = await progress();
    if (states && UNFINISHED.every((s) => !states[s])) break;
    if (Date.now() > deadline) {
      log(`!! timeout: messages still unfinished after ${TIMEOUT_MS / 1000} s`);
      break;
    }
    await sleep(5000);
  }
  const page = await (await admin.get(progressPath)).text();
  log(`progress page (as the admin sees it) says ${page.includes('Finished') ? 'Finished' : 'NOT finished'}`);

  const reader = new pg.Client({ connectionString: cluster.url });
  await reader.connect();
  const t = await tally(reader, roundId, smtp.accepted);
  await reader.end();
  const c = smtp.counts;
  const label = `seed ${SEED}, ${new Date().toISOString().slice(0, 10)}, nproc ${os.cpus().length}`;
  console.log(`\n${TABLE_HEADER}\n${tableRow(label, t)}\n`);
  console.log(
    `faults injected: ${faults.kills} kill -9, ${faults.sigterms} SIGTERM, ${faults.dbRestarts} database ` +
      `restarts; mail server: ${c.attempts} attempts, ${c.temporary} × 4xx, ${c.permanent} × 5xx, ` +
      `${c.postDataDrops} post-DATA drops, ${c.stalls} stalls, ${c.accepted} messages taken in full`,
  );
  console.log(
    `checks: dead links in delivered copies ${t.deadLinks}, "sent" without a copy ${t.sentWithoutCopy}, ` +
      `two copies not shown on the member ${t.duplicatesUnmentioned}, ` +
      `workers that died by themselves ${pool.crashes.length}, web ${webProblems.length ? 'died' : 'up throughout'}; ` +
      `total ${((Date.now() - began) / 1000).toFixed(0)} s`,
  );
  for (const [problem, who] of Object.entries(t.examples))
    console.log(`  e.g. ${problem}: ${who.join(', ')}`);
  for (const crash of [...pool.crashes, ...webProblems]) console.log(crash);
  for (const failure of pool.startFailures)
    console.log(`a worker start failed other than with exit 2:\n${failure}`);
  const bad =
    t.duplicatedOther +
    t.lost +
    t.unfinished +
    t.deadLinks +
    t.duplicatesUnmentioned +
    pool.crashes.length +
    webProblems.length;
  return bad === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(err);
} finally {
  await cleanUp();
}
process.exit(code);
