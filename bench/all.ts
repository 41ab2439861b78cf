/**
 * Every benchmark in one command (`npm run bench`): each bench/<name>.ts runs as its own process with
 * BENCH_FIGURES naming a file for its figures (bench/lib/figures.ts) and BENCH_MEMBERS its roster sizes;
 * then one markdown table of figure ÷ ceiling and of how each cost grows with the roster is printed, with
 * the date and core count above it. A bench that fails is shown as failed and the exit code is 1; the
 * others still run. Each bench's output goes to a log file in a fresh directory (printed first).
 *
 *   node --import tsx bench/all.ts
 *
 * BENCH_SIZES narrows the roster sizes (e.g. "10000" for a quick pass; a bench with none of them left is
 * skipped); BENCH_ONLY=login,import picks benchmarks by name; BENCH_TIMEOUT_MINUTES (240) stops a bench
 * that runs longer. Every other variable is passed on, so a bench's own (BENCH_PG_URL, BENCH_REPS, …) still
 * apply; BENCH_MEMBERS is set per bench from the table below. The table is also written to table.md beside
 * the logs. Expect hours with 1M members. The machine's other work shows in absolute figures: read the ratios.
 *
 * BENCH_JOIN=folder,folder runs nothing: it prints one table of the figures in earlier runs' folders (a 1M
 * pass run in parts with BENCH_ONLY, beside a 10k and 100k pass), each bench from every folder that has it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFigures } from './lib/figures.ts';
import { type BenchRun, figuresTable, sizeLabel } from './lib/figuresTable.ts';
import { fileNameOf, joinedRuns } from './lib/joinedRuns.ts';

const ROSTER = [10_000, 100_000, 1_000_000];
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Which benchmarks run, in this order, and at which roster sizes (null: the bench has no roster and runs
 * once). `env` adds variables for one run, e.g. the PostgreSQL run of a bench that is PGlite by default.
 * Left out: bench/chaos.ts, a fault-injection run that proves no message is lost or doubled — it has no
 * speed figure to compare with a ceiling (`npm run bench:chaos`).
 */
const BENCHES: { name: string; label?: string; sizes: number[] | null; env?: Record<string, string> }[] = [
  { name: 'login', sizes: null },
  { name: 'import', sizes: ROSTER },
  { name: 'send-all', sizes: ROSTER },
  { name: 'invitation-codes', sizes: ROSTER },
  { name: 'reports', sizes: ROSTER },
  { name: 'admin-reports', sizes: ROSTER },
  { name: 'clear-all', sizes: ROSTER },
  { name: 'api', sizes: ROSTER },
  { name: 'upload-latency', sizes: null },
  { name: 'forgot-timing', sizes: null, env: { BENCH_PG_URL: 'off' } },
  { name: 'forgot-timing', label: 'forgot-timing (PostgreSQL)', sizes: null, env: { BENCH_PG_URL: PG_URL } },
  { name: 'smtp-rate', sizes: null },
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const list = (raw: string | undefined) =>
  raw
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const sizesWanted = list(process.env.BENCH_SIZES)?.map(Number);
const only = list(process.env.BENCH_ONLY);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MINUTES ?? 240) * 60_000;
/** A mistyped option stops before anything runs, with the choices. */
function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}
if (sizesWanted?.some((n) => !Number.isInteger(n) || n <= 0))
  refuse(`BENCH_SIZES: "${process.env.BENCH_SIZES}" is not a list of positive whole numbers`);
const names = [...new Set(BENCHES.map((b) => b.name))];
const unknown = only?.filter((name) => !names.includes(name));
if (unknown?.length) refuse(`BENCH_ONLY: no benchmark ${unknown.join(', ')}; there are ${names.join(', ')}`);

const legend = [
  'Each size: figure ÷ the ceiling measured in the same run (the figure in brackets); a figure alone had no',
  'ceiling. For times, above 1 is slower than the ceiling; for rates (/s), below 1. The growth columns give',
  'how the cost grows with the roster (for a rate, the inverse): with 10× the members, 1 is flat, 10 linear.',
];

// BENCH_JOIN: no bench runs; the figures of earlier runs' folders are printed as one table.
const joined = list(process.env.BENCH_JOIN);
if (joined) {
  const missing = joined.filter((folder) => !existsSync(folder));
  if (missing.length) refuse(`BENCH_JOIN: no folder ${missing.join(', ')}`);
  const labels = [...new Set(BENCHES.map((b) => b.label ?? b.name))];
  console.log(
    [
      `Joined from ${joined.join(', ')}`,
      '',
      figuresTable(joinedRuns(joined, labels), []),
      '',
      ...legend,
    ].join('\n'),
  );
  process.exit(0);
}

