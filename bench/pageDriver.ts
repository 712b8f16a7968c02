// Driving the built app in Chromium for the page benches: waits by polling test-id attributes from Node (the page's
// CSP forbids evaluated predicate strings) and the model checkboxes.
import type { Page } from '@playwright/test';

export const WAIT_MS = Number(process.env.TRAIN_UI_WAIT_MS ?? 300_000);

/** Polls an attribute every 20 ms until `ok` holds. */
export async function poll(page: Page, testId: string, attr: string, ok: (v: string | null) => boolean): Promise<void> {
  const loc = page.getByTestId(testId);
  const end = Date.now() + WAIT_MS;
  while (!ok(await loc.getAttribute(attr))) {
    if (Date.now() > end) throw new Error(`${testId} ${attr}: timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the Train status attribute (ms since `t0`); a failed run throws with the page's error line. */
export async function until(page: Page, value: string, t0: number): Promise<number> {
  await poll(page, 'train.status', 'data-status', (v) => v === value || v === 'failed');
  if (value !== 'failed' && (await page.getByTestId('train.status').getAttribute('data-status')) === 'failed')
    throw new Error(`the run failed: ${await page.getByTestId('train.error').textContent()}`);
  return Date.now() - t0;
}

/** Ticks exactly `models` among the Train checkboxes. */
export async function choose(page: Page, models: string[]): Promise<void> {
  for (const box of await page.locator('[data-testid^="train.model."]').all()) {
    const name = ((await box.getAttribute('data-testid')) ?? '').slice('train.model.'.length);
    await box.setChecked(models.includes(name));
  }
}
