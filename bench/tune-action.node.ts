// The Tune action of the Train panel in headless Chromium on MovieLens latest-small: load ratings.csv, choose Pop and
// RNN, set the RNN as `rimw run`'s tune config does (epochs, layers, last events), the budget (trials, minutes), click
// "Tune and train", and time the search and the final fit; prints one JSON object (wall seconds, trials done, the
// chosen trial). Not a timed bench; its figures go into docs/benchmarks.md's quality section by hand.
//   npx tsx bench/tune-action.node.ts [TRIALS] [MINUTES] [EPOCHS] [SPLIT]   (defaults 4, 20, 3, user; E2E_PORT or 4197)
// SPLIT is the Train panel's split kind; the page opens on temporal, rimw run's tune config above uses user (seed 0).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { onBuiltApp } from './lib';
import { chromiumLaunch } from '../src/testing/chromium';
import { AppPage } from '../e2e/pages/app';

const here = dirname(fileURLToPath(import.meta.url));
const ML = resolve(here, '..', '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
const [trials = '4', minutes = '20', epochs = '3', split = 'user'] = process.argv.slice(2);
const PORT = Number(process.env.E2E_PORT ?? 4197);
const WAIT_MS = 3 * 3600_000;

if (!existsSync(ML)) {
  console.log(`Skipped: ${ML} is absent.`);
  process.exit(0);
}
const load0 = os.loadavg()[0];
await onBuiltApp(PORT, async () => {
  const browser = await chromium.launch({ ...chromiumLaunch() });
  try {
    const ctx = await browser.newContext({
      baseURL: `http://localhost:${PORT}`,
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await ctx.newPage();
    const app = new AppPage(page);
    await app.open();
    await app.resultsTable('item_rec').waitFor({ timeout: 300_000 });
    await page.getByTestId('data.upload.input').setInputFiles(ML);
    await page.getByTestId('results.empty').waitFor({ timeout: 300_000 });
    await page.getByTestId('train.split.kind').selectOption(split);
    await app.chooseModels(['Pop', 'RNN']);
    await app.setHyper({ epochs, layers: '1', maxLen: '64', backend: 'wasm' });
    await page.getByTestId('train.tune.trials').fill(trials);
    await page.getByTestId('train.tune.minutes').fill(minutes);
    const t0 = Date.now();
    await page.getByTestId('train.tune.start').click();
    // The moment the search hands over to the final fit: the progress line goes once the trials are done.
    const progress = page.getByTestId('train.tune.progress');
    await progress.waitFor({ timeout: 300_000 });
    await progress.waitFor({ state: 'detached', timeout: WAIT_MS });
    const searchSeconds = (Date.now() - t0) / 1000;
    await page.locator('[data-testid="train.status"][data-status="done"]').waitFor({ timeout: WAIT_MS });
    const seconds = (Date.now() - t0) / 1000;
    await page.locator('#train').screenshot({ path: resolve(here, '.out', 'tune-action.png') });
    const dl = page.waitForEvent('download');
    await page.getByTestId('results.export.json').click();
    const json = JSON.parse(readFileSync(await (await dl).path(), 'utf8')) as {
      item_rec: Record<string, { recall: number }>;
      meta: { RNN: { tune?: { trials: { index: number; seconds: number; epochs: number; validNll: number }[] } } };
    };
    await ctx.close();
    const tune = json.meta.RNN.tune;
    const result = {
      trialsAsked: Number(trials),
      minutes: Number(minutes),
      epochs: Number(epochs),
      split,
      searchSeconds,
      seconds,
      trials: tune?.trials ?? [],
      itemRec: Object.fromEntries(Object.entries(json.item_rec).map(([m, v]) => [m, v.recall])),
      load: [load0, os.loadavg()[0]],
    };
    // Printed here: the server's cleanup after this can fail and would lose it.
    console.log(JSON.stringify(result, null, 1));
    return result;
  } catch (e) {
    // onBuiltApp's cleanup can fail too and would hide this.
    console.error(e);
    throw e;
  } finally {
    await browser.close();
  }
});
