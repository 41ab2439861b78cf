import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Figure } from '../../bench/lib/figures.ts';
import { fileNameOf, joinedRuns } from '../../bench/lib/joinedRuns.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-join-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const figure = (bench: string, members: number | null, value: number): Figure => ({
  bench,
  figure: 'a figure',
  engine: 'postgres',
  members,
  value,
  unit: 's',
  higherIsBetter: false,
});

/** A folder as `npm run bench` leaves it: one `<label>.figures.jsonl` per bench. */
function runFolder(name: string, byLabel: Record<string, Figure[]>) {
  const folder = path.join(root, name);
  mkdirSync(folder);
  for (const [label, figures] of Object.entries(byLabel))
    writeFileSync(
      path.join(folder, `${fileNameOf(label)}.figures.jsonl`),
      figures.map((f) => `${JSON.stringify(f)}\n`).join(''),
    );
  return folder;
}

describe('joinedRuns', () => {
  it('gathers each bench from every folder, in the order given, and leaves out benches no folder has', () => {
    const small = runFolder('small', {
      import: [figure('import', 100_000, 4)],
      'forgot-timing (PostgreSQL)': [figure('forgot-timing', null, 1)],
    });
    const large = runFolder('large', { import: [figure('import', 1_000_000, 40)] });
    const runs = joinedRuns([small, large], ['login', 'import', 'forgot-timing (PostgreSQL)']);
    expect(runs.map((r) => [r.label, r.status, r.figures.map((f) => f.value)])).toEqual([
      ['import', 'ok', [4, 40]],
      ['forgot-timing (PostgreSQL)', 'ok', [1]],
    ]);
  });
});
