/**
 * The portal's processes for the chaos bench, started as an operator would: `gatehouse serve --no-worker`
 * (web) and `gatehouse worker`, plus one-shot CLI commands. A small supervisor starts a replacement for
 * every worker that is killed or stopped — what systemd or Kubernetes would do, not a manual step.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/gatehouse.js');
const KEEP_OUTPUT = 20_000; // the tail of a process's log, shown if it dies on its own

export type PortalProcess = {
  name: string;
  child: ChildProcess;
  /** What the ready line captured (the web's URL). */
  match: string;
  output(): string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<string>;
};

/** Runs `gatehouse <args>` to completion; rejects with its output when it fails. */
export function runGatehouse(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.stdin.end(input);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`gatehouse ${args.join(' ')}: exit ${code}\n${output}`)),
    );
  });
}

/** Starts `gatehouse <args>` and resolves once its log matches `ready`. */
export function startPortalProcess(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<PortalProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let output = '';
    let started = false;
    const exited = new Promise<string>((done) =>
      child.once('exit', (code, signal) => done(signal ?? `exit ${code}`)),
    );
    const onData = (d: Buffer) => {
      output = (output + d).slice(-KEEP_OUTPUT);
      const found = !started && ready.exec(output);
      if (found) {
        started = true;
        resolve({ name, child, match: found[1] ?? '', output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) => {
      if (!started) reject(new Error(`${name} ended (${how}) before it was ready:\n${output}`));
    });
  });
}

/**
 * Keeps `size` worker processes running. `kill`/`stop` take one down on purpose; any worker that ends is
 * replaced. A worker that ends without being told to is counted as a crash (a defect to report).
 */
export function workerPool(size: number, env: NodeJS.ProcessEnv, log: (line: string) => void) {
  const workers = new Set<PortalProcess>();
  const meant = new Set<PortalProcess>();
  const crashes: string[] = [];
  const startFailures: string[] = []; // starts that failed other than with exit 2 (shown, not fatal)
  let serial = 0;
  let closing = false;

  async function startOne(): Promise<void> {
    const name = `worker-${++serial}`;
    const worker = await startPortalProcess(name, ['worker'], env, /(worker started)/);
    workers.add(worker);
    void worker.exited.then((how) => {
      workers.delete(worker);
      if (!meant.has(worker)) {
        crashes.push(`${name} ended by itself (${how}):\n${worker.output().slice(-3000)}`);
        log(`!! ${name} ended by itself (${how})`);
      }
      if (!closing) void replace();
    });
  }
  async function replace(): Promise<void> {
    // A replacement may find the database away (start-up exits with code 2): try again, as a supervisor does.
    for (let tries = 0; !closing; tries++) {
      try {
        return await startOne();
      } catch (err) {
        const text = String(err);
        log(`worker start failed (try ${tries + 1}), again in 2 s: ${text.split('\n')[0]}`);
        // Exit 2 is the documented "cannot reach the database at start-up"; anything else is worth reading.
        if (!text.includes('(exit 2)')) startFailures.push(text.slice(-2000));
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }
  const pick = (random: () => number) => {
    const list = [...workers];
    return list[Math.floor(random() * list.length)];
  };
  return {
    crashes,
    startFailures,
    async start() {
      await Promise.all(Array.from({ length: size }, () => startOne()));
    },
    /** Takes a random worker down with `signal`; returns its name. */
    takeDown(signal: 'SIGKILL' | 'SIGTERM', random: () => number): string | undefined {
      const victim = pick(random);
      if (!victim) return undefined;
      meant.add(victim);
      victim.child.kill(signal);
      return victim.name;
    },
    async close() {
      closing = true;
      const all = [...workers];
      for (const w of all) {
        meant.add(w);
        w.child.kill('SIGTERM');
      }
      const done = Promise.all(all.map((w) => w.exited));
      const timer = setTimeout(() => {
        for (const w of all) w.child.kill('SIGKILL');
      }, 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}
