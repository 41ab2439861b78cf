/**
 * Send All benchmark (PostgreSQL): time to enqueue a Send All to N pending members, then delivery
 * throughput into a local smtp-server sink that parses every message, with 1 and with 2 worker processes
 * (`gatehouse worker`), against the ceiling — pooled nodemailer straight into the same sink — measured
 * right before and right after each delivery run (the machine is shared: each run is compared with the mean
 * of its own two). Every run counts messages per recipient: zero duplicates, zero losses, and prints its
 * rate in each tenth of its messages (does it hold as the queue drains?).
 *
 *   node --import tsx bench/send-all.ts            (BENCH_MEMBERS, default 50000)
 *
 * SEND_ALL_REPEAT=3          each worker count this many times, interleaved, medians reported
 * SEND_ALL_WORKERS=1,2       worker process counts to measure
 * SEND_ALL_BIN=old=/x/bin/gatehouse.js,new=bin/gatehouse.js
 *                            compare checkouts (A/B), interleaved run by run
 * SEND_ALL_PROFILE=DIR       --cpu-prof for each worker into DIR, and SQL statements counted per kind
 * SEND_ALL_TRIGGER_COST=1    each checkout also with the round-figure triggers on email_messages
 *                            (migration 0021) disabled, to see what they cost per message
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startSendAll } from '../src/domain/invitations/queueInvitations.ts';
import { systemActor } from '../src/domain/policy.ts';
import { renderInvitationEmail } from '../src/email/templates/invitation.tsx';
import { createLogger } from '../src/logging.ts';
import { startSmtpSink } from '../tests/smtpSink.ts';
import { benchMembers, reportFigure } from './lib/figures.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432/test';
const REPEAT = Number(process.env.SEND_ALL_REPEAT ?? 1);
const WORKERS = (process.env.SEND_ALL_WORKERS ?? '1,2').split(',').map(Number);
const BINS = (process.env.SEND_ALL_BIN ?? 'current=bin/gatehouse.js').split(',').map((pair) => {
  const [label, bin] = pair.split('=') as [string, string];
  return { label, bin: path.resolve(bin) };
});
const PROFILE = process.env.SEND_ALL_PROFILE ? path.resolve(process.env.SEND_ALL_PROFILE) : undefined;
const VARIANTS = BINS.flatMap(({ label, bin }) =>
  process.env.SEND_ALL_TRIGGER_COST === '1'
    ? [
        { label, bin, triggers: true },
        { label: `${label}-no-figure-triggers`, bin, triggers: false },
      ]
    : [{ label, bin, triggers: true }],
);

/**
 * Loaded into each profiled worker: counts the SQL statements it sends by their first words and writes
 * them out at exit, so a run says how many statements each message cost.
 */
const countStatements = (file: string) =>
  `data:text/javascript,${encodeURIComponent(`
    import { createRequire } from 'node:module';
    import { writeFileSync } from 'node:fs';
    const pg = createRequire(${JSON.stringify(path.resolve('package.json'))})('pg');
    const counts = {};
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (config, ...rest) {
      const text = typeof config === 'string' ? config : (config?.text ?? '');
      const key = text.replace(/\\s+/g, ' ').trim().slice(0, 70);
      counts[key] = (counts[key] ?? 0) + 1;
      return query.call(this, config, ...rest);
    };
    process.on('exit', () => writeFileSync(${JSON.stringify(file)}, JSON.stringify(counts)));`)}`;

async function withDatabase<T>(task: (url: string) => Promise<T>): Promise<T> {
  const name = `gatehouse_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    return await task(SERVER.replace(/\/test$/, `/${name}`));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** The same pooled SMTP client and the same invitation email, rendered once, with nothing else to do. */
async function ceiling(sinkUrl: string, count: number): Promise<number> {
  const transport = nodemailer.createTransport({
    url: sinkUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 1000,
  } as never);
  const email = renderInvitationEmail({
    orgName: 'Gatehouse',
    firstName: 'First',
    inviterName: 'Bench',
    link: `http://portal.test/invite/${'x'.repeat(43)}`,
    code: 'ABCD-EFGH',
    expiresAt: new Date(),
    portalUrl: 'http://portal.test',
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) {
        const i = next++;
        await transport.sendMail({ from: 'bench@example.org', to: `ceiling${i}@example.org`, ...email });
      }
    }),
  );
  transport.close();
  return count / ((performance.now() - started) / 1000);
}

