import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { copyDataDirTemplate } from '../dataDirTemplate.ts';

export type RunningPortal = {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** The one-time `…/setup?token=…` link printed on an empty database. */
  setupUrl: string;
  /** Everything the process printed so far (stdout and stderr), for failure reports. */
  output(): string;
  /** SIGTERM, then wait for the process to exit; removes the data directory. */
  stop(): Promise<void>;
};

const ROOT = path.resolve(import.meta.dirname, '../..');
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

const LISTENING = /"msg":"listening on (http:\/\/[^"]+)"/;
const SETUP_URL = /(https?:\/\/\S+\/setup\?token=[\w-]+)/;

/**
 * Starts `node bin/gatehouse.js serve` exactly as `npm start` does, on a fresh embedded database in a
 * temporary DATA_DIR and any free port, and waits for the `listening on <url>` log line and the setup
 * link (the two may arrive in either order). The database is a copy of the one migrated by the global
 * setup (globalSetup.ts): still without any login, so the setup link is printed as on a first start.
 */
export async function startPortal(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningPortal> {
  const template = process.env.GATEHOUSE_E2E_DATA_DIR_TEMPLATE;
  if (!template) throw new Error('No database template: run the browser tests through playwright.config.ts.');
  const dataDir = copyDataDirTemplate(template);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  for (const name of ['DATABASE_URL', 'PUBLIC_URL', 'SMTP_URL', 'LOG_LEVEL', 'TRUST_PROXY']) delete env[name];
  Object.assign(env, extraEnv); // a spec's own settings (passkeys need a PUBLIC_URL with a host name)

  const child = spawn(process.execPath, ['bin/gatehouse.js', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    await stopProcess(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const { baseUrl, setupUrl } = await waitForStartup(child, () => output);
    return { baseUrl, setupUrl, output: () => output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function waitForStartup(child: ChildProcess, output: () => string) {
  return new Promise<{ baseUrl: string; setupUrl: string }>((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`gatehouse serve ${why}. Its output:\n${output()}`));
    };
    const check = () => {
      const text = output();
      const baseUrl = LISTENING.exec(text)?.[1];
      const setupUrl = SETUP_URL.exec(text)?.[1];
      if (baseUrl && setupUrl) {
        cleanup();
        resolve({ baseUrl, setupUrl });
      }
    };
    const onExit = (code: number | null) => fail(`exited (code ${code}) before it was ready`);
    const timer = setTimeout(
      () => fail(`was not ready within ${STARTUP_TIMEOUT_MS / 1000} s`),
      STARTUP_TIMEOUT_MS,
    );
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    // Registered after the collectors above, so `output()` already holds the new chunk.
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    // A portal that ignores SIGTERM is a bug worth failing on, but it must not outlive the run.
    child.kill('SIGKILL');
    await exited;
    throw new Error(`gatehouse serve did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
  }
}
