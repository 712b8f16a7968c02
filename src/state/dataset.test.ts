/**
 * The dataset actions when loads overlap: the world the page opens on is still being generated when a user drops a
 * file. The data worker is replaced by a fake whose answers the test releases in the order it wants.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataSummary, LoadResult, Sniff } from '../../workers/data.api';
import { sniffBytes } from '../core/data/ingest/sniff';

/** A promise the test settles by hand. */
function gate<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const summaryOf = (source: string, events: number) => ({ source, events }) as unknown as DataSummary;
const worldAnswer = () => ({ ok: true as const, data: summaryOf('synthetic small (seed 1)', 500) });
const fileAnswer = (name: string): LoadResult => ({ ok: true, data: summaryOf(name, 3), problems: [] });

const worker = {
  generate: gate<ReturnType<typeof worldAnswer>>(),
  loadFile: gate<LoadResult>(),
  savedSource: gate<string | null>(),
  sniffed: gate<void>(),
  calls: [] as string[],
};

vi.mock('../bridge/data', () => ({
  dataClient: () => ({
    call: (fn: (api: unknown) => Promise<unknown>) =>
      fn({
        generate: () => (worker.calls.push('generate'), worker.generate.promise),
        loadFile: () => (worker.calls.push('loadFile'), worker.loadFile.promise),
        sniff: async (file: Blob, opts?: { delimiter?: string; header?: boolean }): Promise<Sniff> => {
          await worker.sniffed.promise;
          return sniffBytes(new Uint8Array(await file.arrayBuffer()), true, opts);
        },
        restoreItemMeta: async () => false,
      }),
  }),
  onDataWorkerRestart: () => undefined,
  proxyCallback: <F>(f: F) => f,
}));
vi.mock('../bridge/run', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../bridge/run')>()),
  runClient: () => ({ call: async () => undefined }),
  savedSource: () => worker.savedSource.promise,
  restoreSavedWorkspace: async () => null,
  adoptInDataWorker: async () => ({ ok: false, reason: 'not in this test' }),
  loadLossCurves: async () => undefined,
}));

const { loadFile, loadSynthetic, chooseFile, setFormat, setRole } = await import('./dataset');
const { restoreOrSynthetic } = await import('./workspace');
const { useStore } = await import('./store');

const shown = () => useStore.getState().dataset;
const ratings = () => new File(['userId,movieId,rating,timestamp\n1,10,4,100\n1,11,3,200\n2,10,5,300\n'], 'mine.csv');
/** Lets every settled promise run its continuations. */
const settle = () => new Promise((r) => setTimeout(r, 0));

const opened = useStore.getState().dataset;
beforeEach(() => {
  // Each case starts from a page that shows no data yet.
  useStore.setState({ dataset: opened });
  worker.generate = gate();
  worker.loadFile = gate();
  worker.savedSource = gate();
  worker.sniffed = gate();
  worker.calls = [];
});

describe('a file dropped while the opening world is being generated', () => {
  it('keeps the file when the world answers last', async () => {
    const world = loadSynthetic('small', 1);
    const file = loadFile(ratings());
    worker.loadFile.resolve(fileAnswer('mine.csv'));
    await file;
    // The file's answer is the newest: shown, and the page is no longer busy.
    expect(shown().summary?.source).toBe('mine.csv');
    worker.generate.resolve(worldAnswer());
    await world;
    expect(shown().summary?.source).toBe('mine.csv');
    expect(shown().status).toBe('ready');
  });

  it('shows the world and stays busy until the file answers, when the world answers first', async () => {
    const world = loadSynthetic('small', 1);
    const file = loadFile(ratings());
    worker.generate.resolve(worldAnswer());
    await world;
    // The worker holds the world now; the file is still being read.
    expect(shown().summary?.source).toBe('synthetic small (seed 1)');
    expect(shown().status).toBe('busy');
    expect(shown().activity).toBe('Reading mine.csv…');
    worker.loadFile.resolve(fileAnswer('mine.csv'));
    await file;
    expect(shown().summary?.source).toBe('mine.csv');
    expect(shown().status).toBe('ready');
    expect(shown().activity).toBe('');
  });

  it('a refused file leaves the world the worker holds on the page, with the reason', async () => {
    const world = loadSynthetic('small', 1);
    const file = loadFile(ratings());
    worker.generate.resolve(worldAnswer());
    worker.loadFile.resolve({ ok: false, code: 'empty', reason: 'mine.csv: no events were read', problems: [] });
    await Promise.all([world, file]);
    expect(shown().summary?.source).toBe('synthetic small (seed 1)');
    expect(shown().error).toBe('mine.csv: no events were read');
    expect(shown().status).toBe('ready');
  });
});

