import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { CtrPage } from './pages/ctr';
import { PlannerPanel } from './pages/planner';

/**
 * A small impression log: 60 users, one impression a day for 21 days, 8 items. A user clicks the items of their own
 * parity more often, and converts one click in three; a seeded LCG keeps the file the same every run.
 */
function impressionCsv(): string[] {
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['user_id,item_id,timestamp,click,conversion'];
  for (let u = 0; u < 60; u++)
    for (let d = 0; d < 21; d++) {
      const item = Math.floor(rand() * 8);
      const click = rand() < (item % 2 === u % 2 ? 0.6 : 0.15) ? 1 : 0;
      const conv = click && rand() < 0.35 ? 1 : 0;
      lines.push(`u${u},i${item},${1_700_000_000 + d * 86_400 + u * 97},${click},${conv}`);
    }
  return lines;
}

test('an impression log trains LR and MT-RNN and shows the click-and-conversion table, ROC and calibration', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  const ctr = new CtrPage(page);
  await app.open();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);

  const lines = impressionCsv();
  // Line 4 gets a click label that is not 0/1: it is left out and named, the rest kept.
  lines[3] = lines[3].replace(/,([01]),([01])$/, ',yes,$2');
  const f = info.outputPath('impressions.csv');
  writeFileSync(f, lines.join('\n') + '\n');
  await app.upload.setInputFiles(f);
  await expect(ctr.summary).toHaveAttribute('data-impressions', String(lines.length - 2));
  await expect(ctr.summary).toHaveAttribute('data-users', '60');
  await expect(ctr.problems.locator('tbody tr')).toHaveCount(1);
  await expect(ctr.problems.locator('tbody tr').first()).toContainText('4label not 0, 1, true or false');
  // The interaction track's summary and Train panel give way to the impression log's.
  await expect(app.summary).toHaveCount(0);
  await expect(page.getByTestId('train.start')).toBeHidden();

  await ctr.chooseModels(['LR', 'MT-RNN']);
  await ctr.setSmall(1, 4, 5);
  await ctr.trainAndWait();

  await expect(ctr.table).toHaveAttribute('data-models', /LR/);
  const models = (await ctr.table.getAttribute('data-models'))!.split('|');
  expect(models.sort()).toEqual(['LR', 'MT-RNN']);
  for (const m of models) {
    await expect(ctr.cell(m, 'click.auc')).toHaveText(/^[01]\.\d{4}$/);
    await expect(ctr.cell(m, 'conversion.auc')).toHaveText(/^[01]\.\d{4}$|^–$/);
    await expect(ctr.cell(m, 'clickConversion.logloss')).toHaveText(/^\d+\.\d{4}$/);
  }
  await expect(ctr.table.locator('tr[data-model="LR"]')).toContainText('clicked impressions only');
  await expect(ctr.table.locator('tr[data-model="MT-RNN"]')).toContainText('all impressions (002)');
  await expect(ctr.cell('LR', 'click.relaImpr')).toHaveText('–');
  await expect(ctr.cell('MT-RNN', 'click.relaImpr')).toHaveText(/^[+-]\d+\.\d{2}%$/);

  await expect.poll(async () => (await ctr.rocPoints()).length).toBe(3);
  const roc = await ctr.rocPoints();
  expect(roc.map((t) => t.name)).toEqual(['chance', 'LR', 'MT-RNN']);
  for (const t of roc.slice(1)) expect(t.n).toBeGreaterThan(2);
  await page.getByTestId('ctr.curves.task').selectOption('clickConversion');
  // LR's two networks give pCTR·pCVR too: both models have a click-and-conversion curve.
  await expect.poll(async () => (await ctr.rocPoints()).map((t) => t.name)).toEqual(['chance', 'LR', 'MT-RNN']);
  await page.locator('#results').screenshot({ path: info.outputPath('ctr-results.png') });
  await page.getByTestId('ctr.summary').screenshot({ path: info.outputPath('ctr-data.png') });

  // Back to the interaction track: the synthetic world brings the RIM summary and Train panel back.
  await page.getByTestId('data.synthetic').click();
  await expect(app.summary).toBeVisible();
  await expect(ctr.summary).toHaveCount(0);
  await expect(page.getByTestId('train.start')).toBeVisible();
});

