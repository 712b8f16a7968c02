/**
 * A worker's side of the saved workspace (workspace.ts, IndexedDB): the run worker's dataset and each completed run,
 * the ctr worker's impression log and last run, written in the background and in order (a run never waits for a
 * save; whoever needs the saved state waits for the queue), read back after a reload, and cleared on "start over"
 * with the trained-model cache. A failed write is kept as a problem for the page to show. Without a store (plain
 * Node tests) nothing is saved.
 */
import type { Dataset } from '../src/core/data/types';
import type { RunConfig } from '../src/core/pipeline/config';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import type { SavedCtrData, SavedCtrRun, SavedData, SavedRun, WorkspaceStore } from './workspace';
import { canShare } from './lastRun';

/** A restored workspace for the page: the dataset (a copy, to hand on to the data worker) and the last run, if any. */
export interface Restored {
  source: string;
  dataset: Dataset;
  run: { config: RunConfig; result: ExperimentResult } | null;
}

/** A failed write in words: IndexedDB's errors often carry only a name (a full disk: QuotaExceededError, no message). */
function message(e: unknown): string {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
  const text =
    e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)
      ? String((e as Error).message)
      : String(e);
  if (name === 'QuotaExceededError')
    return `this browser's storage for the page is full (${name}${text ? `: ${text}` : ''})`;
  return name && name !== 'Error' ? `${name}${text ? `: ${text}` : ''}` : text || 'unknown error';
}

export function runWorkspace() {
  let store: WorkspaceStore | null = null;
  let models: { clear(): Promise<void> } | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let problem: string | null = null;
  /** The dataset last handed to saveData (held by the worker anyway): a run's save writes it again when another tab
   * saved its own data since. */
  let data: SavedData | null = null;
  /** The last run's save while it is queued or under way: `locked` once it holds the write lock; `done` once it
   * settled, true when it saved the run. */
  let saving: { savedAt: number; locked: Promise<void>; done: Promise<boolean> } | null = null;
  /** Queues `write` after the earlier ones; `failure` words its problem from the error's message. */
  const queue = (write: () => Promise<void>, failure: (why: string) => string): void => {
    chain = chain.then(write).then(
      () => (problem = null),
      (e: unknown) => (problem = failure(message(e))),
    );
  };
  const ws = {
    /** The host's stores (absent: nothing is saved). */
    configure(workspace?: WorkspaceStore, modelCache?: { clear(): Promise<void> }): void {
      store = workspace ?? null;
      models = modelCache ?? null;
    },
    /**
     * Where the planner's input may come from for the run saved at `savedAt` (lastRun.ts plannerInputOf). While that
     * run's save is under way and its test scores can be shared (lastRun.ts shareable), once it holds the write lock (so a reader that waits for the lock reads it whole):
     * `saving`, settled with the save (true: saved). Otherwise after the pending writes: the worker's own arrays may
     * be handed over only when that run is safely saved. `saved` reads after the pending writes.
     */
    async scoreHome(
      savedAt: number,
    ): Promise<{ saved: Pick<WorkspaceStore, 'loadRun'> | null; handOver: boolean; saving: Promise<boolean> | null }> {
      const s = store;
      if (!s) return { saved: null, handOver: false, saving: null };
      const saved = { loadRun: async () => (await chain, s.loadRun()) };
      const w = saving;
      if (w && w.savedAt === savedAt && savedAt > 0 && canShare()) {
        await w.locked;
        if (saving === w) return { saved, handOver: false, saving: w.done };
      }
      await chain;
      return { saved, handOver: problem === null && savedAt > 0, saving: null };
    },
    /** Saves the dataset in the background. */
    saveData(source: string, dataset: Dataset): void {
      const s = store;
      if (!s) return;
      const d: SavedData = { source, dataset, savedAt: Date.now() };
      data = d;
      queue(
        () => s.saveData(d),
        (why) => `the workspace could not be saved in this browser (${why}); it will not survive a reload`,
      );
    },
    /** Saves a completed run in the background; returns its savedAt (0: no store, not saved). */
    saveRun(source: string, config: RunConfig, result: ExperimentResult, kept: Map<string, KeptScores>): number {
      const s = store;
      if (!s) return 0;
      const run: SavedRun = { source, config, result, kept: [...kept], savedAt: Date.now() };
      let locked = () => {};
      const w = { savedAt: run.savedAt, locked: new Promise<void>((r) => (locked = r)), done: Promise.resolve(false) };
      saving = w;
      queue(
        () => s.saveRun(run, data?.source === source ? data : undefined, locked),
        (why) =>
          `results not saved in this browser: ${why}. They will be gone after a reload; until then this tab keeps working with them`,
      );
      // A save that fails before it takes the lock must not leave a reader waiting for it.
      w.done = chain.then(() => {
        locked();
        if (saving === w) saving = null;
        return problem === null;
      });
      return run.savedAt;
    },
    /** Saves the click-and-conversion worker's log in the background. */
    saveCtrData(d: Omit<SavedCtrData, 'savedAt'>): void {
      const s = store;
      if (!s) return;
      queue(
        () => s.saveCtrData({ ...d, savedAt: Date.now() }),
        (why) => `the impression log could not be saved in this browser (${why}); it will not survive a reload`,
      );
    },
    /** Saves a completed click-and-conversion run in the background. */
    saveCtrRun(r: Omit<SavedCtrRun, 'savedAt'>): void {
      const s = store;
      if (!s) return;
      queue(
        () => s.saveCtrRun({ ...r, savedAt: Date.now() }),
        (why) => `results not saved in this browser: ${why}`,
      );
    },
    /** The saved impression log and last click-and-conversion run, after the pending writes (null: none). */
    async loadCtr(): Promise<{ data: SavedCtrData; run: SavedCtrRun | null } | null> {
      if (!store) return null;
      await chain;
      const data = await store.loadCtrData();
      return data ? { data, run: (await store.loadCtrRun()) ?? null } : null;
    },
    /** Resolves when every write queued so far is done, with the last one's problem (null when it went well). */
    async settled(): Promise<string | null> {
      await chain;
      return problem;
    },
    /** The saved dataset, after the pending writes; null without a store or when nothing readable was saved. */
    async loadData(): Promise<SavedData | null> {
      if (!store) return null;
      await chain;
      const d = (await store.loadData()) ?? null;
      if (d) data = d;
      return d;
    },
    /** The saved run, after the pending writes, when it was computed on data `source` (null otherwise). */
    async loadRun(source: string): Promise<SavedRun | null> {
      await chain;
      const run = await store?.loadRun();
      return run && run.source === source ? run : null;
    },
    /** Start over: clears the saved workspace and the trained-model cache, after the pending writes. */
    async clear(): Promise<void> {
      await chain;
      data = null;
      await store?.clear();
      await models?.clear();
    },
  };
  return ws;
}
