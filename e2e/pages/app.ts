/** Page object of the workbench: test ids live here, specs speak in user actions. */
import { expect, type Locator, type Page } from '@playwright/test';

export class AppPage {
  readonly upload: Locator;
  readonly summary: Locator;
  readonly problems: Locator;
  readonly mu: Locator;
  readonly bayes: Locator;
  readonly mtpp: Locator;
  /** Every request URL the page made, for the "no data leaves the browser" check. */
  readonly requests: string[] = [];

  constructor(readonly page: Page) {
    this.upload = page.getByTestId('data.upload.input');
    this.summary = page.getByTestId('data.summary');
    this.problems = page.getByTestId('data.problems');
    this.mu = page.getByTestId('paradox.mu');
    this.bayes = page.getByTestId('paradox.ranking.bayes');
    this.mtpp = page.getByTestId('paradox.ranking.mtpp');
    page.on('request', (r) => this.requests.push(r.url()));
  }

  /** Opens the page; `query` is the address's query string (say `?wasmThreads=1`). */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await expect(this.page.getByRole('heading', { name: 'RIM Workbench' })).toBeVisible();
  }

  /** Waits until the summary shows `events` (a number) and returns the events and users it reports. */
  async summaryCounts(): Promise<{ events: number; users: number; source: string }> {
    await expect(this.summary).toBeVisible();
    const events = Number(await this.summary.getAttribute('data-events'));
    const users = Number(await this.summary.getAttribute('data-users'));
    const source = (await this.summary.locator('dd').first().textContent()) ?? '';
    return { events, users, source };
  }

  async uploadAndWait(path: string, sourceName: string): Promise<void> {
    await this.upload.setInputFiles(path);
    await expect(this.summary.locator('dd').first()).toHaveText(sourceName);
  }

  /** Drops a small text file on the drop zone, as dragging one from the desktop would. */
  async dropText(name: string, text: string): Promise<void> {
    const dt = await this.page.evaluateHandle(
      ([n, t]) => {
        const g = globalThis as unknown as {
          DataTransfer: new () => { items: { add(f: unknown): void } };
          File: new (b: string[], n: string) => unknown;
        };
        const d = new g.DataTransfer();
        d.items.add(new g.File([t], n));
        return d;
      },
      [name, text] as const,
    );
    await this.page.getByTestId('data.dropzone').dispatchEvent('drop', { dataTransfer: dt });
  }

  /** Sets μ through the range input (a real input event, as a drag would give). */
  async setMu(mu: number): Promise<void> {
    await this.mu.fill(String(mu));
  }

  /** Restarts the data worker through the test hook, as a crash would. */
  async crashDataWorker(): Promise<void> {
    await this.page.evaluate(() =>
      (globalThis as unknown as { __rimwTest: { restartDataWorker(): void } }).__rimwTest.restartDataWorker(),
    );
  }

  order(ranking: Locator): Promise<string | null> {
    return ranking.getAttribute('data-order');
  }

  /** Requests to any origin other than the local preview server. */
  foreignRequests(): string[] {
    return this.requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      const h = new URL(u).hostname;
      return h !== 'localhost' && h !== '127.0.0.1';
    });
  }

  // ---- Train and Results ----

  /** The ItemRec (or UserRec) results table. */
  resultsTable(task: 'item_rec' | 'user_rec' = 'item_rec'): Locator {
    return this.page.locator(`[data-testid="results.table"][data-task="${task}"]`);
  }

  /** Model names shown in a results table. */
  async resultModels(task: 'item_rec' | 'user_rec' = 'item_rec'): Promise<string[]> {
    return ((await this.resultsTable(task).getAttribute('data-models')) ?? '').split('|').filter((m) => m !== '');
  }

  /** Ticks exactly these models in the Train section. */
  async chooseModels(models: string[]): Promise<void> {
    const boxes = this.page.locator('[data-testid^="train.model."]');
    for (const box of await boxes.all()) {
      const name = ((await box.getAttribute('data-testid')) ?? '').slice('train.model.'.length);
      await box.setChecked(models.includes(name));
    }
  }

  /** Fills the small hyperparameters (empty string = the model's default). */
  async setHyper(h: {
    epochs?: string;
    hidden?: string;
    layers?: string;
    maxLen?: string;
    backend?: string;
  }): Promise<void> {
    const p = this.page;
    if (h.epochs !== undefined) await p.getByTestId('train.epochs').fill(h.epochs);
    if (h.hidden !== undefined) await p.getByTestId('train.hidden').fill(h.hidden);
    if (h.layers !== undefined) await p.getByTestId('train.layers').fill(h.layers);
    if (h.maxLen !== undefined) await p.getByTestId('train.maxlen').fill(h.maxLen);
    if (h.backend !== undefined) await p.getByTestId('train.backend.pref').selectOption(h.backend);
  }

  /** Restarts the run worker through the test hook, as a crash would. */
  async crashRunWorker(): Promise<void> {
    await this.page.evaluate(() =>
      (globalThis as unknown as { __rimwTest: { restartRunWorker(): void } }).__rimwTest.restartRunWorker(),
    );
  }

  /** Loses the run worker's backend (simulated off WebGPU); resolves with the backend's name. */
  loseRunBackend(): Promise<string> {
    return this.page.evaluate(() =>
      (globalThis as unknown as { __rimwTest: { loseRunBackend(): Promise<string> } }).__rimwTest.loseRunBackend(),
    );
  }

  /** How the last run ended (idle, running, done, failed, cancelled). */
  trainStatus(): Locator {
    return this.page.getByTestId('train.status');
  }
}
