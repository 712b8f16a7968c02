/** Page object of the click-and-conversion track: its test ids live here, the spec speaks in user actions. */
import { expect, type Locator, type Page } from '@playwright/test';

export class CtrPage {
  readonly summary: Locator;
  readonly problems: Locator;
  readonly table: Locator;
  readonly status: Locator;
  readonly roc: Locator;

  constructor(readonly page: Page) {
    this.summary = page.getByTestId('ctr.summary');
    this.problems = page.getByTestId('ctr.problems');
    this.table = page.getByTestId('ctr.table');
    this.status = page.getByTestId('ctr.status');
    this.roc = page.getByTestId('ctr.roc');
  }

  /** Generates a synthetic impression world and waits for its summary. */
  async synthetic(preset: string, seed = 1): Promise<void> {
    await this.page.getByTestId('ctr.synthetic.preset').selectOption(preset);
    await this.page.getByLabel('synthetic impressions seed').fill(String(seed));
    await this.page.getByTestId('ctr.synthetic').click();
    await expect(this.summary.locator('dd').first()).toHaveText(`synthetic impressions ${preset} (seed ${seed})`);
  }

  /** Ticks exactly the given models. */
  async chooseModels(models: string[]): Promise<void> {
    for (const box of await this.page.locator('[data-testid^="ctr.model."]').all()) {
      const name = (await box.getAttribute('data-testid'))!.slice('ctr.model.'.length);
      await box.setChecked(models.includes(name));
    }
  }

  async setSmall(epochs: number, embedding: number, maxLen: number): Promise<void> {
    await this.page.getByTestId('ctr.epochs').fill(String(epochs));
    await this.page.getByTestId('ctr.embedding').fill(String(embedding));
    await this.page.getByTestId('ctr.maxlen').fill(String(maxLen));
  }

  /** Starts training and waits until the run is done. */
  async trainAndWait(): Promise<void> {
    await this.page.getByTestId('ctr.start').click();
    await expect(this.status).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  }

  /** Waits until the finished run is saved in this browser (a reload restores it only then). */
  async waitSaved(): Promise<void> {
    await expect(this.status).toHaveAttribute('data-saved', 'saved');
  }

  /** A table cell's text: model row, `task.metric` column (e.g. click.auc). */
  cell(model: string, key: string): Locator {
    return this.table.locator(`tr[data-model="${model}"] td[data-key="${key}"]`);
  }

  /** Points per trace of the ROC plot as Plotly drew them (the chance diagonal first). */
  rocPoints(): Promise<{ name: string; n: number }[]> {
    return this.roc.locator('.plot-canvas').evaluate((el) =>
      ((el as unknown as { data?: { name: string; x: number[] }[] }).data ?? []).map((t) => ({
        name: t.name,
        n: t.x.length,
      })),
    );
  }
}
