import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cliProcess.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { postgresBinDir, startThrowAwayCluster } from '../pgCluster.ts';
import { type SmtpSink, startSmtpSink } from '../smtpSink.ts';

// Starts and stops a PostgreSQL cluster of its own (~20 s): opt in with GATEHOUSE_DB_RESTART_TEST=1.
const enabled = process.env.GATEHOUSE_DB_RESTART_TEST === '1' && postgresBinDir() !== undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `gatehouse <args>` and resolves once its output matches `ready`, with what matched. */
function startProcess(args: string[], env: Record<string, string>, ready: RegExp) {
  return new Promise<{ child: ChildProcess; match: string; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/gatehouse.js'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const found = ready.exec(output);
      if (found) resolve({ child, match: found[1] ?? '', output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gatehouse ${args[0]} exited with ${code}:\n${output}`)));
  });
}

/** "Forgot password?" through the real HTTP server, as a browser would send it (cookie + form token). */
async function forgotPassword(baseUrl: string, identifier: string) {
  const page = await fetch(`${baseUrl}/forgot-password`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return fetch(`${baseUrl}/forgot-password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, identifier }).toString(),
  });
}

describe.skipIf(!enabled)('a PostgreSQL restart while web and worker run', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  // `fast` ends every session (57P01); `immediate` just stops, as a crash would (crash recovery on start).
  it.each(['fast', 'immediate'] as const)(
    'stop -m %s: web answers 503 meanwhile, nobody exits, mail flows again',
    async (mode) => {
      const cluster = await startThrowAwayCluster();
      cleanups.push(() => cluster.destroy());
      // Slow enough that a message is still being handed over when the database goes away.
      const sink: SmtpSink = await startSmtpSink({ dataDelayMs: 3_000 });
      cleanups.push(() => sink.close());
      const env = { DATABASE_URL: cluster.url, SMTP_URL: sink.url, GATEHOUSE_PASSWORD: GOOD_PASSWORD };
      for (const name of ['before', 'after']) {
        const args = ['admin', 'create', '--username', name, '--email', `${name}@example.org`];
        const created = await runCli([...args, '--first-name', 'Ops', '--last-name', 'Test'], env);
        expect(created.code, created.stderr).toBe(0);
      }
      // One web and one worker process, as in the fault-injection run of issue 10.
      const worker = await startProcess(['worker'], env, /(worker started)/);
      cleanups.push(async () => worker.child.kill('SIGKILL'));
      const web = await startProcess(['serve', '--no-worker'], env, /"msg":"listening on (http:\/\/[^"]+)"/);
      cleanups.push(async () => web.child.kill('SIGKILL'));
      const webUrl = web.match;
      const home = () => fetch(`${webUrl}/home`, { headers: { cookie: 'gh_session=x' }, redirect: 'manual' });
      expect((await home()).status).toBe(302);

      expect((await forgotPassword(webUrl, 'before')).status).toBeLessThan(400);
      // Stop the database while the worker is handing the message over: when the mail server answers, the
      // worker's writes and pg-boss's settling of the job (an unawaited `complete()`/`fail()`) fail.
      for (let i = 0; i < 100 && sink.connections === 0; i++) await sleep(100);
      expect(sink.connections).toBeGreaterThan(0);
      await cluster.stop(mode);
      try {
        const down = await home();
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toBe('30');
        expect(await down.text()).toContain('Temporarily unavailable');
        expect((await fetch(`${webUrl}/readyz`)).status).toBe(503);
        expect((await fetch(`${webUrl}/healthz`)).status).toBe(200);
        await sleep(4_000); // long enough for every poll and settle of the worker to fail
        expect(worker.child.exitCode, worker.output()).toBeNull();
        expect(web.child.exitCode, web.output()).toBeNull();
      } finally {
        await cluster.start();
      }

      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++, await sleep(200)) {
        ready = (await fetch(`${webUrl}/readyz`)).status;
      }
      expect(ready).toBe(200);
      expect((await home()).status).toBe(302);
      expect((await forgotPassword(webUrl, 'after')).status).toBeLessThan(400);
      const arrived = await sink.waitForMessages(sink.messages.length + 1, 20_000);
      expect(arrived.some((m) => m.to.includes('after@example.org'))).toBe(true);
      expect(worker.child.exitCode, worker.output()).toBeNull();
      expect(web.child.exitCode, web.output()).toBeNull();
    },
    90_000,
  );
});
