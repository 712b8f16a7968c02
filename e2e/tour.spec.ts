import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';
import { TourPanel } from './pages/tour';
import { ParadoxPanel } from './pages/paradox';

/**
 * One page for both, so that the tiny RNN-Hawkes trains once: the tour (keyboard only) trains it in its first step,
 * and the paradox slider is checked on it after the tour.
 */
test('the guided tour by keyboard, each plot showing what its step says; ?tour=N shares a step; γ moves the paradox count', async ({
  page,
}) => {
  // The paradox step trains a tiny RNN-Hawkes on the synthetic world; the planner steps solve for six models.
  test.setTimeout(480_000);
  const app = new AppPage(page);
  const tour = new TourPanel(page);
  const planner = new PlannerPanel(page);
  const shot = (name: string) => page.screenshot({ path: `test-results/tour-${name}.png` });
  await app.open();
  await expect(app.resultsTable('item_rec')).toBeVisible();

  // The start button is the page's first stop for Tab.
  await page.keyboard.press('Tab');
  await expect(tour.start).toBeFocused();
  await page.keyboard.press('Enter');

  // 1. The paradox on data: the composition is trained first (no upload), then γ = 0 on its plot.
  await tour.at('paradox', 1);
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  await tour.showsWhatItSays();
  await expect(page.getByTestId('paradox.data.count')).toHaveAttribute('data-gamma', '0.00');
  await shot('1-paradox');

  // 2. Intensity: the explorer's table under Hawkes.
  await page.keyboard.press('ArrowRight');
  await tour.at('intensity', 2);
  const explorer = await tour.showsWhatItSays();
  await expect(explorer.locator('tbody tr')).toHaveCount(10);
  await shot('2-intensity');

  // 3. UserRec: the table holds the composition beside the fast models.
  await page.keyboard.press('ArrowRight');
  await tour.at('userrec', 3);
  await tour.showsWhatItSays();
  await shot('3-userrec');

  // 4. The Dual's trade-off (Enter on the panel is "next"): offline, α = 1%, β = 0.5%.
  await page.keyboard.press('Enter');
  await tour.at('dual', 4);
  await tour.showsWhatItSays(240_000);
  await planner.waitForCurves(1, 240_000);
  await shot('4-dual');

  // Back and forth by arrows.
  await page.keyboard.press('ArrowLeft');
  await tour.at('userrec', 3);
  await page.keyboard.press('ArrowRight');
  await tour.at('dual', 4);

  // 5. Online delivery: the exposure of RNN-Hawkes under the online Dual.
  await page.keyboard.press('ArrowRight');
  await tour.at('online', 5);
  await tour.showsWhatItSays(240_000);
  await expect(planner.curves).toHaveAttribute('data-mode', 'online', { timeout: 240_000 });
  await shot('5-online');

  // Escape ends the tour: the panel goes, focus returns to the start button, the URL forgets the step.
  await page.keyboard.press('Escape');
  await expect(tour.panel).toBeHidden();
  await expect(tour.start).toBeFocused();
  await expect.poll(() => new URL(page.url()).searchParams.get('tour')).toBeNull();

  // The paradox on data, on the composition the tour trained: γ = 0 (Bayes rule) and γ = 1 (RIM) count differently.
  const paradox = new ParadoxPanel(page);
  await paradox.gamma.focus();
  await paradox.gamma.press('Home');
  const bayes = await paradox.hitsAt(0);
  await paradox.gamma.press('End');
  const rim = await paradox.hitsAt(1);
  expect(rim).not.toBe(bayes);
  await expect(paradox.plot).toHaveAttribute('data-hits-bayes', String(bayes));
  await expect(paradox.plot).toHaveAttribute('data-hits-rim', String(rim));
  // One step is 0.05, a lookup in the sweep the worker sent.
  await paradox.gamma.press('ArrowLeft');
  await paradox.hitsAt(0.95);
  await page.locator('#paradox').screenshot({ path: 'test-results/paradox-data-01.png' });
  // A group of two items: a new sweep for both.
  const first = await paradox.items.locator('option').nth(0).getAttribute('value');
  const second = await paradox.items.locator('option').nth(1).getAttribute('value');
  await paradox.items.selectOption([first!, second!]);
  await expect(paradox.plot).toHaveAttribute('data-items', `${first}|${second}`);
  await paradox.hitsAt(0.95);
  await paradox.panel.screenshot({ path: 'test-results/paradox-data-02-group.png' });

  // A shared link opens its step (the workspace of this browser holds the trained run).
  await page.goto('/?tour=4');
  await tour.at('dual', 4);
  await tour.showsWhatItSays(240_000);
  expect(app.foreignRequests()).toEqual([]);
});
