/** Faults a user's browser can throw at the page, each met with a clear message and the session going on. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';

/** The page's own quick run of the fast models (a few seconds; far more on a loaded machine): waited for, not timed. */
const RUN_MS = 120_000;

test('a file that changes while the page reads it is refused with a message and the loaded data kept', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
  const before = await app.summaryCounts();
  // An unclear header stops at the preview: the page holds the file's handle while the log is still being appended to.
  const f = info.outputPath('growing.txt');
  writeFileSync(f, 'what;when;who\nx;5;ann\ny;3;ann\n');
  await app.upload.setInputFiles(f);
  await expect(page.getByTestId('data.preview').locator('tbody tr')).toHaveCount(2);
  appendFileSync(f, 'x;4;bob\nz;9;cy\n');
  await page.getByTestId('data.preview.load').click();
  await expect(app.problems).toContainText('growing.txt changed while it was being read');
  // Nothing changed: the synthetic world is still the loaded data.
  expect(await app.summaryCounts()).toEqual(before);
});

test('a full browser storage: the results are shown and said to be unsaved, the planner works, a reload starts clean', async ({
  page,
  baseURL,
}) => {
  // The origin's quota at a few bytes (Chromium's DevTools protocol): every IndexedDB write fails with
  // QuotaExceededError, as on a device whose disk is full.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL ?? '').origin, quotaSize: 16 });
  const app = new AppPage(page);
  await app.open();
  await expect(app.resultsTable('item_rec')).toBeVisible({ timeout: RUN_MS });
  await expect(app.trainStatus()).toHaveAttribute('data-saved', 'failed', { timeout: RUN_MS });
  await expect(app.trainStatus()).toContainText('not saved in this browser');
  await expect(page.getByTestId('train.error')).toContainText(/not saved in this browser.*QuotaExceededError/);
  expect((await app.resultModels('item_rec')).length).toBeGreaterThan(0);
  const planner = new PlannerPanel(page);
  await planner.waitForCurves();
  await page.screenshot({ path: 'test-results/faults-quota.png', fullPage: true });
  // Nothing half-written comes back: the reload opens on a fresh synthetic world and evaluates it again.
  await page.reload();
  await expect(app.resultsTable('item_rec')).toBeVisible({ timeout: RUN_MS });
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
});

test('a full browser storage after the planner took the scores during the save: the online Dual still works in this tab', async ({
  page,
  baseURL,
}) => {
  // Waits below are for the run and for online solves (each calibrates v), not timed.
  test.setTimeout(420_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL ?? '').origin, quotaSize: 16 });
  // The page holds the workspace's write lock (workers/workspace.ts: every tab's saves take it) until the run is on
  // screen, as a long save of another tab would: the planner then takes the run's scores while its own save holds
  // the lock, and that save fails afterwards.
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      navigator: { locks: { request(name: string, cb: () => Promise<void>): Promise<void> } };
      __releaseSaves?: () => void;
    };
    void w.navigator.locks.request('rimw-workspace:write', () => new Promise<void>((r) => (w.__releaseSaves = r)));
  });
  const app = new AppPage(page);
  await app.open();
  await expect(app.resultsTable('item_rec')).toBeVisible({ timeout: RUN_MS });
  await expect(app.trainStatus()).toHaveAttribute('data-saved', 'saving');
  await page.evaluate(() => (globalThis as unknown as { __releaseSaves: () => void }).__releaseSaves());
  await expect(app.trainStatus()).toHaveAttribute('data-saved', 'failed', { timeout: RUN_MS });
  await expect(page.getByTestId('train.error')).toContainText(/not saved in this browser.*QuotaExceededError.*reload/);
  await page
    .getByTestId('train.status')
    .locator('..')
    .screenshot({ path: 'test-results/faults-quota-online-train.png' });

  const planner = new PlannerPanel(page);
  await planner.waitForCurves();
  await planner.mode.selectOption('online');
  await expect(planner.curves).toHaveAttribute('data-mode', 'online', { timeout: 240_000 });
  // Every model solved at the operating point: none says its validation scores are not saved.
  const rows = planner.points.locator('tbody tr');
  await expect
    .poll(
      async () => {
        const [n, unsolved, text] = await Promise.all([
          rows.count(),
          planner.points.locator('tbody td.pending').count(),
          planner.points.textContent(),
        ]);
        return n > 0 && unsolved === 0 && (text ?? '').includes('online') ? 'solved' : text;
      },
      { timeout: 240_000 },
    )
    .toBe('solved');
  // The online curves grow point by point (the whole sweep is long on a loaded machine): the first line has points.
  await expect(planner.curves).toHaveAttribute('data-points', /^[1-9]/, { timeout: 240_000 });
  await expect(page.getByTestId('planner.error')).toHaveCount(0);
  await page.locator('#planner').screenshot({ path: 'test-results/faults-quota-online.png' });
});

test('a second tab saving the same workspace: the first says so, and a reload brings the second tab’s data and results whole', async ({
  page,
  context,
}) => {
  const first = new AppPage(page);
  await first.open();
  await expect(first.trainStatus()).toHaveAttribute('data-saved', 'saved', { timeout: RUN_MS });
  await expect(page.getByTestId('workspace.otherTab')).toHaveCount(0);

  const page2 = await context.newPage();
  const second = new AppPage(page2);
  await second.open();
  await page2.getByLabel('synthetic world seed').fill('2');
  await page2.getByTestId('data.synthetic').click();
  await expect(second.summary.locator('dd').first()).toHaveText('synthetic small (seed 2)');
  await expect(second.trainStatus()).toHaveAttribute('data-saved', 'saved', { timeout: RUN_MS });
  const models = await second.resultModels('item_rec');

  await expect(page.getByTestId('workspace.otherTab')).toContainText('synthetic small (seed 2)');
  await page.screenshot({ path: 'test-results/faults-other-tab.png' });
  await page.reload();
  await expect(first.summary.locator('dd').first()).toHaveText('synthetic small (seed 2)');
  await expect(first.resultsTable('item_rec')).toBeVisible({ timeout: RUN_MS });
  expect(await first.resultModels('item_rec')).toEqual(models);
});

test('the planner worker crashing mid-solve: restarted, the plot says so and shows only what the new worker solved', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: RUN_MS });
  const planner = new PlannerPanel(page);
  await planner.waitForCurves();
  const rev = await planner.revision();
  // A new α starts a solve and a sweep; the worker dies while they run.
  await planner.alpha.focus();
  await planner.alpha.press('ArrowRight');
  const alpha = await planner.sliderValue(planner.alpha);
  await expect(page.getByTestId('planner.updating')).toBeVisible();
  await planner.crashWorker();
  await expect(page.getByTestId('planner.restarted')).toContainText('stopped (simulated crash)');
  await planner.waitShows({ alpha }, rev, 120_000);
  await planner.waitForCurves();
  await expect(page.getByTestId('planner.error')).toHaveCount(0);
  await expect(page.getByTestId('planner.restarted')).toBeVisible();
  await page.locator('#planner').screenshot({ path: 'test-results/faults-planner-restart.png' });
});
