/**
 * The only place Plotly is imported (the basic partial bundle, loaded lazily so the first paint never waits for it).
 * <Plot> draws with Plotly.react in place; `drawInto` is the same call for high-frequency updates from a store
 * subscription, outside React renders (STYLE habit 12).
 */
import { useEffect, useRef, useState } from 'react';
import type { PlotlyStatic } from 'plotly.js-basic-dist-min';

let plotly: Promise<PlotlyStatic> | null = null;
const loadPlotly = () => (plotly ??= import('plotly.js-basic-dist-min').then((m) => m.default));

export type Trace = Record<string, unknown>;
export type Layout = Record<string, unknown>;

const BASE_LAYOUT: Layout = {
  margin: { l: 56, r: 12, t: 28, b: 44 },
  font: { family: 'system-ui, sans-serif', size: 12 },
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: 'rgba(0,0,0,0)',
  showlegend: false,
};

/** The next task: plots drawn from one React commit (a results section) each draw in a task of their own. */
const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Loads Plotly and waits for the next task: each draw starts in a task of its own, since a Plotly draw is a long
 * main-thread task, and several of them chained in one task (the plots of one commit) keep the page from answering
 * input for their sum. A caller that takes its data only now (drawLatest) draws what is latest by then.
 */
async function drawTurn(): Promise<PlotlyStatic> {
  const P = await loadPlotly();
  await nextTask();
  return P;
}

const reactInto = (P: PlotlyStatic, el: HTMLElement, data: Trace[], layout: Layout) =>
  P.react(el, data, { ...BASE_LAYOUT, ...layout }, { displayModeBar: false, responsive: true, staticPlot: false });

/** Draws or redraws in place; safe to call many times per second (each draw in a task of its own, see drawTurn). */
export async function drawInto(el: HTMLElement, data: Trace[], layout: Layout): Promise<void> {
  await reactInto(await drawTurn(), el, data, layout);
}

/**
 * Waits for a draw's turn (see drawTurn), then draws `take()`, the data as they are by then, or nothing when it
 * returns null; resolves with what was drawn. A store subscription that changed several times since the call draws
 * once, its latest state.
 */
export async function drawLatest<T extends { data: Trace[]; layout: Layout }>(
  el: HTMLElement,
  take: () => T | null,
): Promise<T | null> {
  const P = await drawTurn();
  const frame = take();
  if (frame) await reactInto(P, el, frame.data, frame.layout);
  return frame;
}

/** Saves a drawn plot as PNG or SVG (file name from `name`); for plots drawn with drawInto outside <Plot>. */
export function savePlot(el: HTMLElement, format: 'png' | 'svg', name: string): void {
  void loadPlotly().then((P) => P.downloadImage(el, { format, filename: name.replace(/[^\w-]+/g, '_') }));
}

export interface PlotProps {
  data: Trace[];
  layout: Layout;
  /** File name for exports and the accessible label of the figure. */
  name: string;
  testId?: string;
  height?: number;
}

export function Plot({ data, layout, name, testId, height = 240 }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    drawInto(el, data, { height, ...layout }).catch((e: unknown) =>
      setFailed(e instanceof Error ? e.message : String(e)),
    );
  }, [data, layout, height]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((P) => P.purge(el));
    };
  }, []);
  const save = (format: 'png' | 'svg') => {
    const el = ref.current;
    if (el) savePlot(el, format, name);
  };
  return (
    <figure className="plot" data-testid={testId} aria-label={name}>
      <div ref={ref} className="plot-canvas" style={{ height }} />
      {failed && <p className="error">Chart failed: {failed}</p>}
      <figcaption className="plot-tools">
        <button type="button" onClick={() => save('png')}>
          PNG
        </button>
        <button type="button" onClick={() => save('svg')}>
          SVG
        </button>
      </figcaption>
    </figure>
  );
}
