/**
 * Plot frames of the Planner section, built from the planner store (pure functions of its state, so the live plots
 * can redraw from a subscription without React).
 */
import type { PlannerState } from '../../state/planner';
import type { LiveFrame } from '../charts/LivePlot';

/** One colour per model, by its position in the input (the overlay reuses grey). */
export const MODEL_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
];
const color = (i: number) => MODEL_COLORS[i % MODEL_COLORS.length];

const LABEL = {
  recall: 'recall',
  prec: 'precision',
  item_ppl: 'item perplexity (eq. 15)',
  item_cov: 'item coverage',
} as const;

/** Relevance vs diversity: every model's β sweep (lines), the shown operating point (big markers), rime overlays. */
export function curvesFrame(s: PlannerState): LiveFrame | null {
  // New scores, nothing solved yet: clear the old models' lines rather than leave them under the new names.
  if (!s.curves && !s.shown)
    return s.input
      ? { data: [], layout: { xaxis: { visible: false }, yaxis: { visible: false } }, attrs: { lines: '0' } }
      : null;
  const x = s.diversity;
  const y = s.relevance;
  const models = s.input?.models ?? [];
  const data: Record<string, unknown>[] = [];
  // Lines of another α or mode than the point shown are kept, faded, until their new sweep arrives.
  const faded = !!s.shown && !!s.curves && (s.curves.alpha !== s.shown.alpha || s.curves.mode !== s.shown.mode);
  for (const c of s.curves?.curves ?? []) {
    const i = models.indexOf(c.model);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: c.model,
      x: c.points.map((p) => p[x]),
      y: c.points.map((p) => p[y]),
      text: c.points.map((p) => `β = ${(100 * p.beta).toFixed(2)}%`),
      line: { color: color(i), width: 2 },
      marker: { size: 5, color: color(i) },
      opacity: faded ? 0.3 : 1,
    });
  }
  for (const m of s.shown?.models ?? []) {
    if (!m.metrics) continue;
    const i = models.indexOf(m.model);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `${m.model} now`,
      showlegend: false,
      x: [m.metrics[x]],
      y: [m.metrics[y]],
      marker: { size: 14, color: color(i), symbol: 'diamond', line: { color: '#000', width: 1.5 } },
    });
  }
  for (const o of s.overlay) {
    const pts = o.points.filter((p) => p[x] !== undefined && p[y] !== undefined);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: o.name,
      x: pts.map((p) => p[x]),
      y: pts.map((p) => p[y]),
      line: { color: '#777', dash: 'dash' },
      marker: { size: 5, color: '#777' },
    });
  }
  const shown = s.shown;
  return {
    data,
    layout: {
      showlegend: true,
      legend: { orientation: 'h', y: -0.22 },
      margin: { l: 60, r: 12, t: 12, b: 90 },
      xaxis: { title: { text: LABEL[x] }, zeroline: false },
      yaxis: { title: { text: LABEL[y] }, zeroline: false },
      uirevision: `${x}|${y}|${s.curves?.mode}|${s.curves?.alpha}`,
    },
    // `lines`: the models whose sweep is drawn (benches time the first meaningful paint by it).
    attrs: {
      lines: String((s.curves?.curves ?? []).filter((c) => c.points.length > 0).length),
      ...(shown ? { beta: String(shown.beta), alpha: String(shown.alpha), mode: shown.mode } : {}),
    },
  };
}

/** Delivered exposure per item of the detail model: a bar per bin and the β target as a dashed line. */
export function exposureFrame(s: PlannerState): LiveFrame | null {
  const m = s.shown?.models.find((q) => q.model === s.detail) ?? s.shown?.models[0];
  const h = m?.histogram;
  if (!m || !h || !s.shown) return null;
  const peak = Math.max(1, ...h.count);
  return {
    data: [
      {
        type: 'bar',
        x: h.lo.map((lo) => lo + h.width / 2),
        y: h.count,
        width: h.lo.map(() => h.width * 0.9),
        marker: { color: '#5b8fc7' },
        name: 'items',
      },
    ],
    layout: {
      margin: { l: 52, r: 12, t: 12, b: 44 },
      xaxis: { title: { text: `exposures per item (${m.model})` }, zeroline: false },
      yaxis: { title: { text: 'items' }, range: [0, peak * 1.1] },
      shapes:
        h.target > 0
          ? [
              {
                type: 'line',
                x0: h.target,
                x1: h.target,
                y0: 0,
                y1: 1,
                yref: 'paper',
                line: { color: '#a12622', dash: 'dash', width: 2 },
              },
            ]
          : [],
    },
    attrs: { beta: String(s.shown.beta), model: m.model },
  };
}
