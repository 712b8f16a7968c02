/**
 * Plot frames of the Planner section, built from the planner store (pure functions of its state, so the live plots
 * can redraw from a subscription without React).
 */
import type { MatchMetrics, PlannerMode, SweepPoint } from '../../core/planner/types';
import type { OverlayMetric } from '../../core/report/rimeMtch';
import { compareModelOf, sweepKey, type PlannerState } from '../../state/planner';
import type { LiveFrame } from '../charts/LivePlot';
import { pct } from './format';

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

/** The compare view's modes: colour, line and name as in Figure 4's panels. */
const MODE_STYLE: Record<PlannerMode, { color: string; dash: string; name: string }> = {
  greedy: { color: '#7f7f7f', dash: 'dot', name: 'Greedy (offline)' },
  offline: { color: '#1f77b4', dash: 'solid', name: 'Dual (offline)' },
  online: { color: '#d62728', dash: 'dash', name: 'Dual (online)' },
};

type Axis = 'recall' | 'prec' | 'user_recall' | 'item_ppl' | 'item_cov' | 'user_ppl' | 'user_cov';

const LABEL: Record<Axis, string> = {
  recall: 'ItemRec recall',
  prec: 'precision',
  user_recall: 'UserRec recall',
  item_ppl: 'item perplexity (eq. 15)',
  item_cov: 'item coverage',
  user_ppl: 'user perplexity (eq. 15 over users)',
  user_cov: 'user coverage',
};

/** The axes of the view: item-side for the β sweeps, user-side for the α sweep (appendix F). */
export function axesOf(s: PlannerState): { x: Axis; y: Axis } {
  if (s.asked.view === 'alpha') return { x: s.userDiversity, y: s.userRelevance === 'prec' ? 'prec' : 'user_recall' };
  return { x: s.diversity, y: s.relevance };
}

/** The lines of the view as (name, points, style) and what they sweep; only sweeps that match the view. */
function linesOf(s: PlannerState): { name: string; points: SweepPoint[]; color: string; dash: string }[] {
  const models = s.input?.models ?? [];
  if (s.asked.view === 'compare') {
    const c = s.compare;
    if (!c) return [];
    return c.curves.map((l) => ({ ...MODE_STYLE[l.mode], points: l.points }));
  }
  const want = s.asked.view === 'alpha' ? 'alpha' : 'beta';
  if (!s.curves || s.curves.sweep !== want) return [];
  return s.curves.curves.map((l) => ({
    name: l.model,
    points: l.points,
    color: color(models.indexOf(l.model)),
    dash: 'solid',
  }));
}

/** Whether the asked view's sweep is drawn with all its points ('done') or not yet ('drawing'). */
const sweepState = (s: PlannerState) => (s.swept !== null && s.swept === sweepKey(s) ? 'done' : 'drawing');
/** The input's source as an attribute (absent before any input). */
const sourceOf = (s: PlannerState): Record<string, string> => (s.input ? { source: s.input.source } : {});

/** Whether the operating point shown belongs to the view (an α-view point has β'; the others have not). */
const shownFits = (s: PlannerState) => !!s.shown && (s.shown.betaMax !== undefined) === (s.asked.view === 'alpha');

/** The operating point as drawn: one marker per model; `provisional` markers are a neighbouring β's answer. */
interface DrawnPoint {
  mode: PlannerMode;
  alpha: number;
  beta: number;
  markers: { model: string; metrics: MatchMetrics | null; provisional: boolean; solvedAt: number }[];
  /** Drawn from the page's answers while the worker's reply for it is on its way. */
  pending: boolean;
  /** Some marker is a stand-in or missing: not yet every model's answer at β. */
  provisional: boolean;
}

/** The page's preview of the asked β while the worker solves it, else the worker's answer shown (when it fits). */
function pointOf(s: PlannerState): DrawnPoint | null {
  const a = s.asked;
  const p = s.preview;
  if (p && a.view !== 'alpha' && p.mode === a.mode && p.alpha === a.alpha && p.beta === a.beta)
    return { mode: p.mode, alpha: p.alpha, beta: p.beta, markers: p.models, pending: true, provisional: p.provisional };
  if (!shownFits(s)) return null;
  const { mode, alpha, beta, models } = s.shown!;
  const markers = models.map((m) => ({ model: m.model, metrics: m.metrics, provisional: false, solvedAt: beta }));
  return { mode, alpha, beta, markers, pending: false, provisional: false };
}

/**
 * The plotted arrays of a line, kept per points array and axes: Plotly.react compares data arrays by reference, so a
 * step that changes only the operating point hands it the same arrays and Plotly redraws only the point's shapes
 * (no recalc, no axes redraw), a few ms instead of a full redraw.
 */
