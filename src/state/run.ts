/**
 * Runs in the run worker (workers/run.api.ts): the data is sent first (./runWorker.ts), progress arrives batched
 * (loss curves in ./lossCurves.ts), results row by row; a crash or a lost backend falls back (./backendFallback.ts).
 * Cancel stops the worker within a batch and the page at once.
 */
import type { RunConfig } from '../core/pipeline/config';
import type { ExperimentResult } from '../core/pipeline/run';
import { needsTfjs } from '../core/models/names';
import { err, type Result } from '../core/util/result';
import { BridgeError } from '../bridge/client';
import { onRunWorkerRestart, proxy, runClient, saveLossCurves, type ModelRow, type RunProgress } from '../bridge/run';
import { patch, useStore, type AppState } from './store';
import { currentRunConfig } from './ui';
import { addLosses, clearLossCurves, lossCurvesToSave } from './lossCurves';
import { GAVE_UP, runWithFallback } from './backendFallback';
import { announceSaved } from './otherTabs';
import { ensureDataSent, refreshBackend, restoreAfterCrash, setSentSource } from './runWorker';
import { readWasmThreads } from './url';

/** How long a new run waits for a cancelled one to finish its current step before restarting the worker (ms). */
const BUSY_WAIT_MS = 5_000;
/** Set while a run restarts a busy worker itself, so the restart is not reported as a crash. */
let ownRestart = false;
/** The run going (its controller), null when idle. */
let running: AbortController | null = null;
/** Why the run worker last stopped, while a run was going (its pending call rejects; startRun falls back). */
let crashedWith: string | null = null;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Whether a run is going (started and neither ended nor cancelled). */
export const isRunning = (): boolean => running !== null;

// The run worker restarted: by this module (a busy worker), under a run (its attempt falls back), or while idle
// (reported, and the saved workspace read back into the fresh worker).
onRunWorkerRestart((reason) => {
  setSentSource(null);
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
  restoreAfterCrash(isRunning);
});

/**
 * Runs the experiment the config asks for (default: the run config in the URL). A running one is cancelled first.
 * When the run worker crashes or its backend is lost, the page says so and runs again (./backendFallback.ts).
 * Resolves when the run ended (done, failed or cancelled); the store says which.
 */
export async function startRun(config: RunConfig = currentRunConfig()): Promise<void> {
  if (running) await cancelRun();
  const ctl = new AbortController();
  running = ctl;
  crashedWith = null;
  const pref = useStore.getState().training.backendPref;
  patch('training', { fallback: null });
  const source = useStore.getState().dataset.summary?.source ?? null;
  let crashed = false;
  // A crashed worker rejects the pending call: that attempt ends with code 'crashed' and the fallback goes on.
  const attempt = async (rungs: string[] | undefined, software: boolean): Promise<Result<ExperimentResult, string>> => {
    try {
      return await runOnce(config, ctl, rungs, software);
    } catch (e) {
      if (running !== ctl || !(e instanceof BridgeError && e.code === 'crashed')) throw e;
      const reason = `the run worker stopped (${crashedWith ?? e.message})`;
      crashed = true;
      crashedWith = null;
      return err('crashed', reason);
    }
  };
  try {
    const r = await runWithFallback(config.models.some(needsTfjs), pref, attempt, () => running === ctl);
    if (!r) return;
    if (!r.ok && r.code === GAVE_UP) {
      patch('training', { status: 'failed', progress: null, error: r.reason });
      return;
    }
    await refreshBackend();
    if (r.ok) {
      showResult(r.data, config, source);
      void followSave(source);
    } else if (r.code === 'aborted') patch('training', { status: 'cancelled', progress: null });
    else if (r.code !== 'no-data') patch('training', { status: 'failed', progress: null, error: r.reason });
  } catch (e) {
    if (running !== ctl) return;
    if (e instanceof BridgeError && e.code === 'aborted') patch('training', { status: 'cancelled', progress: null });
    else patch('training', { status: 'failed', progress: null, error: message(e) });
  } finally {
    if (running === ctl) running = null;
    // A run that crashed a worker and then did not finish leaves a fresh worker without the shown results.
    if (crashed && useStore.getState().training.status !== 'done') restoreAfterCrash(isRunning);
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
  clearLossCurves();
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
  // The data goes to the run worker while the run is asked for (the worker waits for it): no round trip between.
  const sent = ensureDataSent(ctl.signal);
  sent.catch(() => undefined); // awaited after the run
  const onProgress = proxy((p: RunProgress) => {
    if (running !== ctl) return;
    addLosses(p);
    const { model, done, total, epoch, epochs, fraction, etaSeconds, examplesPerSecond, validLoss, tune } = p;
    patch('training', {
      progress: { model, done, total, epoch, epochs, fraction, etaSeconds, examplesPerSecond, validLoss, tune },
    });
  });
  const onModel = proxy((row: ModelRow) => {
    if (running === ctl) patch('training', { liveModels: [...useStore.getState().training.liveModels, row.name] });
  });
  // The backend the user allows, picked (with self-tests) before a tfjs model trains; again in a fresh worker.
  const pickBackend = async () => {
    if (!rungs) return;
    patch('training', { backend: null, backendNote: 'checking backends (a one-step self-test on each)…' });
    await runClient().call((api) => api.initBackend(rungs, { software, wasmThreads: readWasmThreads() }), ctl.signal);
    await refreshBackend();
  };
  await pickBackend();
  const run = () =>
    runClient().call<Result<ExperimentResult, string>>((api) => api.run(config, onProgress, onModel), ctl.signal);
  let r = await run();
  if (!(await sent)) {
    patch('training', { status: 'failed', progress: null, error: 'No data loaded yet.' });
    return err('no-data', 'no data');
  }
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
  const drawn = lossCurvesToSave(source);
  try {
    const problem = await runClient().call((api) => api.saved());
    if (!problem && drawn.curves.length > 0) await saveLossCurves(drawn);
    patch('training', problem ? { saveState: 'failed', error: problem } : { saveState: 'saved' });
    if (!problem && source) announceSaved(source);
  } catch {
    patch('training', { saveState: 'failed' });
  }
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
export function setBackendPref(pref: AppState['training']['backendPref']): void {
  patch('training', { backendPref: pref });
}
