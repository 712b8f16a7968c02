import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { movieLens } from '../src/testing/sharedData';

const FAST = ['Pop', 'EMA', 'Hawkes', 'HP', 'Rand'];

test('train: synthetic results without a click, MovieLens with RNN and RNN-Hawkes, export, reload restores, cancel, start over', async ({
  page,
}) => {
  // Two trainings, a reload and a third run: on a loaded 2-core machine the work alone can pass the default budget.
  test.setTimeout(300_000);
  const ML = movieLens(test.skip, 'ratings.csv', 'movies.csv');
  const app = new AppPage(page);
  await app.open();

  // The page opens on the synthetic world with the fast models already evaluated.
  await expect(app.resultsTable('item_rec')).toBeVisible();
  expect((await app.resultModels('item_rec')).sort()).toEqual([...FAST].sort());
  expect((await app.resultModels('user_rec')).sort()).toEqual([...FAST].sort());
  await expect(page.getByTestId('train.progress')).toHaveAttribute('aria-valuenow', '100');
  await page.getByTestId('results.explorer.table').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('results.explorer.table').locator('tbody tr')).toHaveCount(10);
  await page.screenshot({ path: 'test-results/train-01-synthetic-results.png', fullPage: true });

  // Upload MovieLens: older results go; train a small configuration.
  await app.uploadAndWait(`${ML}/ratings.csv`, 'ratings.csv');
  await expect(page.getByTestId('results.empty')).toBeVisible();
  await page.getByTestId('data.meta.input').setInputFiles(`${ML}/movies.csv`);
  // MovieLens users join over years: the split by user (what the page suggests for this data) tests every kind of user.
  await page.getByTestId('train.split.kind').selectOption('user');
  await app.chooseModels(['Pop', 'Hawkes', 'RNN', 'RNN-Hawkes']);
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '32', backend: 'wasm' });
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'running');
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('train.backend')).toHaveAttribute('data-backend', 'wasm');
  expect((await app.resultModels('item_rec')).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  await expect(page.getByTestId('train.loss').locator('svg.main-svg').first()).toBeVisible();
  // The explorer names items by id and title (movies.csv), as text.
  await expect(page.getByTestId('results.explorer.item')).toContainText(/\(\d{4}\)/);
  await expect(page.getByTestId('results.explorer.table').locator('tbody tr')).toHaveCount(10);
  await page.screenshot({ path: 'test-results/train-02-movielens-trained.png', fullPage: true });
  await page.locator('#train').screenshot({ path: 'test-results/train-02a-train-section.png' });
  await page.locator('#results').screenshot({ path: 'test-results/train-02b-results-section.png' });
  // Run details: the composition's temperature of p(y|x), chosen on the validation window; none for the RNN alone.
  await page.getByTestId('results.meta').locator('xpath=..').locator('summary').click();
  await expect(page.getByTestId('results.meta.tau.RNN-Hawkes')).toHaveText(/^\d+(\.\d+)?$/);
  await expect(page.getByTestId('results.meta.tau.RNN')).toHaveText('–');
  await page.getByTestId('results.meta').screenshot({ path: 'test-results/train-02c-run-details.png' });

  // Sorting by a column reorders the rows (recall descending is the default; click model → alphabetical).
  await app.resultsTable('user_rec').getByRole('button', { name: 'model' }).click();
  expect(await app.resultModels('user_rec')).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);

  // Export JSON parses, in rime's ExperimentResult shape.
  const dl = page.waitForEvent('download');
  await page.getByTestId('results.export.json').click();
  const file = await (await dl).path();
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    item_rec: Record<string, { recall: number }>;
    user_rec: Record<string, unknown>;
  };
  expect(Object.keys(json.item_rec).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  expect(Object.keys(json.user_rec).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  expect(json.item_rec.RNN.recall).toBeGreaterThanOrEqual(0);

  // Reload: the saved workspace (data, results) comes back without training again.
  await expect(app.trainStatus()).toHaveAttribute('data-saved', 'saved');
  await page.reload();
  await expect(app.summary.locator('dd').first()).toHaveText('ratings.csv');
  await expect(app.resultsTable('item_rec')).toBeVisible();
  expect((await app.resultModels('item_rec')).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  await expect(page.getByTestId('results.explorer.table').locator('tbody tr').first()).toBeVisible();
  // The titles of movies.csv and the loss curves of the run come back too.
  await expect(page.getByTestId('results.explorer.item')).toContainText(/\(\d{4}\)/);
  await expect(page.getByTestId('train.loss').locator('svg.main-svg').first()).toBeVisible();
  await expect(page.getByTestId('train.loss').locator('.legend')).toContainText('RNN');
  await page.screenshot({ path: 'test-results/train-03-reloaded.png', fullPage: true });

  // Cancel: a longer run stops on request; the previous results stay and the app is usable.
  await app.chooseModels(['RNN']);
  await app.setHyper({ epochs: '20', backend: 'wasm' });
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'running');
  await page.getByTestId('train.cancel').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'cancelled');
  await expect(app.trainStatus()).toContainText('cancelled; the previous results stay');
  expect((await app.resultModels('item_rec')).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  // A crash of the run worker during training is reported and the run goes on in a fresh worker on the next rung
  // (wasm → cpu); so does a lost backend (on WebGPU a lost device; simulated here on the CPU rung).
  await page.getByTestId('train.start').click();
  await expect(page.getByTestId('train.backend')).toHaveAttribute('data-backend', 'wasm');
  await app.crashRunWorker();
  await expect(page.getByTestId('train.fallback')).toContainText(
    'run worker stopped (simulated crash) while training on wasm; running again on cpu',
  );
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('train.backend')).toHaveAttribute('data-backend', 'cpu');
  await page.screenshot({ path: 'test-results/train-03a-fallback-after-crash.png', fullPage: true });
  expect(await app.loseRunBackend()).toBe('cpu');
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('train.error')).toContainText(
    'the backend was lost (simulated) on cpu, and there is no backend left to fall back to',
  );
  expect((await app.resultModels('item_rec')).sort()).toEqual(['Hawkes', 'Pop', 'RNN', 'RNN-Hawkes']);
  await app.chooseModels(['Pop']);
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(await app.resultModels('item_rec')).toEqual(['Pop']);
  await page.screenshot({ path: 'test-results/train-04-after-cancel.png', fullPage: true });

  // Start over: back to the synthetic world, whose fast models run by themselves again.
  await page.getByTestId('workspace.startOver').click();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
  await expect.poll(async () => (await app.resultModels('item_rec')).sort()).toEqual([...FAST].sort());
  expect(app.foreignRequests()).toEqual([]);
});

test('item ids from a file are shown as text in the results, never as markup', async ({ page }, info) => {
  const app = new AppPage(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await app.open();
  await expect(app.resultsTable('item_rec')).toBeVisible();
  // 40 users × 20 daily events. The item whose id is an HTML tag: early for users 0-9 (so it is seen in training),
  // and every last-days event of the others (so it is a test target even with items of the history excluded).
  const evil = '<img src=x onerror=alert(1)>';
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 0; u < 40; u++) {
    for (let d = 0; d < 20; d++) {
      const item = (u < 10 && d % 2 === 0) || (u >= 10 && d >= 15) ? evil : `m${(u + d) % 7}`;
      lines.push(`${u},${item},5,${1_600_000_000 + d * 86_400 + u * 60}`);
    }
  }
  const file = info.outputPath('evil.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  await app.uploadAndWait(file, 'evil.csv');
  await app.chooseModels(['Pop', 'Hawkes']);
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('results.explorer.item')).toContainText(evil);
  await expect(page.getByTestId('results.explorer.table').locator('tbody tr').first()).toBeVisible();
  expect(await page.locator('#results img').count()).toBe(0);
  expect(dialogs).toEqual([]);
});
