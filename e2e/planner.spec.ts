import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';
import { SCAN_KERNEL_WASM } from '../src/core/planner/scanKernel.bytes';

test('planner: Dual curves on open; β by keyboard and mouse, α once, mode switch, each redraw reported; v CSV; overlay', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  await app.open();
  const planner = new PlannerPanel(page);
  await planner.section.scrollIntoViewIfNeeded();

  // Curves of the synthetic world's models show without a click.
  await planner.waitForCurves();
  await page.screenshot({ path: info.outputPath('planner-01-open.png'), fullPage: false });
  // The curves export as SVG with their lines, even when clicked while the first frame is still the early SVG draw.
  const dl = page.waitForEvent('download');
  await planner.curves.getByRole('button', { name: 'SVG' }).click();
  const exported = readFileSync((await (await dl).path())!, 'utf8');
  expect(exported).toMatch(/class="js-line"[^>]*d="M[\d.]+,[\d.]+L/);
  const alpha = await planner.sliderValue(planner.alpha);
  expect(alpha).toBeCloseTo(0.01, 9);
  // The first curve is the page's own fast run's first model; all its models replace it once the run finishes: wait
  // for them so the steps below see one input.
  await expect(page.getByTestId('planner.view')).toContainText('trained models');
  await planner.waitForCurves();

  // Keyboard: Home to β = 0, one step at a time to the right, End to β = α. Every redraw is counted.
  await planner.beta.focus();
  // No layout jumps while the curves update: the plot, the slider and the section after the planner stay put.
  const boxes = () =>
    Promise.all(
      [page.getByTestId('planner.plot.curves'), planner.beta, page.getByTestId('paradox.view')].map((l) =>
        l.boundingBox(),
      ),
    );
  const before = await boxes();
  let rev = await planner.revision();
  const home = await planner.betaKey('Home', rev);
  expect(home.beta).toBe(0);
  rev = home.revision;
  const seen = [0];
  for (let i = 0; i < 3; i++) {
    const step = await planner.betaKey('ArrowRight', rev);
    expect(step.revision).toBeGreaterThan(rev);
    expect(step.beta).toBeGreaterThan(seen[seen.length - 1]);
    seen.push(step.beta);
    rev = step.revision;
  }
  expect(seen[1]).toBeCloseTo(alpha / 20, 9);
  const end = await planner.betaKey('End', rev);
  expect(end.beta).toBeCloseTo(alpha, 9);
  rev = end.revision;
  expect(await boxes()).toEqual(before);

  // Mouse: drag the thumb from the right end to the left end, then to the middle; latest wins, the last shows.
  await planner.dragBeta(1, 0);
  rev = await planner.waitShows({ beta: 0 }, rev);
  await planner.dragBeta(0, 0.5);
  const mid = await planner.sliderValue(planner.beta);
  expect(mid).toBeGreaterThan(0);
  expect(mid).toBeLessThan(alpha);
  rev = await planner.waitShows({ beta: mid }, rev);
  await page.screenshot({ path: info.outputPath('planner-02-beta-dragged.png'), fullPage: false });

  // α once: one step up; β keeps its share of α.
  await planner.alpha.focus();
  await planner.alpha.press('ArrowRight');
  const alpha2 = await planner.sliderValue(planner.alpha);
  expect(alpha2).toBeCloseTo(alpha + 0.002, 9);
  rev = await planner.waitShows({ alpha: alpha2 }, rev);
  await expect(page.getByTestId('planner.alpha.value')).toHaveText('1.2%');

  // A planner worker crash: the page sends the scores to a fresh worker and shows the same point again. The run
  // worker handed its own copies to the old planner, so these come back from the workspace saved in IndexedDB.
  await planner.crashWorker();
  rev = await planner.waitShows({ alpha: alpha2 }, rev);
  await expect(page.getByTestId('planner.error')).toHaveCount(0);
  await expect(page.getByTestId('planner.view')).toContainText('5 trained models');

  // Mode switch: greedy matching answers at the same point (the page opens on the offline Dual).
  await planner.mode.selectOption('greedy');
  await planner.waitShows({ mode: 'greedy', alpha: alpha2 }, rev, 120_000);
  await expect(planner.points.locator('tbody tr').first()).not.toContainText('not available');
  await page.screenshot({ path: info.outputPath('planner-03-greedy.png'), fullPage: false });
  await planner.mode.selectOption('offline');
  await planner.waitShows({ mode: 'offline', alpha: alpha2 }, await planner.revision(), 120_000);

  // v(y) of a model as CSV: a header, one row per item, finite numbers.
  const first = (await planner.points.locator('tbody th').first().textContent()) ?? '';
  const csv = readFileSync((await (await planner.exportV(first)).path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('item,v');
  expect(csv.length).toBeGreaterThan(100);
  for (const line of csv.slice(1)) expect(Number.isFinite(Number(line.slice(line.lastIndexOf(',') + 1)))).toBe(true);

  // A results file's mtch_ points are drawn over the curves (one more trace, points only), once every model's sweep
  // is drawn.
  const models = await planner.points.locator('tbody tr').count();
  await expect(planner.curves).toHaveAttribute('data-lines', String(models), { timeout: 120_000 });
  await planner.waitForSweep();
  const traces = await planner.curves.locator('.scatterlayer .trace').count();
  const lines = await planner.lineCount();
  const rime = info.outputPath('rime.json');
  writeFileSync(
    rime,
    JSON.stringify({
      mtch_: {
        'rime-Pop': [
          { alpha: 0.01, beta: 0, item_ppl: 10, recall: 0.02 },
          { alpha: 0.01, beta: 0.005, item_ppl: 40, recall: 0.015 },
        ],
      },
    }),
  );
  await planner.overlay(rime);
  await expect.poll(() => planner.curves.locator('.scatterlayer .trace').count()).toBe(traces + 1);
  await expect(planner.curves).toHaveAttribute('data-overlay', '2');
  expect(await planner.lineCount()).toBe(lines);
  await expect(page.getByTestId('planner.view')).toContainText('Remove overlay');
});

test('the planner test hook loads another world through the data and run workers, and the planner follows', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.open();
  const planner = new PlannerPanel(page);
  // Waits for the page's own run and the planner's adoption of it (the opening Dual sweep shares the cores with it).
  await expect(page.getByTestId('planner.view')).toContainText('5 trained models on synthetic small (seed 1)', {
    timeout: 120_000,
  });
  await planner.loadSynthetic('small', 2, ['Pop', 'EMA']);
  await expect(page.getByTestId('planner.view')).toContainText('2 trained models on synthetic small (seed 2)');
  await expect(app.summary.locator('dd').first()).toContainText('seed 2');
  await planner.waitForCurves(2);
  await expect(planner.points.locator('tbody th')).toHaveText(['Pop', 'EMA']);
});

test('the planner worker compiles the WASM SIMD scan kernel (the auction would otherwise fall back to its JS scan)', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.open();
  await new PlannerPanel(page).waitForCurves();
  const worker = page.workers().find((w) => /planner/i.test(w.url()));
  expect(
    worker,
    `workers: ${page
      .workers()
      .map((w) => w.url())
      .join(', ')}`,
  ).toBeDefined();
  // The same bytes the core compiles, under the worker's own policy (CSP) and engine.
  const bytes = Array.from(SCAN_KERNEL_WASM);
  const compiled = await worker!.evaluate((b) => {
    try {
      const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => unknown } })
        .WebAssembly;
      new wasm.Module(new Uint8Array(b));
      return 'ok';
    } catch (e) {
      return String(e);
    }
  }, bytes);
  expect(compiled).toBe('ok');
});
