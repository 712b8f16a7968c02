import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { ParadoxPanel } from './pages/paradox';

test('the paradox on data: a small RNN-Hawkes on the synthetic world, γ from Bayes rule to RIM moves the count', async ({
  page,
}) => {
  // A tiny RNN trains on the synthetic world first (seconds on a quiet machine, more on a shared one).
  test.setTimeout(300_000);
  const app = new AppPage(page);
  const paradox = new ParadoxPanel(page);
  await app.open();
  await expect(app.resultsTable('item_rec')).toBeVisible();

  // The quick run has no composition: the panel offers to train one.
  await paradox.train.scrollIntoViewIfNeeded();
  await paradox.train.click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  expect(await app.resultModels('user_rec')).toContain('RNN-Hawkes');
  await expect(paradox.model).toHaveValue('RNN-Hawkes');

  // γ = 0 (Bayes rule) and γ = 1 (RIM) by keyboard: the count and the plot follow, and they differ.
  await paradox.gamma.focus();
  await paradox.gamma.press('Home');
  const bayes = await paradox.hitsAt(0);
  await paradox.gamma.press('End');
  const rim = await paradox.hitsAt(1);
  expect(rim).not.toBe(bayes);
  await expect(paradox.plot).toHaveAttribute('data-hits-bayes', String(bayes));
  await expect(paradox.plot).toHaveAttribute('data-hits-rim', String(rim));
  // One step is 0.05, looked up without asking the worker again.
  await paradox.gamma.press('ArrowLeft');
  await paradox.hitsAt(0.95);
  await page.locator('#paradox').screenshot({ path: 'test-results/paradox-data-01.png' });

  // A group of two items: a new sweep for both.
  const first = await paradox.items.locator('option').nth(0).getAttribute('value');
  const second = await paradox.items.locator('option').nth(1).getAttribute('value');
  await paradox.items.selectOption([first!, second!]);
  await expect(paradox.plot).toHaveAttribute('data-items', `${first}|${second}`);
  await paradox.hitsAt(0.95);
  await page.getByTestId('paradox.data').screenshot({ path: 'test-results/paradox-data-02-group.png' });
  expect(app.foreignRequests()).toEqual([]);
});
