/**
 * The run worker's API: a thin adapter over core/pipeline's runAndKeep, importable in Node tests; run.worker.ts only
 * exposes it with Comlink. It holds the dataset (received by transfer), runs split → fit → evaluate with batched
 * progress (runProgress.ts) and a cancel that stops within one batch, and keeps each model's dense scores after the
 * run (lastRun.ts), so the planner and the UserRec explorer (runExplore.ts) never retrain. The tfjs backend is
 * backend.ts's session. With the host's IndexedDB stores (run.worker.ts), trained sequence models are reloaded by
 * fingerprint (modelCache.ts), and the dataset and last run are saved so a reload restores them (runWorkspace.ts).
 */
import * as Comlink from 'comlink';
import type { Dataset } from '../src/core/data/types';
import { needsTfjs } from '../src/core/models/names';
import { runAndKeep, type ExperimentResult } from '../src/core/pipeline/run';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import { validateRunConfig, type RunConfig } from '../src/core/pipeline/config';
import { err, ok, type Result } from '../src/core/util/result';
import type { RunCode } from './runViews';
import { copyDataset, datasetBuffers } from '../src/core/data/dataset';
import type { SeqModelCache } from '../src/core/pipeline/sequenceModels';
import type { BackendOptions } from '../src/platform/backend';
import { runBackend, type RunJob } from './runBackend';
import { timeSequenceBatches, type WorkerBatchTimes } from './runTiming';
import type { WorkspaceStore } from './workspace';
import { runWorkspace, type Restored } from './runWorkspace';
import { lastRunViews } from './runViews';
import { pageHooks, type ModelRow, type RunProgress } from './runProgress';
import {
  KEEP_BUDGET_BYTES,
  firstModelInputOf,
  lastRun,
  restoredRun,
  shareable,
  type FirstModelInput,
  type LastRun,
} from './lastRun';

export { progressBatcher, PROGRESS_MS, type ModelRow, type RunProgress } from './runProgress';
export { EXPLORE_MAX, type ExploreResult, type ExploreRow } from './runExplore';
export type { Restored } from './runWorkspace';
export type { FirstModelInput } from './lastRun';
export { PARADOX_GAMMA_STEPS, type ParadoxAnswer } from './runParadox';

export type { RunCode } from './runViews';

/** One end of a MessageChannel between two workers (a MessagePort in the browser and in Node). */
export type ChannelEnd = Comlink.Endpoint & { close(): void };

/** What the host plugs in: local WASM binaries for the ladder, and IndexedDB stores (absent in plain Node tests). */
export interface RunHostOptions extends BackendOptions {
  /** Trained sequence models reloaded by fingerprint instead of retrained (workers/modelCache.ts). */
  modelCache?: SeqModelCache & { clear(): Promise<void> };
  /** The saved workspace: dataset and last run (workers/workspace.ts). */
  workspace?: WorkspaceStore;
}

let dataset: Dataset | null = null;
let source = '';
/** The running experiment's stop flag (null when idle), shared with the backend session (runBackend.ts). */
const job: RunJob = { stop: null };
const { backends, backendApi } = runBackend(job);
/** Whether the dataset the page last sent is here, once it is (receiveDataset), and how to stop waiting for it. */
let incoming: Promise<boolean> = Promise.resolve(true);
let waiting: { id: number; stop: () => void } | null = null;
/** Who waits for the first model of the next run (see firstModelInput). */
let firstWaiter: ((r: FirstModelInput | null) => void) | null = null;
let host: RunHostOptions = {};
const workspace = runWorkspace();
let last: LastRun | null = null;

