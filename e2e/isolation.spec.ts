import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app';
import { watchViolations } from './pages/violations';

/** Trains a tiny RNN on the synthetic world on WASM and returns the backend note's backend and thread count. */
async function trainOnWasm(page: Page, app: AppPage): Promise<{ backend: string; threads: string; text: string }> {
  await app.chooseModels(['Pop', 'RNN']);
  await app.setHyper({ epochs: '1', hidden: '8', layers: '1', maxLen: '32', backend: 'wasm' });
  await page.getByTestId('train.start').click();
  await expect(app.trainStatus()).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  const shown = page.getByTestId('train.backend');
  return {
    backend: (await shown.getAttribute('data-backend')) ?? '',
    threads: (await shown.getAttribute('data-threads')) ?? '',
    text: (await shown.textContent()) ?? '',
  };
}

test('the page is cross-origin isolated and WASM trains on its thread pool, the thread count shown with the backend', async ({
  page,
}) => {
  const violations = await watchViolations(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new AppPage(page);
  await app.open();
  // COOP/COEP from the server (vite.config.ts): SharedArrayBuffer for the threaded WASM build, here and in workers.
  expect(
    await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated),
  ).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const all = await trainOnWasm(page, app);
  expect(all.backend).toBe('wasm');
  // The threaded SIMD build runs tfjs's pool: half the logical cores, at least one, at most 8 (vite.config.ts).
  const want = Math.min(8, Math.max(1, Math.floor(cores / 2)));
  expect(Number(all.threads), all.text).toBe(want);
  expect(all.text).toContain(`wasm · ${want} thread${want > 1 ? 's' : ''}`);
  expect(await app.resultModels('item_rec')).toContain('RNN');
  await page.locator('#train').screenshot({ path: 'test-results/isolation-01-threads.png' });
  // Every request stayed on the page's origin (the WASM binaries included).
  const origin = new URL(page.url()).origin;
  expect(app.requests.filter((u) => !u.startsWith(origin) && !/^(blob|data):/.test(u))).toEqual([]);
  // The thread workers start from blobs under the page's CSP, and none of them failed (a failed one throws here).
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);

  // ?wasmThreads=1 pins the pool to one thread (benchmarks: 1 against 2 threads).
  await app.open('?wasmThreads=1');
  const one = await trainOnWasm(page, app);
  expect([one.backend, one.threads]).toEqual(['wasm', '1']);
  expect(one.text).toContain('wasm · 1 thread');
});
