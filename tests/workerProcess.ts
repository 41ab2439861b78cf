import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type App, createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { TestApp } from './harness.ts';
import { createScratchDatabase } from './harness.ts';

const BIN = path.resolve('bin/gatehouse.js');

/**
 * A throw-away PostgreSQL database (on TEST_DATABASE_URL's server) with this test's own app on it, and a
 * real `gatehouse worker` process that can be started on the same database with extra environment.
 * `portal` has what the factories need (deps, clock, config).
 */
export async function workerOnScratchDatabase(env: Record<string, string>) {
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'gatehouse_worker');
  const config = loadConfig({
    ...env,
    DATABASE_URL: scratch.url,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://portal.test',
  });
  const app: App = await createApp(config);
  const portal = { deps: app.deps, clock: app.deps.clock, config } as unknown as TestApp;
  let child: ChildProcess | undefined;
  let output = '';
  return {
    portal,
    output: () => output,
    start() {
      child = spawn(process.execPath, [BIN, 'worker'], {
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          PUBLIC_URL: 'http://portal.test',
          ...env,
          DATABASE_URL: scratch.url,
        },
      });
      child.stdout?.on('data', (d) => {
        output += d;
      });
      child.stderr?.on('data', (d) => {
        output += d;
      });
    },
    /** SIGTERM to the worker (it finishes what it hands over), then the app and the database go. */
    async stop() {
      const running = child;
      if (running && running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await app.close();
      await scratch.drop();
    },
  };
}
