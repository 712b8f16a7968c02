/**
 * The run worker's API: a plain object over core/pipeline's runExperiment, importable in Node tests; run.worker.ts
 * only exposes it with Comlink. It holds the dataset (received by transfer), runs split → fit → evaluate with batched
 * progress and a cancel that stops within one batch, and keeps each model's dense test and validation scores after
 * the run (the fitted models themselves are freed), so the planner and the UserRec explorer never retrain.
 *
 * Big arrays leave by transfer of copies (the worker keeps its own): plannerInput(), explore() rows are small.
 * The host may plug in IndexedDB stores (run.worker.ts does): trained sequence models are reloaded by fingerprint
 * (workers/modelCache.ts), and the dataset and last run are saved in the background (workers/workspace.ts) so a
 * reload restores them (restore()) and "start over" clears them (clearWorkspace()).
 */
import * as Comlink from 'comlink';
import type { Dataset, EvalSet, Split } from '../src/core/data/types';
import type { Scorer } from '../src/core/models/types';
import type { PlannerInput, ModelScores } from '../src/core/planner/types';
import type { RecMetrics } from '../src/core/metrics/evaluate';
import { denseScores, materialize, DENSE_BUDGET_BYTES, type ScoreSource } from '../src/core/models/scores';
import { topCPerColumn, type Selection } from '../src/core/metrics/topk';
import { needsTfjs, parseModelName } from '../src/core/models/names';
import { runExperiment, type ExperimentResult } from '../src/core/pipeline/run';
import { defaultRegistry, type ModelRegistry, type RunSession, type FitContext } from '../src/core/pipeline/registry';
import { effectiveSplit, validateRunConfig, type RunConfig } from '../src/core/pipeline/config';
import { err, ok, type Result } from '../src/core/util/result';
import { makeSplit } from '../src/core/data/split';
import { copyDataset, datasetBuffers } from '../src/core/data/dataset';
import type { SeqModelCache } from '../src/core/pipeline/sequenceModels';
import {
  currentBackend,
  destroyDevice,
  pickBackend,
  watchDeviceLoss,
  type BackendChoice,
  type BackendOptions,
} from './backend';
import type { KeptScores, WorkspaceStore } from './workspace';
import { BACKEND_LADDER } from './ladder';
import { progressBatcher, type RunProgress } from './runProgress';
import { busiestItems, exploreItem, EXPLORE_MAX, type ExploreResult } from './runExplore';

export { progressBatcher, PROGRESS_MS, type RunProgress } from './runProgress';
export { EXPLORE_MAX, type ExploreResult, type ExploreRow } from './runExplore';

/** One model's row as soon as it is evaluated (the page fills its tables row by row). */
export interface ModelRow {
  name: string;
  item: RecMetrics;
  user: RecMetrics;
}

export type RunCode =
  'backend-lost' | 'busy' | 'no-data' | 'bad-config' | 'no-result' | 'unknown-model' | 'aborted' | string;

/** All kept score matrices together stay under this (test + validation of every model). */
export const KEEP_BUDGET_BYTES = 4 * DENSE_BUDGET_BYTES;

type Kept = KeptScores;

/** What the host plugs in: local WASM binaries for the ladder, and IndexedDB stores (absent in plain Node tests). */
export interface RunHostOptions extends BackendOptions {
  /** Trained sequence models reloaded by fingerprint instead of retrained (workers/modelCache.ts). */
  modelCache?: SeqModelCache & { clear(): Promise<void> };
  /** The saved workspace: dataset and last run (workers/workspace.ts). */
  workspace?: WorkspaceStore;
}

/** A restored workspace for the page: the dataset (a copy, to hand on to the data worker) and the last run, if any. */
export interface Restored {
  source: string;
  dataset: Dataset;
  run: { config: RunConfig; result: ExperimentResult } | null;
}

