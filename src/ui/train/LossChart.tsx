/**
 * Live loss curves of the running fit: training loss per reported batch (solid) and validation loss per epoch
 * (markers), x in epochs. Redrawn with Plotly.react from the loss subscription at most once per frame, outside React
 * renders (STYLE habit 12); the component itself renders once.
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

export function LossChart() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let frame = 0;
    let revision = 0;
    const draw = () => {
      frame = 0;
      const el = ref.current;
      if (!el) return;
      revision++;
      const rev = revision;
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
      void drawInto(el, data, { ...LAYOUT, ...empty, datarevision: rev }).then(() =>
        el.setAttribute('data-revision', String(rev)),
      );
    };
    draw();
    const off = subscribeLoss(() => {
      if (!frame) frame = requestAnimationFrame(draw);
    });
    return () => {
      off();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  return (
    <figure className="plot" aria-label="training loss curves">
      <div ref={ref} className="plot-canvas" style={{ height: 220 }} data-testid="train.loss" />
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
