/** Page object of the guided tour: the start button, the step panel and what each step says it shows. */
import { expect, type Locator, type Page } from '@playwright/test';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class TourPanel {
  readonly start: Locator;
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.start = page.getByTestId('tour.start');
    this.panel = page.getByTestId('tour.panel');
  }

  /** Waits until the panel shows step `id` (number `index`, from 1), focused, with `?tour=index` in the URL. */
  async at(id: string, index: number): Promise<void> {
    await expect(this.panel).toHaveAttribute('data-step', id);
    await expect(this.panel).toHaveAttribute('data-index', String(index));
    await expect(this.panel).toBeFocused();
    await expect.poll(() => new URL(this.page.url()).searchParams.get('tour')).toBe(String(index));
  }

  /**
   * Checks the step's plot by what the panel says it shows: the element of data-shows-selector carries every
   * data attribute of data-shows-attrs (its value containing the text given). Returns the element.
   */
  async showsWhatItSays(timeout = 120_000): Promise<Locator> {
    const selector = (await this.panel.getAttribute('data-shows-selector')) ?? '';
    const attrs = JSON.parse((await this.panel.getAttribute('data-shows-attrs')) ?? '{}') as Record<string, string>;
    expect(selector).not.toBe('');
    expect(Object.keys(attrs).length).toBeGreaterThan(0);
    const el = this.page.locator(selector);
    for (const [k, v] of Object.entries(attrs))
      await expect(el).toHaveAttribute(`data-${k}`, new RegExp(escape(v)), { timeout });
    return el;
  }
}
