import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';

test('tune: a tiny search on the synthetic world shows its trials and best so far, then the settings it chose, kept in the URL', async ({
  page,
}) => {
  // Two one-epoch trials and the final fit over the small world's 95,000 events: minutes on a loaded machine.
  test.setTimeout(600_000);
  const app = new AppPage(page);
  await app.open();
  // The quick models' run on the synthetic world ends first (slow on a loaded machine).
  await expect(app.resultsTable('item_rec')).toBeVisible({ timeout: 120_000 });

  // Without a sequence model there is nothing to tune.
  await app.chooseModels(['Pop', 'Hawkes']);
  await expect(page.getByTestId('train.tune.start')).toBeDisabled();

  await app.chooseModels(['Pop', 'RNN', 'RNN-Hawkes']);
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '16', backend: 'wasm' });
  await page.getByTestId('train.tune.trials').fill('2');
  await page.getByTestId('train.tune.minutes').fill('5');
  await page.getByTestId('train.tune.start').click();

  // Live progress: the trial of the budget, then the best trial so far once one has finished.
  const progress = page.getByTestId('train.tune.progress');
  await expect(progress).toHaveAttribute('data-trials', '2', { timeout: 120_000 });
  await expect(progress).toHaveAttribute('data-trial', '2', { timeout: 240_000 });
  await expect(page.getByTestId('train.tune.best')).toContainText('trial 1');
  await page.locator('#train').screenshot({ path: 'test-results/tune-01-progress.png' });

  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 480_000 });
  const chosen = page.getByTestId('train.tune.chosen');
  await expect(chosen.locator('tbody tr')).toHaveCount(1);
  await expect(chosen.locator('tbody tr')).toHaveAttribute('data-model', 'RNN');
  await expect(chosen).toContainText(/lr [\d.e-]+, hidden \d+, dropout [\d.]+, weight decay/);
  await expect(page.getByTestId('train.tune.config')).toContainText('2 trials');
  expect((await app.resultModels('item_rec')).sort()).toEqual(['Pop', 'RNN', 'RNN-Hawkes']);

  // The run config (the URL) carries "tune", as rimw run's config would.
  const hash = decodeURIComponent(new URL(page.url()).hash);
  expect(hash).toContain('"tune":{"trials":2,"minutes":5}');
  await page.locator('#train').screenshot({ path: 'test-results/tune-02-chosen.png' });

  // "don't tune" takes it out again.
  await page.getByTestId('train.tune.off').click();
  await expect(page.getByTestId('train.tune.config')).toHaveCount(0);
  expect(decodeURIComponent(new URL(page.url()).hash)).not.toContain('"tune"');
});
