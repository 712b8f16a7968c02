// Sequence models trained in the page (headless Chromium, cross-origin isolated): the sequence bench's batches on the
// ML-1M-shaped world, timed one batch at a time in the page's run worker on the WASM backend at 1 and 2 threads
// (`?wasmThreads=N`), beside tfjs-wasm in Node and PyTorch's four thread settings (bench/torchPeer.ts), all in the
// same run; the fastest PyTorch setting is the yardstick.
// Env: SEQ_BATCHES (timed batches per model and host, default 2), SEQ_MODELS (default "gru,transformer"),
// SEQ_PAGE_THREADS (WASM thread counts in the page, default "1,2"), SEQ_PAGE_NODE ("0" leaves Node's row out),
// BENCH_PORT (its vite preview, default 4195).
import os from 'node:os';
import { chromium, type Browser } from '@playwright/test';
import { onBuiltApp, table, type Bench } from './lib';
import { poll, WAIT_MS } from './pageDriver';
import { fastest, TORCH_VARIANTS, variantLabel, YARDSTICK_NOTE } from './torchPeer';
import {
  batchTiming,
  exportForTorch,
  perEpochSeconds,
  torchRun,
  useBackend,
  world,
  type Timing,
} from './sequence.bench';
import { timeTrainingBatches, timingModel, timingOrder } from '../src/core/models/sequence/batchTiming';
import { chromiumLaunch } from '../src/testing/chromium';
import type { WorkerBatchTimes } from '../workers/runTiming';

const PORT = Number(process.env.BENCH_PORT ?? 4195);
const env = (k: string, d: string) => process.env[k] ?? d;
type Kind = 'gru' | 'transformer';
/** The part of the page's test hook (src/state/testHook.ts) this bench calls. */
interface TimingHook {
  timeSequenceBatches(kind: Kind, batches: number): Promise<WorkerBatchTimes>;
}

/** One fresh page (its own run worker and WASM instance) at `threads`, then the hook's timed batches. */
async function pageRun(browser: Browser, kind: Kind, threads: number, batches: number): Promise<WorkerBatchTimes> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    await page.goto(`http://localhost:${PORT}/?wasmThreads=${threads}`);
    // The synthetic world's quick run first, so that it does not share the cores with the timed batches.
    await page.locator('[data-testid="results.table"][data-task="item_rec"]').waitFor({ timeout: WAIT_MS });
    await poll(page, 'train.status', 'data-status', (v) => v !== 'running');
    const got = await page.evaluate(
      ([k, b]) =>
        (globalThis as unknown as { __rimwTest: TimingHook }).__rimwTest.timeSequenceBatches(k as Kind, b as number),
      [kind, batches] as const,
    );
    if (got.backend !== 'wasm' || got.threads !== threads)
      throw new Error(`asked for WASM on ${threads} threads, the worker ran ${got.backend} on ${got.threads}`);
    if (!got.decoderKernel) throw new Error("the worker's decoder ran as tfjs ops, not its WASM kernel");
    return got;
  } finally {
    await ctx.close();
  }
}

const bench: Bench = {
  name: 'seq-page',
  title: 'Sequence models in the page: tfjs-wasm in Chromium vs Node vs PyTorch CPU per epoch',
  async run() {
    const batches = Number(env('SEQ_BATCHES', '2'));
    const kinds = env('SEQ_MODELS', 'gru,transformer').split(',') as Kind[];
    const threadCounts = env('SEQ_PAGE_THREADS', '1,2').split(',').map(Number);
    const withNode = env('SEQ_PAGE_NODE', '1') !== '0';
    const ds = world();
    const order = timingOrder(ds);
    exportForTorch(ds, order);
    const rows: (string | number)[][] = [];
    const binaries = new Set<string>();
    const load0 = os.loadavg()[0];
    await onBuiltApp(PORT, async () => {
      const browser = await chromium.launch(chromiumLaunch());
      try {
        for (const kind of kinds) {
          const runs = TORCH_VARIANTS.map((v) => torchRun(kind, batches, v));
          const best = fastest(runs.map((r) => r.secondsPerBatch));
          const ref = runs[best];
          const row = (label: string, t: Omit<Timing, 'inferSeconds'>) => {
            rows.push([
              kind,
              label,
              t.secondsPerBatch,
              perEpochSeconds(t, ref),
              perEpochSeconds(t, ref) / perEpochSeconds(ref, ref),
            ]);
            console.log(rows[rows.length - 1].join(' | '));
          };
          TORCH_VARIANTS.forEach((v, k) =>
            row(variantLabel(v) + (k === best ? ' (fastest: the yardstick)' : ''), runs[k]),
          );
          if (withNode) {
            await useBackend('wasm');
            const m = timingModel(kind, ds.nItems);
            const t = await timeTrainingBatches(m, ds, order, batches, () => performance.now());
            m.dispose();
            row('tfjs-wasm (Node, 1 thread)', batchTiming(t.seconds, t.events, order));
          }
          for (const threads of threadCounts) {
            const t = await pageRun(browser, kind, threads, batches);
            binaries.add(t.wasmBinary ?? 'none');
            row(
              `tfjs-wasm (Chromium worker, ${threads} thread${threads > 1 ? 's' : ''})`,
              batchTiming(t.seconds, t.events, order),
            );
          }
        }
      } finally {
        await browser.close();
      }
    });
    const load1 = os.loadavg()[0];
    return [
      `World: synthetic ml1m preset (${ds.nUsers} users, ${ds.nItems} items); the sequence bench's batches (64 users, last`,
      `256 events each, hidden 128, 2 layers, full softmax), ${batches} timed batch(es) after one warm-up per model and host;`,
      `per-epoch seconds extrapolated to ${Math.ceil(order.length / 64)} batches and scaled by events per batch as there.`,
      `In the page: the built app in headless Chromium (cross-origin isolated), the run worker's WASM backend, its binary`,
      `${[...binaries].join(', ')}, threads set by \`?wasmThreads=N\` and checked in the worker; each count a fresh page.`,
      `${YARDSTICK_NOTE} The machine's 1-minute load was ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end,`,
      `on ${os.cpus().length} cores; the order per model: PyTorch's settings, Node, then the page's thread counts.`,
      '',
      table(['model', 'implementation', 's / batch', 's / epoch (extrap.)', '× fastest PyTorch'], rows),
    ].join('\n');
  },
};

export default bench;
