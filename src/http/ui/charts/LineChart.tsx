import {
  ChartFrame,
  COLOURS,
  DASHES,
  formatDay,
  formatNumber,
  formatPointTime,
  formatShortDay,
  formatShortDayTime,
  niceTicks,
  PLOT,
  ValueAxis,
} from './chartParts.tsx';

export type LineSeries = { label: string; points: { x: Date; y: number }[] };

type Props = {
  title: string;
  /** One or two sentences saying what the chart shows (and, ideally, what it means). */
  description: string;
  yLabel: string;
  series: LineSeries[];
  /** Top of the value axis when the data has a natural maximum (100 for percentages). */
  yMax?: number;
  /** How a value is written in the data table, e.g. with a % sign. */
  formatY?: (y: number) => string;
  /** Said instead of the chart when no series has a point. */
  empty?: string;
};

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Above this many points a series is drawn as a plain line; markers would merge into a smudge. */
const MAX_MARKERS = 40;

/**
 * About six evenly spaced date labels along the bottom. Points that are whole days (a curve per day) get
 * a label on whole days only: each day over a short span, never a "12:00" between two days.
 */
function dateTicks(min: number, max: number, wholeDays: boolean): number[] {
  const days = Math.round((max - min) / DAY_MS);
  if (wholeDays && days < 7) return Array.from({ length: days + 1 }, (_, i) => min + i * DAY_MS);
  const count = max - min < 2 * DAY_MS ? 3 : Math.min(6, days + 1);
  const at = (i: number) => min + ((max - min) * i) / (count - 1);
  return Array.from({ length: count }, (_, i) =>
    wholeDays ? Math.round((at(i) - min) / DAY_MS) * DAY_MS + min : at(i),
  );
}

/**
 * The time axis: from the first point to the last, so it never runs past the newest data (into
 * tomorrow). Too short a span to draw on is widened backwards — a day before a single day's point, an
 * hour before a curve that began minutes ago — so the newest point stays at the right-hand end.
 */
function timeSpan(times: number[], wholeDays: boolean): { minX: number; maxX: number } {
  const maxX = Math.max(...times);
  const least = wholeDays ? DAY_MS : HOUR_MS;
  return { minX: Math.min(Math.min(...times), maxX - least), maxX };
}

/** A server-rendered SVG line chart over dates (no JavaScript), with its numbers in a table below. */
export function LineChart({ title, description, yLabel, series, yMax, formatY, empty }: Props) {
  const drawn = series.filter((s) => s.points.length > 0);
  const all = drawn.flatMap((s) => s.points);
  const write = formatY ?? formatNumber;
  if (all.length === 0) {
    const sentence = empty ?? 'There is nothing to chart yet.';
    return <ChartFrame title={title} description={description} empty={sentence} svg={null} table={null} />;
  }
  const times = all.map((p) => p.x.getTime());
  const wholeDays = times.every((t) => t % DAY_MS === 0);
  const { minX, maxX } = timeSpan(times, wholeDays);
  const ticks = niceTicks(Math.max(yMax ?? 0, ...all.map((p) => p.y)));
  const top = ticks.at(-1)!;
  const x = (t: number) => PLOT.left + ((t - minX) / (maxX - minX)) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - (v / top) * (PLOT.bottom - PLOT.top);
  const spansYears = new Date(minX).getUTCFullYear() !== new Date(maxX).getUTCFullYear();
  // Within a day or two, days alone would repeat along the axis: say the time too.
  const label = (t: number) =>
    maxX - minX < 2 * DAY_MS && !wholeDays
      ? formatShortDayTime(new Date(t))
      : spansYears
        ? formatDay(new Date(t))
        : formatShortDay(new Date(t));
  const dates = dateTicks(minX, maxX, wholeDays);

  const svg = (
    <>
      <ValueAxis ticks={ticks} y={y} label={yLabel} />
      <g class="chart-axis">
        {dates.map((t, i) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={PLOT.bottom} y2={PLOT.bottom + 5} stroke="#57606a" />
            {/* The last label ends at its tick, so it stays inside the picture. */}
            <text
              x={x(t)}
              y={PLOT.bottom + 20}
              text-anchor={i === dates.length - 1 && i > 0 ? 'end' : 'middle'}
              font-size="12"
              fill="#1b1f24"
            >
              {label(t)}
            </text>
          </g>
        ))}
        <text x={(PLOT.left + PLOT.right) / 2} y={PLOT.bottom + 44} text-anchor="middle" font-size="12">
          Date (UTC)
        </text>
      </g>
      {drawn.map((s, i) => {
        const colour = COLOURS[i % COLOURS.length];
        const points = [...s.points].sort((a, b) => a.x.getTime() - b.x.getTime());
        return (
          <g key={i} class="chart-series">
            <title>{s.label}</title>
            <polyline
              points={points.map((p) => `${x(p.x.getTime()).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}
              fill="none"
              stroke={colour}
              stroke-width="2.5"
              stroke-dasharray={DASHES[i % DASHES.length]}
              stroke-linejoin="round"
            />
            {(points.length <= MAX_MARKERS || points.length === 1) &&
              points.map((p) => (
                <circle key={p.x.getTime()} cx={x(p.x.getTime())} cy={y(p.y)} r="3" fill={colour} />
              ))}
          </g>
        );
      })}
    </>
  );

  const legend = drawn.length > 1 && (
    <ul class="chart-legend">
      {drawn.map((s, i) => (
        <li key={i}>
          <svg width="28" height="10" aria-hidden="true" focusable="false">
            <line
              x1="0"
              x2="28"
              y1="5"
              y2="5"
              stroke={COLOURS[i % COLOURS.length]}
              stroke-width="3"
              stroke-dasharray={DASHES[i % DASHES.length]}
            />
          </svg>{' '}
          {s.label}
        </li>
      ))}
    </ul>
  );

  const table = drawn.map((s, i) => (
    <table key={i} class="chart-table">
      <caption>{s.label}</caption>
      <thead>
        <tr>
          <th scope="col">Date (UTC)</th>
          <th scope="col">{yLabel}</th>
        </tr>
      </thead>
      <tbody>
        {s.points.map((p) => (
          <tr key={p.x.getTime()}>
            <td>{formatPointTime(p.x)}</td>
            <td>{write(p.y)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ));

  return (
    <ChartFrame
      title={title}
      description={description}
      empty={null}
      svg={svg}
      legend={legend}
      table={table}
    />
  );
}
