/**
 * A plot redrawn from a store subscription, outside React renders (STYLE habit 12): the owner's `subscribe` calls
 * `draw(frame)` whenever its data change; draws are coalesced (one in flight, and each takes the latest frame when
 * its turn comes, so a burst of store changes draws once) and each completed redraw increments `data-revision` on the
 * figure and writes the frame's `attrs` (e.g. data-beta), so tests and benchmarks can see exactly when what is shown
 * changed. Fixed height: no layout jumps while it updates.
 */
import { useEffect, useRef } from 'react';
import {
  drawInto,
  drawLatest,
  loadPlotly,
  openFirstPlotGate,
  plotlyLoaded,
  savePlot,
  whenPlotlyLoaded,
  type Layout,
  type Trace,
} from './Plot';
import { svgFrame } from './svgFrame';

export interface LiveFrame {
  data: Trace[];
  layout: Layout;
  /** data-* attributes describing what this frame shows (written after the redraw completes). */
  attrs?: Record<string, string>;
}

export interface LivePlotProps {
  /** Registers `draw`; returns the unsubscribe function. Called once per mount. */
  subscribe: (draw: (frame: LiveFrame) => void) => () => void;
  name: string;
  testId?: string;
  height?: number;
  /**
   * The first screen's plot: its draws go before every other plot's (Plot.tsx's gate), which wait until it has
   * drawn a frame for which this is true. Until Plotly's module has loaded (after that frame) it draws its frames as
   * plain SVG (./svgFrame.ts; `data-renderer` says which drew the frame shown), then Plotly redraws the last one.
   */
  opensGate?: (frame: LiveFrame) => boolean;
}

export function LivePlot({ subscribe, name, testId, height = 300, opensGate }: LivePlotProps) {
  const fig = useRef<HTMLElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const early = useRef<SVGSVGElement>(null);
  const failed = useRef<HTMLParagraphElement>(null);
  /** Draws the frame shown with Plotly if only SVG has drawn it so far (an export reads Plotly's canvas). */
  const onCanvas = useRef<() => Promise<void>>(() => Promise.resolve());
  useEffect(() => {
    const el = canvas.current;
    const f = fig.current;
    if (!el || !f) return;
    let drawing = false;
    /** The newest frame not drawn yet, taken when a draw's turn comes (frames overtaken meanwhile are skipped). */
    let pending: LiveFrame | null = null;
    let revision = 0;
    let alive = true;
    const take = () => {
      const frame = pending;
      pending = null;
      return frame && alive ? { ...frame, layout: { height, ...frame.layout } } : null;
    };
    /** The last frame drawn (Plotly redraws it once loaded, when it drew only SVG so far). */
    let last: LiveFrame | null = null;
    const svg = early.current;
    /** Draws the next frame as SVG (before Plotly has loaded) or with Plotly; the frame drawn, or null. */
    const drawNext = async (): Promise<LiveFrame | null> => {
      if (opensGate && svg && !plotlyLoaded()) {
        const frame = take();
        if (!frame) return null;
        svg.style.display = '';
        const w = Math.max(200, svg.clientWidth);
        svg.setAttribute('viewBox', `0 0 ${w} ${height}`);
        svg.innerHTML = svgFrame(frame.data, frame.layout, w, height);
        f.setAttribute('data-renderer', 'svg');
        return frame;
      }
      const frame = await drawLatest(el, take, !!opensGate);
      if (frame && svg && svg.style.display !== 'none') {
        svg.style.display = 'none';
        svg.innerHTML = '';
      }
      if (frame) f.setAttribute('data-renderer', 'plotly');
      return frame;
    };
    const run = async () => {
      drawing = true;
      while (pending && alive) {
        try {
          const frame = await drawNext();
          if (!frame || !alive) continue;
          last = frame;
          if (opensGate?.(frame)) openFirstPlotGate();
          for (const [k, v] of Object.entries(frame.attrs ?? {})) f.setAttribute(`data-${k}`, v);
          f.setAttribute('data-revision', String(++revision));
          if (failed.current) failed.current.textContent = '';
        } catch (e) {
          if (failed.current)
            failed.current.textContent = `Chart failed: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
      drawing = false;
    };
    const draw = (frame: LiveFrame) => {
      pending = frame;
      if (!drawing) void run();
    };
    const unsubscribe = subscribe(draw);
    onCanvas.current = async () => {
      if (last && f.getAttribute('data-renderer') === 'svg')
        await drawInto(el, last.data, { height, ...last.layout }, true);
    };
    if (opensGate && svg)
      void whenPlotlyLoaded().then(() => {
        if (alive && !pending && last && f.getAttribute('data-renderer') === 'svg') draw(last);
      });
    // Plotly's `responsive` follows the window only; a layout change beside the plot (a second plot added to its row)
    // narrows the canvas without one.
    let width = el.clientWidth;
    const resized = new ResizeObserver(() => {
      if (el.clientWidth === width || revision === 0 || f.getAttribute('data-renderer') === 'svg') return;
      width = el.clientWidth;
      void loadPlotly().then((P) => {
        if (alive) void P.Plots.resize(el);
      });
    });
    resized.observe(el);
    return () => {
      alive = false;
      resized.disconnect();
      unsubscribe();
      // A plot Plotly never drew has nothing to purge (and the module is not loaded for it).
      if (plotlyLoaded()) void loadPlotly().then((P) => P.purge(el));
    };
  }, [subscribe, height, opensGate]);
  const save = async (format: 'png' | 'svg') => {
    const el = canvas.current;
    if (!el) return;
    await onCanvas.current();
    savePlot(el, format, name);
  };
  return (
    <figure
      ref={fig}
      className="plot"
      data-testid={testId}
      data-revision="0"
      aria-label={name}
      style={opensGate ? { position: 'relative' } : undefined}
    >
      <div ref={canvas} className="plot-canvas" style={{ height }} />
      {opensGate && (
        // Over the (empty) canvas, which keeps its size for Plotly's first draw.
        <svg
          ref={early}
          className="plot-canvas live-lines"
          style={{ height, width: '100%', display: 'none', contain: 'strict', position: 'absolute', left: 0, top: 0 }}
          fontSize={12}
          fontFamily="system-ui, sans-serif"
          fill="#445"
          role="img"
          aria-label={name}
        />
      )}
      <p ref={failed} className="error" aria-live="polite" />
      <figcaption className="plot-tools">
        <button type="button" onClick={() => void save('png')}>
          PNG
        </button>
        <button type="button" onClick={() => void save('svg')}>
          SVG
        </button>
      </figcaption>
    </figure>
  );
}
