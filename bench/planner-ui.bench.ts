// The live planner in Chromium: β slider step → curves redrawn, and main-thread long tasks while dragging, on
// ml-latest-small and on the ML-1M-shaped synthetic world, driving the built app with Playwright.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { onBuiltApp, summarize, table, type Bench } from './lib';
import { chromiumLaunch } from '../src/testing/chromium';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PORT = Number(process.env.PLANNER_UI_PORT ?? 4183);
/**
 * PLANNER_UI_EARLY=1 times the β steps right after the sweep, while the background fill of the other positions is
 * still running (the state right after a mode switch or a new model), instead of after the fill.
 */
const EARLY = process.env.PLANNER_UI_EARLY === '1';
const ML = resolve(root, '../shared/data/ml-latest-small/ratings.csv');
/** β steps timed one at a time per mode and data set (slider positions 0 → α/20 → …). */
const STEPS = Number(process.env.PLANNER_UI_STEPS ?? 10);
/** Data sets to measure: `ml` (ml-latest-small), `1m` (ML-1M-shaped world), or both (default). */
const DATA = (process.env.PLANNER_UI_DATA ?? 'ml,1m').split(',');
/** Longest wait for one redraw or input before the row says "timed out". */
const WAIT_MS = Number(process.env.PLANNER_UI_WAIT_MS ?? 300_000);

/** In the page: long tasks observed, and the time of the last key press on the β slider. */
const PAGE_SETUP = `(() => {
  window.__pb = { longTasks: [], t0: 0 };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__pb.longTasks.push(e.duration); }).observe({ entryTypes: ['longtask'] });
  document.querySelector('[data-testid="planner.slider.beta"]').addEventListener('keydown', (e) => { window.__pb.t0 = e.timeStamp; }, { capture: true });
})()`;

/**
 * In the page: resolves with [ms from the last β key press to the first curves redraw showing β = `beta`, ms to the
 * first one whose markers are all the solver's answers at that β (not `data-provisional`)]; -1 where it timed out.
 * A build without provisional markers draws only answers: both times are the same.
 */
const waitRedraw = (beta: number, timeout: number) => `new Promise((resolve) => {
  const fig = document.querySelector('[data-testid="planner.plot.curves"]');
  let first = -1;
  const mo = new MutationObserver(() => {
    if (Math.abs(Number(fig.dataset.beta) - ${beta}) >= 1e-9) return;
    const t = performance.now() - window.__pb.t0;
    if (first < 0) first = t;
    if (fig.dataset.provisional !== '1') { mo.disconnect(); resolve([first, t]); }
  });
  mo.observe(fig, { attributes: true, attributeFilter: ['data-revision'] });
  setTimeout(() => { mo.disconnect(); resolve([first, -1]); }, ${timeout});
})`;

const FIG = `document.querySelector('[data-testid="planner.plot.curves"]')`;

/**
 * Polls a page expression until it is true (the page's CSP forbids string predicates in waitForFunction, which
 * eval; page.evaluate of a string does not).
 */