let dataset: Dataset | null = null;
let source = '';
/** The running experiment's stop flag; `lost` says why when the backend under it was lost. */
let stop: { aborted: boolean; lost?: string } | null = null;
/** Backends lost in this worker (a lost WebGPU device): later picks skip them. */
const lostBackends = new Set<string>();
let backendChoice: BackendChoice | null = null;
let backendPick: Promise<BackendChoice> | null = null;
/** The rung order the current pick was made for ('ladder' = the default order). */
let pickedFor = '';
let backendOpts: BackendOptions = {};
let host: RunHostOptions = {};
/** The chain of background IndexedDB writes (in order), and the last one's problem. */
let saving: Promise<unknown> = Promise.resolve();
let saveProblem: string | null = null;
/**
 * The last completed run: its split and each model's kept scores. Once the run is saved in IndexedDB, plannerInput()
 * hands a model's dense scores to the planner worker instead of copying them (`handedOver`: the planner then holds
 * the only copy in memory, and a later call reads them back from the saved run); the explorer keeps its own small
 * per-item lists of top rows (`top`), taken before the hand-over.
 */
interface LastRun {
  split: Split;
  result: ExperimentResult;
  kept: Map<string, Kept>;
  top: Map<string, Selection>;
  handedOver: Set<string>;
  /** savedAt of the saved run these scores belong to (0: not saved). */
  savedAt: number;
}
let last: LastRun | null = null;
/**
 * The backend under the worker is gone: later picks skip it, and a running experiment stops within a batch and
 * answers 'backend-lost' (the page then runs it again on the next rung). Tensors on a lost device are dead weight.
 */
function backendLost(name: string, reason: string): void {
  lostBackends.add(name);
  backendPick = null;
  backendChoice = null;
  pickedFor = '';
  if (stop) {
    stop.lost = reason;
    stop.aborted = true;
  }
}

const lastRun = (split: Split, result: ExperimentResult, kept: Map<string, Kept>, savedAt: number): LastRun => ({
  split,
  result,
  kept,
  top: new Map(),
  handedOver: new Set(),
  savedAt,
});

/** The explorer's top rows per item for `name` (built from the dense test scores while they are here). */
function topOf(run: LastRun, name: string): Selection | null {
  const hit = run.top.get(name);
  if (hit) return hit;
  const k = run.kept.get(name);
  if (!k || run.handedOver.has(name)) return null;
  const t = run.split.test.target;
  const sel = topCPerColumn(denseScores(t.nRows, t.nCols, k.test), EXPLORE_MAX);
  run.top.set(name, sel);
  return sel;
}

/**
 * A registry whose sessions wrap every built scorer: when it scores the split's test rows, the matrix is
 * materialised once (evaluation then reads it), the validation rows are scored too, and both are kept.
 */
function keepingRegistry(base: ModelRegistry, kept: Map<string, Kept>, seen: { split: Split | null }): ModelRegistry {
  const session = base.session.bind(base);
  let used = 0;
  base.session = (ctx: FitContext): RunSession => {
    const s = session(ctx);
    seen.split = ctx.split;
    const build = s.build.bind(s);
    s.build = async (name) => {
      const b = await build(name);
      if (!b.ok) return b;
      const inner: Scorer = b.data.model;
      const scorer: Scorer = {
        name: inner.name,
        scores: async (rows: EvalSet): Promise<ScoreSource> => {
          const src = await inner.scores(rows);
          if (rows !== ctx.split.test) return src;
          const bytes = 4 * src.nCols * (rows.users.length + ctx.split.valid.users.length);
          const test = used + bytes <= KEEP_BUDGET_BYTES ? materialize(src) : null;
          if (!test) return src;
          const valid = ctx.split.valid.users.length > 0 ? materialize(await inner.scores(ctx.split.valid)) : null;
          const lamName = parseModelName(name)?.intensity ?? null;
          let lambda: Float64Array | null = null;
          if (lamName) {
            const lam = await s.intensity(lamName);
            if (lam.ok) lambda = lam.data.model.predict(rows);
          }
          used += bytes;
          kept.set(name, { test, valid, lambda, hasP: (parseModelName(name)?.sequence ?? null) !== null });
          return denseScores(src.nRows, src.nCols, test);
        },
      };
      return ok({ ...b.data, model: scorer });
    };
    return s;
  };
  return base;
}