const lineCache = new WeakMap<SweepPoint[], { key: string; x: number[]; y: number[]; text: string[] }>();

function lineArrays(points: SweepPoint[], x: Axis, y: Axis, alphaView: boolean) {
  const key = `${x}|${y}|${alphaView}`;
  const hit = lineCache.get(points);
  if (hit?.key === key) return { x: hit.x, y: hit.y, text: hit.text };
  const arrays = {
    x: points.map((p) => p[x]),
    y: points.map((p) => p[y]),
    text: points.map((p) => (alphaView ? `α = ${pct(p.alpha)}` : `β = ${pct(p.beta)}`)),
  };
  lineCache.set(points, { key, ...arrays });
  return arrays;
}

/** The plotted arrays of an overlay method's points on the axes, kept like lineArrays'. */
const overlayCache = new WeakMap<object, { key: string; x: number[]; y: number[] }>();

function overlayArrays(
  method: object,
  pts: { metrics: Partial<Record<OverlayMetric, number>> }[],
  x: Axis,
  y: Axis,
  alphaView: boolean,
) {
  const key = `${x}|${y}|${alphaView}`;
  const hit = overlayCache.get(method);
  if (hit?.key === key) return hit;
  const arrays = {
    key,
    x: pts.map((p) => p.metrics[x as OverlayMetric]!),
    y: pts.map((p) => p.metrics[y as OverlayMetric]!),
  };
  overlayCache.set(method, arrays);
  return arrays;
}

/** Half the diagonal of the operating point's diamond, px (as a 14-px Plotly diamond marker). */
const DIAMOND_PX = 9;
const DIAMOND_PATH = `M0,-${DIAMOND_PX}L${DIAMOND_PX},0L0,${DIAMOND_PX}L-${DIAMOND_PX},0Z`;

/**
 * The operating point of one model at (x, y) in data units: a diamond of fixed pixel size drawn as a layout shape
 * anchored there, so that moving it is a shape redraw, not a trace recalc; a provisional one (a neighbouring β's
 * answer standing in until the model's own solve lands) is open and lighter. Plotly's autorange covers shapes.
 */
function diamond(x: number, y: number, c: string, provisional: boolean): Record<string, unknown> {
  return {
    type: 'path',
    layer: 'above',
    xref: 'x',
    yref: 'y',
    xsizemode: 'pixel',
    ysizemode: 'pixel',
    xanchor: x,
    yanchor: y,
    path: DIAMOND_PATH,
    ...(provisional
      ? { fillcolor: 'rgba(0,0,0,0)', opacity: 0.6, line: { color: c, width: 2 } }
      : { fillcolor: c, opacity: 1, line: { color: '#000', width: 1.5 } }),
  };
}

/**
 * Relevance vs diversity in the asked view: every model's β sweep (or α sweep), or one model's three modes; the shown
 * operating point (big markers); a reference results file's points, drawn as points, not joined.
 */
