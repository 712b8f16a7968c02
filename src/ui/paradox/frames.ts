/** The on-data paradox plot as a pure function of its store (redrawn from a subscription, outside React renders). */
import { shownPoint, type ParadoxDataState } from '../../state/paradox';
import type { LiveFrame } from '../charts/LivePlot';

/** Users of the top C who came, against γ (0: Bayes rule, 1: RIM); the asked γ marked; the most possible as a line. */
export function gammaFrame(s: ParadoxDataState): LiveFrame | null {
  const a = s.answer;
  const at = shownPoint(s);
  if (!a || !at) return null;
  const best = Math.min(a.topC, a.positives);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'came, of the top C',
        x: a.points.map((p) => p.gamma),
        y: a.points.map((p) => p.hits),
        line: { color: '#2f6b3a', width: 2 },
        marker: { size: 4 },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: `γ = ${at.gamma.toFixed(2)}`,
        x: [at.gamma],
        y: [at.hits],
        marker: { size: 13, symbol: 'diamond', color: '#3b6ea8' },
      },
    ],
    layout: {
      title: {
        text: `${a.model}: users of the top ${a.topC} who came for ${a.items.length > 1 ? 'the items' : 'the item'}`,
      },
      xaxis: { title: { text: 'γ in λ(x)^γ · p(y | x)   (0: Bayes rule, 1: RIM)' }, range: [-0.02, 1.02] },
      yaxis: { title: { text: 'users who came' }, rangemode: 'tozero' },
      shapes: [{ type: 'line', x0: 0, x1: 1, y0: best, y1: best, line: { color: '#999', width: 1, dash: 'dot' } }],
    },
    attrs: {
      gamma: at.gamma.toFixed(2),
      hits: String(at.hits),
      'hits-bayes': String(a.points[0].hits),
      'hits-rim': String(a.points[a.points.length - 1].hits),
      model: a.model,
      items: a.items.join('|'),
      topc: String(a.topC),
    },
  };
}
