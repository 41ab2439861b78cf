import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.resolve('bin/gatehouse.js');

export const tempDataDir = () => mkdtempSync(path.join(tmpdir(), 'gatehouse-test-'));

/** Runs `gatehouse <args>` to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `gatehouse serve` and resolves once it listens, with its URL and the printed setup link.
 * `nodeArgs` go to node itself (benchmarks pass `--cpu-prof`; the profile is written at exit, which
 * `stop` waits for).
 */
export function startServer(env: Record<string, string>, nodeArgs: string[] = []) {
  return new Promise<{
    child: ChildProcess;
    url: string;
    setupUrl: string | null;
    output: () => string;
    stop(): Promise<void>;
  }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const url = /"msg":"listening on (http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) {
        child.stdout.off('data', onData);
        resolve({
          child,
          url,
          setupUrl: /(http:\/\/\S+\/setup\?token=\S+)/.exec(output)?.[1] ?? null,
          output: () => output,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

/** Writes one raw line to the control socket of the server holding `dataDir`; resolves with its answers. */
export function askSocket(dataDir: string, line: string) {
  return new Promise<unknown[]>((resolve, reject) => {
    const conn = net.connect(path.join(dataDir, 'gatehouse.sock'));
    let received = '';
    conn.on('data', (d) => {
      received += d;
    });
    conn.once('error', reject);
    conn.once('close', () =>
      resolve(
        received
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as unknown),
      ),
    );
    conn.write(`${line}\n`);
  });
}

/** `gatehouse admin create` for `username` (a Security Administrator unless `--role admin` follows). */
export const adminCreateArgs = (username: string) => [
  'admin',
  'create',
  '--username',
  username,
  '--email',
  `${username}@example.org`,
  '--first-name',
  'Cli',
  '--last-name',
  'Admin',
];
