import type { ComponentChildren } from 'preact';

/** The drawing area of every chart, in SVG user units (the SVG scales to its container). */
export const WIDTH = 640;
export const HEIGHT = 300;
export const MARGIN = { top: 16, right: 20, bottom: 56, left: 72 };
export const PLOT = {
  left: MARGIN.left,
  right: WIDTH - MARGIN.right,
  top: MARGIN.top,
  bottom: HEIGHT - MARGIN.bottom,
};

/**
 * Series colours, distinguishable with the common colour-vision deficiencies and dark enough on white.
 * Colour is never the only cue: each line also has its own dash pattern, and the data table says it all.
 */
export const COLOURS = ['#1f4e79', '#b35c00', '#1a7f37', '#8250df', '#b42318', '#0a7d8c'];
export const DASHES = [undefined, '8 4', '2 3', '10 3 2 3', '4 4', '1 2'];

export const formatNumber = (n: number): string => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });

/** Dates on charts are days, in UTC like the rest of the admin pages. */
export const formatDay = (d: Date): string =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
export const formatShortDay = (d: Date): string =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const formatTime = (d: Date): string =>
  d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
export const formatShortDayTime = (d: Date): string => `${formatShortDay(d)}, ${formatTime(d)}`;
/** A point's date, with its time unless it is a whole day (midnight UTC). */
export const formatPointTime = (d: Date): string =>
  d.getTime() % 86_400_000 === 0 ? formatDay(d) : `${formatDay(d)}, ${formatTime(d)}`;

/** An id usable in aria-labelledby, unique per chart title on a page. */
export const chartId = (title: string): string =>
  `chart-${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

/**
 * Round tick values from 0 up to at least `max` ("nice numbers": steps of 1, 2, 2.5 or 5 × 10^k), so the
 * axis reads 0, 25, 50, 75, 100 rather than 0, 23.4, 46.8 …
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  // Whole-number data (counts) gets whole-number steps.
  const whole = Number.isInteger(max) ? Math.max(1, Math.ceil(step)) : step;
  const ticks: number[] = [];
  for (let v = 0; v < max + whole * 1e-9; v += whole) ticks.push(Number(v.toFixed(10)));
  if (ticks.at(-1)! < max) ticks.push(Number((ticks.at(-1)! + whole).toFixed(10)));
  return ticks;
}

/** The value axis: grid lines, tick labels and the rotated axis label, left of the plot. */
export function ValueAxis({
  ticks,
  y: exactY,
  label,
}: {
  ticks: number[];
  y: (v: number) => number;
  label: string;
}) {
  const y = (v: number) => Math.round(exactY(v) * 10) / 10;
  const mid = (PLOT.top + PLOT.bottom) / 2;
  return (
    <g class="chart-axis">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PLOT.left} x2={PLOT.right} y1={y(t)} y2={y(t)} stroke="#d0d7de" stroke-width="1" />
          <text x={PLOT.left - 8} y={y(t)} text-anchor="end" dominant-baseline="middle" font-size="12">
            {formatNumber(t)}
          </text>
        </g>
      ))}
      <line x1={PLOT.left} x2={PLOT.left} y1={PLOT.top} y2={PLOT.bottom} stroke="#57606a" />
      <line x1={PLOT.left} x2={PLOT.right} y1={PLOT.bottom} y2={PLOT.bottom} stroke="#57606a" />
      <text
        x={16}
        y={mid}
        text-anchor="middle"
        font-size="12"
        transform={`rotate(-90 16 ${mid})`}
        fill="#1b1f24"
      >
        {label}
      </text>
    </g>
  );
}

type FrameProps = {
  title: string;
  description: string;
  /** Said instead of the chart when there is nothing to draw. */
  empty: string | null;
  svg: ComponentChildren;
  legend?: ComponentChildren;
  /** The text alternative: the same numbers as a table, open to everyone, read by screen readers. */
  table: ComponentChildren;
};

/**
 * A chart as a figure: the SVG (named by its title, described by its description), a legend, and the data
 * as a table in a <details> element — no JavaScript, and nothing that only the picture says.
 */
export function ChartFrame({ title, description, empty, svg, legend, table }: FrameProps) {
  const id = chartId(title);
  if (empty !== null) {
    return (
      <figure class="chart" id={id}>
        <figcaption>{title}</figcaption>
        <p class="muted chart-empty">{empty}</p>
      </figure>
    );
  }
  return (
    <figure class="chart" id={id}>
      <figcaption>{title}</figcaption>
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        class="chart-svg"
        font-family="system-ui, sans-serif"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {svg}
      </svg>
      {legend}
      <details class="chart-data">
        <summary>Show the numbers as a table</summary>
        {table}
      </details>
    </figure>
  );
}
