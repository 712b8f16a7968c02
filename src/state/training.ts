/**
 * Training actions: the split the run config asks for (recomputed in the data worker), and runs in the run worker
 * (workers/run.api.ts): the dataset is handed over by transfer, progress arrives batched, results row by row.
 * Loss curves are high-frequency data: they live in `lossCurves` (outside the store) and reach the chart through
 * `subscribeLoss`, so React never re-renders per batch (STYLE habit 12).
 */
import type { SplitConfig } from '../core/data/types';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../core/pipeline/config';
import { needsTfjs } from '../core/models/names';
import type { ExperimentResult } from '../core/pipeline/run';
import type { Result } from '../core/util/result';
import type { SplitSummary } from '../../workers/data.api';
import type { SavedLossCurves } from '../../workers/workspace';
import { BACKEND_LADDER } from '../../workers/ladder';
import { BridgeError } from '../bridge/client';
import { dataClient } from '../bridge/data';
import {
  adoptInDataWorker,
  loadLossCurves,
  onRunWorkerRestart,
  proxy,
  restoreSavedWorkspace,
  runClient,
  saveLossCurves,
  savedSource,
  sendDatasetToRunWorker,
  type ExploreResult,
  type ModelRow,
  type RunProgress,
} from '../bridge/run';
import { patch, useStore, type AppState } from './store';

type AppStateBackendPref = AppState['training']['backendPref'];
import { currentRunConfig, setRunConfig } from './ui';
import { loadSynthetic } from './dataset';

let seq = 0;

/** Splits the current data with the config's split; stale replies (older requests) are dropped. */
export async function refreshSplit(): Promise<void> {
  const summary = useStore.getState().dataset.summary;
  const config = currentRunConfig();
  if (!summary) return;
  const my = ++seq;
  try {
    const r = await dataClient().call<Result<SplitSummary>>((api) => api.split(config.split));
    if (my !== seq) return;
    if (r.ok) patch('training', { split: r.data, splitSource: summary.source, splitError: null });
    else patch('training', { split: null, splitSource: summary.source, splitError: r.reason });
  } catch (e) {
    if (my === seq) patch('training', { splitError: e instanceof Error ? e.message : String(e) });
  }
}

/** Edits the split in the run config (and so the URL); the split is recomputed by the subscription below. */
export function setSplit(split: SplitConfig): void {
  setRunConfig({ ...currentRunConfig(), split });
}

/** Recompute when the data or the split config changes. */
export function watchSplit(): () => void {
  return useStore.subscribe((s, prev) => {
    if (
      s.dataset.summary !== prev.dataset.summary ||
      JSON.stringify(s.ui.config.split) !== JSON.stringify(prev.ui.config.split)
    )
      void refreshSplit();
  });
}

// ---- loss curves (outside the store) ----

/** Per fitted part (e.g. `RNN`): training loss per reported batch and validation loss per epoch, x in epochs. */
export interface LossCurve {
  x: number[];
  loss: number[];
  validX: number[];
  valid: number[];
}

const curves = new Map<string, LossCurve>();
const lossListeners = new Set<() => void>();

/** The curves of the current run (read-only view). */
export const lossCurves = (): ReadonlyMap<string, LossCurve> => curves;

/** Calls `f` after each batch of new losses; returns the unsubscribe function. */
export function subscribeLoss(f: () => void): () => void {
  lossListeners.add(f);
  return () => lossListeners.delete(f);
}

function addLosses(p: RunProgress): void {
  if (p.epochs === 0 || p.losses.length === 0) return;
  let c = curves.get(p.model);
  if (!c) curves.set(p.model, (c = { x: [], loss: [], validX: [], valid: [] }));
  // The batch losses since the last message are spread evenly up to the current position (epochs, fractional).
  const at = p.epoch - 1 + p.batch / Math.max(1, p.batches);
  const from = c.x.length > 0 ? c.x[c.x.length - 1] : Math.max(0, at - p.losses.length / Math.max(1, p.batches));
  p.losses.forEach((l, i) => {
    c.x.push(from + ((at - from) * (i + 1)) / p.losses.length);
    c.loss.push(l);
  });
  if (p.validLoss !== undefined) {
    c.validX.push(p.epoch);
    c.valid.push(p.validLoss);
  }
  for (const f of lossListeners) f();
}

