/**
 * The only place Plotly is imported (the basic partial bundle, loaded lazily so the first paint never waits for it).
 * <Plot> draws with Plotly.react in place; `drawInto` is the same call for high-frequency updates from a store
 * subscription, outside React renders (STYLE habit 12).
 */
import { useEffect, useRef, useState } from 'react';
import type { PlotlyStatic } from 'plotly.js-basic-dist-min';

let plotly: Promise<PlotlyStatic> | null = null;
let loaded = false;
/** Who waits for the module without asking for it (whenPlotlyLoaded). */
let waiters: (() => void)[] = [];
/** Plotly's module, loaded once on first ask (every plot, live or not, reaches it through here). */
export const loadPlotly = (): Promise<PlotlyStatic> => {
  if (plotly) return plotly;
  const start = performance.now();
  plotly = import('plotly.js-basic-dist-min').then((m) => {
    performance.measure('plot:module', { start });
    loaded = true;
    for (const w of waiters) w();
    waiters = [];
    return m.default;
  });
  return plotly;
};

/** Whether Plotly's module has loaded (the first screen's plot draws SVG before, see LivePlot's `opensGate`). */
export const plotlyLoaded = (): boolean => loaded;

/** Resolves once Plotly's module has loaded, without loading it (a draw or the gate below asks for it). */
export const whenPlotlyLoaded = (): Promise<void> =>
  loaded ? Promise.resolve() : new Promise<void>((r) => waiters.push(r));

export type Trace = Record<string, unknown>;
export type Layout = Record<string, unknown>;

const BASE_LAYOUT: Layout = {
  margin: { l: 56, r: 12, t: 28, b: 44 },
  font: { family: 'system-ui, sans-serif', size: 12 },
  paper_bgcolor: 'rgba(0,0,0,0)',
  plot_bgcolor: 'rgba(0,0,0,0)',
  showlegend: false,
};

/**
 * The first screen's order: while the page's first curve is on its way (`holdOtherPlots`), every plot's draw waits
 * except those of the plot that opens the gate (the planner's curves, see LivePlot's `opensGate`), so that Plotly's
 * draws of the data, loss and paradox charts take neither the main thread nor a core from the hand-offs and solves
 * that curve waits for. The gate opens for good once that curve is drawn, once the page expects none (`pending` is
 * false when a draw asks or at a recheck), or HOLD_MAX_MS after navigation at the latest.
 */
const HOLD_MAX_MS = 15_000;
let held: { pending: () => boolean; release: () => void; gate: Promise<void> } | null = null;
let gateOpen = false;

/** Holds other plots' draws while `pending()` says the first curve is coming (once per page, before React renders). */
export function holdOtherPlots(pending: () => boolean): void {
  if (held || gateOpen) return;
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  held = { pending, release, gate };
  setTimeout(openFirstPlotGate, Math.max(0, HOLD_MAX_MS - performance.now()));
}

/** Lets the held draws go, for good (the first curve is on the page), and loads Plotly for them. */
export function openFirstPlotGate(): void {
  if (gateOpen) return;
  gateOpen = true;
  held?.release();
  void loadPlotly();
}

/** Opens the gate when the page no longer expects its first curve (call when what `pending` reads changes). */
export function recheckHeldPlots(): void {
  if (!gateOpen && held && !held.pending()) openFirstPlotGate();
}

/** Resolves once the gate has opened. */
export const firstPlotGate = (): Promise<void> => (gateOpen || !held ? Promise.resolve() : held.gate);

const deferred = (): Promise<void> | undefined => {
  recheckHeldPlots();
  return gateOpen || !held ? undefined : held.gate;
};

/** The next task: plots drawn from one React commit (a results section) each draw in a task of their own. */
const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Loads Plotly and waits for the next task: each draw starts in a task of its own, since a Plotly draw is a long
 * main-thread task, and several of them chained in one task (the plots of one commit) keep the page from answering
 * input for their sum. A caller that takes its data only now (drawLatest) draws what is latest by then.
 */
async function drawTurn(first: boolean): Promise<PlotlyStatic> {
  if (!first) await deferred();
  const P = await loadPlotly();
  await nextTask();
  return P;
}

/** Draws in place; each draw is a User Timing measure `plot:<figure label>` (traces and benches read them). */
async function reactInto(P: PlotlyStatic, el: HTMLElement, data: Trace[], layout: Layout): Promise<void> {
  const start = performance.now();
  await P.react(
    el,
    data,
    { ...BASE_LAYOUT, ...layout },
    { displayModeBar: false, responsive: true, staticPlot: false },
  );
  performance.measure(`plot:${el.closest('figure')?.getAttribute('aria-label') ?? 'unnamed'}`, { start });
}

/**
 * Draws or redraws in place; safe to call many times per second (each draw in a task of its own, see drawTurn).
 * Draws wait for the first curve (see deferred) unless `first`.
 */
export async function drawInto(el: HTMLElement, data: Trace[], layout: Layout, first = false): Promise<void> {
  await reactInto(await drawTurn(first), el, data, layout);
}

/**
 * Waits for a draw's turn (see drawTurn), then draws `take()`, the data as they are by then, or nothing when it
 * returns null; resolves with what was drawn. A store subscription that changed several times since the call draws
 * once, its latest state. `first`: as drawInto's.
 */
export async function drawLatest<T extends { data: Trace[]; layout: Layout }>(
  el: HTMLElement,
  take: () => T | null,
  first = false,
): Promise<T | null> {
  const P = await drawTurn(first);
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
      if (el && loaded) void loadPlotly().then((P) => P.purge(el));
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