type Run = { members: number; workers: number; bin: string; triggers: boolean; profileTag: string };

async function deliver(run: Run, sinkUrl: string, waitFor: (n: number) => Promise<void>) {
  return withDatabase(async (url) => {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portal.test' });
    const app = await createApp(config, { logger: createLogger('silent') });
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'B' || g, 'First' || g, 'Last' || g, 'member' || g || '@example.org', 'member' || g || '@example.org'
      from generate_series(1, ${run.members}) g`);
    await app.deps.db.execute(sql`analyze members`);
    // Statement-level triggers of migration 0021 (round figures): off only to measure what they cost.
    if (!run.triggers)
      for (const t of ['insert', 'update', 'delete'])
        await app.deps.db.execute(
          sql.raw(`alter table email_messages disable trigger email_messages_round_figures_${t}`),
        );
    const enqueueStarted = performance.now();
    const { total } = await startSendAll(app.deps, systemActor('bench'));
    const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
    const env = {
      ...process.env,
      DATABASE_URL: url,
      SMTP_URL: sinkUrl,
      LOG_LEVEL: 'warn',
      PUBLIC_URL: 'http://portal.test',
    };
    const children = Array.from({ length: run.workers }, (_, i) => {
      const tag = `${run.profileTag}-w${i}`;
      // One directory per worker: tsx's loader thread writes a profile of its own beside the main thread's.
      const flags = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE, tag)}`] : [];
      const counting = PROFILE ? ['--import', countStatements(path.join(PROFILE, `${tag}.sql.json`))] : [];
      // From its own checkout, whose tsconfig (JSX) tsx then applies.
      const cwd = path.dirname(path.dirname(run.bin));
      return spawn(process.execPath, [...flags, ...counting, run.bin, 'worker'], {
        cwd,
        env,
        stdio: 'inherit',
      });
    });
    // Timed from the first message to the last, so worker start-up (a few seconds) does not count.
    await waitFor(1);
    const deliveryStarted = performance.now();
    await waitFor(total);
    const deliverySeconds = (performance.now() - deliveryStarted) / 1000;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve))));
    await app.close();
    return { total, enqueueSeconds, rate: (total - 1) / deliverySeconds, deliverySeconds };
  });
}

/** The statements a profiled worker sent, per delivered message, most frequent first. */
function statementsPerMessage(tag: string, workers: number, delivered: number): string[] {
  const counts: Record<string, number> = {};
  for (let i = 0; i < workers; i++) {
    const file = path.join(PROFILE!, `${tag}-w${i}.sql.json`);
    for (const [k, n] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>))
      counts[k] = (counts[k] ?? 0) + n;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const top = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  return [
    `  SQL statements: ${total} = ${(total / delivered).toFixed(3)} per message`,
    ...top.map(([k, n]) => `    ${(n / delivered).toFixed(3)}  ${k}`),
  ];
}