export function curvesFrame(s: PlannerState): LiveFrame | null {
  const lines = linesOf(s);
  const point = pointOf(s);
  // New scores or a new view, nothing solved yet: clear the old lines rather than leave them under new names.
  if (lines.length === 0 && !point)
    return s.input
      ? {
          data: [],
          layout: { xaxis: { visible: false }, yaxis: { visible: false } },
          attrs: {
            lines: '0',
            points: '',
            sweep: sweepState(s),
            view: s.asked.view,
            modes: '',
            overlay: '0',
            ...sourceOf(s),
          },
        }
      : null;
  const { x, y } = axesOf(s);
  const models = s.input?.models ?? [];
  const data: Record<string, unknown>[] = [];
  const alphaView = s.asked.view === 'alpha';
  // Lines of another α or mode than the point shown are kept, faded, until their new sweep arrives.
  const faded =
    !!point &&
    (s.asked.view === 'compare'
      ? s.compare?.alpha !== point.alpha
      : s.curves?.mode !== point.mode || (!alphaView && s.curves?.alpha !== point.alpha));
  for (const l of lines) {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: l.name,
      ...lineArrays(l.points, x, y, alphaView),
      line: { color: l.color, width: 2, dash: l.dash },
      marker: { size: 5, color: l.color },
      opacity: faded ? 0.3 : 1,
    });
  }
  const compared = s.asked.view === 'compare' ? compareModelOf(s) : null;
  const shapes: Record<string, unknown>[] = [];
  for (const m of point?.markers ?? []) {
    if (!m.metrics || (compared !== null && m.model !== compared)) continue;
    const c = compared !== null ? MODE_STYLE[point!.mode].color : color(models.indexOf(m.model));
    shapes.push(diamond(m.metrics[x], m.metrics[y], c, m.provisional));
  }
  let overlayPoints = 0;
  for (const o of s.overlay?.methods ?? []) {
    // Lower bounds (item minimal exposure) belong to the β sweeps, upper bounds (user capacity) to the α sweep.
    const pts = (alphaView ? o.ub : o.lb).filter(
      (p) => p.metrics[x as OverlayMetric] !== undefined && p.metrics[y as OverlayMetric] !== undefined,
    );
    if (pts.length === 0) continue;
    overlayPoints += pts.length;
    const { x: ox, y: oy } = overlayArrays(o, pts, x, y, alphaView);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `${o.name} (${s.overlay!.file}, ${alphaView ? 'upper' : 'lower'} bounds)`,
      x: ox,
      y: oy,
      marker: { size: 9, color: '#555', symbol: 'x-thin', line: { color: '#555', width: 2 } },
    });
  }
  return {
    data,
    layout: {
      showlegend: true,
      legend: { orientation: 'h', y: -0.22 },
      margin: { l: 60, r: 12, t: 12, b: 90 },
      xaxis: { title: { text: LABEL[x] }, zeroline: false, ...(x.endsWith('_ppl') ? { type: 'log' } : {}) },
      yaxis: { title: { text: alphaView && y === 'prec' ? 'UserRec precision' : LABEL[y] }, zeroline: false },
      uirevision: `${s.asked.view}|${x}|${y}|${s.curves?.mode}|${s.curves?.alpha}|${compared}`,
      shapes,
    },
    // `lines`: the sweeps drawn with points (benches time the first meaningful paint by it); `points`: how many
    // points each line has so far (sweeps are drawn point by point); `sweep`: 'done' once the view's sweep has every
    // point, 'drawing' before; `modes`: which modes the compare view's lines are; `overlay`: reference points drawn;
    // `source`: whose scores these are; `provisional`: some marker is a neighbouring β's answer or missing;
    // `pending`: the markers are the page's, the worker's reply (histogram, tables) is on its way.
    attrs: {
      lines: String(lines.filter((l) => l.points.length > 0).length),
      points: lines.map((l) => l.points.length).join(','),
      sweep: sweepState(s),
      ...sourceOf(s),
      view: s.asked.view,
      x,
      y,
      modes:
        s.asked.view === 'compare'
          ? (s.compare?.curves ?? [])
              .filter((c) => c.points.length > 0)
              .map((c) => c.mode)
              .join(',')
          : '',
      overlay: String(overlayPoints),
      ...(point
        ? {
            beta: String(point.beta),
            alpha: String(point.alpha),
            mode: point.mode,
            provisional: point.provisional ? '1' : '0',
            pending: point.pending ? '1' : '0',
          }
        : {}),
    },
  };
}

/**
 * Delivered exposure beside the curves (Figure S7). Compare view: each mode's share of the β target met, mean over
 * items of min(1, exposure / (β·users)), against β; the online Dual decides each test user alone with v calibrated
 * on validation users, so its share can fall short. α view: the mean share of users each item reached (mean
 * exposure / users) against α, with the cap β' dashed: the ideal is β'. Null in the β view.
 */
export function deliveredFrame(s: PlannerState): LiveFrame | null {
  const rows = s.input?.testRows ?? 0;
  if (s.asked.view === 'beta' || rows === 0) return null;
  const alphaView = s.asked.view === 'alpha';
  const lines = linesOf(s);
  const data = lines.map((l) => ({
    type: 'scatter',
    mode: 'lines+markers',
    name: l.name,
    x: l.points.map((p) => 100 * (alphaView ? p.alpha : p.beta)),
    y: l.points.map((p) => 100 * (alphaView ? p.c / rows : p.delivered)),
    line: { color: l.color, width: 2, dash: l.dash },
    marker: { size: 5, color: l.color },
  }));
  const ideal = alphaView ? 100 * (s.curves?.betaMax ?? 0) : 100;
  return {
    data,
    layout: {
      showlegend: false,
      margin: { l: 60, r: 12, t: 12, b: 50 },
      xaxis: {
        title: { text: alphaView ? 'user capacity α (% of items)' : 'item minimal exposure β (% of users)' },
        zeroline: false,
        ...(alphaView ? { type: 'log' } : {}),
      },
      yaxis: {
        title: { text: alphaView ? 'users reached per item (%)' : 'β target delivered (%)' },
        zeroline: false,
        rangemode: 'tozero',
      },
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          x0: 0,
          x1: 1,
          y0: ideal,
          y1: ideal,
          line: { color: '#a12622', dash: 'dash', width: 1.5 },
        },
      ],
    },
    attrs: { lines: String(lines.filter((l) => l.points.length > 0).length), sweep: sweepState(s), view: s.asked.view },
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
