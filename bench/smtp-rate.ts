/**
 * SMTP_RATE_LIMIT benchmark (PostgreSQL): is the configured rate what the mail server sees, for the whole
 * portal? A Send All is delivered by one and then two `gatehouse worker` processes (two email lanes each,
 * SMTP_POOL_SIZE connections each) into a local smtp-server sink that records when each message arrives.
 * For SMTP_RATE_LIMIT 0.5 and 5 it prints configured vs observed messages per second: overall (first to
 * last arrival) and the median of per-window rates, and the gaps between consecutive arrivals (5th
 * percentile, smallest, how many under half of 1/rate). Each run gets a fresh database `gatehouse_bench_rate` (dropped
 * afterwards). About three minutes. Figures go to BENCH_FIGURES for `npm run bench` (bench/lib/figures.ts):
 * observed ÷ configured rate, and duplicates.
 *
 *   node --import tsx bench/smtp-rate.ts
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startSendAll } from '../src/domain/invitations/queueInvitations.ts';
import { systemActor } from '../src/domain/policy.ts';
import { createLogger } from '../src/logging.ts';
import { type SmtpSink, startSmtpSink } from '../tests/smtpSink.ts';
import { reportFigure } from './lib/figures.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'gatehouse_bench_rate';
const URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const BIN = path.resolve('bin/gatehouse.js');
const POOL_SIZE = 5;
/** Per rate: how long to measure after the first arrival, and the window for per-window rates. */
const RUNS = [
  { rate: 0.5, measureSeconds: 40, windowSeconds: 10 },
  { rate: 5, measureSeconds: 20, windowSeconds: 2 },
];

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database with `members` pending members and a Send All queued for them. */
async function seed(members: number) {
  await admin(`drop database if exists ${DATABASE} with (force)`);
  await admin(`create database ${DATABASE}`);
  const config = loadConfig({ DATABASE_URL: URL, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portal.test' });
  const app = await createApp(config, { logger: createLogger('silent') });
  await app.deps.db.execute(sql`
    insert into members (member_number, first_name, last_name, email, email_lower)
    select 'R' || g, 'First' || g, 'Last' || g, 'rate' || g || '@example.org', 'rate' || g || '@example.org'
    from generate_series(1, ${members}) g`);
  await startSendAll(app.deps, systemActor('bench'));
  await app.close();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(sink: SmtpSink, workers: number, rate: number, measureSeconds: number) {
  await seed(Math.ceil(rate * measureSeconds * 2) + 20);
  sink.messages.length = 0;
  const env = {
    ...process.env,
    DATABASE_URL: URL,
    SMTP_URL: sink.url,
    SMTP_POOL_SIZE: String(POOL_SIZE),
    SMTP_RATE_LIMIT: String(rate),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'http://portal.test',
  };
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'inherit' }),
  );
  // Measured from the first arrival, so worker start-up (a few seconds) does not count.
  await sink.waitForMessages(1, 60_000);
  await sleep(measureSeconds * 1000);
  const exited = children.map((c) => new Promise((resolve) => c.once('exit', resolve)));
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(exited);
  const first = sink.messages[0]!.receivedAt;
  const arrivals = sink.messages
    .map((m) => (m.receivedAt - first) / 1000)
    .filter((t) => t <= measureSeconds)
    .sort((a, b) => a - b);
  const duplicates = [...sink.byRecipient().values()].filter((n) => n > 1).length;
  return { arrivals, duplicates };
}

function figures(arrivals: number[], rate: number, measureSeconds: number, windowSeconds: number) {
  const overall = (arrivals.length - 1) / (arrivals.at(-1)! - arrivals[0]!);
  const perWindow: number[] = [];
  for (let start = 0; start + windowSeconds <= measureSeconds; start += windowSeconds)
    perWindow.push(arrivals.filter((t) => t >= start && t < start + windowSeconds).length / windowSeconds);
  perWindow.sort((a, b) => a - b);
  const median = perWindow[Math.floor(perWindow.length / 2)]!;
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
  const sortedGaps = [...gaps].sort((x, y) => x - y);
  return {
    overall,
    median,
    smallestGapMs: sortedGaps[0]! * 1000,
    fifthPercentileGapMs: sortedGaps[Math.floor(sortedGaps.length * 0.05)]! * 1000,
    // A message that left late (a busy machine) shortens the gap after it; it never leaves early.
    underHalf: gaps.filter((g) => g < 0.5 / rate).length,
    gapCount: gaps.length,
  };
}

const sink = await startSmtpSink();
const rows: string[] = [];
const loadBefore = os.loadavg()[0]!;
try {
  for (const { rate, measureSeconds, windowSeconds } of RUNS) {
    for (const workers of [1, 2]) {
      const { arrivals, duplicates } = await run(sink, workers, rate, measureSeconds);
      const f = figures(arrivals, rate, measureSeconds, windowSeconds);
      rows.push(
        `| ${workers} | ${rate} | ${f.overall.toFixed(3)} | ${f.median.toFixed(3)} (${windowSeconds} s windows) | ` +
          `${(1000 / rate).toFixed(0)} ms | ${f.fifthPercentileGapMs.toFixed(0)} ms | ${f.smallestGapMs.toFixed(0)} ms | ` +
          `${f.underHalf} of ${f.gapCount} | ${arrivals.length} in ${measureSeconds} s | ${duplicates} |`,
      );
      console.error(rows.at(-1));
      // The "ceiling" is the configured rate: 1.00 is the limit held exactly, above it the limit broken.
      const figure = { bench: 'smtp-rate', engine: 'postgres', members: null } as const;
      const setting = `SMTP_RATE_LIMIT=${rate}, ${workers} worker${workers > 1 ? 's' : ''}`;
      reportFigure({
        ...figure,
        figure: `observed rate, ${setting} (÷ configured)`,
        value: f.overall,
        unit: 'msg/s',
        ceiling: rate,
        higherIsBetter: true,
      });
      reportFigure({
        ...figure,
        figure: `duplicates, ${setting}`,
        value: duplicates,
        unit: 'messages',
        higherIsBetter: false,
      });
    }
  }
} finally {
  await sink.close();
  await admin(`drop database if exists ${DATABASE} with (force)`);
}
console.log(
  [
    `SMTP_RATE_LIMIT, ${os.cpus().length} cores (nproc), ${new Date().toISOString().slice(0, 10)}, PostgreSQL, ` +
      `SMTP_POOL_SIZE=${POOL_SIZE}, 2 email lanes per worker process, local smtp-server sink, ` +
      `load average ${loadBefore.toFixed(1)} before / ${os.loadavg()[0]!.toFixed(1)} after`,
    '',
    '| worker processes | configured msg/s | observed msg/s, overall | median per window | 1/rate | 5th percentile gap | smallest gap | gaps under ½·1/rate | messages measured | duplicates |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