const copy = <T extends Float32Array | Int32Array>(a: T): T => a.slice() as T;

export const runApi = {
  /** Backend ladder options (the worker passes the local WASM binary URLs); picks nothing yet. */
  configure(opts: RunHostOptions): void {
    host = opts;
    backendOpts = { order: opts.order, wasmPaths: opts.wasmPaths, tolerance: opts.tolerance, software: opts.software };
  },

  /**
   * Walks the backend ladder (webgpu → webgl → wasm → cpu, or `order`, with self-tests); later calls with the same
   * arguments return that choice. `software: false` passes over GPU rungs that would run on a software renderer.
   */
  async initBackend(order?: string[], opts: { software?: boolean } = {}): Promise<BackendChoice> {
    const key = `${order ? order.join(',') : 'ladder'}|${opts.software ?? backendOpts.software ?? ''}`;
    if (!backendPick || key !== pickedFor) {
      // Never switch backends under a running fit (its tensors live on the current one): a cancelled run stops
      // within a batch, so wait for it (bounded: if it is still busy, the current choice stays; run() then answers
      // 'busy' and the page restarts the worker and picks again there).
      for (let waited = 0; stop && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      if (stop && backendChoice) return backendChoice;
      pickedFor = key;
      const rungs = (order ?? backendOpts.order ?? BACKEND_LADDER).filter((b) => !lostBackends.has(b));
      backendPick = pickBackend({
        ...backendOpts,
        ...(opts.software === undefined ? {} : { software: opts.software }),
        order: rungs,
      }).then((choice) => {
        watchDeviceLoss((reason) => backendLost(choice.backend, reason));
        return choice;
      });
    }
    backendChoice = await backendPick;
    return backendChoice;
  },

  /**
   * Test hook: loses the current backend. On WebGPU the device is really destroyed (its `lost` promise does the
   * rest); elsewhere the loss is simulated through the same path. Returns the backend lost.
   */
  loseBackend(): string {
    const name = currentBackend();
    if (!destroyDevice()) backendLost(name, 'the backend was lost (simulated)');
    return name;
  },

  /** The backend in use and why others were skipped (choice null before the ladder ran). */
  backend(): { current: string; choice: BackendChoice | null } {
    return { current: currentBackend(), choice: backendChoice };
  },

  /** Takes the dataset (transfer its arrays); drops results computed on older data; saves it in the workspace. */
  setDataset(d: Dataset, name: string): null {
    dataset = d;
    source = name;
    last = null;
    const ws = host.workspace;
    if (!ws) return null;
    // Saved in the background: the first run does not wait for IndexedDB; saves stay in order (data, then runs).
    saving = saving
      .then(() => ws.saveData({ source: name, dataset: d, savedAt: Date.now() }))
      .then(
        () => (saveProblem = null),
        (e: unknown) =>
          (saveProblem = `the workspace could not be saved in this browser (${e instanceof Error ? e.message : String(e)}); it will not survive a reload`),
      );
    return null;
  },

  /** Resolves when every background save so far is done, with the last save problem (null when all went well). */
  async saved(): Promise<string | null> {
    await saving;
    return saveProblem;
  },

  /** The source name of the data held (e.g. "synthetic small (seed 1)"), '' before any. */
  source(): string {
    return source;
  },

  /**
   * Runs an experiment on the held dataset. Progress leaves batched (RunProgress), rows as each model finishes.
   * The tfjs backend is picked first when the config asks for a sequence model.
   */
  async run(
    config: RunConfig,
    onProgress?: (p: RunProgress) => void,
    onModel?: (row: ModelRow) => void,
  ): Promise<Result<ExperimentResult, RunCode>> {
    if (stop) return err('busy', 'a run is in progress; cancel it first');
    if (!dataset) return err('no-data', 'no data in the run worker yet');
    const v = validateRunConfig(config);
    if (!v.ok) return v;
    const my: { aborted: boolean; lost?: string } = { aborted: false };
    stop = my;
    try {
      if (config.models.some(needsTfjs)) backendChoice = await (backendPick ?? runApi.initBackend());
      if (my.aborted) return err('aborted', 'run: stopped');
      const kept = new Map<string, Kept>();
      const seen: { split: Split | null } = { split: null };
      const registry = keepingRegistry(
        defaultRegistry({ sequence: config.sequence ?? {}, modelCache: host.modelCache }),
        kept,
        seen,
      );
      // After a cancel nothing more is reported: the page has moved on.
      const batch = progressBatcher(config.models.length, (p) => my.aborted || onProgress?.(p));
      const r = await runExperiment(dataset, config, {
        registry,
        signal: my,
        onProgress: (m, p) => batch.fit(m, p),
        onModel: (name, item, user) => {
          if (my.aborted) return;
          batch.model(name);
          onModel?.({ name, item, user });
        },
      });
      if (my.lost) return err('backend-lost', my.lost);
      if (!r.ok) return r;
      if (my.aborted) return err('aborted', 'run: stopped');
      const savedAt = host.workspace ? Date.now() : 0;
      if (seen.split) last = lastRun(seen.split, r.data, kept, savedAt);
      const ws = host.workspace;
      if (ws) {
        const run = { source, config, result: r.data, kept: [...kept], savedAt };
        saving = saving
          .then(() => ws.saveRun(run))
          .then(
            () => (saveProblem = null),
            (e: unknown) =>
              (saveProblem = `results not saved in this browser: ${e instanceof Error ? e.message : String(e)}`),
          );
      }
      return r;
    } finally {
      if (stop === my) stop = null;
    }
  },

  /** Stops the running experiment within one batch (its promise resolves with code 'aborted'). */
  cancel(): void {
    if (stop) stop.aborted = true;
  },

  /** The last completed run's results (rime's ExperimentResult), or null. */
  result(): ExperimentResult | null {
    return last?.result ?? null;
  },

  /** Names of the models whose scores are kept (evaluated and within the memory budget). */
  keptModels(): string[] {
    return last ? [...last.kept.keys()] : [];
  },

  /**
   * The planner's input (core/planner/types PlannerInput) for the kept models (all, or those named): their dense
   * test and validation scores, the test targets and item ids, handed over by transfer. With a saved workspace the
   * worker's own arrays go (held once, in the planner; read back from IndexedDB when asked again); without one, or
   * when the save failed, copies. Null before a run, or when a newer run replaced this one meanwhile.
   */
  async plannerInput(models?: string[]): Promise<PlannerInput | null> {
    const run = last;
    const data = dataset;
    if (!run || !data) return null;
    const ws = host.workspace;
    if (ws) await saving;
    if (last !== run) return null;
    const handOver = !!ws && saveProblem === null && run.savedAt > 0;
    let saved: Map<string, Kept> | null = null;
    const readBack = async (): Promise<Map<string, Kept> | null> => {
      if (saved || !ws) return saved;
      const r = await ws.loadRun();
      saved = r && r.savedAt === run.savedAt ? new Map(r.kept) : null;
      return saved;
    };
    const test = run.split.test;
    const out: ModelScores[] = [];
    for (const [name, k] of run.kept) {
      if (models && !models.includes(name)) continue;
      let scores: { test: Float32Array; valid: Float32Array | null } | null;
      if (run.handedOver.has(name)) {
        const back = (await readBack())?.get(name);
        if (last !== run) return null;
        scores = back ? { test: back.test, valid: back.valid } : null;
      } else if (handOver) {
        topOf(run, name);
        run.handedOver.add(name);
        run.kept.set(name, { ...k, test: new Float32Array(0), valid: null });
        scores = { test: k.test, valid: k.valid };
      } else {
        scores = { test: copy(k.test), valid: k.valid ? copy(k.valid) : null };
      }
      if (!scores) continue;
      out.push({
        model: name,
        test: scores.test,
        testRows: test.users.length,
        valid: scores.valid,
        validRows: scores.valid ? run.split.valid.users.length : 0,
        nItems: test.target.nCols,
      });
    }
    const t = test.target;
    const target = {
      nRows: t.nRows,
      nCols: t.nCols,
      indptr: copy(t.indptr),
      indices: copy(t.indices),
      data: copy(t.data),
    };
    const buffers = [target.indptr.buffer, target.indices.buffer, target.data.buffer] as ArrayBuffer[];
    for (const m of out)
      buffers.push(m.test.buffer as ArrayBuffer, ...(m.valid ? [m.valid.buffer as ArrayBuffer] : []));
    return Comlink.transfer(
      { models: out, target, itemIds: data.itemIds.slice(0, t.nCols) },
      buffers as Parameters<typeof Comlink.transfer>[1],
    );
  },

  /** Items worth exploring: the `n` items with the most test-window events (ids, events). */
  exploreItems(n = 50): { id: string; events: number }[] {
    if (!last || !dataset) return [];
    return busiestItems(last.split.test.target, dataset.itemIds, n);
  },

  /**
   * UserRec explorer: the item's top `topN` test users under `model`, with λ(x), p(y|x), their recent history and
   * whether they came in the window; computed from the kept scores (no model is re-run).
   */
  explore(model: string, itemId: string, topN = 10, historyLength = 5): Result<ExploreResult, RunCode> {
    if (!last || !dataset) return err('no-result', 'no completed run yet');
    const k = last.kept.get(model);
    const top = topOf(last, model);
    if (!k || !top) return err('unknown-model', `no kept scores for ${model}`);
    const item = dataset.itemIds.indexOf(itemId);
    if (item < 0 || item >= last.split.test.target.nCols)
      return err('unknown-model', `item ${itemId} is not a candidate of this split`);
    return ok(exploreItem(dataset, last.split.test, k, top, model, item, topN, historyLength));
  },

  /** Forgets the dataset and the kept results (in memory only). */
  clear(): void {
    dataset = null;
    source = '';
    last = null;
  },

  /**
   * Reads the saved workspace back: the dataset (held here, and a copy by transfer for the data worker) and the
   * last run on it, whose split is recomputed from its config (deterministic) so the planner and explorer work again.
   * Null when nothing (or nothing readable) was saved.
   */
  async restore(): Promise<Restored | null> {
    const ws = host.workspace;
    if (!ws) return null;
    await saving;
    const saved = await ws.loadData();
    if (!saved) return null;
    dataset = saved.dataset;
    source = saved.source;
    last = null;
    const run = await ws.loadRun();
    let shown: Restored['run'] = null;
    if (run && run.source === saved.source) {
      const sp = makeSplit(saved.dataset, effectiveSplit(run.config));
      if (sp.ok) {
        last = lastRun(sp.data, run.result, new Map(run.kept), run.savedAt);
        shown = { config: run.config, result: run.result };
      }
    }
    const copyOut = copyDataset(saved.dataset);
    return Comlink.transfer({ source: saved.source, dataset: copyOut, run: shown }, datasetBuffers(copyOut));
  },

  /** Start over: forgets everything here and clears the saved workspace and the trained-model cache. */
  async clearWorkspace(): Promise<void> {
    if (stop) stop.aborted = true;
    runApi.clear();
    await saving;
    await host.workspace?.clear();
    await host.modelCache?.clear();
  },
};

export type RunApi = typeof runApi;
