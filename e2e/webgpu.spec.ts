import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app';

/** What the page's WebGPU adapter says of itself, or null without one. */
function adapterInfo(page: Page) {
  return page.evaluate(async () => {
    type Info = { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
    const gpu = (
      navigator as unknown as {
        gpu?: { requestAdapter(): Promise<{ info?: Info; isFallbackAdapter?: boolean } | null> };
      }
    ).gpu;
    const a = gpu ? await gpu.requestAdapter() : null;
    if (!a) return null;
    const i = a.info ?? {};
    return {
      name: [i.vendor, i.architecture, i.description].filter(Boolean).join(' '),
      fallback: i.isFallbackAdapter ?? a.isFallbackAdapter ?? false,
    };
  });
}

/** Starts a tiny RNN run on `backend`, waits for the backend the run picked, cancels; returns it and its title. */
async function pick(page: Page, app: AppPage, backend: string): Promise<{ backend: string; title: string }> {
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '32', backend });
  await page.getByTestId('train.start').click();
  const shown = page.getByTestId('train.backend');
  // Cleared while the ladder's self-tests run (seconds), then the pick.
  await expect(shown).toHaveAttribute('data-backend', '');
  await expect(shown).toHaveAttribute('data-backend', /.+/, { timeout: 60_000 });
  const out = {
    backend: (await shown.getAttribute('data-backend')) ?? '',
    title: (await shown.getAttribute('title')) ?? '',
  };
  // Training on software WebGPU is slow; the ladder is the point. On WASM's threads the tiny run may end first.
  const cancel = page.getByTestId('train.cancel');
  await Promise.race([
    cancel.click().catch(() => undefined),
    expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 170_000 }),
  ]);
  await expect(app.trainStatus()).toHaveAttribute('data-status', /^(cancelled|done)$/);
  return out;
}

// WebGPU (SwiftShader here) used to fail its self-test by 2.39: the sequence models read tensors synchronously, and
// tfjs 4.22's WebGPU dataSync returns zeros in headless Chromium and destroys the device.
test('WebGPU chosen by name passes its one-step training self-test; "auto" passes over a software adapter', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.open();
  const adapter = await adapterInfo(page);
  test.skip(!adapter, 'this browser offers no WebGPU adapter');
  // The synthetic world is loaded and evaluated on open; a tiny RNN makes the run walk the ladder.
  await expect(app.resultsTable('item_rec')).toBeVisible();
  await app.chooseModels(['RNN']);

  const named = await pick(page, app, 'webgpu');
  // The title lists the rungs passed over and why: a failure then says what the self-test found.
  expect(named.backend, named.title).toBe('webgpu');

  const auto = await pick(page, app, 'auto');
  const software = adapter!.fallback || /swiftshader|llvmpipe|lavapipe/i.test(adapter!.name);
  if (software) {
    // A machine without a GPU (this one: SwiftShader) trains on WASM, and the page says why WebGPU was passed over.
    expect(auto.backend, auto.title).not.toBe('webgpu');
    expect(auto.title).toContain('webgpu: only a software adapter');
    await expect(page.getByTestId('train.backend')).toContainText('skipped: webgpu: only a software adapter');
  } else expect(auto.backend, auto.title).toBe('webgpu');
  await page.screenshot({ path: 'test-results/webgpu-01-auto-passes-over-software.png', fullPage: true });
});