export const runApi = {
  /** Backend ladder options and the host's stores; picks nothing yet. */
  configure(opts: RunHostOptions): void {
    host = opts;
    backends.configure({
      order: opts.order,
      wasmPaths: opts.wasmPaths,
      tolerance: opts.tolerance,
      software: opts.software,
    });
    workspace.configure(opts.workspace, opts.modelCache);
  },

  ...backendApi,

  /** Bench hook (bench/seq-page.bench.ts): timed training batches on the ML-1M-shaped world; refused during a run. */
  timeSequenceBatches(kind: 'gru' | 'transformer', batches: number): Promise<WorkerBatchTimes> {
    if (job.stop) return Promise.reject(new Error('a run is in progress'));
    return timeSequenceBatches(kind, batches);
  },

  /**
   * Takes the dataset that the data worker posts on `port` (its exportTo) as `name`, like setDataset; a run asked
   * meanwhile waits for it, so the page may ask for the run at once. Resolves whether a dataset came (false: the data
   * worker held none, or the page gave up on request `id` with dropIncoming).
   */
  receiveDataset(port: ChannelEnd, name: string, id: number): Promise<boolean> {
    waiting?.stop();
    const got = new Promise<boolean>((resolve) => {
      const onMessage = (e: Event) => done((e as MessageEvent).data as Dataset | null);
      const done = (d: Dataset | null) => {
        port.removeEventListener('message', onMessage);
        port.close();
        if (waiting?.id === id) waiting = null;
        if (d) runApi.setDataset(d, name);
        resolve(d !== null);
      };
      waiting = { id, stop: () => done(null) };
      port.addEventListener('message', onMessage);
      port.start?.();
    });
    incoming = got;
    return got;
  },

  /** The page's data request `id` failed before the data worker posted anything: a run waiting for it goes on. */
  dropIncoming(id: number): void {
    if (waiting?.id === id) waiting.stop();
  },

  /** Takes the dataset (transfer its arrays); drops results computed on older data; saves it in the workspace. */
  setDataset(d: Dataset, name: string): null {
    incoming = Promise.resolve(true);
    dataset = d;
    source = name;
    last = null;
    workspace.saveData(name, d);
    return null;
  },

  /** Resolves when every background save so far is done, with the last save problem (null when all went well). */
  saved(): Promise<string | null> {
    return workspace.settled();
  },

  /** The source name of the data held (e.g. "synthetic small (seed 1)"), '' before any. */
  source(): string {
    return source;
  },

  /** Runs an experiment on the held dataset (the tfjs backend picked first when a model needs it). */
  async run(
    config: RunConfig,
    onProgress?: (p: RunProgress) => void,
    onModel?: (row: ModelRow) => void,
  ): Promise<Result<ExperimentResult, RunCode>> {
    if (job.stop) return err('busy', 'a run is in progress; cancel it first');
    const v = validateRunConfig(config);
    if (!v.ok) return v;
    const my: { aborted: boolean; lost?: string } = { aborted: false };
    job.stop = my;
    try {
      // The data asked for just before this run may still be on its way from the data worker.
      const arrived = await incoming;
      if (my.aborted) return err('aborted', 'run: stopped');
      if (!arrived || !dataset) return err('no-data', 'no data in the run worker yet');
      if (config.models.some(needsTfjs)) await backends.forRun();
      if (my.aborted) return err('aborted', 'run: stopped');
      const r = await runAndKeep(dataset, config, {
        registry: defaultRegistry({ sequence: config.sequence ?? {}, modelCache: host.modelCache }),
        signal: my,
        keep: { budgetBytes: KEEP_BUDGET_BYTES },
        ...pageHooks(config.models.length, my, onProgress, onModel),
        onKept: (name, kept, split, runDataset) => {
          if (my.aborted || !firstWaiter) return;
          const { first, buffers } = firstModelInputOf(source, split, runDataset.itemIds, name, kept);
          firstWaiter(Comlink.transfer(first, buffers));
          firstWaiter = null;
          // The reply goes out from a chain of microtasks, which the next fit's synchronous stretches would hold
          // back: a task's turn lets it post now.
          return new Promise<void>((r) => setTimeout(r, 0));
        },
      });
      if (my.lost) return err('backend-lost', my.lost);
      if (!r.ok) return r;
      if (my.aborted) return err('aborted', 'run: stopped');
      const { result, split, kept } = r.data;
      // Test scores over shared memory: the planner can take them while the save below is still writing them.
      for (const k of kept.values()) k.test = shareable(k.test);
      last = lastRun(r.data.dataset, split, result, kept, workspace.saveRun(source, config, result, kept));
      return ok(result);
    } finally {
      if (job.stop === my) job.stop = null;
    }
  },

  /** Stops the running experiment within one batch (its promise resolves with code 'aborted'). */
  cancel(): void {
    if (job.stop) job.stop.aborted = true;
  },

  /**
   * Resolves with the planner input of the first model that the next run keeps (a copy of its scores, moved by
   * transfer), so that the planner shows a quick run's first curve before the run ends. A run reads no messages until
   * it ends: ask before it starts. A newer call makes an older one resolve null.
   */
  firstModelInput(): Promise<FirstModelInput | null> {
    firstWaiter?.(null);
    return new Promise((resolve) => (firstWaiter = resolve));
  },

  ...lastRunViews(
    () => last,
    () => source,
    workspace,
  ),

  /** Forgets the dataset and the kept results (in memory only). */
  clear(): void {
    dataset = null;
    source = '';
    last = null;
  },

  /**
   * Reads the saved workspace back: the dataset (held here, and a copy by transfer for the data worker) and the last
   * run on it, its split recomputed (planner and explorer work again). Null when nothing readable was saved.
   */
  async restore(): Promise<Restored | null> {
    const saved = await workspace.loadData();
    if (!saved) return null;
    dataset = saved.dataset;
    source = saved.source;
    last = null;
    const run = await workspace.loadRun(saved.source);
    last = run && restoredRun(saved.dataset, run);
    const shown = run && last ? { config: run.config, result: run.result } : null;
    const copyOut = copyDataset(saved.dataset);
    return Comlink.transfer({ source: saved.source, dataset: copyOut, run: shown }, datasetBuffers(copyOut));
  },

  /** Start over: forgets everything here and clears the saved workspace and the trained-model cache. */
  async clearWorkspace(): Promise<void> {
    if (job.stop) job.stop.aborted = true;
    runApi.clear();
    await workspace.clear();
  },
};

export type RunApi = typeof runApi;