// ---- runs ----

/** How long a new run waits for a cancelled one to finish its current step before restarting the worker (ms). */
const BUSY_WAIT_MS = 5_000;
/** Set while startRun restarts a busy worker itself, so the restart is not reported as a crash. */
let ownRestart = false;

/** The data source the run worker holds (null: send it before the next run). */
let sentSource: string | null = null;
let running: AbortController | null = null;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Models that fit in a second or two on any data: the page runs these by itself on the synthetic world. */
export const FAST_MODELS: readonly string[] = DEFAULT_RUN_CONFIG.models;

/** Why the run worker last stopped, while a run was going (its pending call rejects; startRun falls back). */
let crashedWith: string | null = null;

onRunWorkerRestart((reason) => {
  sentSource = null;
  if (ownRestart) {
    ownRestart = false;
    return;
  }
  if (running) {
    crashedWith = reason;
    return;
  }
  patch('training', {
    status: 'failed',
    progress: null,
    error: `The run worker stopped (${reason}) and was restarted; press Train to run again.`,
  });
  restoreAfterCrash();
});

/** A fresh run worker holds nothing: it reads the saved workspace back, so the shown results stay usable (planner, explorer). */
function restoreAfterCrash(): void {
  void restoreSavedWorkspace().then(
    (r) => {
      if (!r || running) return;
      sentSource = r.source;
      const t = useStore.getState().training;
      if (r.run && r.source === t.resultSource) patch('training', { resultRevision: t.resultRevision + 1 });
    },
    () => {},
  );
}

async function ensureDataSent(signal: AbortSignal): Promise<boolean> {
  const source = useStore.getState().dataset.summary?.source ?? null;
  if (source === null) return false;
  if (sentSource === source) return true;
  const okSent = await sendDatasetToRunWorker(source, signal);
  if (okSent) sentSource = source;
  return okSent;
}

async function refreshBackend(): Promise<void> {
  try {
    const b = await runClient().call((api) => api.backend());
    if (!b.choice) return;
    const note = b.choice.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
    patch('training', { backend: b.choice.backend, backendNote: note });
  } catch {
    // Reported by the run itself.
  }
}

/** The rungs a run may use, best first: the whole ladder, or the user's choice with the CPU as last resort. */
const rungsFor = (pref: AppStateBackendPref): string[] => (pref === 'auto' ? [...BACKEND_LADDER] : [pref, 'cpu']);
/** "auto" passes over GPUs emulated in software (far slower than WASM); a backend chosen by name takes them. */
const softwareFor = (pref: AppStateBackendPref): boolean => pref !== 'auto';

/**
 * Runs the experiment the config asks for (default: the run config in the URL). A running one is cancelled first.
 * When the run worker crashes or its backend is lost (a WebGPU device), the page says so and runs again on the next
 * rung of the ladder (a run without tfjs models: once more in the fresh worker). Resolves when the run ended (done,
 * failed or cancelled); the store says which.
 */
