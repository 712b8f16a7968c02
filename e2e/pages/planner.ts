/**
 * Page object of the Planner section (test ids planner.slider.beta, planner.slider.alpha, planner.mode,
 * planner.plot.curves with data-revision / data-beta / data-alpha). Specs speak in user actions and wait on what
 * the plot says it shows, never on time.
 */
import { expect, type Download, type Locator, type Page } from '@playwright/test';

export class PlannerPanel {
  readonly section: Locator;
  readonly beta: Locator;
  readonly alpha: Locator;
  readonly mode: Locator;
  readonly curves: Locator;
  readonly points: Locator;
  readonly exposure: Locator;
  readonly delivered: Locator;
  readonly compareModel: Locator;

  constructor(readonly page: Page) {
    this.section = page.locator('#planner');
    this.beta = page.getByTestId('planner.slider.beta');
    this.alpha = page.getByTestId('planner.slider.alpha');
    this.mode = page.getByTestId('planner.mode');
    this.curves = page.getByTestId('planner.plot.curves');
    this.points = page.getByTestId('planner.points');
    this.exposure = page.getByTestId('planner.plot.exposure');
    this.delivered = page.getByTestId('planner.plot.delivered');
    this.compareModel = page.getByTestId('planner.compare.model');
  }

  /** Picks a view: the β sweep, the compare-modes view or the α sweep. */
  async view(v: 'beta' | 'compare' | 'alpha'): Promise<void> {
    await this.page.getByTestId(`planner.tab.${v}`).check();
    await expect(this.curves).toHaveAttribute('data-view', v);
  }

  /** The plot's lines drawn with a line path (overlays are points only and have none). */
  lineCount(): Promise<number> {
    return this.curves.locator('.scatterlayer .trace .js-line').count();
  }

  /** Clicks the curves CSV export and returns the file's lines. */
  async exportCsvLines(): Promise<string[]> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId('planner.export.csv').click(),
    ]);
    const path = await download.path();
    if (!path) throw new Error('download has no path');
    const { readFileSync } = await import('node:fs');
    return readFileSync(path, 'utf8').trim().split('\n');
  }

  /** Overlays a results file through the file input. */
  async overlay(path: string): Promise<void> {
    await this.page.getByTestId('planner.import').setInputFiles(path);
  }

  async revision(): Promise<number> {
    return Number(await this.curves.getAttribute('data-revision'));
  }

  /**
   * What the curves plot shows now: its redraw count, the operating point's α, β and mode, and whether that point is
   * still the page's preview (`pending`: drawn from answers it held, the worker's reply on its way).
   */
  async shown(): Promise<{ revision: number; alpha: number; beta: number; mode: string | null; pending: boolean }> {
    const [r, a, b, m, p] = await Promise.all(
      ['data-revision', 'data-alpha', 'data-beta', 'data-mode', 'data-pending'].map((k) => this.curves.getAttribute(k)),
    );
    return { revision: Number(r), alpha: Number(a), beta: Number(b), mode: m, pending: p === '1' };
  }

  /**
   * Waits until the curves show an operating point, the whole sweep of the view (`data-sweep`: sweeps are drawn
   * point by point) and at least `lines` lines (a cold sweep costs a solve per point, hence the longer default wait).
   */
  async waitForCurves(lines = 1, timeout = 120_000): Promise<void> {
    await this.waitForSweep(timeout);
    await expect(this.curves).toHaveAttribute('data-beta', /\d/, { timeout });
    await expect
      .poll(() => this.curves.locator('.scatterlayer .trace .js-line').count(), { timeout })
      .toBeGreaterThanOrEqual(lines);
    await expect(this.points.locator('tbody tr').first()).toBeVisible();
  }

  /** Waits until the curves plot shows every point of the view's sweep (it grows point by point before). */
  async waitForSweep(timeout = 120_000): Promise<void> {
    await expect(this.curves).toHaveAttribute('data-sweep', 'done', { timeout });
    // The first screen's curve may be drawn as plain SVG until Plotly has loaded; specs then read Plotly's traces.
    await expect(this.curves).toHaveAttribute('data-renderer', 'plotly', { timeout });
  }

  /** The slider's value as the page holds it (a fraction). */
  async sliderValue(slider: Locator): Promise<number> {
    return Number(await slider.inputValue());
  }

  /**
   * Waits until the plot shows the worker's answer at β (and α, mode when given) after a redraw newer than `after`
   * (not the page's preview of it); returns the revision.
   * Fractions compare to 1e-9 (the page rounds them so). `timeout` for cold solves (a mode switch sweeps afresh).
   */
  async waitShows(
    want: { beta?: number; alpha?: number; mode?: string },
    after: number,
    timeout?: number,
  ): Promise<number> {
    await expect
      .poll(
        async () => {
          const s = await this.shown();
          const ok =
            s.revision > after &&
            !s.pending &&
            (want.beta === undefined || Math.abs(s.beta - want.beta) < 1e-9) &&
            (want.alpha === undefined || Math.abs(s.alpha - want.alpha) < 1e-9) &&
            (want.mode === undefined || s.mode === want.mode);
          return ok ? 'shown' : JSON.stringify(s);
        },
        timeout === undefined ? {} : { timeout },
      )
      .toBe('shown');
    return this.revision();
  }

  /** Presses a key on a focused slider and waits until the plot shows the slider's new β. */
  async betaKey(key: string, after: number): Promise<{ beta: number; revision: number }> {
    await this.beta.press(key);
    const beta = await this.sliderValue(this.beta);
    return { beta, revision: await this.waitShows({ beta }, after) };
  }

  /** Drags the β thumb with the mouse from one end of the track to a point at `to` (0 = left, 1 = right). */
  async dragBeta(from: number, to: number, steps = 12): Promise<void> {
    const box = await this.beta.boundingBox();
    if (!box) throw new Error('β slider not laid out');
    // The thumb's centre travels between half a thumb width from either end (Chromium's default thumb is ~16 px).
    const x = (f: number) => box.x + 8 + f * (box.width - 16);
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x(from), y);
    await this.page.mouse.down();
    for (let i = 1; i <= steps; i++) await this.page.mouse.move(x(from + ((to - from) * i) / steps), y);
    await this.page.mouse.up();
  }

  /** Restarts the planner worker through the page's planner hook, as a crash would. */
  async crashWorker(): Promise<void> {
    await this.page.evaluate(() =>
      (globalThis as unknown as { __rimwPlanner: { restartWorker(): void } }).__rimwPlanner.restartWorker(),
    );
  }

  /** Through the page's planner hook: a synthetic world, `models` run on it; resolves when the planner shows them. */
  async loadSynthetic(preset: 'small' | 'ml1m', seed: number, models?: string[]): Promise<void> {
    await this.page.evaluate(
      ([p, s, m]) =>
        (
          globalThis as unknown as {
            __rimwPlanner: { loadSynthetic(p: string, s: number, m?: string[]): Promise<void> };
          }
        ).__rimwPlanner.loadSynthetic(p, s, m),
      [preset, seed, models] as const,
    );
  }

  /** Clicks a model's v export and returns the download. */
  async exportV(model: string): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(`planner.export.v.${model}`).click(),
    ]);
    return download;
  }
}
