/**
 * A live plot's frame as plain SVG: the scatter traces (lines and markers), the layout's path shapes anchored in
 * data units (the operating points), the axis titles, linear or log axes with a few ticks, and the legend. The page's
 * first curve is drawn with it before Plotly's module (over a megabyte, about half a second of main-thread
 * evaluation) has loaded, so that the first curve does not wait for it; Plotly redraws the same frame once it is
 * there. Only what the planner's curves frame uses is drawn; hover, zoom and export stay Plotly's.
 */
import type { Layout, Trace } from './Plot';

const MARGIN = { l: 56, r: 12, t: 28, b: 44 };
const DASH: Record<string, string> = { dot: '2 3', dash: '6 4', dashdot: '6 3 2 3' };
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

interface Axis {
  lo: number;
  hi: number;
  log: boolean;
}

/** The axis' range over `values` (5% padding; log axes in decades of the positive values). */
function axisOf(values: number[], log: boolean): Axis {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0)).map((x) => (log ? Math.log10(x) : x));
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (v.length === 0) [lo, hi] = [0, 1];
  else if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = 0.05 * (hi - lo);
  return { lo: lo - pad, hi: hi + pad, log };
}

/** About five round tick values inside the axis (1, 2 and 5 times powers of ten on a log axis, in its log units). */
function ticksOf(a: Axis): number[] {
  if (a.log) {
    const out: number[] = [];
    const many = a.hi - a.lo > 3;
    for (let e = Math.floor(a.lo); e <= a.hi; e++)
      for (const m of many ? [1] : [1, 2, 5]) {
        const t = e + Math.log10(m);
        if (t >= a.lo && t <= a.hi) out.push(t);
      }
    return out;
  }
  const raw = (a.hi - a.lo) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(a.lo / step) * step; t <= a.hi + 1e-12; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const tickText = (a: Axis, t: number) => (a.log ? String(Number((10 ** t).toPrecision(3))) : String(t));
const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
const text = (v: unknown) => (v as { title?: { text?: string } } | undefined)?.title?.text ?? '';

/** The SVG markup of `data` and `layout` in a width × height box (Plotly's layout keys as the frames set them). */
export function svgFrame(data: Trace[], layout: Layout, width: number, height: number): string {
  const xa = (layout.xaxis ?? {}) as Record<string, unknown>;
  const ya = (layout.yaxis ?? {}) as Record<string, unknown>;
  const m = { ...MARGIN, ...((layout.margin ?? {}) as Partial<typeof MARGIN>) };
  const shapes = ((layout.shapes ?? []) as Record<string, unknown>[]).filter((s) => s.type === 'path');
  const traces = data.map((t) => ({
    x: (t.x ?? []) as number[],
    y: (t.y ?? []) as number[],
    mode: String(t.mode ?? 'lines'),
    name: String(t.name ?? ''),
    line: (t.line ?? {}) as Record<string, unknown>,
    marker: (t.marker ?? {}) as Record<string, unknown>,
    opacity: num(t.opacity, 1),
  }));
  const x = axisOf([...traces.flatMap((t) => t.x), ...shapes.map((s) => num(s.xanchor, NaN))], xa.type === 'log');
  const y = axisOf([...traces.flatMap((t) => t.y), ...shapes.map((s) => num(s.yanchor, NaN))], ya.type === 'log');
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const sx = (v: number) => m.l + (((x.log ? Math.log10(v) : v) - x.lo) / (x.hi - x.lo)) * w;
  const sy = (v: number) => m.t + (1 - ((y.log ? Math.log10(v) : v) - y.lo) / (y.hi - y.lo)) * h;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [];
  if (xa.visible !== false && ya.visible !== false) {
    out.push(`<rect x="${m.l}" y="${m.t}" width="${w}" height="${h}" fill="none" stroke="#ccd"/>`);
    for (const t of ticksOf(x)) {
      const px = m.l + ((t - x.lo) / (x.hi - x.lo)) * w;
      out.push(`<line x1="${f(px)}" x2="${f(px)}" y1="${m.t}" y2="${m.t + h}" stroke="#eef"/>`);
      out.push(`<text x="${f(px)}" y="${m.t + h + 16}" text-anchor="middle">${tickText(x, t)}</text>`);
    }
    for (const t of ticksOf(y)) {
      const py = m.t + (1 - (t - y.lo) / (y.hi - y.lo)) * h;
      out.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${f(py)}" y2="${f(py)}" stroke="#eef"/>`);
      out.push(
        `<text x="${m.l - 6}" y="${f(py)}" text-anchor="end" dominant-baseline="middle">${tickText(y, t)}</text>`,
      );
    }
    out.push(`<text x="${f(m.l + w / 2)}" y="${m.t + h + 34}" text-anchor="middle">${escape(text(xa))}</text>`);
    out.push(
      `<text transform="translate(14 ${f(m.t + h / 2)}) rotate(-90)" text-anchor="middle">${escape(text(ya))}</text>`,
    );
  }
  const ok = (t: (typeof traces)[number], k: number) =>
    Number.isFinite(t.x[k]) && Number.isFinite(t.y[k]) && (!x.log || t.x[k] > 0) && (!y.log || t.y[k] > 0);
  let legendX = m.l;
  for (const t of traces) {
    const color = String(t.line.color ?? t.marker.color ?? '#444');
    const mc = String(t.marker.color ?? color);
    const keep = t.x.map((_, k) => k).filter((k) => ok(t, k));
    if (t.mode.includes('lines') && keep.length > 1) {
      const d = keep.map((k, i) => `${i ? 'L' : 'M'}${f(sx(t.x[k]))},${f(sy(t.y[k]))}`).join('');
      const dash = DASH[String(t.line.dash ?? '')];
      out.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="${num(t.line.width, 2)}"${dash ? ` stroke-dasharray="${dash}"` : ''} opacity="${t.opacity}"/>`,
      );
    }
    if (t.mode.includes('markers'))
      for (const k of keep)
        out.push(
          `<circle cx="${f(sx(t.x[k]))}" cy="${f(sy(t.y[k]))}" r="${num(t.marker.size, 6) / 2}" fill="${mc}" opacity="${t.opacity}"/>`,
        );
    if (layout.showlegend && t.name) {
      const ly = height - 12;
      out.push(
        `<line x1="${legendX}" x2="${legendX + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
        `<text x="${legendX + 22}" y="${ly}" dominant-baseline="middle">${escape(t.name)}</text>`,
      );
      legendX += 40 + 7 * t.name.length;
    }
  }
  for (const s of shapes) {
    const ax = num(s.xanchor, NaN);
    const ay = num(s.yanchor, NaN);
    if (!Number.isFinite(ax) || !Number.isFinite(ay)) continue;
    const line = (s.line ?? {}) as Record<string, unknown>;
    out.push(
      `<path transform="translate(${f(sx(ax))} ${f(sy(ay))})" d="${String(s.path)}" fill="${String(s.fillcolor ?? 'none')}" stroke="${String(line.color ?? '#000')}" stroke-width="${num(line.width, 1)}" opacity="${num(s.opacity, 1)}"/>`,
    );
  }
  return out.join('');
}