const picked = BENCHES.filter((b) => !only || only.includes(b.name));
const out = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-all-'));
const tty = process.stdout.isTTY;
let current: { pid: number } | null = null;
let interrupted = false;

/** The bench's whole process group: send-all and smtp-rate start worker processes of their own. */
function stop(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

// Ctrl-C (or a kill of this process) stops the running bench too, and prints what was measured so far.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    interrupted = true;
    if (current) stop(current.pid, 'SIGTERM');
  });

/** One bench as a child process: output to its log, a progress line here, figures from its file. */
function runBench(bench: (typeof BENCHES)[number], sizes: number[] | null, step: string): Promise<BenchRun> {
  const label = bench.label ?? bench.name;
  const file = fileNameOf(label);
  const log = path.join(out, `${file}.log`);
  const figuresFile = path.join(out, `${file}.figures.jsonl`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...bench.env, BENCH_FIGURES: figuresFile };
  // BENCH_ONLY means something else to reports.ts; the sizes go through BENCH_MEMBERS alone.
  delete env.BENCH_ONLY;
  delete env.BENCH_SIZES;
  delete env.BENCH_MEMBERS;
  if (sizes) env.BENCH_MEMBERS = sizes.join(',');
  const what = `${step} ${label}${sizes ? ` at ${sizes.map(sizeLabel).join(', ')}` : ''}`;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  let lastLine = '';
  const logStream = createWriteStream(log);
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${bench.name}.ts`], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  current = { pid: child.pid! };
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      logStream.write(chunk);
      const lines = chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim());
      if (lines.length) lastLine = lines.at(-1)!;
    });
  }
  if (!tty) console.log(`${what} …`);
  const ticker = setInterval(() => {
    if (tty)
      process.stdout.write(
        `\r\x1b[K${`${what}  ${seconds()} s  ${lastLine}`.slice(0, process.stdout.columns - 1)}`,
      );
  }, 1000);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop(child.pid!, 'SIGTERM');
    setTimeout(() => stop(child.pid!, 'SIGKILL'), 10_000).unref();
  }, timeoutMs);
  return new Promise((resolve) => {
    // A worker process a bench left behind would hold its output open and load the next bench: stop it.
    child.on('exit', () => stop(child.pid!, 'SIGTERM'));
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      clearTimeout(timer);
      logStream.end();
      current = null;
      const figures = readFigures(figuresFile);
      const failed = code !== 0;
      const note = timedOut
        ? `stopped after ${timeoutMs / 60_000} minutes`
        : signal
          ? `killed by ${signal}`
          : `exit code ${code}`;
      const outcome = failed ? `FAILED (${note}; see ${log})` : 'ok';
      console.log(`${tty ? '\r\x1b[K' : ''}${what}: ${outcome}, ${seconds()} s, ${figures.length} figures`);
      resolve({ label, status: failed ? 'failed' : 'ok', note: failed ? note : undefined, figures });
    });
  });
}

const loadBefore = os.loadavg()[0]!;
const startedAt = new Date();
console.log(`Logs and figures: ${out}`);
const runs: BenchRun[] = [];
const sizesRun = new Set<number>();
for (const [i, bench] of picked.entries()) {
  const label = bench.label ?? bench.name;
  const sizes =
    bench.sizes && (sizesWanted ? bench.sizes.filter((s) => sizesWanted.includes(s)) : bench.sizes);
  if (interrupted) runs.push({ label, status: 'skipped', note: 'interrupted', figures: [] });
  else if (!existsSync(path.join(root, 'bench', `${bench.name}.ts`)))
    runs.push({
      label,
      status: 'skipped',
      note: `bench/${bench.name}.ts is not in this checkout`,
      figures: [],
    });
  else if (sizes?.length === 0)
    runs.push({ label, status: 'skipped', note: `none of its sizes is in BENCH_SIZES`, figures: [] });
  else {
    for (const size of sizes ?? []) sizesRun.add(size);
    runs.push(await runBench(bench, sizes, `[${i + 1}/${picked.length}]`));
  }
}

const table = figuresTable(runs, [...sizesRun]);
writeFileSync(path.join(out, 'table.md'), `${table}\n`);
const minutes = Math.round((Date.now() - startedAt.getTime()) / 60_000);
console.log(
  [
    '',
    `All benchmarks, ${startedAt.toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ` +
      `Node ${process.version}, ${minutes} min; load average ${loadBefore.toFixed(1)} before, ` +
      `${os.loadavg()[0]!.toFixed(1)} after.`,
    '',
    table,
    '',
    ...legend,
  ].join('\n'),
);
process.exitCode = interrupted ? 130 : runs.some((r) => r.status === 'failed') ? 1 : 0;
