// What tuning costs and buys: core/tune's search for the RNN on MovieLens latest-small (user split, seed 0), in Node
// (tfjs-wasm) and in the page's run worker in headless Chromium (WASM), the same seeded trials in both; then the RNN
// trained with the chosen settings and its test recall. Env: TUNE_TRIALS (Node trials, default 8),
// TUNE_CHROMIUM_TRIALS (default 2; 0 skips the browser), TUNE_MINUTES (Node budget, default none), TUNE_SEQ (the
// run config's sequence fields the search starts from, JSON; default none: the RNN defaults).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import '@tensorflow/tfjs';
import { useWasm } from './wasm';
import { chromium } from '@playwright/test';
import { onBuiltApp, table, type Bench } from './lib';
import { makeSplit } from '../src/core/data/split';
import { tuneSequenceModel, type TuneTrial } from '../src/core/tune/tune';
import { runExperiment } from '../src/core/pipeline/run';
import type { RunConfig } from '../src/core/pipeline/config';
import { loadDataset } from '../src/cli/commands/run';
import { chromiumLaunch } from '../src/testing/chromium';

const here = dirname(fileURLToPath(import.meta.url));
const ML = resolve(here, '..', '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
const PORT = 4197;
const WAIT_MS = 6 * 3600_000;
const SPLIT = { kind: 'user' as const, seed: 0 };
/** The run config's sequence fields of every trial (the search draws lr, hidden, dropout and weight decay on top). */
const SEQ: RunConfig['sequence'] = JSON.parse(process.env.TUNE_SEQ ?? '{}');

const trialRow = (t: TuneTrial) => [
  String(t.index),
  t.settings.lr.toPrecision(2),
  String(t.settings.hidden),
  t.settings.dropout.toFixed(2),
  t.settings.weightDecay.toPrecision(2),
  String(t.epochs),
  t.seconds,
  t.validNll,
  t.validRecall,
];

/** The page's run worker with `tune` in the URL's run config: the core search as the Tune action will call it. */
async function inChromium(trials: number): Promise<{ seconds: number; trials: TuneTrial[] }> {
  return onBuiltApp(PORT, async () => {
    const browser = await chromium.launch({
      ...chromiumLaunch(),
    });
    try {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      const page = await ctx.newPage();
      await page.goto(`http://localhost:${PORT}/`);
      await page.locator('[data-testid="results.table"][data-task="item_rec"]').waitFor({ timeout: 120_000 });
      await page.getByTestId('data.upload.input').setInputFiles(ML);
      await page.getByTestId('results.empty').waitFor({ timeout: 120_000 });
      const config: RunConfig = { split: SPLIT, models: ['RNN'], seed: 1, sequence: SEQ, tune: { trials } };
      // The page reads the run config from its URL hash (a hashchange re-reads it).
      await page.evaluate(
        `(() => { const p = new URLSearchParams(location.hash.slice(1)); p.set('config', ${JSON.stringify(
          JSON.stringify(config),
        )}); location.hash = p.toString(); })()`,
      );
      await page.getByTestId('train.backend.pref').selectOption('wasm');
      const t0 = Date.now();
      await page.getByTestId('train.start').click();
      await page.locator('[data-testid="train.status"][data-status="done"]').waitFor({ timeout: WAIT_MS });
      const seconds = (Date.now() - t0) / 1000;
      const dl = page.waitForEvent('download');
      await page.getByTestId('results.export.json').click();
      const json = JSON.parse(readFileSync(await (await dl).path(), 'utf8')) as {
        meta: { RNN: { tune?: { trials: TuneTrial[] } } };
      };
      await ctx.close();
      return { seconds, trials: json.meta.RNN.tune?.trials ?? [] };
    } finally {
      await browser.close();
    }
  });
}

const bench: Bench = {
  name: 'tune',
  title: 'Tuning the RNN on MovieLens latest-small: cost in Node and Chromium, and what it buys',
  async run() {
    if (!existsSync(ML)) return `Skipped: ${ML} is absent.`;
    await useWasm();
    const ds = await loadDataset(ML);
    if (!ds.ok) throw new Error(ds.reason);
    const sp = makeSplit(ds.data, SPLIT);
    if (!sp.ok) throw new Error(sp.reason);
    const trials = Number(process.env.TUNE_TRIALS ?? 8);
    const minutes = process.env.TUNE_MINUTES ? Number(process.env.TUNE_MINUTES) : undefined;
    const load0 = os.loadavg()[0];
    const t0 = Date.now();
    const tuned = await tuneSequenceModel(
      ds.data,
      sp.data,
      { kind: 'gru' },
      {
        trials,
        minutes,
        seed: 1,
        onProgress: (p) => {
          if (p.current?.fit?.validLoss !== undefined)
            console.log(
              `  trial ${p.current.index + 1}/${p.trials} epoch ${p.current.fit.epoch + 1}: valid ${p.current.fit.validLoss.toFixed(3)}`,
            );
          else if (!p.current) console.log(`  ${p.done} trials done, best NLL ${p.best?.validNll.toFixed(4)}`);
        },
      },
    );
    if (!tuned.ok) throw new Error(tuned.reason);
    const nodeSeconds = (Date.now() - t0) / 1000;
    const best = tuned.data.best;
    const out: string[] = [
      `ml-latest-small/ratings.csv, user split (seed 0). Search: core/tune's default space (lr log-uniform 0.01-0.3,`,
      'hidden 16/32/64/128, dropout 0-0.5, weight decay 0 or log-uniform 1e-7-1e-3; the rest the RNN defaults (2 layers,',
      `last 256 events, until the validation loss stops improving) with ${JSON.stringify(SEQ)}), trial 0 the defaults,`,
      'seed 1. Each trial trains on the events before the validation window and is ranked by the window’s −log p(y|x)',
      'per event (valid NLL).',
      '',
      `Node (tfjs-wasm): ${tuned.data.trials.length} trials in ${nodeSeconds.toFixed(0)} s (stopped: ${tuned.data.stopped}); 1-minute load ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores.`,
      '',
      table(
        ['trial', 'lr', 'hidden', 'dropout', 'weight decay', 'epochs', 's', 'valid NLL', 'valid ItemRec'],
        tuned.data.trials.map(trialRow),
      ),
    ];
    if (best) {
      const res = await runExperiment(
        ds.data,
        {
          split: SPLIT,
          models: ['Pop', 'HP', 'ItemKNN', 'RNN', 'RNN-HP', 'RNN-Hawkes'],
          seed: 1,
          sequence: { ...SEQ, ...best.settings },
        },
        {},
      );
      if (!res.ok) throw new Error(res.reason);
      const r = res.data;
      out.push(
        '',
        `Test recall with the chosen settings (trial ${best.index}: ${JSON.stringify(best.settings)}) kept in the run config:`,
        '',
        table(
          ['model', 'ItemRec recall', 'UserRec recall'],
          Object.keys(r.item_rec).map((m) => [m, r.item_rec[m].recall, r.user_rec[m].recall]),
        ),
      );
    }
    const nc = Number(process.env.TUNE_CHROMIUM_TRIALS ?? 2);
    if (nc > 0) {
      const c = await inChromium(nc);
      const nodeSame = tuned.data.trials.slice(0, nc).reduce((a, t) => a + t.seconds, 0);
      const chromeSame = c.trials.reduce((a, t) => a + t.seconds, 0);
      out.push(
        '',
        `Headless Chromium, the page's run worker on WASM with "tune": {"trials": ${nc}} in the URL's run config (the same`,
        `seeded trials): Train click → results ${c.seconds.toFixed(0)} s (search and the final fit); the trials alone ${chromeSame.toFixed(0)} s`,
        `against ${nodeSame.toFixed(0)} s for the same trials in Node.`,
        '',
        table(
          ['trial', 'lr', 'hidden', 'dropout', 'weight decay', 'epochs', 's', 'valid NLL', 'valid ItemRec'],
          c.trials.map(trialRow),
        ),
      );
    }
    return out.join('\n');
  },
};

export default bench;