export async function startRun(config: RunConfig = currentRunConfig()): Promise<void> {
  if (running) await cancelRun();
  const ctl = new AbortController();
  running = ctl;
  crashedWith = null;
  const tfjs = config.models.some(needsTfjs);
  const pref = useStore.getState().training.backendPref;
  let rungs = rungsFor(pref);
  patch('training', { fallback: null });
  const source = useStore.getState().dataset.summary?.source ?? null;
  let crashed = false;
  try {
    for (let attempt = 0; ; attempt++) {
      let r: Result<ExperimentResult, string>;
      try {
        r = await runOnce(config, ctl, tfjs ? rungs : undefined, softwareFor(pref));
      } catch (e) {
        if (running !== ctl || !(e instanceof BridgeError && e.code === 'crashed')) throw e;
        r = { ok: false, code: 'crashed', reason: `the run worker stopped (${crashedWith ?? e.message})` };
        crashed = true;
        crashedWith = null;
      }
      if (running !== ctl) return;
      if (r.ok || (r.code !== 'crashed' && r.code !== 'backend-lost')) {
        await refreshBackend();
        if (r.ok) {
          showResult(r.data, config, source);
          void followSave(source);
        } else if (r.code === 'aborted') patch('training', { status: 'cancelled', progress: null });
        else if (r.code !== 'no-data') patch('training', { status: 'failed', progress: null, error: r.reason });
        return;
      }
      // The fallback: a run without tfjs models once more in a fresh worker; a tfjs run on the rung below the one that
      // failed (a crash during the ladder's self-tests blames the rung on top).
      if (!tfjs) {
        if (attempt > 0) {
          patch('training', {
            status: 'failed',
            progress: null,
            error: `${r.reason} again; press Train to run once more.`,
          });
          return;
        }
        patch('training', { fallback: `${r.reason}; running again in a fresh worker.` });
        continue;
      }
      const failedOn = useStore.getState().training.backend ?? rungs[0];
      rungs = rungs.slice(rungs.indexOf(failedOn) + 1);
      if (rungs.length === 0) {
        patch('training', {
          status: 'failed',
          progress: null,
          error: `${r.reason} on ${failedOn}, and there is no backend left to fall back to.`,
        });
        return;
      }
      patch('training', {
        backend: null,
        fallback: `${r.reason} while training on ${failedOn}; running again on ${rungs[0]}.`,
      });
    }
  } catch (e) {
    if (running !== ctl) return;
    if (e instanceof BridgeError && e.code === 'aborted') patch('training', { status: 'cancelled', progress: null });
    else patch('training', { status: 'failed', progress: null, error: message(e) });
  } finally {
    if (running === ctl) running = null;
    // A run that crashed a worker and then did not finish leaves a fresh worker without the shown results.
    if (crashed && useStore.getState().training.status !== 'done') restoreAfterCrash();
  }
}

/**
 * One attempt of a run in the run worker: the data sent, the backend picked among `rungs` (tfjs models only), the run;
 * a worker still busy with a cancelled run is waited for a little, then restarted. Answers 'no-data' (already shown).
 */
async function runOnce(
  config: RunConfig,
  ctl: AbortController,
  rungs: string[] | undefined,
  software: boolean,
): Promise<Result<ExperimentResult, string>> {
  curves.clear();
  for (const f of lossListeners) f();
  patch('training', {
    status: 'running',
    error: null,
    liveModels: [],
    progress: {
      model: config.models[0],
      done: 0,
      total: config.models.length,
      epoch: 0,
      epochs: 0,
      fraction: 0,
      etaSeconds: null,
      examplesPerSecond: 0,
    },
  });
  if (!(await ensureDataSent(ctl.signal))) {
    patch('training', { status: 'failed', progress: null, error: 'No data loaded yet.' });
    return { ok: false, code: 'no-data', reason: 'no data' };
  }
  const onProgress = proxy((p: RunProgress) => {
    if (running !== ctl) return;
    addLosses(p);
    const { model, done, total, epoch, epochs, fraction, etaSeconds, examplesPerSecond, validLoss } = p;
    patch('training', {
      progress: { model, done, total, epoch, epochs, fraction, etaSeconds, examplesPerSecond, validLoss },
    });
  });
  const onModel = proxy((row: ModelRow) => {
    if (running === ctl) patch('training', { liveModels: [...useStore.getState().training.liveModels, row.name] });
  });
  // The backend the user allows, picked (with self-tests) before a tfjs model trains; again in a fresh worker.
  const pickBackend = async () => {
    if (!rungs) return;
    patch('training', { backend: null, backendNote: 'checking backends (a one-step self-test on each)…' });
    await runClient().call((api) => api.initBackend(rungs, { software }), ctl.signal);
    await refreshBackend();
  };
  await pickBackend();
  const run = () =>
    runClient().call<Result<ExperimentResult, string>>((api) => api.run(config, onProgress, onModel), ctl.signal);
  let r = await run();
  // A cancelled run still finishing its current step (a batch, a Hawkes fit, a score block): wait for it a little.
  for (let waited = 0; !r.ok && r.code === 'busy' && waited < BUSY_WAIT_MS; waited += 100) {
    await new Promise((res) => setTimeout(res, 100));
    if (running !== ctl) return r;
    r = await run();
  }
  if (!r.ok && r.code === 'busy') {
    // Still busy: the last resort is a fresh worker (this restart is ours, not a crash to report).
    ownRestart = true;
    runClient().restart('a cancelled run was still busy');
    if (!(await ensureDataSent(ctl.signal))) throw new Error('the data could not be sent to the restarted run worker');
    await pickBackend();
    r = await run();
  }
  return r;
}