/** Messages per second in each tenth of a run, by arrival: shows whether the rate holds as the queue drains. */
function ratesByTenth(arrivals: number[]): number[] {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const tenth = Math.floor(sorted.length / 10);
  if (tenth < 2) return [];
  return Array.from({ length: 10 }, (_, i) => {
    const first = sorted[i * tenth]!;
    const last = sorted[(i + 1) * tenth - 1]!;
    return (tenth - 1) / ((last - first) / 1000);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

if (PROFILE) mkdirSync(PROFILE, { recursive: true });
// The sink parses every message as a mail server would, and keeps only who each went to: a 1M run kept
// about 5 GB of parsed messages alive in this process, beside the ceilings it measures.
const sink = await startSmtpSink({ envelopeOnly: true });
const report: string[] = [];
// Printed as it goes (a run takes minutes), and once more together at the end.
const say = (...lines: string[]) => {
  report.push(...lines);
  console.log(lines.join('\n'));
};
say(
  `machine: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString().slice(0, 10)}, PostgreSQL`,
);
for (const members of benchMembers([50_000])) {
  const results = new Map<string, { rate: number; ceiling: number; enqueue: number }[]>();
  // The ceiling right before and right after each run, which is compared with their mean: one 10k-message
  // sample is noisy (947 before and 733 after the same 1M run), and a long run may see the machine change.
  const ceilingNow = async () => {
    const rate = await ceiling(sink.url, Math.min(members, 10_000));
    sink.messages.length = 0;
    return rate;
  };
  for (let round = 0; round < REPEAT; round++) {
    for (const workers of WORKERS) {
      for (const { label, bin, triggers } of VARIANTS) {
        const ceilingBefore = await ceilingNow();
        const profileTag = `${label}-${members}-${workers}w-${round}`;
        const result = await deliver({ members, workers, bin, triggers, profileTag }, sink.url, (n) =>
          // Half an hour, or 100 messages a second (a 1M run with one worker takes about 30 minutes).
          sink.waitForMessages(n, Math.max(30 * 60_000, members * 10)).then(() => {}),
        );
        const tenths = ratesByTenth(sink.messages.map((m) => m.receivedAt));
        const perRecipient = sink.byRecipient();
        sink.messages.length = 0;
        const ceilingAfter = await ceilingNow();
        const ceilingRate = (ceilingBefore + ceilingAfter) / 2;
        const duplicates = [...perRecipient.values()].filter((n) => n > 1).length;
        const lost = result.total - perRecipient.size;
        const key = `${label} ${workers}`;
        results.set(key, [
          ...(results.get(key) ?? []),
          { rate: result.rate, ceiling: ceilingRate, enqueue: result.enqueueSeconds },
        ]);
        say(
          `${members} members, ${label}, ${workers} worker(s): enqueue ${result.enqueueSeconds.toFixed(2)} s; ` +
            `${result.rate.toFixed(0)} msg/s vs ceiling ${ceilingRate.toFixed(0)} (${ceilingBefore.toFixed(0)} before, ` +
            `${ceilingAfter.toFixed(0)} after) = ${(result.rate / ceilingRate).toFixed(2)} x; ` +
            `duplicates ${duplicates}, lost ${lost}`,
          `  msg/s by tenth of the run: ${tenths.map((r) => r.toFixed(0)).join(' ')}`,
        );
        if (PROFILE) say(...statementsPerMessage(profileTag, workers, result.total));
        if (duplicates > 0 || lost > 0) process.exitCode = 1;
      }
    }
  }
  for (const [key, runs] of results) {
    const [label, workers] = key.split(' ') as [string, string];
    const rate = median(runs.map((r) => r.rate));
    const ceilingRate = median(runs.map((r) => r.ceiling));
    const ratio = median(runs.map((r) => r.rate / r.ceiling));
    say(
      `median ${members} members, ${label}, ${workers} worker(s) of ${runs.length}: ${rate.toFixed(0)} msg/s, ` +
        `ceiling ${ceilingRate.toFixed(0)}, ratio ${ratio.toFixed(2)}, enqueue ${median(runs.map((r) => r.enqueue)).toFixed(2)} s`,
    );
    const suffix = VARIANTS.length > 1 ? ` (${label})` : '';
    reportFigure({
      bench: 'send-all',
      figure: `Send All delivery, ${workers} worker process${workers === '1' ? '' : 'es'}${suffix}`,
      engine: 'postgres',
      members,
      value: rate,
      unit: '/s',
      ceiling: ceilingRate,
      higherIsBetter: true,
    });
    if (workers === String(WORKERS[0]))
      reportFigure({
        bench: 'send-all',
        figure: `Send All enqueue${suffix}`,
        engine: 'postgres',
        members,
        value: median(runs.map((r) => r.enqueue)),
        unit: 's',
        higherIsBetter: false,
      });
  }
}
await sink.close();
if (PROFILE) writeFileSync(path.join(PROFILE, 'report.txt'), report.join('\n'));
console.log(`\n${report.join('\n')}`);
