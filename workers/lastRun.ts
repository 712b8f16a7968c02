/**
 * The run worker's last completed run (its split, result and each model's kept scores) and the policy by which its
 * scores reach the planner. Once the run is saved in IndexedDB, a model's dense scores are handed over to the planner
 * worker instead of copied (the planner then holds the only copy in memory, and a later call reads them back from
 * the saved run); the explorer keeps its own small per-item lists of top rows (`top`), taken before the hand-over.
 * A hand-over made while the save was under way is undone if the save fails: this worker keeps its scores, and the
 * planner gets the validation scores it was told are saved from here instead (validCopies).
 */
import type { Csr, Dataset, Split } from '../src/core/data/types';
import { runData, type ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import type { ModelScores, PlannerInput } from '../src/core/planner/types';
import type { Selection } from '../src/core/metrics/topk';
import { makeSplit } from '../src/core/data/split';
import { DENSE_BUDGET_BYTES, denseScores } from '../src/core/models/scores';
import type { SavedRun, WorkspaceStore } from './workspace';
import { topCPerColumn } from '../src/core/metrics/topk';
import { release } from '../src/core/util/release';
import { inputBuffers } from '../src/core/planner/inputBuffers';

/** All kept score matrices of a run together stay under this (test + validation of every model). */
export const KEEP_BUDGET_BYTES = 4 * DENSE_BUDGET_BYTES;

export interface LastRun {
  /** The log the run worked on: the held dataset, or its protocol-filtered copy (pipeline/run.ts runData). */
  dataset: Dataset;
  split: Split;
  result: ExperimentResult;
  kept: Map<string, KeptScores>;
  /** The explorer's top rows per item, by model (runExplore.ts topOf). */
  top: Map<string, Selection>;
  /** Models whose dense scores went to the planner (the worker keeps empty arrays for them). */
  handedOver: Set<string>;
  /** savedAt of the saved run these scores belong to (0: not saved). */
  savedAt: number;
  /** Settles once every hand-over made while the save was under way is settled (kept or undone). */
  settled: Promise<void>;
}

export const lastRun = (
  dataset: Dataset,
  split: Split,
  result: ExperimentResult,
  kept: Map<string, KeptScores>,
  savedAt: number,
): LastRun => ({
  dataset,
  split,
  result,
  kept,
  top: new Map(),
  handedOver: new Set(),
  savedAt,
  settled: Promise.resolve(),
});

/**
 * A saved run back on its dataset: the protocol filter and the split are recomputed from its config (both
 * deterministic); null if either fails.
 */
export function restoredRun(dataset: Dataset, saved: SavedRun): LastRun | null {
  const data = runData(dataset, saved.config);
  if (!data.ok) return null;
  const sp = makeSplit(data.data.dataset, data.data.split);
  return sp.ok ? lastRun(data.data.dataset, sp.data, saved.result, new Map(saved.kept), saved.savedAt) : null;
}

const copy = <T extends Float32Array | Int32Array>(a: T): T => a.slice() as T;

/** Copies of a model's kept scores (this worker keeps its own). */
const copies = (k: KeptScores): Scores => ({ test: copy(k.test), valid: k.valid ? copy(k.valid) : null });

/** Whether model `name`'s hand-over still stands once the save under way when it was made has settled. */
async function handOverStands(run: LastRun, name: string): Promise<boolean> {
  await run.settled;
  return run.handedOver.has(name);
}

/**
 * Where plannerInput may find the scores: `handOver` when the run is safely saved in `saved`; `saving` while its save
 * is under way (holding the workspace's write lock; resolves once it settled: true when saved, false when it failed).
 */
export interface ScoreHome {
  saved: Pick<WorkspaceStore, 'loadRun'> | null;
  handOver: boolean;
  saving?: Promise<boolean> | null;
  /** Whether `run` is still the worker's last run (a newer run may replace it while this waits on IndexedDB). */
  current: () => boolean;
}

/** Whether this host can share memory between workers (cross-origin isolated in a browser; Node always can). */
export const canShare = (): boolean =>
  typeof SharedArrayBuffer === 'function' &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

/**
 * `a` over shared memory when the host allows it (a copy; `a` itself is freed), else `a`: the planner worker can then
 * read a run's scores while the run worker still saves them, without a second copy or waiting for the save.
 */
export function shareable(a: Float32Array): Float32Array {
  if (!canShare() || a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  release(a);
  return out;
}

const isShared = (a: Float32Array): boolean =>
  typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;

/**
 * The planner's input for the kept models of `run` (all, or those named), with the buffers to transfer: dense test
 * and validation scores (handed over, read back, or copies; see above), the test targets and item ids. Null when a
 * newer run replaced this one meanwhile.
 */
export async function plannerInputOf(
  run: LastRun,
  itemIds: string[],
  models: string[] | undefined,
  home: ScoreHome,
): Promise<{ input: PlannerInput; buffers: ArrayBuffer[] } | null> {
  let saved: Map<string, KeptScores> | null = null;
  const readBack = async (): Promise<Map<string, KeptScores> | null> => {
    if (saved || !home.saved) return saved;
    const r = await home.saved.loadRun();
    saved = r && r.savedAt === run.savedAt ? new Map(r.kept) : null;
    return saved;
  };
  const out: [string, Scores][] = [];
  const later: string[] = [];
  for (const name of [...run.kept.keys()]) {
    if (models && !models.includes(name)) continue;
    // A hand-over made while the save was under way stands only once that save is done (undone if it failed).
    const undone = run.handedOver.has(name) && !(await handOverStands(run, name));
    if (!home.current()) return null;
    const k = run.kept.get(name)!;
    let scores: Scores | null;
    if (run.handedOver.has(name)) {
      const back = (await readBack())?.get(name);
      if (!home.current()) return null;
      scores = back ? { test: back.test, valid: null, validSaved: back.valid ? run.savedAt : undefined } : null;
    } else if (home.handOver && !undone) {
      topOf(run, name);
      run.handedOver.add(name);
      run.kept.set(name, { ...k, test: new Float32Array(0), valid: null });
      // The validation scores stay in the saved run: the planner reads them from there for its online mode only.
      // Freed here now (an idle worker collects garbage late).
      release(k.valid);
      scores = { test: k.test, valid: null, validSaved: k.valid ? run.savedAt : undefined };
    } else if (home.saving && isShared(k.test) && !undone) {
      // The save under way still reads both: the test scores are shared (shareable), one copy for both workers. The
      // explorer's top rows are taken after the planner has its input (below), from the shared test scores. Once the
      // save settled, this worker lets go of them and frees the validation scores; if it failed, it keeps both.
      run.handedOver.add(name);
      run.kept.set(name, { ...k, valid: null });
      const settled = home.saving.then((saved) => settle(run, name, k, saved));
      run.settled = Promise.all([run.settled, settled]).then(() => undefined);
      later.push(name);
      scores = { test: k.test, valid: null, validSaved: k.valid ? run.savedAt : undefined };
    } else {
      scores = copies(k);
    }
    if (scores) out.push([name, scores]);
  }
  // After the reply is sent (a task after this one).
  if (later.length > 0) setTimeout(() => topsOfShared(run, later, home.current), 0);
  return assembleInput(run.split.test.target, run.split.valid.users.length, itemIds, out);
}

/** A model's scores for the planner; `validSaved`: its validation scores are left in that saved run's record. */
export type Scores = { test: Float32Array; valid: Float32Array | null; validSaved?: number };

/**
 * A planner input of the given models' scores (test rows as the targets', `validRows` validation rows) and a copy of
 * the test targets, with every buffer to transfer.
 */
export function assembleInput(
  t: Csr,
  validRows: number,
  itemIds: string[],
  scores: [string, Scores][],
): { input: PlannerInput; buffers: ArrayBuffer[] } {
  const models: ModelScores[] = scores.map(([model, s]) => ({
    model,
    test: s.test,
    testRows: t.nRows,
    valid: s.valid,
    validRows: s.valid || s.validSaved !== undefined ? validRows : 0,
    ...(s.validSaved !== undefined ? { validSaved: s.validSaved } : {}),
    nItems: t.nCols,
  }));
  const target = {
    nRows: t.nRows,
    nCols: t.nCols,
    indptr: copy(t.indptr),
    indices: copy(t.indices),
    data: copy(t.data),
  };
  const input = { models, target, itemIds: itemIds.slice(0, t.nCols) };
  return { input, buffers: inputBuffers(input) };
}

/** The first model of a run, for the planner: its scores (copies) and the source of the data it ran on. */
export interface FirstModelInput {
  source: string;
  input: PlannerInput;
}

/**
 * One kept model's planner input while its run goes on: copies of its scores and of the test targets, with their
 * buffers to transfer (the run keeps its own arrays; the copies are moved, not cloned once more on the way).
 */
export function firstModelInputOf(
  source: string,
  split: Split,
  itemIds: string[],
  model: string,
  k: KeptScores,
): { first: FirstModelInput; buffers: ArrayBuffer[] } {
  const { input, buffers } = assembleInput(split.test.target, split.valid.users.length, itemIds, [[model, copies(k)]]);
  return { first: { source, input }, buffers };
}

/** Rows per item the explorer can list (its top-N is at most this). */
export const EXPLORE_MAX = 32;

/** Takes the explorer's top rows of handed-over models whose shared test scores this worker still holds. */
function topsOfShared(run: LastRun, names: string[], current: () => boolean): void {
  if (current()) for (const name of names) topOf(run, name);
}

/**
 * After the save that was under way when model `name`'s scores `k` went to the planner: saved, this worker lets go of
 * the shared test scores (the planner holds them) and frees the validation scores (the saved run holds them); not
 * saved, the hand-over is undone and this worker keeps both, as for a run that was never saved.
 */
function settle(run: LastRun, name: string, k: KeptScores, saved: boolean): void {
  if (run.kept.get(name)?.test !== k.test) return;
  if (saved) {
    run.kept.set(name, { ...k, test: new Float32Array(0), valid: null });
    release(k.valid);
  } else {
    run.kept.set(name, k);
    run.handedOver.delete(name);
  }
}

/**
 * Copies of the validation scores of `run`'s models named (those it holds), with their buffers to transfer: for the
 * planner, when the save it was told holds them failed. Asked after the hand-overs made during the save settled.
 */
export async function validCopies(
  run: LastRun,
  models: string[],
): Promise<{ scores: [string, Float32Array][]; buffers: ArrayBuffer[] }> {
  await run.settled;
  const scores: [string, Float32Array][] = [];
  for (const name of models) {
    const v = run.handedOver.has(name) ? null : run.kept.get(name)?.valid;
    if (v && v.length > 0) scores.push([name, copy(v)]);
  }
  return { scores, buffers: scores.map(([, v]) => v.buffer as ArrayBuffer) };
}

/** The explorer's top rows per item for `name` (built from the dense test scores while they are here). */
export function topOf(run: LastRun, name: string): Selection | null {
  const hit = run.top.get(name);
  if (hit) return hit;
  const k = run.kept.get(name);
  const t = run.split.test.target;
  // Scores handed over are no longer here (emptied, or detached by the transfer).
  if (!k || k.test.length === 0 || k.test.length !== t.nRows * t.nCols) return null;
  const sel = topCPerColumn(denseScores(t.nRows, t.nCols, k.test), EXPLORE_MAX);
  run.top.set(name, sel);
  return sel;
}
