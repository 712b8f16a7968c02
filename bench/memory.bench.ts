// The tab's memory with the ML-1M-shaped world loaded, four models trained and the planner live, read from /proc
// for the tab's renderer process (dedicated workers run inside it) at each step of that journey in Debian's Chromium
// on the built app.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { onBuiltApp, table, type Bench } from './lib';
import { chromiumLaunch } from '../src/testing/chromium';

const PORT = 4185;
const WAIT_MS = Number(process.env.MEMORY_WAIT_MS ?? 600_000);
const MODELS = ['Pop', 'EMA', 'Hawkes', 'HP'];
const GB = 1024 ** 3;

interface ProcMemory {
  pid: number;
  /** Resident now and at its peak (VmRSS, VmHWM), bytes. */
  rss: number;
  peak: number;
}

/** Chromium renderer processes (linux /proc): the tab's is the largest; the page and its workers live there. */
function renderers(): ProcMemory[] {
  const out: ProcMemory[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !/chrom/i.test(cmd)) continue;
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      out.push({ pid: Number(d), rss: kb('VmRSS'), peak: kb('VmHWM') });
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

interface Step {
  step: string;
  seconds: number;
  rss: number;
  peak: number;
}

async function journey(): Promise<{ steps: Step[]; renderers: number; source: string }> {
  const browser = await chromium.launch({
    ...chromiumLaunch(),
  });
  const steps: Step[] = [];
  const t0 = Date.now();
  // All renderer processes together (the tab's, plus any spare one Chromium keeps): an upper bound for the tab.
  const mark = (step: string) => {
    const all = renderers();
    steps.push({
      step,
      seconds: (Date.now() - t0) / 1000,
      rss: all.reduce((a, p) => a + p.rss, 0),
      peak: all.reduce((a, p) => a + p.peak, 0),
    });
  };
  let source: string;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://localhost:${PORT}/`);
    await page.locator('[data-testid="results.table"][data-task="item_rec"]').waitFor({ timeout: WAIT_MS });
    await plannerIdle(page);
    mark('opened: synthetic small world, its results and curves');

    await page.getByLabel('synthetic world size').selectOption('ml1m');
    await page.getByTestId('data.synthetic').click();
    await page.getByTestId('data.summary').filter({ hasText: 'ml1m' }).waitFor({ timeout: WAIT_MS });
    mark('ML-1M-shaped world loaded (data worker)');

    for (const box of await page.locator('[data-testid^="train.model."]').all()) {
      const name = ((await box.getAttribute('data-testid')) ?? '').slice('train.model.'.length);
      await box.setChecked(MODELS.includes(name));
    }
    await page.getByTestId('train.start').click();
    await poll(page, '[data-testid="train.status"]', 'data-status', (v) => v === 'done');
    mark(`${MODELS.join(', ')} trained and evaluated (run worker)`);

    await page
      .getByTestId('planner.view')
      .filter({ hasText: 'trained models on synthetic ml1m' })
      .waitFor({ timeout: WAIT_MS });
    await plannerIdle(page);
    source = (await page.getByTestId('planner.view').locator('.planner-status span').first().textContent()) ?? '';
    mark('planner live on their scores (sweep drawn)');

    const beta = page.getByTestId('planner.slider.beta');
    await beta.focus();
    for (let i = 0; i < 6; i++) await beta.press('ArrowRight');
    await plannerIdle(page);
    await page.getByTestId('planner.slider.alpha').focus();
    await page.getByTestId('planner.slider.alpha').press('ArrowRight');
    await plannerIdle(page);
    mark('after 6 β steps and one α step');
    return { steps, renderers: renderers().length, source };
  } finally {
    await browser.close();
  }
}

const bench: Bench = {
  name: 'memory',
  title: 'Memory of the tab: ML-1M-shaped world, four models, planner live',
  async run() {
    const r = await onBuiltApp(PORT, journey);
    const gb = (x: number) => (x / GB).toFixed(2);
    return [
      table(
        ['step', 'at s', 'renderers RSS, GB', 'renderers peak RSS so far, GB', 'target'],
        r.steps.map((s) => [s.step, s.seconds, gb(s.rss), gb(s.peak), '< 1.5 GB']),
      ),
      '',
      `Debian's Chromium on \`vite preview\` of the built app, one tab (1280×800). RSS and its peak are the kernel's VmRSS and VmHWM summed over Chromium's renderer processes (${r.renderers} at the end): the tab's, where the page and its dedicated workers (data, run, planner) live, and any spare one, so an upper bound for the tab (a peak sum lower than an earlier one means a renderer went away). Planner input at the last steps: ${r.source.trim().replace(/\.$/, '')}.`,
      '',
      "Where it goes: each model's dense test and validation scores (at this shape 5,657 × 3,706 × 4 B ≈ 84 MB per test matrix). They are held once: the run worker keeps them until the run is saved in IndexedDB (one record per model, so a save clones one model at a time), then hands them to the planner worker by transfer and keeps only the explorer's top-32 users per item. Before that change (same journey, 2026-11-23): 1.57 GB steady and a 2.33 GB peak, with the scores in both workers and the run saved as one record.",
      '',
      "Not met since (measured 2026-12-04, also at 08faf67, before that day's planner changes: 1.80 GB steady, 2.01 GB peak): the planner worker now keeps, per model, its matrix's workspace for live re-solves (the transposed scores, 84 MB at this shape, and since 2026-12-04 the auction's membership bytes, 21 MB, in the same WASM memory) and up to 48 resumable solutions (assignment and values, ~2.5 MB each) for the slider fill. Sum at the end of the journey: page and workers 0.55 GB, four models' test and validation scores 0.67 GB (moved to the planner), four workspaces 0.42 GB, solutions and metrics ~0.15 GB. Ways back under 1.5 GB: keep one or two workspaces (the curves run model by model), and leave the validation scores in IndexedDB until the online mode asks for them.",
    ].join('\n');
  },
};

export default bench;
