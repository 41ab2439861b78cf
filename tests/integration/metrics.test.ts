import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../src/db/connect.ts';
import { registerDatabaseGauges } from '../../src/metrics/databaseGauges.ts';
import { createMetrics } from '../../src/metrics/registry.ts';
import { runCli, startServer, tempDataDir } from '../cliProcess.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { databaseEnv, portalClient } from '../portalClient.ts';

/** Issue 10, item 10: Prometheus metrics of a real `gatehouse serve` on 127.0.0.1:METRICS_PORT. */

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, one sample per line (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labelText = '', value] = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: name!, labels, value: Number(value) };
    });
}

/** The value of the one sample named `name` whose labels include `labels` (0 when there is none). */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const SEND_ALL = '/admin/member-management/invitation-codes/send-all';
const INVITE_TOKEN = 'n0t-a-real-token-but-secret-all-the-same';

// Three invitations, and the "second step added" email of boss's forced authenticator set-up at his first login.
const LOGGED = 4;

describe('metrics on METRICS_PORT', { timeout: 120_000 }, () => {
  let db: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    db = await databaseEnv();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('counts requests by route pattern, 429s, messages by state and jobs, without secrets', async () => {
    const env = { ...db.env, GATEHOUSE_PASSWORD: GOOD_PASSWORD };
    const admin = ['admin', 'create', '--username', 'boss', '--email', 'boss@example.org'];
    expect((await runCli([...admin, '--first-name', 'Bo', '--last-name', 'Ss'], env)).code).toBe(0);
    const roster = path.join(tempDataDir(), 'roster.csv');
    writeFileSync(
      roster,
      'member_number,first_name,last_name,email\n1,Ann,Ames,ann@example.org\n2,Bob,Bay,bob@example.org\n3,Cy,Cole,cy@example.org\n',
    );
    expect((await runCli(['members', 'import', roster], env)).code).toBe(0);

    const metricsPort = await freePort();
    const server = await startServer({ ...env, METRICS_PORT: String(metricsPort) });
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      return res.text();
    };
    try {
      expect(server.output()).toContain(`"msg":"metrics on http://127.0.0.1:${metricsPort}/metrics"`);
      // Nothing of it on the public port.
      const publicMetrics = await fetch(`${server.url}/metrics`, { redirect: 'manual' });
      expect(publicMetrics.status).not.toBe(200);
      expect(await publicMetrics.text()).not.toContain('# HELP');

      for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const manual = { redirect: 'manual' } as const;
      const invite = (await fetch(`${server.url}/invite/${INVITE_TOKEN}`, manual)).status;
      const stray = (await fetch(`${server.url}/no/such/${INVITE_TOKEN}`, manual)).status;
      expect(invite).toBeLessThan(500);
      expect(stray).toBeLessThan(500);
      const boss = portalClient(server.url);
      await boss.logIn('boss');
      expect((await boss.post(SEND_ALL, {}, SEND_ALL)).status).toBe(303);
      // Five wrong passwords for one login from one address, then the throttle answers 429.
      const guesser = portalClient(server.url);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (await guesser.post('/login', { username: 'boss', password: 'wrong' }, '/login')).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

      // The worker takes the three messages through to their last state (kept in the Email Log).
      let text = '';
      for (let i = 0; i < 60; i++) {
        text = await scrape();
        const samples = parseMetrics(text);
        const settled = ['queued', 'claimed', 'sending', 'deferred'].every(
          (state) => sampleValue(samples, 'gatehouse_email_messages', { state }) === 0,
        );
        if (settled && sampleValue(samples, 'gatehouse_email_messages', { state: 'logged' }) === LOGGED)
          break;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const samples = parseMetrics(text);
      const count = 'gatehouse_http_request_duration_seconds_count';
      expect(sampleValue(samples, count, { method: 'GET', route: '/healthz', status: '200' })).toBe(3);
      expect(sampleValue(samples, count, { method: 'POST', route: '/login', status: '401' })).toBe(5);
      expect(sampleValue(samples, count, { method: 'POST', route: '/login', status: '429' })).toBe(1);
      expect(sampleValue(samples, count, { method: 'POST', route: '/login', status: '303' })).toBe(1);
      expect(
        sampleValue(samples, count, { method: 'GET', route: '/invite/:token', status: String(invite) }),
      ).toBe(1);
      // The stray path and /metrics asked of the public port: one series for every path no route matches.
      const unmatched = samples.filter((s) => s.name === count && s.labels.route === 'unmatched');
      expect(unmatched.reduce((sum, s) => sum + s.value, 0)).toBe(2);
      expect(
        sampleValue(samples, count, { method: 'GET', route: 'unmatched', status: String(stray) }),
      ).toBeGreaterThan(0);
      expect(sampleValue(samples, 'gatehouse_http_throttled_total', { route: '/login' })).toBe(1);
      // Counted where the throttle refuses, by rule name only (never the login or address in its key).
      expect(sampleValue(samples, 'gatehouse_throttled_attempts_total', { rule: 'login-pair' })).toBe(1);
      expect(text).not.toMatch(/gatehouse_throttled_attempts_total\{rule="[^"]*:/);
      expect(sampleValue(samples, 'gatehouse_throttle_keys_blocked', { rule: 'login-pair' })).toBe(1);
      expect(sampleValue(samples, 'gatehouse_throttle_keys_blocked', { rule: 'login' })).toBe(0);
      expect(sampleValue(samples, 'gatehouse_database_up')).toBe(1);
      expect(sampleValue(samples, 'gatehouse_email_messages', { state: 'logged' })).toBe(LOGGED);
      expect(sampleValue(samples, 'gatehouse_email_messages', { state: 'failed' })).toBe(0);
      expect(samples.some((s) => s.name === 'gatehouse_jobs' && s.labels.queue === 'email-due')).toBe(true);
      expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      if (db.env.DATABASE_URL) {
        expect(sampleValue(samples, 'gatehouse_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      }
      // Route patterns only: no path a visitor typed, so no token, ever reaches a label.
      expect(text).not.toContain(INVITE_TOKEN);
      expect(text).not.toContain('/no/such');
      // Other paths and methods on the metrics port are refused.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.stop();
    }
    // The figures match the table (read once the server has let go of the embedded database).
    expect(await messagesByState(db.env)).toEqual([{ state: 'logged', count: LOGGED }]);
    // Closed on shutdown.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('are served by a worker process too, on its own port', async () => {
    const metricsPort = await freePort();
    const worker = spawn(process.execPath, [path.resolve('bin/gatehouse.js'), 'worker'], {
      env: { ...process.env, ...db.env, LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort) },
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        worker.stdout.on('data', (d) => {
          output += d;
          if (output.includes('"msg":"worker started"')) resolve();
        });
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
      });
      expect(output).toContain(`"msg":"metrics on http://127.0.0.1:${metricsPort}/metrics"`);
      const samples = parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
      expect(sampleValue(samples, 'gatehouse_database_up')).toBe(1);
      expect(sampleValue(samples, 'gatehouse_email_messages', { state: 'logged' })).toBe(LOGGED);
      expect(samples.some((s) => s.name.startsWith('gatehouse_http_'))).toBe(false);
    } finally {
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('reads the database once per few seconds however fast scrapers come', async () => {
    const database = db.env.DATABASE_URL
      ? openPostgres(db.env.DATABASE_URL, 2)
      : await openPglite(db.env.DATA_DIR);
    try {
      let statements = 0;
      const counted: Database = {
        ...database,
        executeSql: (text, values) => {
          statements++;
          return database.executeSql(text, values);
        },
      };
      const metrics = createMetrics();
      registerDatabaseGauges(metrics, counted);
      const first = parseMetrics(await metrics.registry.metrics());
      expect(sampleValue(first, 'gatehouse_email_messages', { state: 'logged' })).toBe(LOGGED);
      const perRead = statements;
      expect(perRead).toBeGreaterThan(0);
      await Promise.all([1, 2, 3, 4, 5].map(() => metrics.registry.metrics()));
      expect(statements).toBe(perRead);
    } finally {
      await database.close();
    }
  });

  it('still answers with the process metrics when the database does not', async () => {
    const gone: Database = process.env.TEST_DATABASE_URL
      ? openPostgres('postgres://postgres@127.0.0.1:1/nowhere', 1)
      : await openPglite(undefined);
    if (!process.env.TEST_DATABASE_URL) await gone.close();
    const metrics = createMetrics();
    registerDatabaseGauges(metrics, gone);
    const samples = parseMetrics(await metrics.registry.metrics());
    expect(sampleValue(samples, 'gatehouse_database_up')).toBe(0);
    expect(samples.some((s) => s.name === 'gatehouse_email_messages')).toBe(false);
    // Present, not necessarily above 0: prom-client counts CPU time from the registry's creation, and on a
    // busy machine this process may not have been scheduled for a microsecond since.
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(sampleValue(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    if (process.env.TEST_DATABASE_URL) await gone.close();
  });
});

async function messagesByState(env: Record<string, string>) {
  const query = 'select state, count(*)::int as count from email_messages group by state order by state';
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(query)).rows;
    } finally {
      await client.end();
    }
  }
  const database = await openPglite(env.DATA_DIR);
  try {
    return (await database.executeSql(query, [])).rows;
  } finally {
    await database.close();
  }
}
