// The tab's memory with the ML-1M-shaped world loaded, four models trained and the planner live, read from /proc
// for the tab's renderer process (dedicated workers run inside it) at each step of that journey in Debian's Chromium
// on the built app.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { onBuiltApp, summarize, table, type Bench } from './lib';
import { chromiumLaunch } from '../src/testing/chromium';
import { createDefaultSolvers } from '../src/core/planner/solvers';
import { drawScores, scoreWorld } from '../src/core/planner/synthetic';
import { transpose } from '../src/core/planner/auctionScans';
import { recycleTransposed } from '../src/core/planner/scanKernel';
import { createRng } from '../src/core/util/rng';
import type { DualState } from '../src/core/planner/types';

/** `MEMORY_PORT`: where `vite preview` serves the build (another bench may hold the default). */
const PORT = Number(process.env.MEMORY_PORT ?? 4185);
const WAIT_MS = Number(process.env.MEMORY_WAIT_MS ?? 600_000);
const MODELS = ['Pop', 'EMA', 'Hawkes', 'HP'];
const GB = 1024 ** 3;

interface ProcMemory {
  pid: number;
  /** Resident now and at its peak (VmRSS, VmHWM), bytes. */
  rss: number;
  peak: number;
  /** Whether it runs dedicated workers: the app's tab (the omnibox's WebUI and a spare renderer run none). */
  tab: boolean;
}

/** Whether a process has a thread Chromium named for a dedicated worker ("DedicatedWorker thread", cut to 15). */
function runsWorkers(pid: number): boolean {
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('DedicatedWorker')) return true;
    } catch {
      // the thread ended meanwhile
    }
  }
  return false;
}

/** The parent of each process (linux /proc/PID/stat: the field after the parenthesised name). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      out.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * Renderer processes of the Chromium this bench started (descendants of this Node process: other Chromiums on a
 * shared machine are not counted), largest first; the tab's is the one running dedicated workers.
 */
function renderers(): ProcMemory[] {
  const parent = parents();
  const mine = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  const out: ProcMemory[] = [];
  for (const pid of parent.keys()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !/chrom/i.test(cmd) || !mine(pid)) continue;
      const s = statusOf(pid);
      if (s) out.push({ pid, ...s, tab: runsWorkers(pid) });
    } catch {
      // the process ended meanwhile
    }
  }
  return out.sort((a, b) => b.rss - a.rss);
}