/** Puts a finished run's results on screen; the planner re-fetches its input when resultRevision moves. */
export function showResult(result: ExperimentResult, config: RunConfig, source: string | null): void {
  const t = useStore.getState().training;
  patch('training', {
    status: 'done',
    progress: null,
    result,
    resultConfig: config,
    resultSource: source,
    resultRevision: t.resultRevision + 1,
  });
}

/**
 * Follows the run worker's background save of the workspace (a reload before it ends would lose the last run), then
 * keeps the run's loss curves beside it.
 */
async function followSave(source: string | null): Promise<void> {
  patch('training', { saveState: 'saving' });
  const drawn: SavedLossCurves = { source: source ?? '', curves: [...curves].map(([part, c]) => [part, { ...c }]) };
  try {
    const problem = await runClient().call((api) => api.saved());
    if (!problem && drawn.curves.length > 0) await saveLossCurves(drawn);
    patch('training', problem ? { saveState: 'failed', error: problem } : { saveState: 'saved' });
  } catch {
    patch('training', { saveState: 'failed' });
  }
}

/** Draws the loss curves saved with the restored run (when they belong to its data). */
async function restoreLossCurves(source: string): Promise<void> {
  const saved = await loadLossCurves();
  if (!saved || saved.source !== source || curves.size > 0) return;
  for (const [part, c] of saved.curves) curves.set(part, c);
  for (const f of lossListeners) f();
}

/**
 * Stops the run: the worker stops within one batch; the page stops waiting at once (the app stays usable). A run
 * that keeps the worker busy is met by a restart at the next start.
 */
export async function cancelRun(): Promise<void> {
  const ctl = running;
  if (!ctl) return;
  running = null;
  ctl.abort();
  patch('training', { status: 'cancelled', progress: null });
  try {
    await runClient().call((api) => api.cancel());
  } catch {
    // A crashed worker has nothing to cancel.
  }
}

/** Which backends the next tfjs run may use (the ladder is walked again when this changes). */
export function setBackendPref(pref: AppStateBackendPref): void {
  patch('training', { backendPref: pref });
}

/** The models of the run config (URL) to run now: the chosen ones. */
export function setModels(models: string[]): void {
  setRunConfig({ ...currentRunConfig(), models });
}

/** Epochs and sequence-model size in the run config; undefined removes the field (the model's default). */
export function setHyper(part: Pick<RunConfig, 'epochs' | 'sequence'>): void {
  const c = { ...currentRunConfig(), ...part };
  if (c.epochs === undefined) delete c.epochs;
  if (c.sequence === undefined) delete c.sequence;
  setRunConfig(c);
}

/** Data the page evaluates by itself on arrival (the small synthetic world it opens on), see watchData. */
export const opensWithQuickRun = (source: string): boolean => source.startsWith('synthetic small');

/**
 * Whether the page has nothing left to do for the data it shows: loaded, no run training or saving, and the small
 * synthetic world's own quick run finished (benches wait for it before timing the next load).
 */
export function settled(): boolean {
  const { dataset: d, training: t } = useStore.getState();
  if (d.status !== 'ready' || !d.summary || t.status === 'running' || t.saveState === 'saving') return false;
  return !opensWithQuickRun(d.summary.source) || t.resultSource === d.summary.source;
}

/**
 * On new data: results of older data are dropped (resultRevision moves so the planner forgets them); on the
 * synthetic world with no result yet, the fast models run by themselves so the page opens on numbers and curves.
 */
