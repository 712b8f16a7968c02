/**
 * The split the page runs with when data arrives: the data's suggested kind is adopted unless the user chose a split
 * in the panel or the page was opened with a link that names one. The data worker is a fake that answers with a
 * split summary suggesting the kind the test sets.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SplitConfig } from '../core/data/types';
import type { SplitSummary } from '../../workers/data.api';
import { DEFAULT_RUN_CONFIG } from '../core/pipeline/config';

const worker = { suggested: 'user' as SplitConfig['kind'], asked: [] as SplitConfig['kind'][] };
const DAY = 86_400;

vi.mock('../bridge/data', () => ({
  dataClient: () => ({
    call: (fn: (api: unknown) => Promise<unknown>) =>
      fn({
        split: async (split: SplitConfig) => {
          worker.asked.push(split.kind);
          const s: Partial<SplitSummary> = {
            resolved: split,
            suggested: worker.suggested,
            suggestedBecause: { medianUserSpan: 2 * DAY, logSpan: 1000 * DAY },
            warnings: [],
          };
          return { ok: true, data: s };
        },
      }),
  }),
}));

// The page's URL: the hash the test sets, written back in place.
const location = { hash: '', search: '', pathname: '/' };
vi.stubGlobal('window', {
  location,
  history: { replaceState: (_: unknown, __: string, url: string) => (location.hash = url.slice(url.indexOf('#'))) },
});

const { refreshSplit, setSplit, setProtocol } = await import('./split');
const { initConfigFromUrl } = await import('./ui');
const { useStore, patch } = await import('./store');

const ui = () => useStore.getState().ui;
const summaryOf = (source: string) => ({ source }) as never;
/** New data on the page, and its split computed (as the page's subscription does). */
async function arrive(source: string, suggested: SplitConfig['kind']): Promise<void> {
  worker.suggested = suggested;
  patch('dataset', { summary: summaryOf(source) });
  await refreshSplit();
}

beforeEach(() => {
  location.hash = '';
  worker.asked = [];
  initConfigFromUrl();
});

describe('the split of new data', () => {
  it('adopts the suggested kind when nobody chose one, and says so', async () => {
    expect(ui().splitBy).toBe('default');
    expect(ui().config.split).toEqual({ kind: 'temporal' });
    await arrive('ratings.csv', 'user');
    expect(ui().config.split).toEqual({ kind: 'user' });
    expect(ui().splitBy).toBe('suggested');
    // The URL carries the adopted split (a shared link runs the same split).
    expect(decodeURIComponent(location.hash)).toContain('"kind":"user"');
    // The split shown is recomputed with the adopted kind (the temporal one in flight is not shown).
    await refreshSplit();
    expect(worker.asked).toEqual(['temporal', 'user']);
    expect(useStore.getState().training.split?.resolved.kind).toBe('user');
  });

  it("follows the next data's suggestion after adopting one", async () => {
    await arrive('ratings.csv', 'user');
    await arrive('events.csv', 'temporal');
    expect(ui().config.split).toEqual({ kind: 'temporal' });
    expect(ui().splitBy).toBe('suggested');
  });

  it('keeps the split the user chose in the panel, and a protocol the user chose', async () => {
    setSplit({ kind: 'temporal', horizon: 7 * DAY });
    await arrive('ratings.csv', 'user');
    expect(ui().config.split).toEqual({ kind: 'temporal', horizon: 7 * DAY });
    expect(ui().splitBy).toBe('user');
    setProtocol('netflix');
    await arrive('netflix.csv', 'user');
    expect(ui().config.split.kind).toBe('temporal');
  });

  it('keeps the split a link names', async () => {
    const config = { ...DEFAULT_RUN_CONFIG, split: { kind: 'temporal' as const } };
    location.hash = `#config=${encodeURIComponent(JSON.stringify(config))}`;
    initConfigFromUrl();
    expect(ui().splitBy).toBe('url');
    await arrive('ratings.csv', 'user');
    expect(ui().config.split).toEqual({ kind: 'temporal' });
    expect(useStore.getState().training.split?.suggested).toBe('user');
  });

  it('changes nothing when the data suggests the kind already asked for', async () => {
    await arrive('synthetic small (seed 1)', 'temporal');
    expect(ui().config.split).toEqual({ kind: 'temporal' });
    expect(ui().splitBy).toBe('default');
  });
});
