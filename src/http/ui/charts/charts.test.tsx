import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { BarChart } from './BarChart.tsx';
import { cells, elementsOf, svgOf, tableOf } from './chartMarkup.ts';
import { niceTicks } from './chartParts.tsx';

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
