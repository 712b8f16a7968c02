// The tfjs WASM backend on 1 and on 2 threads in the page (headless Chromium, cross-origin isolated, the threaded
// SIMD build): one epoch of a sequence model on MovieLens latest-small, the thread count set by the page address
// (`?wasmThreads=N`) and confirmed from the backend note. Runs alternate between the two counts, round after round,
// so that load from other jobs falls on both.
// Env: WASM_THREADS_ROUNDS (default 1), WASM_THREADS_MODEL (default RNN), WASM_THREADS_HIDDEN / _LAYERS / _MAXLEN
// (default: the app's, the paper's 128 / 2 / 256).
// BENCH_PORT: the port of its vite preview (default 4194).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { chromium, type Browser } from '@playwright/test';
import { onBuiltApp, summarize, table, type Bench } from './lib';
import { choose, poll, until, WAIT_MS } from './pageDriver';
import { chromiumLaunch } from '../src/testing/chromium';
import { movieLensMissing, MOVIELENS_DIR } from '../src/testing/sharedData';

const PORT = Number(process.env.BENCH_PORT ?? 4194);
const env = (k: string) => process.env[k];

interface Run {
  threads: number;
  /** The model's fit seconds (one epoch and its validation pass), from the exported results. */
  fit: number;
  /** Scoring the test users and the ItemRec/UserRec evaluation, from the exported results. */
  evaluate: number;
  /** Users per training batch the fit used. */
  batchSize: number;
  /** Train click → results, seconds. */
  total: number;
}

async function oneRun(browser: Browser, threads: number, model: string): Promise<Run> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`http://localhost:${PORT}/?wasmThreads=${threads}`);
  await page.locator('[data-testid="results.table"][data-task="item_rec"]').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('data.upload.input').setInputFiles(`${MOVIELENS_DIR}/ratings.csv`);
  await page.getByTestId('results.empty').waitFor({ timeout: WAIT_MS });
  await page.getByTestId('train.split.kind').selectOption('user');
  await choose(page, [model]);
  await page.getByTestId('train.epochs').fill('1');
  for (const [k, id] of [
    ['WASM_THREADS_HIDDEN', 'train.hidden'],
    ['WASM_THREADS_LAYERS', 'train.layers'],
    ['WASM_THREADS_MAXLEN', 'train.maxlen'],
  ]) {
    const v = env(k);
    if (v) await page.getByTestId(id).fill(v);
  }
  await page.getByTestId('train.backend.pref').selectOption('wasm');
  const t0 = Date.now();
  await page.getByTestId('train.start').click();
  const total = (await until(page, 'done', t0)) / 1000;
  await poll(page, 'train.backend', 'data-threads', (v) => !!v);
  const shown = Number(await page.getByTestId('train.backend').getAttribute('data-threads'));
  if (shown !== threads) throw new Error(`asked for ${threads} WASM threads, the page runs ${shown}`);
  const dl = page.waitForEvent('download');
  await page.getByTestId('results.export.json').click();
  const json = JSON.parse(readFileSync(await (await dl).path(), 'utf8')) as {
    meta: Record<string, { backend: string; seconds: number; evalSeconds: number; batchSize: number }>;
  };
  await ctx.close();
  const m = json.meta[model];
  return { threads, fit: m.seconds, evaluate: m.evalSeconds, batchSize: m.batchSize, total };
}

const bench: Bench = {
  name: 'wasm-threads',
  title: 'WASM threads in the page: one epoch on 1 and on 2 threads (headless Chromium)',
  async run() {
    const missing = movieLensMissing(['ratings.csv']);
    if (missing) throw new Error(missing);
    const rounds = Number(env('WASM_THREADS_ROUNDS') ?? 1);
    const model = env('WASM_THREADS_MODEL') ?? 'RNN';
    const load0 = os.loadavg()[0];
    const runs = await onBuiltApp(PORT, async () => {
      const browser = await chromium.launch(chromiumLaunch());
      try {
        const out: Run[] = [];
        for (let r = 0; r < rounds; r++)
          for (const threads of r % 2 === 0 ? [1, 2] : [2, 1]) {
            out.push(await oneRun(browser, threads, model));
            console.log(JSON.stringify(out[out.length - 1]));
          }
        return out;
      } finally {
        await browser.close();
      }
    });
    const load1 = os.loadavg()[0];
    const med = (t: number, k: 'fit' | 'evaluate' | 'total') =>
      summarize(runs.filter((r) => r.threads === t).map((r) => r[k])).median;
    const size = ['WASM_THREADS_HIDDEN', 'WASM_THREADS_LAYERS', 'WASM_THREADS_MAXLEN'].map((k) => env(k) ?? 'default');
    return [
      `MovieLens latest-small (100,836 events), split by user; ${model}, 1 epoch, hidden / layers / last events: ${size.join(' / ')}`,
      `(default: the paper's 128 / 2 / 256); WASM backend, its threaded SIMD build, threads set by \`?wasmThreads=N\` and`,
      `checked against the backend note. ${rounds} round(s), the two counts alternating; each run a fresh browser context.`,
      `1-minute load on ${os.cpus().length} cores: ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end.`,
      '',
      table(
        [
          'WASM threads',
          `${model} fit s (1 epoch + validation)`,
          'scoring + evaluation s',
          'Train click → results s',
          'fit × 1 thread',
        ],
        [1, 2].map((t) => [
          String(t),
          med(t, 'fit'),
          med(t, 'evaluate'),
          med(t, 'total'),
          med(t, 'fit') / med(1, 'fit'),
        ]),
      ),
      '',
      `Every run (threads: fit s, scoring + evaluation s, total s): ${runs.map((r) => `${r.threads}: ${r.fit.toFixed(1)}, ${r.evaluate.toFixed(1)}, ${r.total.toFixed(1)}`).join('; ')}.`,
      `Users per training batch: ${runs[0].batchSize}. The rest of the total is the data's transfer to the run worker, the`,
      'split, the backend self-test and drawing the results.',
    ].join('\n');
  },
};

export default bench;
