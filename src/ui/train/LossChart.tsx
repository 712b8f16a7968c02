/**
 * Live loss curves of the running fit: training loss per reported batch (solid) and validation loss per epoch
 * (markers), x in epochs. Redrawn from the loss subscription at most once per frame, outside React renders (STYLE
 * habit 12): as plain SVG while the run is live, with Plotly.react once it is not (and for restored curves).
 */
import { useEffect, useRef } from 'react';
import { drawInto, savePlot, type Trace } from '../charts/Plot';
import { lossCurves, subscribeLoss } from '../../state/lossCurves';

const COLORS = ['#3b6ea8', '#c2571a', '#2f8a4a', '#8a3ba8'];

function traces(): Trace[] {
  const out: Trace[] = [];
  let i = 0;
  for (const [model, c] of lossCurves()) {
    const color = COLORS[i++ % COLORS.length];
    out.push({
      type: 'scatter',
      mode: 'lines',
      name: `${model} train`,
      x: c.x,
      y: c.loss,
      line: { color, width: 1.5 },
    });
    out.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${model} validation`,
      x: c.validX,
      y: c.valid,
      line: { color, dash: 'dot' },
      marker: { size: 7 },
    });
  }
  return out;
}

const LAYOUT = {
  height: 220,
  showlegend: true,
  legend: { orientation: 'h', y: 1.15 },
  xaxis: { title: { text: 'epoch' }, rangemode: 'tozero' },
  yaxis: { title: { text: 'loss (nats / event)' } },
};

/** Series colours and the margins (px) of the live drawing, as Plotly's layout above. */
const MARGIN = { l: 56, r: 12, t: 28, b: 44 };
const HEIGHT = 220;
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const tick = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));

/**
 * The curves as they grow, drawn as plain SVG paths. Plotly replots its whole figure (defaults, axes, tick labels,
 * legend) on every data change, a main-thread task of tens to hundreds of ms per redraw; a training run redraws several
 * times a second, so the page would stutter through the whole fit. This is one innerHTML write per frame; Plotly draws
 * the finished curves once the run ends (hover, PNG/SVG export).
 */
function drawLive(svg: SVGSVGElement): void {
  const W = Math.max(200, svg.clientWidth);
  const h = HEIGHT - MARGIN.t - MARGIN.b;
  let xMax = 1,
    yMin = Infinity,
    yMax = -Infinity;
  for (const c of lossCurves().values()) {
    for (const x of c.x) xMax = Math.max(xMax, x);
    for (const y of [...c.loss, ...c.valid])
      if (Number.isFinite(y)) [yMin, yMax] = [Math.min(yMin, y), Math.max(yMax, y)];
  }
  xMax = Math.ceil(xMax);
  if (!(yMax > yMin)) [yMin, yMax] = Number.isFinite(yMin) ? [yMin - 0.5, yMin + 0.5] : [0, 1];
  const pad = 0.05 * (yMax - yMin);
  [yMin, yMax] = [yMin - pad, yMax + pad];
  const sx = (x: number) => (MARGIN.l + (x / xMax) * (W - MARGIN.l - MARGIN.r)).toFixed(1);
  const sy = (y: number) => (MARGIN.t + (1 - (y - yMin) / (yMax - yMin)) * h).toFixed(1);
  const out: string[] = [
    `<rect x="${MARGIN.l}" y="${MARGIN.t}" width="${W - MARGIN.l - MARGIN.r}" height="${h}" fill="none" stroke="#ccd"/>`,
  ];
  const step = Math.max(1, Math.ceil(xMax / 10));
  for (let e = 0; e <= xMax; e += step)
    out.push(`<text x="${sx(e)}" y="${MARGIN.t + h + 16}" text-anchor="middle">${e}</text>`);
  for (const y of [yMin + pad, (yMin + yMax) / 2, yMax - pad])
    out.push(`<text x="${MARGIN.l - 6}" y="${sy(y)}" text-anchor="end" dominant-baseline="middle">${tick(y)}</text>`);
  out.push(`<text x="${MARGIN.l + (W - MARGIN.l - MARGIN.r) / 2}" y="${HEIGHT - 6}" text-anchor="middle">epoch</text>`);
  out.push(
    `<text transform="translate(14 ${MARGIN.t + h / 2}) rotate(-90)" text-anchor="middle">loss (nats / event)</text>`,
  );
  let i = 0,
    legendX = MARGIN.l;
  for (const [model, c] of lossCurves()) {
    const color = COLORS[i++ % COLORS.length];
    const d = c.x.map((x, k) => `${k ? 'L' : 'M'}${sx(x)},${sy(c.loss[k])}`).join('');
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    const v = c.validX.map((x, k) => `${k ? 'L' : 'M'}${sx(x)},${sy(c.valid[k])}`).join('');
    if (v) out.push(`<path d="${v}" fill="none" stroke="${color}" stroke-dasharray="2 3"/>`);
    c.validX.forEach((x, k) => out.push(`<circle cx="${sx(x)}" cy="${sy(c.valid[k])}" r="3.5" fill="${color}"/>`));
    out.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="10" y2="10" stroke="${color}" stroke-width="2"/>`,
      `<text x="${legendX + 22}" y="10" dominant-baseline="middle">${escape(model)}</text>`,
    );
    legendX += 40 + 7 * model.length;
  }
  svg.setAttribute('viewBox', `0 0 ${W} ${HEIGHT}`);
  svg.innerHTML = out.join('');
}

