import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { BarChart } from './BarChart.tsx';
import { niceTicks } from './chartParts.tsx';
import { LineChart } from './LineChart.tsx';

/**
 * Checks that markup is well-formed XML (every element closed, properly nested) and returns the element
 * names in document order. preact writes void HTML elements without a slash, so those are exempt.
 */
function elementsOf(markup: string): string[] {
  const VOID = new Set(['br', 'input', 'meta', 'link', 'img', 'hr']);
  const open: string[] = [];
  const seen: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const top = open.pop();
      if (top !== name) throw new Error(`</${name}> closes <${top}>`);
    } else {
      seen.push(name!);
      if (!selfClosing && !VOID.has(name!)) open.push(name!);
    }
  }
  if (open.length) throw new Error(`unclosed: ${open.join(', ')}`);
  // Nothing that looks like a tag may be left unparsed (a broken attribute would be).
  const tags = markup.match(/<[^>]*>/g) ?? [];
  expect(tags.length).toBe(seen.length + markup.split('</').length - 1);
  return seen;
}

const svgOf = (html: string) => /<svg[^>]*role="img"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
const tableOf = (html: string) => /<details[\s\S]*<\/details>/.exec(html)?.[0] ?? '';
const cells = (html: string) => [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);

const day = (d: string) => new Date(`${d}T00:00:00Z`);

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
  it('labels the axis with times, keeps the last label inside the picture, and gives times in the table', () => {
    const html = renderToString(
      <LineChart
        title="Today"
        description="d"
        yLabel="Share (%)"
        series={[
          {
            label: 'Send All #1',
            points: [
              { x: new Date('2026-01-15T09:44:00Z'), y: 0 },
              { x: new Date('2026-01-15T15:14:00Z'), y: 5 },
            ],
          },
        ]}
      />,
    );
    const svg = svgOf(html);
    elementsOf(svg);
    expect(svg).toContain('>15 Jan, 09:44</text>');
    expect(svg).toMatch(/text-anchor="end"[^>]*>16 Jan, 09:44<\/text>/);
    expect(cells(tableOf(html))).toEqual(['15 Jan 2026, 09:44', '0', '15 Jan 2026, 15:14', '5']);
  });

  it('draws a curve that began minutes ago on a day-wide axis', () => {
    const svg = svgOf(
      renderToString(
        <LineChart
          title="Just now"
          description="d"
          yLabel="y"
          series={[
            {
              label: 'a',
              points: [
                { x: new Date('2026-01-15T09:44:00Z'), y: 0 },
                { x: new Date('2026-01-15T09:45:00Z'), y: 0 },
              ],
            },
          ]}
        />,
      ),
    );
    expect(svg).toContain('>15 Jan, 09:44</text>');
    expect(svg).toContain('>15 Jan, 21:44</text>');
    expect(svg).toContain('>16 Jan, 09:44</text>');
  });
});

describe('BarChart', () => {
  const bars = [
    { label: 'Mon', value: 300 },
    { label: 'Tue', value: 0 },
    { label: 'Wed', value: 1234 },
  ];
  const html = renderToString(
    <BarChart
      title="Logins per day"
      description="Successful logins each day."
      valueLabel="Logins"
      bars={bars}
    />,
  );

  it('is a well-formed SVG image with one bar per value, heights in proportion', () => {
    const svg = svgOf(html);
    const names = elementsOf(svg);
    expect(names.filter((n) => n === 'rect')).toHaveLength(3);
    expect(svg).toContain('<title id="chart-logins-per-day-title">Logins per day</title>');
    expect(svg).toContain('<desc id="chart-logins-per-day-desc">Successful logins each day.</desc>');
    expect(svg).toContain('>Logins</text>');
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1]).toBe(0);
    expect(heights[2]! / heights[0]!).toBeCloseTo(1234 / 300, 1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('gives the numbers in a table', () => {
    expect(cells(tableOf(html))).toEqual(['Mon', '300', 'Tue', '0', 'Wed', '1,234']);
  });

  it('thins the labels along the axis when there are many bars, but not the table', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ label: `d${i}`, value: i }));
    const out = renderToString(<BarChart title="Many" description="d" valueLabel="n" bars={many} />);
    const axisLabels = [...svgOf(out).matchAll(/>(d\d+)<\/text>/g)];
    expect(axisLabels.length).toBeLessThanOrEqual(10);
    expect(cells(tableOf(out))).toHaveLength(120);
  });

  it('says a sentence when there are no bars, and all-zero bars still draw', () => {
    const empty = renderToString(
      <BarChart
        title="Logins per day"
        description="d"
        valueLabel="Logins"
        bars={[]}
        empty="No logins yet."
      />,
    );
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('No logins yet.');
    const zeros = renderToString(
      <BarChart title="Z" description="d" valueLabel="n" bars={[{ label: 'a', value: 0 }]} />,
    );
    expect(zeros).not.toMatch(/NaN|Infinity/);
    elementsOf(svgOf(zeros));
  });
});

describe('niceTicks', () => {
  it('steps in round numbers from zero to at least the maximum', () => {
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(37.5)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
