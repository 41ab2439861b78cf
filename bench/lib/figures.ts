import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * One measured figure of a benchmark, beside the machine's ceiling for the same work measured in the
 * same run. `npm run bench` (bench/all.ts) runs every benchmark with BENCH_FIGURES naming a file and
 * reads these back to print one table of ratios; run alone, a benchmark prints its own report and this
 * writes nothing.
 */
export type Figure = {
  /** The benchmark's script name without extension, e.g. 'login'. */
  bench: string;
  /** What was measured, in words a reader of docs/benchmarks.md understands, e.g. 'password logins/s, c=2'. */
  figure: string;
  engine: 'postgres' | 'pglite' | 'none';
  /** Members in the roster when measured; null where the roster size does not apply. */
  members: number | null;
  value: number;
  /** 'ms', 's', '/s', 'MB', … */
  unit: string;
  /** The same work at the machine's best in the same run (same unit), when the benchmark measures one. */
  ceiling?: number;
  /** True when a larger value is better (throughput); false for times and sizes. */
  higherIsBetter: boolean;
};

export function reportFigure(figure: Figure): void {
  const file = process.env.BENCH_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

/**
 * Roster sizes to measure: BENCH_MEMBERS (comma-separated, e.g. "10000,100000,1000000") when set by
 * bench/all.ts or by hand, otherwise the benchmark's own defaults.
 */
export function benchMembers(defaults: number[]): number[] {
  const raw = process.env.BENCH_MEMBERS;
  if (!raw) return defaults;
  return raw.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`BENCH_MEMBERS: "${s}" is not a positive whole number`);
    return n;
  });
}

/** The figures a benchmark appended to `file` (one JSON object a line); none when it wrote nothing. */
export function readFigures(file: string): Figure[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Figure);
}
