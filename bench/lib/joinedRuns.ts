import path from 'node:path';
import { readFigures } from './figures.ts';
import type { BenchRun } from './figuresTable.ts';

/** The name a bench's log and figures get in the folder of an `npm run bench`: its label, made safe. */
export const fileNameOf = (label: string) => label.replace(/[^a-z0-9-]+/gi, '-').replace(/-$/, '');

/**
 * The benches of several earlier `npm run bench` folders as one run, in `labels` order: each bench with
 * its figures from every folder that has them. A pass at 1M takes hours, so it can be run in parts
 * (BENCH_ONLY, BENCH_SIZES) and joined afterwards. A figure found in more than one folder at the same
 * size shows as their median, as repeats within one run do.
 */
export function joinedRuns(folders: string[], labels: string[]): BenchRun[] {
  return labels.flatMap((label) => {
    const file = `${fileNameOf(label)}.figures.jsonl`;
    const figures = folders.flatMap((folder) => readFigures(path.join(folder, file)));
    return figures.length ? [{ label, status: 'ok' as const, figures }] : [];
  });
}
