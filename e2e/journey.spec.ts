import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { movieLens } from '../src/testing/sharedData';
import { PlannerPanel } from './pages/planner';

const MODELS = ['Pop', 'Hawkes', 'RNN', 'RNN-Hawkes'];

/** A user's journey, start to end, in one page; every request is recorded and must stay on this machine. */
test('journey: open → synthetic curves → MovieLens → train → results → planner → paradox → reload → export', async ({
  page,
}) => {
  const ML = movieLens(test.skip, 'ratings.csv');
  // About two minutes on a quiet machine; a shared 2-core machine needs more (each planner step re-solves 4 models
  // on 606 × 9,724 scores).
  test.setTimeout(360_000);
  const app = new AppPage(page);
  const planner = new PlannerPanel(page);
  const shot = (name: string) => page.screenshot({ path: `test-results/journey-${name}.png`, fullPage: true });

  // 1. Open: synthetic data and the planner's curves without a click.
  await app.open();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
  await planner.waitForCurves();
  await shot('01-open');

  // 2. Upload MovieLens ratings.
  await app.uploadAndWait(`${ML}/ratings.csv`, 'ratings.csv');
  expect(await app.summaryCounts()).toMatchObject({ events: 100_836, users: 610 });
  await shot('02-uploaded');

  // 3. Train a small configuration (one epoch of a tiny RNN on WASM).
  await app.chooseModels(MODELS);
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '32', backend: 'wasm' });
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  await shot('03-trained');

  // 4. Results tables of every model.
  await expect(app.resultsTable('item_rec')).toBeVisible();
  expect((await app.resultModels('item_rec')).sort()).toEqual([...MODELS].sort());
  await page.locator('#results').screenshot({ path: 'test-results/journey-04-results.png' });

  // 5. The planner on the trained models' scores: β across its range by keyboard, α once; each redraw reported.
  await planner.section.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('planner.view')).toContainText(`${MODELS.length} trained models on ratings.csv`, {
    timeout: 60_000,
  });
  await planner.waitForCurves();
  await expect(planner.points.locator('tbody tr')).toHaveCount(MODELS.length);
  await planner.beta.focus();
  let rev = await planner.revision();
  const home = await planner.betaKey('Home', rev);
  expect(home.beta).toBe(0);
  const step = await planner.betaKey('ArrowRight', home.revision);
  expect(step.beta).toBeGreaterThan(0);
  const end = await planner.betaKey('End', step.revision);
  const alpha = await planner.sliderValue(planner.alpha);
  expect(end.beta).toBeCloseTo(alpha, 9);
  await planner.alpha.focus();
  await planner.alpha.press('ArrowRight');
  rev = await planner.waitShows({ alpha: alpha + 0.002 }, end.revision);
  expect(rev).toBeGreaterThan(end.revision);
  await planner.section.screenshot({ path: 'test-results/journey-05-planner.png' });

  // 6. The Bayesian paradox: a larger μ moves the inactive users up the MTPP ranking; Bayes rule ignores μ.
  await app.mu.scrollIntoViewIfNeeded();
  await app.setMu(0.5);
  const before = await app.order(app.mtpp);
  const bayes = await app.order(app.bayes);
  await app.setMu(3);
  await expect(app.mtpp).not.toHaveAttribute('data-order', before ?? '');
  expect(await app.order(app.bayes)).toBe(bayes);
  await page.locator('#paradox').screenshot({ path: 'test-results/journey-06-paradox.png' });

  // 7. Reload: data, results, the planner on the trained models and its settings come back without training again.
  await page.reload();
  await expect(app.summary.locator('dd').first()).toHaveText('ratings.csv');
  expect((await app.resultModels('item_rec')).sort()).toEqual([...MODELS].sort());
  await expect(page.getByTestId('planner.view')).toContainText(`${MODELS.length} trained models on ratings.csv`, {
    timeout: 60_000,
  });
  await planner.waitForCurves();
  // The planner's sliders come back where they were (their settings live in the URL hash).
  expect(await planner.sliderValue(planner.alpha)).toBeCloseTo(alpha + 0.002, 9);
  await planner.waitShows({ alpha: alpha + 0.002 }, 0);
  await shot('07-reloaded');

  // 8. Export the results JSON (rime's ExperimentResult shape).
  const dl = page.waitForEvent('download');
  await page.getByTestId('results.export.json').click();
  const json = JSON.parse(readFileSync((await (await dl).path())!, 'utf8')) as {
    item_rec: Record<string, unknown>;
    user_rec: Record<string, unknown>;
  };
  expect(Object.keys(json.item_rec).sort()).toEqual([...MODELS].sort());
  expect(Object.keys(json.user_rec).sort()).toEqual([...MODELS].sort());

  // No request left this machine during the whole journey.
  expect(app.foreignRequests()).toEqual([]);
});
