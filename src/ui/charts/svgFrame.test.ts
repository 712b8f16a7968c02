import { describe, expect, it } from 'vitest';
import { svgFrame } from './svgFrame';

/** The numbers of an attribute list in `svg` (e.g. every circle's cx). */
const all = (svg: string, attr: string) =>
  [...svg.matchAll(new RegExp(`${attr}="(-?[\\d.]+)"`, 'g'))].map((m) => +m[1]);

describe('svgFrame', () => {
  // A 200 × 100 box, margins 10 on every side: the plot area is 180 × 80 px from (10, 10).
  const layout = { margin: { l: 10, r: 10, t: 10, b: 10 }, xaxis: { title: { text: 'x' } }, yaxis: {} };

  it('places points in the padded data range, linear axes', () => {
    // x in [0, 10], y in [0, 1], each padded by 5% of its span: x ∈ [-0.5, 10.5], y ∈ [-0.05, 1.05].
    const svg = svgFrame([{ type: 'scatter', mode: 'markers', x: [0, 10], y: [0, 1] }], layout, 200, 100);
    // x = 0 → 10 + (0.5 / 11) · 180 = 18.18…; x = 10 → 10 + (10.5 / 11) · 180 = 181.81…
    expect(all(svg, 'cx')).toEqual([18.2, 181.8]);
    // y = 0 → 10 + (1 − 0.05 / 1.1) · 80 = 86.36…; y = 1 → 10 + (1 − 1.05 / 1.1) · 80 = 13.63…
    expect(all(svg, 'cy')).toEqual([86.4, 13.6]);
  });

  it('maps a log axis in decades and ticks it at 1, 2 and 5 times powers of ten', () => {
    // log10 x ∈ [0, 2] padded to [-0.1, 2.1]; x = 10 (log 1) sits in the middle: 10 + 90 = 100.
    const svg = svgFrame(
      [{ type: 'scatter', mode: 'markers', x: [1, 10, 100], y: [1, 2, 3] }],
      { ...layout, xaxis: { type: 'log' } },
      200,
      100,
    );
    expect(all(svg, 'cx')).toEqual([18.2, 100, 181.8]);
    const ticks = [...svg.matchAll(/text-anchor="middle">([\d.]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['1', '2', '5', '10', '20', '50', '100']);
  });

  it('joins a line in data order, dashed as asked, and anchors shapes in data units', () => {
    const svg = svgFrame(
      [{ type: 'scatter', mode: 'lines', x: [0, 10], y: [0, 1], line: { color: '#f00', dash: 'dot' } }],
      { ...layout, shapes: [{ type: 'path', xanchor: 10, yanchor: 1, path: 'M0,-9L9,0Z', fillcolor: '#00f' }] },
      200,
      100,
    );
    expect(svg).toContain('d="M18.2,86.4L181.8,13.6" fill="none" stroke="#f00"');
    expect(svg).toContain('stroke-dasharray="2 3"');
    expect(svg).toContain('transform="translate(181.8 13.6)" d="M0,-9L9,0Z" fill="#00f"');
  });

  it('draws no axes for a frame that hides them, and escapes legend names', () => {
    const empty = svgFrame([], { xaxis: { visible: false }, yaxis: { visible: false } }, 200, 100);
    expect(empty).toBe('');
    const named = svgFrame(
      [{ type: 'scatter', mode: 'lines', name: 'A<B', x: [0, 1], y: [0, 1] }],
      { ...layout, showlegend: true },
      200,
      100,
    );
    expect(named).toContain('>A&#60;B</text>');
  });
});