async function until(page: Page, expr: string, timeout = WAIT_MS): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(expr))) {
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The curves plot's redraw count. */
const revision = async (page: Page): Promise<number> =>
  Number(await page.evaluate(`${FIG}.getAttribute('data-revision')`));

/** Waits until no solve or sweep is in flight (the "updating…" mark hidden) and a point is shown. */
async function settle(page: Page): Promise<void> {
  await until(
    page,
    `(() => {
      const u = document.querySelector('[data-testid="planner.updating"]');
      return !!u && u.style.visibility === 'hidden' && !!${FIG}.getAttribute('data-beta') && window.__rimwPlanner?.status() === 'ready';
    })()`,
  );
}

interface Row {
  data: string;
  /** Why the row has no figures (a wait that timed out), or undefined. */
  failed?: string;
  mode: string;
  /** Key press → first redraw at the new β (a provisional marker counts), ms. */
  steps: number[];
  /** Key press → the redraw whose markers are all the solver's answers at the new β, ms. */
  exact: number[];
  /** Steps whose first redraw was provisional. */
  provisional: number;
  timedOut: number;
  dragLongTasks: number[];
  dragMs: number;
  sweepMs: number;
  /** From the sweep's end until the other slider positions were solved (NaN: steps were timed during the fill). */
  fillMs: number;
  /** Steps timed while the fill was still running (EARLY). */
  duringFill: number;
}

/** One mode on the loaded input: the sweep after the switch, STEPS single β steps, then a 20-step "drag". */
async function measureMode(page: Page, data: string, mode: string): Promise<Row> {
  const beta = page.getByTestId('planner.slider.beta');
  const t0 = Date.now();
  const before = await revision(page);
  const switched = (await page.getByTestId('planner.mode').inputValue()) !== mode;
  if (switched) {
    await page.getByTestId('planner.mode').selectOption(mode);
    await until(
      page,
      `${FIG}.getAttribute('data-mode') === '${mode}' && Number(${FIG}.getAttribute('data-revision')) > ${before}`,
    );
  }
  await settle(page);
  // The first mode on an input was swept while the input loaded: no switch to time.
  const sweepMs = switched ? Date.now() - t0 : NaN;
  // The page then solves the other slider positions quietly; steps are timed once it has (or at once, EARLY).
  const t1 = Date.now();
  if (!EARLY) await until(page, `window.__rimwPlanner?.prefetching() === false`);
  const fillMs = EARLY ? NaN : Date.now() - t1;
  let duringFill = 0;
  await beta.focus();
  await beta.press('Home');
  await until(page, `Number(${FIG}.getAttribute('data-beta')) === 0`);
  const alpha = Number(await page.getByTestId('planner.slider.alpha').inputValue());
  const steps: number[] = [];
  const exact: number[] = [];
  let provisional = 0;
  let timedOut = 0;
  for (let i = 1; i <= STEPS; i++) {
    const want = Math.round(((alpha * i) / 20) * 1e9) / 1e9;
    const wait = page.evaluate(waitRedraw(want, WAIT_MS)) as Promise<[number, number]>;
    if (await page.evaluate('window.__rimwPlanner?.prefetching() === true')) duringFill++;
    await beta.press('ArrowRight');
    const [first, answer] = await wait;
    if (answer < 0) timedOut++;
    else {
      steps.push(first);
      exact.push(answer);
      if (answer > first) provisional++;
    }
  }
  // A drag: 20 steps from 0 to α, one per animation frame or so; long tasks counted from the first to the redraw.
  await beta.press('Home');
  await until(page, `Number(${FIG}.getAttribute('data-beta')) === 0`);
  await page.evaluate('window.__pb.longTasks = []');
  const tDrag = Date.now();
  const end = page.evaluate(waitRedraw(alpha, WAIT_MS)) as Promise<[number, number]>;
  for (let i = 0; i < 20; i++) await beta.press('ArrowRight', { delay: 16 });
  await end;
  const dragMs = Date.now() - tDrag;
  const dragLongTasks = (await page.evaluate('window.__pb.longTasks')) as number[];
  return { data, mode, steps, exact, provisional, timedOut, dragLongTasks, dragMs, sweepMs, fillMs, duringFill };
}

/** A failure as one table cell: its first line, without the page expression it waited for. */
const short = (e: unknown) =>
  (e instanceof Error ? e.message : String(e))
    .replace(/ waiting for[\s\S]*/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 80);

/** A mode whose waits time out becomes a row that says so (the other rows are still measured). */
async function measureOrReport(page: Page, data: string, mode: string): Promise<Row> {
  console.log(`  planner-ui: ${data}, ${mode}`);
  try {
    return await measureMode(page, data, mode);
  } catch (e) {
    return {
      data,
      mode,
      failed: short(e),
      steps: [],
      exact: [],
      provisional: 0,
      timedOut: 0,
      dragLongTasks: [],
      dragMs: NaN,
      sweepMs: NaN,
      fillMs: NaN,
      duringFill: 0,
    };
  }
}

async function run(): Promise<Row[]> {
  const browser = await chromium.launch({
    ...chromiumLaunch(),
  });
  const rows: Row[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://localhost:${PORT}/`);
    await page.getByTestId('planner.plot.curves').waitFor();
    await page.evaluate(PAGE_SETUP);
    // The page runs the fast models on the synthetic world by itself; let that finish before replacing the input.
    await page.getByTestId('planner.view').filter({ hasText: 'trained models' }).waitFor({ timeout: WAIT_MS });
    await settle(page);

    /** Loads an input, then measures each mode on it; a load that never settles becomes one failed row. */
    const dataSet = async (data: string, load: () => Promise<void>) => {
      console.log(`  planner-ui: loading ${data}`);
      try {
        await load();
        await settle(page);
      } catch (e) {
        rows.push({
          data,
          mode: '–',
          failed: `input did not settle: ${short(e)}`,
          steps: [],
          exact: [],
          provisional: 0,
          timedOut: 0,
          dragLongTasks: [],
          dragMs: NaN,
          sweepMs: NaN,
          fillMs: NaN,
          duringFill: 0,
        });
        return;
      }
      for (const mode of ['greedy', 'offline']) rows.push(await measureOrReport(page, data, mode));
    };
    if (DATA.includes('ml') && existsSync(ML)) {
      await dataSet('ml-latest-small (Pop, EMA, Hawkes)', async () => {
        await page.getByTestId('data.upload.input').setInputFiles(ML);
        await page.getByTestId('data.summary').filter({ hasText: 'ratings.csv' }).waitFor({ timeout: WAIT_MS });
        await page.evaluate(`window.__rimwPlanner.loadData(['Pop', 'EMA', 'Hawkes'])`);
      });
    }
    if (DATA.includes('1m'))
      await dataSet('ML-1M-shaped synthetic (Pop, Hawkes)', () =>
        page.evaluate(`window.__rimwPlanner.loadSynthetic('ml1m', 1, ['Pop', 'Hawkes'])`),
      );
  } finally {
    await browser.close();
  }
  return rows;
}

const bench: Bench = {
  name: 'planner-ui',
  title: 'Live planner in Chromium: β step → curves redrawn, long tasks while dragging',
  async run() {
    // PLANNER_UI_PREBUILT=DIR serves an existing build (e.g. the commit before a change) instead of building this tree.
    const rows = await onBuiltApp(PORT, run, process.env.PLANNER_UI_PREBUILT);
    const body = table(
      [
        'data (models)',
        'mode',
        'sweep after switch, s',
        'fill of the other positions, s',
        'β step → redraw p50, ms',
        'p95, ms',
        'max, ms',
        'drawn provisional first',
        "β step → solver's answer drawn p50, ms",
        'p95, ms',
        'steps (timed out)',
        '20-step drag, s',
        'long tasks > 50 ms in drag (longest, ms)',
      ],
      rows.map((r) => {
        if (r.failed) return [r.data, r.mode, `failed: ${r.failed}`, '–', '–', '–', '–', '–', '–', '–', '–', '–', '–'];
        const t = r.steps.length ? summarize(r.steps) : null;
        const e = r.exact.length ? summarize(r.exact) : null;
        const longest = r.dragLongTasks.length ? Math.max(...r.dragLongTasks).toFixed(0) : '–';
        return [
          r.data,
          r.mode,
          Number.isNaN(r.sweepMs) ? '–' : r.sweepMs / 1000,
          Number.isNaN(r.fillMs) ? `steps during it: ${r.duringFill}` : r.fillMs / 1000,
          t ? t.median : '–',
          t ? t.p95 : '–',
          t ? t.max : '–',
          String(r.provisional),
          e ? e.median : '–',
          e ? e.p95 : '–',
          `${r.steps.length} (${r.timedOut})`,
          r.dragMs / 1000,
          `${r.dragLongTasks.length} (${longest})`,
        ];
      }),
    );
    return [
      body,
      '',
      `Debian's Chromium on \`vite preview\` of the built app, 1280×800. A step is one ArrowRight on \`planner.slider.beta\` (α/20), timed in the page from the keydown to the \`planner.plot.curves\` redraw whose \`data-beta\` is the new β (latest-wins request, every model's answer in the planner worker, Plotly.react). Every 4th position is a point of the β sweep; after the sweep the page has the worker solve the other positions in the background (nearest to the slider's β first, re-centred after each point; each offline solve resumed from the nearest solved β below), and steps are timed once that fill has ended (with PLANNER_UI_EARLY=1, at once: the column before them then says how many were pressed while it ran). A step to a position whose answers the page holds is drawn from them at once; to one it has none for yet, from each model's nearest solved β as a provisional marker (\`data-provisional\`), replaced when the worker's answer lands: "drawn provisional first" counts those, the "solver's answer drawn" columns time the redraw that shows only answers at the new β (the next key is pressed after it). The drag is 20 presses 16 ms apart, from β = 0 to α; long tasks are the main thread's (PerformanceObserver 'longtask'). Inputs: the named models run in the run worker on the loaded data (the page's planner test hook), their kept scores handed to the planner worker (test users × items of the default temporal split).`,
      '',
      `If this was measured while other work shared the machine, the times are upper bounds; \`npm run bench -- planner-ui\` on a quiet machine gives the figures to quote.`,
    ].join('\n');
  },
};

export default bench;