test('synthetic impressions show the world’s hidden scenarios in the Data section', async ({ page }) => {
  const app = new AppPage(page);
  const ctr = new CtrPage(page);
  await app.open();
  await page.getByTestId('ctr.synthetic').click();
  await expect(ctr.summary).toContainText('2 hidden (known to the world)');
  await expect(ctr.summary.getByTestId('ctr.summary.ctr')).toHaveText(/^\d+(\.\d+)?%$/);
  await expect(page.getByTestId('ctr.start')).toBeEnabled();
});

test('a finished run comes back after a reload without retraining; another seed in the link does not reuse it', async ({
  page,
}) => {
  const app = new AppPage(page);
  const ctr = new CtrPage(page);
  await app.open();
  await ctr.synthetic('tiny');
  await ctr.chooseModels(['LR', 'MT-RNN']);
  await ctr.setSmall(1, 4, 5);
  await ctr.trainAndWait();
  await ctr.waitSaved();
  await expect(ctr.status).toHaveAttribute('data-restored', 'false');
  const auc = await ctr.cell('MT-RNN', 'click.auc').textContent();
  const ll = await ctr.cell('LR', 'clickConversion.logloss').textContent();
  // The run config is in the link, seed and epochs included.
  const ctrParam = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('ctr');
  expect(JSON.parse(ctrParam!)).toMatchObject({ task: 'ctr', models: ['LR', 'MT-RNN'], seed: 1, epochs: 1 });

  await page.reload();
  await expect(ctr.summary.locator('dd').first()).toHaveText('synthetic impressions tiny (seed 1)');
  await expect(ctr.status).toHaveAttribute('data-status', 'done');
  await expect(ctr.status).toHaveAttribute('data-restored', 'true');
  await expect(ctr.cell('MT-RNN', 'click.auc')).toHaveText(auc!);
  await expect(ctr.cell('LR', 'clickConversion.logloss')).toHaveText(ll!);
  await expect(page.getByTestId('ctr.epochs')).toHaveValue('1');

  // Another seed: the same log comes back, but the results of seed 1 are not shown as if they were seed 2's.
  await page.getByTestId('ctr.seed').fill('2');
  await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toMatch(/"seed":2/);
  await page.reload();
  await expect(ctr.summary.locator('dd').first()).toHaveText('synthetic impressions tiny (seed 1)');
  await expect(page.getByTestId('ctr.seed')).toHaveValue('2');
  await expect(ctr.status).toHaveAttribute('data-status', 'idle');
  await expect(ctr.table).toHaveCount(0);
});

test('the planner takes the conversion models of a ctr run: pick MT-RNN (pCTR×pCVR), move β, the curve follows', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  const ctr = new CtrPage(page);
  const planner = new PlannerPanel(page);
  await app.open();
  await ctr.synthetic('tiny');
  // MuseNet has no conversion head: it stays out of the planner.
  await ctr.chooseModels(['LR', 'MT-RNN', 'MuseNet-soft']);
  await ctr.setSmall(1, 4, 5);
  await ctr.trainAndWait();
  await page.locator('#train').screenshot({ path: info.outputPath('ctr-train.png') });

  await planner.section.scrollIntoViewIfNeeded();
  const detail = page.getByTestId('planner.detail');
  await expect(detail.locator('option')).toHaveText(['LR (pCTR×pCVR)', 'MT-RNN (pCTR×pCVR)']);
  await expect(planner.section).toContainText('conversion scores of the click-and-conversion models');
  await detail.selectOption('MT-RNN (pCTR×pCVR)');
  await planner.waitForCurves(2);
  await expect(planner.curves).toHaveAttribute('data-lines', '2');
  await expect(planner.points.locator('tbody th')).toHaveText(['LR (pCTR×pCVR)', 'MT-RNN (pCTR×pCVR)']);
  await expect(planner.exposure).toHaveAttribute('data-model', 'MT-RNN (pCTR×pCVR)');

  // β from 0 to α: the operating point moves on both curves, and MT-RNN's exposure chart follows.
  await planner.beta.focus();
  const home = await planner.betaKey('Home', await planner.revision());
  expect(home.beta).toBe(0);
  const end = await planner.betaKey('End', home.revision);
  expect(end.beta).toBeGreaterThan(0);
  await expect(planner.exposure).toHaveAttribute('data-beta', String(end.beta));
  expect(await planner.lineCount()).toBe(2);
  await planner.section.screenshot({ path: info.outputPath('ctr-planner.png') });

  // Back on the interaction track, the planner plans the RIM models again.
  await page.getByTestId('data.synthetic').click();
  await expect(detail.locator('option', { hasText: 'pCTR×pCVR' })).toHaveCount(0);
});