/** Polls an attribute from Node (the page's CSP forbids evaluated predicate strings). */
async function poll(
  page: Page,
  selector: string,
  attr: string,
  ok: (v: string | null) => boolean,
  timeout = WAIT_MS,
): Promise<void> {
  const loc = page.locator(selector).first();
  const end = Date.now() + timeout;
  while (!ok(await loc.getAttribute(attr).catch(() => null))) {
    if (Date.now() > end) throw new Error(`${selector} ${attr}: timed out`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The planner idle: no solve or sweep in flight and a point shown. */
const plannerIdle = async (page: Page) => {
  await poll(page, '[data-testid="planner.updating"]', 'style', (v) => !!v && v.includes('hidden'));
  await poll(page, '[data-testid="planner.plot.curves"]', 'data-beta', (v) => !!v);
};

/** Resident memory now and at its peak, bytes: the tab's renderer process, and every renderer together. */
interface Rss {
  tabRss: number;
  tabPeak: number;
  rss: number;
  peak: number;
}

function rssOf(all: ProcMemory[]): Rss {
  const tab = all.filter((p) => p.tab);
  const sum = (ps: ProcMemory[], k: 'rss' | 'peak') => ps.reduce((a, p) => a + p[k], 0);
  return { tabRss: sum(tab, 'rss'), tabPeak: sum(tab, 'peak'), rss: sum(all, 'rss'), peak: sum(all, 'peak') };
}

/** VmRSS and VmHWM of a process, bytes (null once it ended). */
function statusOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * The renderers' RSS every 50 ms, keeping the largest seen: their VmHWM alone is no record of the peak (Chromium
 * resets it through /proc/self/clear_refs, so it falls during the journey). The processes are listed again every
 * second (a full scan of /proc), their status files read in between.
 */
function rssSampler() {
  let procs = renderers();
  let top: Rss = rssOf(procs);
  let n = 0;
  let on = true;
  const sample = () => {
    if (++n % 20 === 0) procs = renderers();
    else
      procs = procs.flatMap((p) => {
        const s = statusOf(p.pid);
        return s ? [{ ...p, ...s }] : [];
      });
    const m = rssOf(procs);
    top = {
      tabRss: Math.max(top.tabRss, m.tabRss),
      tabPeak: Math.max(top.tabPeak, m.tabPeak, m.tabRss),
      rss: Math.max(top.rss, m.rss),
      peak: Math.max(top.peak, m.peak, m.rss),
    };
    return m;
  };
  const loop = (async () => {
    while (on) {
      sample();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    /** Now, with each peak the largest of the samples and of the kernel's VmHWM so far. */
    now(): Rss {
      const m = sample();
      return { ...m, tabPeak: top.tabPeak, peak: top.peak };
    },
    async stop(): Promise<void> {
      on = false;
      await loop;
    },
  };
}

interface Step extends Rss {
  step: string;
  seconds: number;
  /** JS memory (heaps and their array buffers) by context: page, data, run, planner worker; bytes. */
  byContext: Map<string, number>;
}

/** The context a measureUserAgentSpecificMemory attribution names: a worker by its script's name, else the page. */
function contextName(a: { scope?: string; url?: string }): string {
  if (a.scope !== 'DedicatedWorkerGlobalScope') return 'page';
  const file = /\/([a-z]+)\.worker[^/]*$/i.exec(a.url ?? '')?.[1] ?? /\/([a-z]+)[.-][^/]*\.js$/i.exec(a.url ?? '')?.[1];
  return file ?? a.url ?? 'worker';
}

/**
 * The page's JS memory by context (performance.measureUserAgentSpecificMemory: the page is cross-origin isolated;
 * Chromium measures at once with ForceEagerMeasureMemory). Empty where the API is missing.
 */
async function jsMemory(page: Page): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await page
    .evaluate(async () => {
      const perf = performance as unknown as {
        measureUserAgentSpecificMemory?: () => Promise<{
          breakdown: { bytes: number; attribution: { scope?: string; url?: string }[] }[];
        }>;
      };
      return perf.measureUserAgentSpecificMemory ? await perf.measureUserAgentSpecificMemory() : null;
    })
    .catch(() => null);
  for (const b of r?.breakdown ?? []) {
    const name = b.attribution.length === 0 ? 'shared' : contextName(b.attribution[0]);
    out.set(name, (out.get(name) ?? 0) + b.bytes);
  }
  return out;
}

interface Journey {
  steps: Step[];
  renderers: number;
  source: string;
}

async function journey(): Promise<Journey> {
  const launch = chromiumLaunch();
  // A profile on disk, as a user's: a new Playwright context is off the record, and its IndexedDB (where the run is
  // saved before its scores move to the planner) lives in memory under a small quota.
  const profile = mkdtempSync(join(tmpdir(), 'rimw-memory-'));
  const browser = await chromium.launchPersistentContext(profile, {
    ...launch,
    args: [...launch.args, '--enable-blink-features=ForceEagerMeasureMemory'],
    viewport: { width: 1280, height: 800 },
  });
  const steps: Step[] = [];
  const t0 = Date.now();
  const rss = rssSampler();
  const mark = async (page: Page, step: string) => {
    const seconds = (Date.now() - t0) / 1000;
    steps.push({ step, seconds, ...rss.now(), byContext: await jsMemory(page) });
  };
  // `MEMORY_TRACE`: a file for the timeline (the tab's RSS and JS memory by context about every second), to see
  // when the peak happens and who holds what then. Measuring JS memory collects garbage: the figures of a traced
  // journey are not those of a plain one.
  const TRACE = process.env.MEMORY_TRACE;
  const trace: string[] = [];
  let tracing = !!TRACE;
  let shown: Page | null = null;
  const tracer = (async () => {
    for (; tracing; await new Promise((r) => setTimeout(r, 1000))) {
      const m = rss.now();
      trace.push(`${((Date.now() - t0) / 1000).toFixed(2)} s: tab ${gb(m.tabRss)} (peak ${gb(m.tabPeak)}) GB`);
      if (shown) trace.push(`  JS ${contexts(await jsMemory(shown))}`);
    }
  })();
  let source: string;
  try {
    // The tab the persistent context opened (a second one would count another renderer).
    const page = browser.pages()[0] ?? (await browser.newPage());
    shown = page;
    await page.goto(`http://localhost:${PORT}/`);
    await page.locator('[data-testid="results.table"][data-task="item_rec"]').waitFor({ timeout: WAIT_MS });
    await plannerIdle(page);
    await mark(page, 'opened: synthetic small world, its results and curves');

    await page.getByLabel('synthetic world size').selectOption('ml1m');
    await page.getByTestId('data.synthetic').click();
    await page.getByTestId('data.summary').filter({ hasText: 'ml1m' }).waitFor({ timeout: WAIT_MS });
    await mark(page, 'ML-1M-shaped world loaded (data worker)');

    for (const box of await page.locator('[data-testid^="train.model."]').all()) {
      const name = ((await box.getAttribute('data-testid')) ?? '').slice('train.model.'.length);
      await box.setChecked(MODELS.includes(name));
    }
    await page.getByTestId('train.start').click();
    await poll(page, '[data-testid="train.status"]', 'data-status', (v) => v === 'done');
    await mark(page, `${MODELS.join(', ')} trained and evaluated (run worker)`);

    await page
      .getByTestId('planner.view')
      .filter({ hasText: 'trained models on synthetic ml1m' })
      .waitFor({ timeout: WAIT_MS });
    await plannerIdle(page);
    source = (await page.getByTestId('planner.view').locator('.planner-status span').first().textContent()) ?? '';
    await mark(page, 'planner live on their scores (sweep drawn)');

    const beta = page.getByTestId('planner.slider.beta');
    await beta.focus();
    for (let i = 0; i < 6; i++) await beta.press('ArrowRight');
    await plannerIdle(page);
    await page.getByTestId('planner.slider.alpha').focus();
    await page.getByTestId('planner.slider.alpha').press('ArrowRight');
    await plannerIdle(page);
    await mark(page, 'after 6 β steps and one α step');
    return { steps, renderers: renderers().length, source };
  } finally {
    tracing = false;
    await tracer;
    await rss.stop();
    if (TRACE) writeFileSync(TRACE, trace.join('\n'));
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The planner input's shape at the end of the journey (test rows × items of the ML-1M-shaped world). */
const ROWS = 5657;
const ITEMS = 3706;
const ALPHA = 0.01;
/** Slider steps timed: β from 0.2% to 0.8% of users in the slider's steps of α/20, each resumed from the one before. */
const STEPS = Array.from({ length: 13 }, (_, i) => Math.round((0.002 + i * 0.0005) * 1e9) / 1e9);

interface RebuildCost {
  transpose: number[];
  held: number[];
  evicted: number[];
}

/**
 * What an evicted workspace costs a slider step (Node, the solvers the planner worker runs): the same chain of β steps
 * on one matrix, each resumed from the one before, with its workspace held (two kept, two matrices) and with it
 * evicted before every step by a solve on another matrix (one kept), alternating per step; and the transposition
 * alone (what a rebuild adds, in a recycled kernel memory).
 */
function rebuildCost(): RebuildCost {
  const rng = createRng(3);
  const world = scoreWorld(ITEMS, rng, 16, 1);
  const A = { data: drawScores(world, ROWS, rng), nRows: ROWS, nCols: ITEMS };
  const B = { data: drawScores(world, ROWS, rng), nRows: ROWS, nCols: ITEMS };
  const out: RebuildCost = { transpose: [], held: [], evicted: [] };
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const T = transpose(A.data, ROWS, ITEMS);
    out.transpose.push(performance.now() - t0);
    recycleTransposed(T);
  }
  for (const [limit, times] of [
    [2, out.held],
    [1, out.evicted],
  ] as const) {
    const solvers = createDefaultSolvers(limit);
    let warmA: DualState | null = solvers.offline!(A, { alpha: ALPHA, beta: STEPS[0] }, null).state;
    let warmB: DualState | null = solvers.offline!(B, { alpha: ALPHA, beta: STEPS[0] }, null).state;
    for (const beta of STEPS.slice(1)) {
      // B's step first (it takes the one workspace when one is kept), then A's, timed.
      warmB = solvers.offline!(B, { alpha: ALPHA, beta }, warmB).state;
      const t0 = performance.now();
      warmA = solvers.offline!(A, { alpha: ALPHA, beta }, warmA).state;
      times.push(performance.now() - t0);
    }
    solvers.retain!(new Set());
  }
  return out;
}

const MB = 1024 ** 2;
const gb = (x: number) => (x / GB).toFixed(2);
const contexts = (m: Map<string, number>) =>
  m.size === 0
    ? 'not measured'
    : [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${(v / MB).toFixed(0)}`)
        .join(', ');

/** One journey's table: RSS and its peak per step, the tab's and all renderers', and the JS memory by context. */
const journeyTable = (r: Journey) =>
  table(
    [
      'step',
      'at s',
      'tab RSS, GB',
      'tab peak RSS so far, GB',
      'all renderers RSS, GB',
      'all renderers peak so far, GB',
      'JS memory by context, MB',
    ],
    r.steps.map((s) => [s.step, s.seconds, gb(s.tabRss), gb(s.tabPeak), gb(s.rss), gb(s.peak), contexts(s.byContext)]),
  );

/**
 * `MEMORY_BASELINE_DIST`: a build of an earlier commit (`vite build --outDir`), whose journey runs first in the same
 * run, so that the figures compare under the same load; `MEMORY_BASELINE_LABEL` names it.
 */
const BASELINE_DIST = process.env.MEMORY_BASELINE_DIST;
const BASELINE_LABEL = process.env.MEMORY_BASELINE_LABEL ?? 'the baseline build';
// `MEMORY_DIST`: this tree already built elsewhere (`vite build --outDir`), so that dist/ is left to other runs.

const bench: Bench = {
  name: 'memory',
  title: 'Memory of the tab: ML-1M-shaped world, four models, planner live',
  async run() {
    // A server already on the port would be measured instead of this build.
    if (
      await fetch(`http://localhost:${PORT}/`).then(
        () => true,
        () => false,
      )
    )
      throw new Error(`port ${PORT} is taken: set MEMORY_PORT`);
    const cost = rebuildCost();
    const base = BASELINE_DIST ? await onBuiltApp(PORT, journey, BASELINE_DIST) : null;
    const r = await onBuiltApp(PORT, journey, process.env.MEMORY_DIST);
    const row = (what: string, xs: number[]) => {
      const t = summarize(xs);
      return [what, t.runs, t.median.toFixed(0), t.p95.toFixed(0), t.max.toFixed(0)];
    };
    return [
      journeyTable(r),
      '',
      `Debian's Chromium on \`vite preview\` of the built app, one tab (1280×800). RSS is the kernel's VmRSS, its peak the largest of VmRSS sampled every 50 ms and of VmHWM (which Chromium resets during the journey, so that alone it reads low): of the tab's renderer process (the one running dedicated workers: the page and its data, run and planner workers live there), and summed over every renderer process of the Chromium the bench started (${r.renderers} at the end; other browsers on the machine are not counted), which adds headless Chromium's omnibox WebUI (about 160 MB) and a spare renderer (about 75 MB). The journey runs in the tab the persistent context opens (before 2026-12-07 evening it opened a second one, whose renderer, about 110 MB, the sum counted). JS memory by context: \`performance.measureUserAgentSpecificMemory()\` (the page is cross-origin isolated; measured at once with Blink's ForceEagerMeasureMemory), the heaps and array buffers each realm holds (the planner worker's WASM memories do not show in it). Planner input at the last steps: ${r.source.trim().replace(/\.$/, '')}.`,
      ...(base
        ? ['', `The same journey on ${BASELINE_LABEL}, in the same run just before:`, '', journeyTable(base)]
        : []),
      '',
      '### What an evicted workspace costs a slider step',
      '',
      `Node, ${ROWS} × ${ITEMS} long-tailed synthetic scores (the planner bench's world), α = ${ALPHA * 100}%, the offline Dual's β steps from ${STEPS[1] * 100}% to ${STEPS.at(-1)! * 100}% of users in the slider's steps, each resumed from the one before; alternating with the same step on a second matrix.`,
      '',
      table(
        ['what', 'runs', 'median ms', 'p95 ms', 'max ms'],
        [
          row('β step, workspace held (two kept)', cost.held),
          row('β step, workspace evicted before it (one kept): rebuilt', cost.evicted),
          row('transposition alone (the rebuild), recycled memory', cost.transpose),
        ],
      ),
      '',
      "Where it goes: each model's dense test and validation scores (at this shape 5,657 × 3,706 × 4 B ≈ 84 MB per test matrix). They are held once: the run worker keeps them until the run is saved in IndexedDB (since 2026-12-07 evening in 8 MB chunk records: a whole record per model was serialised and wrapped in a blob at once, two more copies of its 160 MB for the moment of the write), then hands the test scores to the planner worker by transfer, frees the validation scores (they stay saved) and keeps only the explorer's top-32 users per item. The first model's copies, sent while the run goes on, move by transfer too, and the planner frees them when the full input replaces them. Before that change (same journey, 2026-11-23): 1.57 GB steady and a 2.33 GB peak, with the scores in both workers and the run saved as one record.",
      '',
      "Since 2026-12-07 the planner worker keeps Dual workspaces (transposed scores and membership bytes in one WASM memory, 105 MB each at this shape) for the two most recently solved matrices only, reusing an evicted one's memory for the next; at most eight resumable solutions per model (48 in all; since the evening without their values λ + w, which a resumed step re-reads: 0.8 MB each instead of 2.5); and, once the run is saved, no validation scores: they stay in the saved run's record until the online mode reads them (two kept). The JS memory by context shows what is left: the run worker's copy of every model's scores (about 650 MB) stays whenever the run could not be saved before the planner asked for its input (the hand-over needs the saved run), and then the planner gets copies, validation scores included.",
    ].join('\n');
  },
};

export default bench;
