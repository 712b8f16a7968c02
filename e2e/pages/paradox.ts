/** Page object of the paradox on data (section 5): test ids here, specs speak in user actions. */
import { expect, type Locator, type Page } from '@playwright/test';

export class ParadoxPanel {
  readonly panel: Locator;
  readonly train: Locator;
  readonly gamma: Locator;
  readonly count: Locator;
  readonly plot: Locator;
  readonly items: Locator;
  readonly model: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('paradox.data');
    this.train = page.getByTestId('paradox.data.train');
    this.gamma = page.getByTestId('paradox.data.gamma');
    this.count = page.getByTestId('paradox.data.count');
    this.plot = page.getByTestId('paradox.data.plot');
    this.items = page.getByTestId('paradox.data.items');
    this.model = page.getByTestId('paradox.data.model');
  }

  /** Waits until the count shows γ = `gamma` and the plot has drawn it; returns the users of the top C who came. */
  async hitsAt(gamma: number): Promise<number> {
    const g = gamma.toFixed(2);
    await expect(this.count).toHaveAttribute('data-gamma', g);
    await expect(this.plot).toHaveAttribute('data-gamma', g);
    const hits = Number(await this.count.getAttribute('data-hits'));
    await expect(this.plot).toHaveAttribute('data-hits', String(hits));
    return hits;
  }
}