/** `live`: a run is adding losses (drawn as plain SVG); otherwise the curves are drawn with Plotly. */
export function LossChart({ live }: { live: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const liveRef = useRef<SVGSVGElement>(null);
  const figRef = useRef<HTMLElement>(null);
  const revision = useRef(0);
  useEffect(() => {
    let frame = 0;
    // Both tracks' Train panels hold a chart of the same curves and one is hidden: it draws when it is shown again.
    let stale = false;
    const hidden = () => !figRef.current || figRef.current.getClientRects().length === 0;
    const show = (plotly: boolean) => {
      if (ref.current) ref.current.style.display = plotly ? '' : 'none';
      if (liveRef.current) liveRef.current.style.display = plotly ? 'none' : '';
    };
    const draw = () => {
      frame = 0;
      const el = ref.current;
      const svg = liveRef.current;
      if (!el || !svg) return;
      stale = hidden();
      if (stale) return;
      const rev = ++revision.current;
      if (live) {
        show(false);
        drawLive(svg);
        el.setAttribute('data-revision', String(rev));
        return;
      }
      const data = traces();
      const empty =
        data.length === 0
          ? {
              annotations: [
                {
                  text: 'no model trained by gradient steps in this run',
                  showarrow: false,
                  xref: 'paper',
                  yref: 'paper',
                  x: 0.5,
                  y: 0.5,
                  font: { color: '#889' },
                },
              ],
            }
          : { annotations: [] };
      void drawInto(el, data, { ...LAYOUT, ...empty, datarevision: rev }).then(() => {
        if (revision.current !== rev) return;
        show(true);
        el.setAttribute('data-revision', String(rev));
      });
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    draw();
    const off = subscribeLoss(schedule);
    const shown = new ResizeObserver(() => {
      if (stale && !hidden()) schedule();
    });
    if (figRef.current) shown.observe(figRef.current);
    return () => {
      off();
      shown.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [live]);
  return (
    <figure ref={figRef} className="plot" aria-label="training loss curves">
      <div ref={ref} className="plot-canvas" style={{ height: HEIGHT }} data-testid="train.loss" />
      <svg
        ref={liveRef}
        className="plot-canvas live-lines"
        style={{ height: HEIGHT, width: '100%', display: 'none', contain: 'strict' }}
        data-testid="train.loss.live"
        fontSize={12}
        fontFamily="system-ui, sans-serif"
        fill="#445"
        role="img"
        aria-label="training loss, live"
      />
      <figcaption className="plot-tools">
        <button type="button" onClick={() => ref.current && savePlot(ref.current, 'png', 'training loss')}>
          PNG
        </button>
        <button type="button" onClick={() => ref.current && savePlot(ref.current, 'svg', 'training loss')}>
          SVG
        </button>
      </figcaption>
    </figure>
  );
}
