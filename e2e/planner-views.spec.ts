import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';
import { PLANNER_CSV_HEADER } from '../src/core/report/plannerCsv';

/** A results file as the reference's ExperimentResult.save_results writes it (NaN bare, as Python prints it). */
function rimeFile(): string {
  const pt = (k: number, c: number, i: number) =>
    `{"prec": ${0.02 + i / 200}, "recs/user": ${k}, "item_cov": 0.5, "item_ppl": ${20 + 40 * i}, "user_cov": 1.0, ` +
    `"user_ppl": ${i === 0 ? 'NaN' : 200 + 300 * i}, "obj_mean": 0.1, "k": ${k}, "c": ${c}}`;
  const lb = [0, 0.2, 0.5].map((m, i) => pt(5, 17 * m, i));
  const ub = [1, 3, 10].map((m, i) => pt(5 * m, 17, i + 1));
  return `{"dual": true, "online": false, "_k1": 5, "_c1": 17, "_kmax": 500, "_cmax": 1724,
  "item_ppl_baseline": 300.0, "user_ppl_baseline": 1500.0, "item_rec": {}, "user_rec": {},
  "mtch_": {"rime-Pop": [${[...lb, ...ub].join(', ')}]}}`;
}

test('planner views: the Dual opens; compare modes draws three curves and the delivered exposure; the α sweep with a user axis; CSV export; overlays', async ({
  page,
}, info) => {
  // Waits below are for solves (the online Dual calibrates v per point), not timed.
  test.setTimeout(420_000);
  const app = new AppPage(page);
  await app.open();
  const planner = new PlannerPanel(page);
  await planner.section.scrollIntoViewIfNeeded();

  // The page opens on the offline Dual, its curve drawn without a click.
  await planner.waitForCurves();
  await expect(planner.mode).toHaveValue('offline');
  await expect(planner.curves).toHaveAttribute('data-mode', 'offline');
  await expect(planner.curves).toHaveAttribute('data-view', 'beta');
  await expect(page.getByTestId('planner.view')).toContainText('trained models');
  await planner.waitForCurves();
  await planner.section.screenshot({ path: info.outputPath('views-01-dual-opens.png') });

  // Compare modes: greedy, offline and online Dual of one model on one plot; the delivered share beside it.
  await planner.view('compare');
  const model = await planner.compareModel.inputValue();
  expect(model).not.toBe('');
  await expect(planner.curves).toHaveAttribute('data-modes', 'greedy,offline,online', { timeout: 300_000 });
  // The three lines grow point by point: wait for every point before counting lines and exporting them.
  await planner.waitForSweep(300_000);
  await expect(planner.curves).toHaveAttribute('data-lines', '3');
  await expect.poll(() => planner.lineCount()).toBe(3);
  await expect(planner.delivered).toHaveAttribute('data-lines', '3');
  await expect(planner.curves.locator('.legend')).toContainText('Dual (online)');
  await planner.section.screenshot({ path: info.outputPath('views-02-compare.png') });

  // The curves and operating points as CSV: the header, then every mode's sweep of this model.
  const csv = await planner.exportCsvLines();
  expect(csv[0]).toBe(PLANNER_CSV_HEADER.join(','));
  const curveRows = csv.filter((l) => l.startsWith('curve,beta,'));
  for (const mode of ['greedy', 'offline', 'online'])
    expect(curveRows.filter((l) => l.split(',')[3] === mode).length).toBeGreaterThan(1);
  expect(csv.some((l) => l.startsWith('point,beta,'))).toBe(true);

  // A reference mtch_ file: its lower-bound points drawn as points over the β curves, not joined.
  const rime = info.outputPath('rime-mtch.json');
  writeFileSync(rime, rimeFile());
  const lines = await planner.lineCount();
  await planner.overlay(rime);
  await expect(page.getByTestId('planner.overlay')).toContainText('rime-mtch.json: 1 methods');
  // The file has no recall (the reference's mtch_ lacks it): on precision its three lower bounds show.
  await page.getByTestId('planner.axis.relevance').selectOption('prec');
  await expect(planner.curves).toHaveAttribute('data-overlay', '3');
  expect(await planner.lineCount()).toBe(lines);

  // The α sweep (appendix F): user capacity on its own slider range, UserRec recall against user perplexity. In
  // greedy mode (the operating point's mode is picked in the compare view; the Dual with a cap anneals, slower).
  await planner.mode.selectOption('greedy');
  await planner.view('alpha');
  await page.getByTestId('planner.axis.userRelevance').selectOption('user_recall');
  await expect(planner.curves).toHaveAttribute('data-y', 'user_recall');
  await expect(planner.curves).toHaveAttribute('data-x', 'user_ppl');
  await expect(planner.curves).toHaveAttribute('data-mode', 'greedy', { timeout: 120_000 });
  await planner.waitForSweep();
  await expect.poll(() => planner.lineCount(), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect(planner.delivered).toHaveAttribute('data-lines', /[1-9]/);
  await expect(planner.points.locator('thead')).toContainText('UserRec recall');
  // The overlay's upper-bound points (m ≥ 1) carry UserRec precision, not recall: on precision all three show.
  await expect(planner.curves).toHaveAttribute('data-overlay', '0');
  await page.getByTestId('planner.axis.userRelevance').selectOption('prec');
  await expect(planner.curves).toHaveAttribute('data-overlay', '3');
  // The α slider moves the operating point along the sweep (1% steps here).
  const rev = await planner.revision();
  await planner.alpha.focus();
  await planner.alpha.press('ArrowRight');
  const alpha = await planner.sliderValue(planner.alpha);
  await planner.waitShows({ alpha, mode: 'greedy' }, rev, 120_000);
  expect(alpha).toBeCloseTo(0.02, 9);
  await planner.section.screenshot({ path: info.outputPath('views-03-alpha.png') });
  const alphaCsv = await planner.exportCsvLines();
  expect(alphaCsv[0]).toBe(PLANNER_CSV_HEADER.join(','));
  expect(alphaCsv.filter((l) => l.startsWith('curve,alpha,')).length).toBeGreaterThanOrEqual(5);

  // The settings live in the URL: a reload shows the same view, mode and α.
  await page.reload();
  await expect(page.getByTestId('planner.tab.alpha')).toBeChecked();
  await expect(planner.alpha).toHaveValue(String(alpha));

  // A file that is not a results file says why, and the page keeps working.
  const bad = info.outputPath('not-results.json');
  writeFileSync(bad, '{"item_rec": {}}');
  await planner.overlay(bad);
  await expect(page.getByTestId('planner.import.error')).toContainText('not-results.json: no "mtch_" field');
  const broken = info.outputPath('broken.json');
  writeFileSync(broken, '{"mtch_": ');
  await planner.overlay(broken);
  await expect(page.getByTestId('planner.import.error')).toContainText('broken.json: not JSON');
});

test('Figure 3 in Results: one point per model of the run, ItemRec against UserRec recall', async ({ page }, info) => {
  const app = new AppPage(page);
  await app.open();
  const table = page.getByTestId('results.table').first();
  await expect(table).toBeVisible({ timeout: 120_000 });
  const models = ((await table.getAttribute('data-models')) ?? '').split('|').filter(Boolean);
  expect(models.length).toBeGreaterThan(1);
  const fig = page.getByTestId('results.fig3');
  await expect(fig).toHaveAttribute('data-points', String(models.length));
  await expect(fig.locator('.scatterlayer .trace .points path')).toHaveCount(models.length);
  const labels = await fig.locator('.scatterlayer .textpoint text').allTextContents();
  expect(labels.sort()).toEqual([...models].sort());
  await fig.screenshot({ path: info.outputPath('fig3.png') });
});
