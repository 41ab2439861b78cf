import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { cells, day, elementsOf, svgOf, tableOf } from './chartMarkup.ts';
import { LineChart } from './LineChart.tsx';

describe('LineChart', () => {
  const html = renderToString(
    <LineChart
      title="Response to recent rounds"
      description="Share of each round's members who have made a login, by day."
      yLabel="Share with a login (%)"
      yMax={100}
      formatY={(y) => `${y}%`}
      series={[
        {
          label: 'Send All, 1 Jan 2026',
          points: [
            { x: day('2026-01-01'), y: 0 },
            { x: day('2026-01-02'), y: 12.5 },
            { x: day('2026-01-03'), y: 40 },
          ],
        },
        { label: 'Reminder, 2 Jan 2026', points: [{ x: day('2026-01-02'), y: 7 }] },
      ]}
    />,
  );

  it('is a well-formed, named and described SVG image', () => {
    const svg = svgOf(html);
    const names = elementsOf(svg);
    expect(names[0]).toBe('svg');
    expect(names).toContain('title');
    expect(names).toContain('desc');
    expect(names.filter((n) => n === 'polyline')).toHaveLength(2);
    expect(svg).toContain('viewBox="0 0 640 300"');
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(svg)?.[1];
    const describedBy = /aria-describedby="([^"]+)"/.exec(svg)?.[1];
    expect(svg).toContain(`<title id="${labelledBy}">Response to recent rounds</title>`);
    expect(svg).toContain(`<desc id="${describedBy}">Share of each round's members`);
    elementsOf(html);
  });

  it('labels both axes and keeps the value axis at 0–100 for percentages', () => {
    const svg = svgOf(html);
    expect(svg).toContain('>Share with a login (%)</text>');
    expect(svg).toContain('>Date (UTC)</text>');
    for (const tick of ['0', '20', '40', '60', '80', '100']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('>1 Jan</text>');
    expect(svg).toContain('>3 Jan</text>');
  });

  it('says every number in a table under the chart, one table per series', () => {
    const table = tableOf(html);
    expect(table).toContain('<summary>Show the numbers as a table</summary>');
    expect(table).toContain('<caption>Send All, 1 Jan 2026</caption>');
    expect(table).toContain('<caption>Reminder, 2 Jan 2026</caption>');
    expect(cells(table)).toEqual([
      '1 Jan 2026',
      '0%',
      '2 Jan 2026',
      '12.5%',
      '3 Jan 2026',
      '40%',
      '2 Jan 2026',
      '7%',
    ]);
  });

  it('has a legend naming every series when there are several', () => {
    expect(html).toMatch(/<ul class="chart-legend">[\s\S]*Send All, 1 Jan 2026[\s\S]*Reminder, 2 Jan 2026/);
  });

  it('says a sentence instead of drawing an empty chart', () => {
    const empty = renderToString(
      <LineChart
        title="Onboarding"
        description="d"
        yLabel="Logins"
        series={[{ label: 'a', points: [] }]}
        empty="No logins have been created yet."
      />,
    );
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('No logins have been created yet.');
    expect(renderToString(<LineChart title="T" description="d" yLabel="y" series={[]} />)).toContain(
      'There is nothing to chart yet.',
    );
  });

  it('draws a single point on a single day without dividing by zero', () => {
    const one = renderToString(
      <LineChart
        title="One"
        description="d"
        yLabel="Logins"
        series={[{ label: 'a', points: [{ x: day('2026-01-02'), y: 3 }] }]}
      />,
    );
    expect(one).not.toMatch(/NaN|Infinity/);
    expect(one).toContain('<circle');
    elementsOf(svgOf(one));
  });
});

describe('LineChart over less than two days', () => {
  const chart = (points: { x: Date; y: number }[]) =>
    renderToString(<LineChart title="Today" description="d" yLabel="y" series={[{ label: 'a', points }]} />);
  const axisLabels = (html: string) =>
    [...svgOf(html).matchAll(/font-size="12" fill="#1b1f24">([^<]+)<\/text>/g)].map((m) => m[1]);

  it('labels the axis with times, ends it at the newest point, and gives times in the table', () => {
    const html = chart([
      { x: new Date('2026-01-15T09:44:00Z'), y: 0 },
      { x: new Date('2026-01-15T15:14:00Z'), y: 5 },
    ]);
    elementsOf(svgOf(html));
    expect(axisLabels(html)).toEqual(['15 Jan, 09:44', '15 Jan, 12:29', '15 Jan, 15:14']);
    expect(svgOf(html)).toMatch(/text-anchor="end"[^>]*>15 Jan, 15:14<\/text>/);
    expect(cells(tableOf(html))).toEqual(['15 Jan 2026, 09:44', '0', '15 Jan 2026, 15:14', '5']);
  });

  it('draws a curve that began minutes ago on the hour before it, never past the newest point', () => {
    const html = chart([
      { x: new Date('2026-01-15T09:44:00Z'), y: 0 },
      { x: new Date('2026-01-15T09:45:00Z'), y: 0 },
    ]);
    expect(axisLabels(html)).toEqual(['15 Jan, 08:45', '15 Jan, 09:15', '15 Jan, 09:45']);
  });

  it('ends a single day at that day: the day before and the day, not tomorrow', () => {
    const html = chart([{ x: day('2026-01-15'), y: 3 }]);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(axisLabels(html)).toEqual(['14 Jan', '15 Jan']);
    expect(svgOf(html)).toMatch(/<circle cx="620"/);
  });

  it('labels whole days only, one per day, over a few days of data', () => {
    const html = chart([
      { x: day('2026-01-13'), y: 1 },
      { x: day('2026-01-14'), y: 2 },
      { x: day('2026-01-15'), y: 4 },
    ]);
    expect(axisLabels(html)).toEqual(['13 Jan', '14 Jan', '15 Jan']);
  });

  it('labels a longer curve of whole days on whole days, about six of them, ending on the last', () => {
    const points = Array.from({ length: 10 }, (_, i) => ({
      x: new Date(day('2026-01-06').getTime() + i * 86_400_000),
      y: i,
    }));
    const labels = axisLabels(chart(points));
    expect(labels).toHaveLength(6);
    expect(labels[0]).toBe('6 Jan');
    expect(labels.at(-1)).toBe('15 Jan');
    expect(new Set(labels).size).toBe(6);
  });
});
