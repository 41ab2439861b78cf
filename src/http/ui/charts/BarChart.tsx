import { ChartFrame, COLOURS, formatNumber, niceTicks, PLOT, ValueAxis } from './chartParts.tsx';

export type Bar = { label: string; value: number };

type Props = {
  title: string;
  /** One or two sentences saying what the chart shows. */
  description: string;
  /** What a bar's height counts, e.g. "Logins". Names the value axis and the table column. */
  valueLabel: string;
  bars: Bar[];
  /** The heading of the label column in the data table (default "Label"). */
  labelHeading?: string;
  /** Said instead of the chart when there are no bars. */
  empty?: string;
};

/** Labels along the bottom: at most this many, evenly spread, so they never overlap. */
const MAX_LABELS = 10;
/** Up to this many bars, each carries its value above it. */
const MAX_VALUE_LABELS = 16;

/** A server-rendered SVG bar chart (no JavaScript), with its numbers in a table below. */
export function BarChart({ title, description, valueLabel, bars, labelHeading = 'Label', empty }: Props) {
  if (bars.length === 0) {
    const sentence = empty ?? 'There is nothing to chart yet.';
    return <ChartFrame title={title} description={description} empty={sentence} svg={null} table={null} />;
  }
  const ticks = niceTicks(Math.max(0, ...bars.map((b) => b.value)));
  const top = ticks.at(-1)!;
  const y = (v: number) => PLOT.bottom - (Math.max(0, v) / top) * (PLOT.bottom - PLOT.top);
  const slot = (PLOT.right - PLOT.left) / bars.length;
  const barWidth = Math.max(1, slot * 0.7);
  const labelEvery = Math.ceil(bars.length / MAX_LABELS);
  const centre = (i: number) => PLOT.left + slot * i + slot / 2;

  const svg = (
    <>
      <ValueAxis ticks={ticks} y={y} label={valueLabel} />
      {bars.map((b, i) => (
        <g key={i} class="chart-bar">
          <rect
            x={(centre(i) - barWidth / 2).toFixed(1)}
            y={y(b.value).toFixed(1)}
            width={barWidth.toFixed(1)}
            height={(PLOT.bottom - y(b.value)).toFixed(1)}
            fill={COLOURS[0]}
          >
            <title>{`${b.label}: ${formatNumber(b.value)}`}</title>
          </rect>
          {bars.length <= MAX_VALUE_LABELS && (
            <text x={centre(i)} y={y(b.value) - 4} text-anchor="middle" font-size="11">
              {formatNumber(b.value)}
            </text>
          )}
          {i % labelEvery === 0 && (
            <text x={centre(i)} y={PLOT.bottom + 20} text-anchor="middle" font-size="12" fill="#1b1f24">
              {b.label}
            </text>
          )}
        </g>
      ))}
    </>
  );

  const table = (
    <table class="chart-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{labelHeading}</th>
          <th scope="col">{valueLabel}</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b, i) => (
          <tr key={i}>
            <td>{b.label}</td>
            <td>{formatNumber(b.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return <ChartFrame title={title} description={description} empty={null} svg={svg} table={table} />;
}
