/**
 * Page side of the run worker (training and evaluation). The worker code is reached only through `import type`.
 * The dataset moves from the data worker to the run worker by transfer (through the page, never cloned twice).
 */
import * as Comlink from 'comlink';
import type { FirstModelInput, ParadoxAnswer, Restored, RunApi, RunCode } from '../../workers/run.api';
import type { PlannerInput } from '../core/planner/types';
import type { Figure2WorldOptions, WorldSimulation } from '../core/paradox';
import type { Dataset } from '../core/data/types';
import type { Result } from '../core/util/result';
import { datasetBuffers } from '../core/data/dataset';
import type { DataSummary } from '../../workers/data.api';
import { workerSingleton } from './client';
import { dataClient } from './data';
import { createWorkspaceStore, savedWorkspaceSource, type SavedLossCurves } from '../../workers/workspace';

/** The source name of the workspace saved in this browser, or null (read in the page, no worker started). */
export const savedSource = (): Promise<string | null> => savedWorkspaceSource();

/** The page's own small records in the workspace (the loss curves it drew); the run worker writes the big ones. */
let pageStore: ReturnType<typeof createWorkspaceStore> | null = null;
const workspace = () => (pageStore ??= createWorkspaceStore());

/** Keeps the last run's loss curves for the next visit. */
export const saveLossCurves = (c: SavedLossCurves): Promise<void> => workspace().saveLossCurves(c);

/** The loss curves saved with the last run, if any (a failed read is nothing saved). */
export const loadLossCurves = (): Promise<SavedLossCurves | undefined> =>
  workspace()
    .loadLossCurves()
    .catch(() => undefined);

export type { RunProgress, ModelRow, ExploreResult, ExploreRow } from '../../workers/run.api';

const run = workerSingleton<RunApi>(
  'run',
  () => new Worker(new URL('../../workers/run.worker.ts', import.meta.url), { type: 'module' }),
);
/** The one run worker of the page, started on first use. */
export const runClient = run.client;
/** Who reacts when the run worker crashed and was restarted (state/run.ts: report, re-send the data). */
export const onRunWorkerRestart = run.onRestart;

/** Numbers the dataset sends (a failed one tells the run worker which wait to drop). */
let sends = 0;

/**
 * Copies the data worker's current dataset into the run worker, worker to worker over a channel of their own
 * (exportTo → receiveDataset), so it never waits for the page's main thread. Both requests go out before this
 * returns: a run asked right after waits for the data in the run worker. Resolves false when the data worker holds
 * nothing.
 */
export async function sendDatasetToRunWorker(source: string, signal?: AbortSignal): Promise<boolean> {
  const { port1, port2 } = new MessageChannel();
  const id = ++sends;
  const got = runClient().call((api) => api.receiveDataset(Comlink.transfer(port2, [port2]), source, id), signal);
  got.catch(() => undefined); // awaited below, unless the data worker's answer ends this first
  try {
    if (!(await dataClient().call((api) => api.exportTo(Comlink.transfer(port1, [port1])), signal))) return false;
  } catch (e) {
    // Nothing may ever come on the channel: a run waiting for it goes on (and finds no data).
    void runClient()
      .call((api) => api.dropIncoming(id))
      .catch(() => undefined);
    throw e;
  }
  return got;
}

/** Reads the workspace saved in IndexedDB back into the run worker: its dataset (a copy for the page) and last run. */
export function restoreSavedWorkspace(): Promise<Restored | null> {
  return runClient().call((api) => api.restore());
}

/** Hands a dataset (the restored copy) to the data worker by transfer, as its current data. */
export function adoptInDataWorker(d: Dataset, source: string): Promise<Result<DataSummary>> {
  return dataClient().call<Result<DataSummary>>((api) => api.adopt(Comlink.transfer(d, datasetBuffers(d)), source));
}

/**
 * The planner's input for the last completed run (every kept model, or those named), moved here by transfer; null
 * before any run completes. Fetch it again whenever `training.resultRevision` changes.
 */
export function fetchPlannerInput(models?: string[], signal?: AbortSignal): Promise<PlannerInput | null> {
  return runClient().call((api) => api.plannerInput(models), signal);
}

/**
 * Copies of the last run's validation scores of the models named, moved here by transfer, when that run is the one
 * saved at `savedAt` and its save failed (empty otherwise): the planner was told they are saved.
 */
export function fetchValidScores(savedAt: number, models: string[]): Promise<[string, Float32Array][]> {
  return runClient().call((api) => api.validScores(savedAt, models));
}

/** The first model of the next run, for the planner (a copy of its scores); null when a newer request replaced this one. */
export function firstModelInput(): Promise<FirstModelInput | null> {
  return runClient().call((api) => api.firstModelInput());
}

/** Models of the last run with both λ(x) and p(y|x), for the paradox on data. */
export function paradoxModels(): Promise<string[]> {
  return runClient().call((api) => api.paradoxModels());
}

/** The paradox sweep over γ for `model` and the items (a few numbers; the scores stay in the run worker). */
export function paradoxSweep(
  model: string,
  items: string[],
  topC: number | null,
  signal?: AbortSignal,
): Promise<Result<ParadoxAnswer, RunCode>> {
  return runClient().call<Result<ParadoxAnswer, RunCode>>((api) => api.paradox(model, items, topC), signal);
}

export type { ParadoxAnswer } from '../../workers/run.api';

/** Figure 2 on a seeded synthetic world (generated and drawn in the run worker; a few numbers come back). */
export function paradoxWorld(o: Figure2WorldOptions): Promise<Result<WorldSimulation & { item: number }, RunCode>> {
  return runClient().call<Result<WorldSimulation & { item: number }, RunCode>>((api) => api.paradoxWorld(o));
}

/** Progress and row callbacks cross the boundary as Comlink proxies. */
export const proxy = <F extends (...a: never[]) => unknown>(f: F) => Comlink.proxy(f);
