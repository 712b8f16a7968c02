import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';

// The ladder's first rung. WebGPU (SwiftShader here) used to fail its self-test by 2.39: the sequence models read
// tensors synchronously, and tfjs 4.22's WebGPU dataSync returns zeros in headless Chromium and destroys the device.
test('the backend ladder keeps WebGPU: its one-step training self-test matches CPU', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return !!gpu && (await gpu.requestAdapter()) !== null;
  });
  test.skip(!adapter, 'this browser offers no WebGPU adapter');

  // The synthetic world is loaded and evaluated on open; a tiny RNN makes the run walk the whole ladder.
  await expect(app.resultsTable('item_rec')).toBeVisible();
  await app.chooseModels(['RNN']);
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '32', backend: 'auto' });
  await page.getByTestId('train.start').click();
  const backend = page.getByTestId('train.backend');
  await expect(backend).toHaveAttribute('data-backend', /.+/);
  // The title lists the rungs passed over and why: the failure message then says what the self-test found.
  expect(await backend.getAttribute('data-backend'), (await backend.getAttribute('title')) ?? '').toBe('webgpu');

  // Training on software WebGPU is slow; the ladder was the point.
  await page.getByTestId('train.cancel').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'cancelled');
});
