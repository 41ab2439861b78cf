import type { Figure } from './figures.ts';

/** One benchmark process run by bench/all.ts and what came of it. */
export type BenchRun = {
  /** As shown in the table, e.g. 'import' or 'forgot-timing (PostgreSQL)'. */
  label: string;
  /** 'ok' exited 0; 'failed' exited otherwise or was killed; 'skipped' never ran (why in `note`). */
  status: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped, e.g. 'exit code 1' — shown in the table. */
  note?: string;
  figures: Figure[];
};

/** 10000 → '10k', 1000000 → '1M', 166667 → '167k'. */
export function sizeLabel(members: number): string {
  if (members >= 1_000_000 && members % 100_000 === 0) return `${members / 1_000_000}M`;
  if (members >= 1000) return `${Math.round(members / 1000)}k`;
  return String(members);
}

/** Three significant figures or so: 0.073, 0.73, 6.35, 75.2, 602, 1,234. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.1 || abs === 0) return value.toFixed(2);
  return value.toPrecision(2);
}

/** A figure with its unit; a count (0 duplicates, 3 messages) as the whole number it is. */
const withUnit = (value: number, unit: string) =>
  `${Number.isInteger(value) && Math.abs(value) < 1000 ? value : formatNumber(value)}${unit.startsWith('/') ? '' : ' '}${unit}`;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A figure reported more than once for the same size (e.g. once per run) is shown as the median. */
function combine(figures: Figure[]): { value: number; ceiling?: number } {
  const ceilings = figures.flatMap((f) => (f.ceiling === undefined ? [] : [f.ceiling]));
  return {
    value: median(figures.map((f) => f.value)),
    ceiling: ceilings.length ? median(ceilings) : undefined,
  };
}

/** The figures of one run as rows: one per figure and engine, in the order first reported. */
function rowsOf(figures: Figure[]): Figure[][] {
  const rows = new Map<string, Figure[]>();
  for (const f of figures) {
    const key = JSON.stringify([f.figure, f.engine, f.unit]);
    rows.set(key, [...(rows.get(key) ?? []), f]);
  }
  return [...rows.values()];
}

/**
 * How the cost grows from one roster size to the next: for times and sizes the larger size's value ÷ the
 * smaller's; for throughput the inverse, so above 1 always means dearer (10× the roster: 1 is flat, 10 linear).
 */
function growth(small: Figure[], large: Figure[]): string {
  if (!small.length || !large.length) return '—';
  const a = combine(small).value;
  const b = combine(large).value;
  const ratio = large[0]!.higherIsBetter ? a / b : b / a;
  return Number.isFinite(ratio) ? formatNumber(ratio) : '—';
}

/** "1.57 (6.35 s)": figure ÷ ceiling, then the figure; just the figure when no ceiling was measured. */
function cell(figures: Figure[]): string {
  if (!figures.length) return '—';
  const { value, ceiling } = combine(figures);
  const shown = withUnit(value, figures[0]!.unit);
  return ceiling ? `${formatNumber(value / ceiling)} (${shown})` : shown;
}

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

/**
 * One markdown table for every run: a column per roster size (the sizes asked for and any reported), a
 * "no roster" column when some figure has no roster size, and the growth between neighbouring sizes.
 * A run that failed, reported nothing or was skipped gets a row saying so.
 */
export function figuresTable(runs: BenchRun[], sizesAsked: number[]): string {
  const all = runs.flatMap((r) => r.figures);
  const sizes = [
    ...new Set([...sizesAsked, ...all.flatMap((f) => (f.members === null ? [] : [f.members]))]),
  ].sort((a, b) => a - b);
  const once = all.some((f) => f.members === null);
  const steps = sizes.slice(1).map((large, i) => [sizes[i]!, large] as const);
  const header = [
    'bench',
    'figure',
    'engine',
    ...(once ? ['no roster'] : []),
    ...sizes.map(sizeLabel),
    ...steps.map(([small, large]) => `${sizeLabel(large)} ÷ ${sizeLabel(small)}`),
  ];
  const blank = (n: number) => Array.from({ length: n }, () => '');
  const out = [line(header), line(header.map(() => '---'))];
  for (const run of runs) {
    for (const row of rowsOf(run.figures)) {
      const at = (size: number | null) => row.filter((f) => f.members === size);
      out.push(
        line([
          run.label,
          row[0]!.figure,
          row[0]!.engine,
          ...(once ? [cell(at(null))] : []),
          ...sizes.map((s) => cell(at(s))),
          ...steps.map(([small, large]) => growth(at(small), at(large))),
        ]),
      );
    }
    const status =
      run.status === 'failed'
        ? `**failed**: ${run.note ?? 'did not finish'}`
        : run.status === 'skipped'
          ? `skipped: ${run.note ?? ''}`
          : run.figures.length === 0
            ? 'no figures'
            : null;
    if (status) out.push(line([run.label, status, ...blank(header.length - 2)]));
  }
  return out.join('\n');
}
