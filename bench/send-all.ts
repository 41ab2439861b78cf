/**
 * Send All benchmark (PostgreSQL): time to enqueue a Send All to N pending members, then delivery
 * throughput into a local smtp-server sink that parses every message, with 1 and with 2 worker processes
 * (`gatehouse worker`), against the ceiling — pooled nodemailer straight into the same sink — measured in
 * the same run. Every run counts messages per recipient: zero duplicates, zero losses.
 *
 *   node --import tsx bench/send-all.ts [members=100000]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

const MEMBERS = Number(process.argv[2] ?? 100_000);
const SERVER = 'postgres://postgres@127.0.0.1:5432/test';
const BIN = path.resolve('bin/gatehouse.js');

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

async function run(workers: number, sinkUrl: string, waitFor: (n: number) => Promise<void>) {
  return withDatabase(async (url) => {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portal.test' });
    const app = await createApp(config, { logger: createLogger('silent') });
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'B' || g, 'First' || g, 'Last' || g, 'member' || g || '@example.org', 'member' || g || '@example.org'
      from generate_series(1, ${MEMBERS}) g`);
    await app.deps.db.execute(sql`analyze members`);
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
    const children = Array.from({ length: workers }, () =>
      spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'inherit' }),
    );
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

const sink = await startSmtpSink();
const report: string[] = [
  `machine: ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${MEMBERS} pending members, PostgreSQL`,
];
const ceilingRate = await ceiling(sink.url, Math.min(MEMBERS, 20_000));
report.push(`ceiling (pooled nodemailer -> sink, 5 connections): ${ceilingRate.toFixed(0)} messages/s`);
for (const workers of [1, 2]) {
  const before = sink.messages.length;
  const result = await run(workers, sink.url, (n) =>
    sink.waitForMessages(before + n, 30 * 60_000).then(() => {}),
  );
  const delivered = sink.messages.slice(before);
  const perRecipient = new Map<string, number>();
  for (const m of delivered) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  const duplicates = [...perRecipient.values()].filter((n) => n > 1).length;
  const lost = result.total - perRecipient.size;
  report.push(
    `${workers} worker(s): enqueue ${result.enqueueSeconds.toFixed(2)} s; delivered ${delivered.length} in ${result.deliverySeconds.toFixed(1)} s = ` +
      `${result.rate.toFixed(0)} messages/s = ${(result.rate / ceilingRate).toFixed(2)} x ceiling; duplicates ${duplicates}, lost ${lost}`,
  );
  sink.messages.length = 0; // keep memory flat between runs
}
await sink.close();
console.log(report.join('\n'));