describe('the page opening', () => {
  it('never shows the world once the user chose a file, even one still being sniffed', async () => {
    const opening = restoreOrSynthetic();
    // The file is chosen while the page still looks for a saved workspace.
    const choice = chooseFile(ratings());
    worker.savedSource.resolve(null);
    await settle();
    // The world asked for at the start answers first; the file still wins.
    worker.generate.resolve(worldAnswer());
    await settle();
    worker.sniffed.resolve();
    worker.loadFile.resolve(fileAnswer('mine.csv'));
    await Promise.all([opening, choice]);
    await settle();
    expect(worker.calls).toEqual(['generate', 'loadFile']);
    expect(shown().summary?.source).toBe('mine.csv');
  });

  it('asks for the world before the look-up for a saved workspace answers, and shows it when nothing was saved', async () => {
    const opening = restoreOrSynthetic();
    expect(worker.calls).toEqual(['generate']);
    worker.generate.resolve(worldAnswer());
    await settle();
    expect(shown().summary).toBeNull();
    worker.savedSource.resolve(null);
    await opening;
    expect(worker.calls).toEqual(['generate']);
    expect(shown().summary?.source).toBe('synthetic small (seed 1)');
  });

  it('asks for the world again when a saved workspace could not be restored', async () => {
    const opening = restoreOrSynthetic();
    worker.savedSource.resolve('mine.csv');
    worker.generate.resolve(worldAnswer());
    await opening;
    // The restore was tried (and read nothing) after the first world: the data worker may hold something else now.
    expect(worker.calls).toEqual(['generate', 'generate']);
    expect(shown().summary?.source).toBe('synthetic small (seed 1)');
  });
});

describe('the preview of a file whose roles are unclear', () => {
  const unclear = () => new File(['what;when;who\nx;5;ann\ny;3;ann\nx;4;bob\n'], 'unclear.txt');

  it('keeps the roles the user picks while a re-split is on its way', async () => {
    worker.sniffed.resolve();
    await chooseFile(unclear());
    expect(shown().preview?.fileName).toBe('unclear.txt');
    worker.sniffed = gate();
    const resplit = setFormat({ header: false });
    // The user picks every role before the worker's re-split answers (a busy machine).
    setRole('item', 0);
    setRole('time', 1);
    setRole('user', 2);
    worker.sniffed.resolve();
    await resplit;
    const p = shown().preview!;
    expect(p.readAs.header).toBe(false);
    expect(p.sniff.rows).toHaveLength(4);
    expect(p.readAs.columns).toMatchObject({ item: 0, time: 1, user: 2 });
  });

  it('detects the roles afresh for the new split when none was picked meanwhile', async () => {
    worker.sniffed.resolve();
    await chooseFile(unclear());
    setRole('item', 0);
    setRole('time', 1);
    setRole('user', 2);
    worker.sniffed = gate();
    const resplit = setFormat({ header: false });
    worker.sniffed.resolve();
    await resplit;
    // By position, headerless: user, item, then time (sniff.ts); the earlier picks belonged to the old split.
    expect(shown().preview!.readAs.columns).toMatchObject({ user: 0, item: 1, time: 2 });
  });
});
