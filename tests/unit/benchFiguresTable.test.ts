import { describe, expect, it } from 'vitest';
import type { Figure } from '../../bench/lib/figures.ts';
import { type BenchRun, figuresTable, formatNumber, sizeLabel } from '../../bench/lib/figuresTable.ts';

const importFigure = (members: number, value: number, ceiling?: number): Figure => ({
  bench: 'import',
  figure: 'roster import',
  engine: 'postgres',
  members,
  value,
  unit: 's',
  ceiling,
  higherIsBetter: false,
});

/** The table's lines as arrays of cells, without the header's separator line. */
const cellsOf = (table: string) =>
  table
    .split('\n')
    .filter((l) => !l.startsWith('| ---'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim()),
    );

describe('figuresTable', () => {
  it('shows each size as figure ÷ ceiling beside the figure, and how the cost grows from size to size', () => {
    const runs: BenchRun[] = [
      {
        label: 'import',
        status: 'ok',
        figures: [
          importFigure(10_000, 0.8, 0.5),
          importFigure(100_000, 6.4, 4),
          importFigure(1_000_000, 64.2, 32),
        ],
      },
    ];
    const [header, row] = cellsOf(figuresTable(runs, [10_000, 100_000, 1_000_000]));
    expect(header).toEqual(['bench', 'figure', 'engine', '10k', '100k', '1M', '100k ÷ 10k', '1M ÷ 100k']);
    expect(row).toEqual([
      'import',
      'roster import',
      'postgres',
      '1.60 (0.80 s)',
      '1.60 (6.40 s)',
      '2.01 (64.2 s)',
      '8.00',
      '10.0',
    ]);
  });

  it('counts growth of a throughput as growth of its cost, and takes the median of repeated figures', () => {
    const rate = (members: number, value: number): Figure => ({
      bench: 'send-all',
      figure: 'delivery, 1 worker',
      engine: 'postgres',
      members,
      value,
      unit: 'msg/s',
      ceiling: 800,
      higherIsBetter: true,
    });
    const runs: BenchRun[] = [
      {
        label: 'send-all',
        status: 'ok',
        figures: [rate(10_000, 600), rate(10_000, 400), rate(10_000, 900), rate(100_000, 300)],
      },
    ];
    const [, row] = cellsOf(figuresTable(runs, [10_000, 100_000]));
    expect(row).toEqual([
      'send-all',
      'delivery, 1 worker',
      'postgres',
      '0.75 (600 msg/s)',
      '0.38 (300 msg/s)',
      '2.00',
    ]);
  });

  it('leaves a size that was not measured, and the growth it would give, as a dash', () => {
    const runs: BenchRun[] = [{ label: 'import', status: 'ok', figures: [importFigure(100_000, 6.4)] }];
    const [, row] = cellsOf(figuresTable(runs, [10_000, 100_000]));
    expect(row).toEqual(['import', 'roster import', 'postgres', '—', '6.40 s', '—']);
  });

  it('gives figures without a roster a column of their own, and says which runs failed or reported nothing', () => {
    const runs: BenchRun[] = [
      {
        label: 'login',
        status: 'ok',
        figures: [
          {
            bench: 'login',
            figure: 'password logins, c=2',
            engine: 'pglite',
            members: null,
            value: 120,
            unit: '/s',
            ceiling: 150,
            higherIsBetter: true,
          },
        ],
      },
      {
        label: 'smtp-rate',
        status: 'ok',
        figures: [
          {
            bench: 'smtp-rate',
            figure: 'duplicates',
            engine: 'postgres',
            members: null,
            value: 0,
            unit: 'messages',
            higherIsBetter: false,
          },
        ],
      },
      { label: 'send-all', status: 'failed', note: 'exit code 1', figures: [] },
      { label: 'reports', status: 'ok', figures: [] },
      {
        label: 'clear-all',
        status: 'skipped',
        note: 'bench/clear-all.ts is not in this checkout',
        figures: [],
      },
    ];
    const rows = cellsOf(figuresTable(runs, [10_000]));
    expect(rows[0]).toEqual(['bench', 'figure', 'engine', 'no roster', '10k']);
    expect(rows.slice(1)).toEqual([
      ['login', 'password logins, c=2', 'pglite', '0.80 (120/s)', '—'],
      ['smtp-rate', 'duplicates', 'postgres', '0 messages', '—'],
      ['send-all', '**failed**: exit code 1', '', '', ''],
      ['reports', 'no figures', '', '', ''],
      ['clear-all', 'skipped: bench/clear-all.ts is not in this checkout', '', '', ''],
    ]);
  });

  it('keeps the figures a run reported before it failed', () => {
    const runs: BenchRun[] = [
      { label: 'import', status: 'failed', note: 'exit code 1', figures: [importFigure(10_000, 0.8, 0.5)] },
    ];
    const rows = cellsOf(figuresTable(runs, [10_000]));
    expect(rows.slice(1)).toEqual([
      ['import', 'roster import', 'postgres', '1.60 (0.80 s)'],
      ['import', '**failed**: exit code 1', '', ''],
    ]);
  });
});

describe('sizeLabel and formatNumber', () => {
  it('write roster sizes and figures short', () => {
    expect([10_000, 100_000, 1_000_000, 2_500_000, 166_667, 500].map(sizeLabel)).toEqual([
      '10k',
      '100k',
      '1M',
      '2.5M',
      '167k',
      '500',
    ]);
    expect([0, 0.0734, 0.9975, 6.354, 75.24, 602.4, 12345.6].map(formatNumber)).toEqual([
      '0.00',
      '0.073',
      '1.00',
      '6.35',
      '75.2',
      '602',
      '12,346',
    ]);
  });
});