export function watchData(): () => void {
  return useStore.subscribe((s, prev) => {
    // A file being read will replace the data a run trains on: stop the run now rather than when the new data
    // arrives, so that it does not share the cores with the read (a trace of a 24 MB load showed the quick models of
    // the synthetic world still training in the run worker throughout it). A refused file then leaves it cancelled.
    if (s.dataset.progress && !prev.dataset.progress && running && s.training.status === 'running') void cancelRun();
    const summary = s.dataset.summary;
    if (summary === prev.dataset.summary || !summary) return;
    if (summary.source === s.training.resultSource) return;
    // A run on the previous data would show results that no longer match what the page shows.
    if (running && s.training.status === 'running') void cancelRun();
    if (s.training.result)
      patch('training', {
        result: null,
        resultConfig: null,
        resultSource: null,
        resultRevision: s.training.resultRevision + 1,
      });
    // Only the world the page opens on (small, fast); a bigger world waits for the user's click.
    if (opensWithQuickRun(summary.source) && !running) {
      const c = currentRunConfig();
      const fast = c.models.filter((m) => FAST_MODELS.includes(m));
      void startRun({ ...c, models: fast.length > 0 ? fast : [...FAST_MODELS] });
    }
  });
}

// ---- UserRec explorer (computed in the run worker from the kept scores) ----

/** Items worth exploring in the last run: the most frequent in the test window. */
export function exploreItems(): Promise<{ id: string; events: number }[]> {
  return runClient().call((api) => api.exploreItems(50));
}

/** An item's top users under a model, with λ(x), p(y|x), recent history and whether they came. */
export function explore(model: string, item: string): Promise<Result<ExploreResult, string>> {
  return runClient().call<Result<ExploreResult, string>>((api) => api.explore(model, item, 10, 5));
}

/** Titles of items by id from the item metadata file, when one was loaded ('' otherwise); never fails. */
export async function itemTitles(ids: string[]): Promise<Map<string, string>> {
  try {
    const t = await dataClient().call((api) => api.itemTitles(ids));
    return new Map(ids.map((id, i) => [id, t[i]]));
  } catch {
    return new Map();
  }
}

// ---- workspace (IndexedDB, through the run worker) ----

/**
 * On page open: the saved workspace (dataset, then results; the planner re-fetches when resultRevision moves), or
 * the synthetic world when nothing was saved or it cannot be read.
 */
export async function restoreOrSynthetic(): Promise<void> {
  // Start the run worker now: its module (tfjs included) loads while the data is restored or generated.
  runClient();
  // The user may choose a file while this runs: then their data wins and nothing here overwrites it.
  const untouched = () => {
    const d = useStore.getState().dataset;
    return d.summary === null && d.preview === null;
  };
  try {
    if ((await savedSource()) !== null && untouched()) {
      patch('dataset', { status: 'busy', activity: 'Restoring your saved workspace…' });
      const r = await restoreSavedWorkspace();
      // Titles from an item file loaded on an earlier visit come back with the data they name.
      if (r) await dataClient().call((api) => api.restoreItemMeta());
      const summary = r && untouched() ? await adoptInDataWorker(r.dataset, r.source) : null;
      if (r && summary?.ok && untouched()) {
        sentSource = r.source;
        // Results first, so the data subscription sees them as belonging to this data (no auto-run, no clearing).
        if (r.run) {
          showResult(r.run.result, r.run.config, r.source);
          void restoreLossCurves(r.source);
        }
        patch('dataset', { status: 'ready', summary: summary.data, activity: '' });
        return;
      }
      patch('dataset', { activity: '' });
    }
  } catch (e) {
    patch('dataset', { activity: '' });
    patch('training', {
      error: `The saved workspace could not be read (${message(e)}); starting on the synthetic world.`,
    });
  }
  if (untouched()) await loadSynthetic('small', 1);
}

/** Start over: stops any run, clears the saved workspace and trained models, back to the synthetic world. */
export async function startOver(): Promise<void> {
  await cancelRun();
  try {
    await runClient().call((api) => api.clearWorkspace());
  } catch (e) {
    patch('training', { error: `The saved workspace could not be cleared: ${message(e)}` });
  }
  sentSource = null;
  curves.clear();
  for (const f of lossListeners) f();
  const t = useStore.getState().training;
  patch('training', {
    status: 'idle',
    progress: null,
    result: null,
    resultConfig: null,
    resultSource: null,
    resultRevision: t.resultRevision + 1,
    error: null,
  });
  setRunConfig(DEFAULT_RUN_CONFIG);
  await loadSynthetic('small', 1);
}
