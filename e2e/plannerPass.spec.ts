import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';

// Where the planner's offline Dual runs its passes, as the page's status line says: by default on the CPU where the
// browser has only a software adapter (SwiftShader here).
const hasAdapter = (page: import('@playwright/test').Page) =>
  page.evaluate(
    '!!navigator.gpu && navigator.gpu.requestAdapter().then((a) => !!a && /swiftshader|llvmpipe|lavapipe/i.test([a.info?.vendor, a.info?.architecture, a.info?.description].join(" ")))',
  ) as Promise<boolean>;

test('the planner says which path its offline Dual took: CPU by default on a software adapter', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  const planner = new PlannerPanel(page);
  await app.open();
  test.skip(!(await hasAdapter(page)), 'this browser offers no software WebGPU adapter');
  const note = page.getByTestId('planner.pass');
  // The page opens on an offline point with minimal exposure (β > 0): its solve sets the note.
  await expect(note).toHaveAttribute('data-backend', 'cpu', { timeout: 120_000 });
  await expect(note).toHaveText('offline Dual on CPU');
  await expect(note).toHaveAttribute('title', /only a software adapter/);

  await planner.section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('planner-pass-cpu.png'), fullPage: false });
  // ?plannerPass=webgpu puts it on SwiftShader too; a solve of the page's world there (1,724 × 500, about a thousand
  // passes of a second each) outlasts any test, so the WebGPU path is checked on small worlds in gpuPass.spec.ts.
});
