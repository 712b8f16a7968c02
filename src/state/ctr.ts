/**
 * The click-and-conversion track's page state (its own small store; STYLE: handles and small summaries only, the
 * impression log stays in the ctr worker): whether the page shows this track, the log's summary, the run config the
 * user edits, and the run's progress and results. Actions are the exported functions below.
 */
import { create } from 'zustand';
import { BridgeError } from '../bridge/client';
import { ctrClient, ctrProxy, onCtrWorkerRestart, type CtrData, type CtrLoad, type RunProgress } from '../bridge/ctr';
import { DEFAULT_CTR_RUN_CONFIG, validateCtrRunConfig, type CtrRunConfig } from '../core/ctr/runConfig';
import type { CtrResult } from '../core/ctr/run';
import type { CtrModelName } from '../core/ctr/models/options';
import type { CtrWorldPreset } from '../core/ctr/worldConfig';
import type { Result } from '../core/util/result';
import { BACKEND_LADDER } from '../platform/ladder';
import { addLosses, clearLossCurves } from './lossCurves';
import { useStore } from './store';
import { readUrlJson, writeUrlParam } from './url';

export interface CtrState {
  /** The page shows the click-and-conversion track (an impression log is loaded); false: the RIM track. */
  active: boolean;
  /** Data: busy while generating or reading. */
  status: 'idle' | 'busy' | 'ready';
  activity: string;
  data: CtrData | null;
  /** The last refusal or failure (the previous log stays). */
  error: string | null;
  /** The config the next run uses (small defaults: a browser run trains in seconds). */
  config: CtrRunConfig;
  run: {
    status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
    progress: Pick<
      RunProgress,
      'model' | 'done' | 'total' | 'epoch' | 'epochs' | 'fraction' | 'etaSeconds' | 'scoring'
    > | null;
    /** Models evaluated so far in the running experiment. */
    live: string[];
    result: CtrResult | null;
    /** The data the result was computed on. */
    resultSource: string | null;
    error: string | null;
    backend: string | null;
    /** The result was restored from this browser's saved run (same data, split and config), not trained now. */
    restored: boolean;
    /** The result's save in this browser (IndexedDB): null before a result; the problem in `error`'s place if any. */
    saveState: 'saving' | 'saved' | 'failed' | null;
  };
}

/** A browser-sized default: three models, two epochs, 16-wide embeddings. */
export const PAGE_CTR_CONFIG: CtrRunConfig = { ...DEFAULT_CTR_RUN_CONFIG, epochs: 2, batchSize: 256 };

/** The run part of a track without results (the page's start, new data, the track left). */
const NO_RUN: Omit<CtrState['run'], 'backend'> = {
  status: 'idle',
  progress: null,
  live: [],
  result: null,
  resultSource: null,
  error: null,
  restored: false,
  saveState: null,
};

export const useCtr = create<CtrState>()(() => ({
  active: false,
  status: 'idle',
  activity: '',
  data: null,
  error: null,
  config: PAGE_CTR_CONFIG,
  run: { ...NO_RUN, backend: null },
}));

const set = (p: Partial<CtrState>) => useCtr.setState(p);
const setRun = (p: Partial<CtrState['run']>) => useCtr.setState((s) => ({ run: { ...s.run, ...p } }));
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** How long a new run waits for a cancelled one to finish its current batch (ms). */
const BUSY_WAIT_MS = 5_000;
let running: AbortController | null = null;
let loading: AbortController | null = null;

onCtrWorkerRestart((reason) => {
  running = null;
  set({ status: 'idle', data: null, active: false, error: `The click-and-conversion worker stopped (${reason}).` });
  setRun({ status: 'failed', progress: null, error: `The click-and-conversion worker stopped (${reason}).` });
});

/** New data: the results shown were of the old one. */
function adopt(data: CtrData): void {
  set({ status: 'ready', activity: '', data, error: null, active: true });
  if (running) void cancelCtrRun();
  setRun(NO_RUN);
}

/**
 * On page open, when the URL holds a click-and-conversion run config (`#ctr=…`, written while the track is shown):
 * that config, the impression log saved in this browser, and the saved run's results when they were computed on the
 * same data and split with the same config (the worker compares fingerprints); otherwise the log without results.
 */
export async function restoreCtr(): Promise<void> {
  const r = readUrlJson('ctr');
  if (!r.ok || r.data === null) {
    if (!r.ok) set({ error: `The link's click-and-conversion config was refused (${r.reason}).` });
    return;
  }
  const v = validateCtrRunConfig(r.data);
  if (!v.ok) {
    set({ error: `The link's click-and-conversion config was refused (${v.reason}); using the default.` });
    return;
  }
  set({ config: v.data });
  if (useCtr.getState().data) return;
  set({ status: 'busy', activity: 'Restoring the impression log saved in this browser…' });
  try {
    const saved = await ctrClient().call((api) => api.restore(v.data));
    const s = useCtr.getState();
    if (!saved || s.data) {
      if (s.status === 'busy' && !s.data) set({ status: 'idle', activity: '' });
      return;
    }
    adopt(saved.data);
    if (saved.result)
      setRun({
        status: 'done',
        result: saved.result,
        resultSource: saved.data.source,
        restored: true,
        saveState: 'saved',
      });
  } catch (e) {
    set({ status: useCtr.getState().data ? 'ready' : 'idle', activity: '', error: message(e) });
  }
}

/** Keeps the URL's `ctr` parameter in step: the run config while the track is shown, none once it is left. */
export function watchCtrUrl(): () => void {
  return useCtr.subscribe((s, prev) => {
    if (s.active && (s.config !== prev.config || !prev.active)) writeUrlParam('ctr', JSON.stringify(s.config));
    else if (!s.active && prev.active) writeUrlParam('ctr', null);
  });
}

/** Generates a synthetic impression world in the worker and shows the click-and-conversion track. */
export async function loadCtrSynthetic(preset: CtrWorldPreset = 'small', seed = 1): Promise<void> {
  set({ status: 'busy', activity: `Generating synthetic impressions (${preset}, seed ${seed})…`, error: null });
  try {
    const r = await ctrClient().call<Result<CtrData>>((api) => api.generate(preset, seed));
    if (r.ok) adopt(r.data);
    else set({ status: useCtr.getState().data ? 'ready' : 'idle', activity: '', error: r.reason });
  } catch (e) {
    set({ status: useCtr.getState().data ? 'ready' : 'idle', activity: '', error: message(e) });
  }
}

/** Reads an impression file in the worker (bad rows left out and listed by line; a refusal keeps the old log). */
export async function loadCtrFile(file: File): Promise<void> {
  loading?.abort();
  const ctl = new AbortController();
  loading = ctl;
  set({ status: 'busy', activity: `Reading ${file.name} as impressions…`, error: null });
  try {
    const r = await ctrClient().call<CtrLoad>((api) => api.loadFile(file, file.name), ctl.signal);
    if (loading !== ctl) return;
    if (r.ok) adopt(r.data);
    else set({ status: useCtr.getState().data ? 'ready' : 'idle', activity: '', error: r.reason });
  } catch (e) {
    if (loading !== ctl) return;
    set({ status: useCtr.getState().data ? 'ready' : 'idle', activity: '', error: `${file.name}: ${message(e)}` });
  } finally {
    if (loading === ctl) loading = null;
  }
}

/** Back to the interaction-log track (the RIM data was loaded): the worker forgets its log. */
export function leaveCtr(): void {
  if (!useCtr.getState().active && !useCtr.getState().data) return;
  if (running) void cancelCtrRun();
  set({ active: false, data: null, status: 'idle', error: null });
  setRun(NO_RUN);
  void ctrClient()
    .call((api) => api.clear())
    .catch(() => undefined);
}

export function setCtrModels(models: CtrModelName[]): void {
  const c = useCtr.getState().config;
  const base = c.base && models.includes(c.base) ? c.base : undefined;
  set({ config: { ...c, models, base } });
}

/** Sets the shared overrides (undefined: the models' defaults). */
export function setCtrHyper(p: Partial<Pick<CtrRunConfig, 'epochs' | 'embeddingDim' | 'maxLen' | 'seed'>>): void {
  const c = { ...useCtr.getState().config, ...p };
  for (const k of Object.keys(p) as (keyof typeof p)[]) if (c[k] === undefined) delete c[k];
  set({ config: c });
}

/** Trains and evaluates the config on the held log; a running one is cancelled first. */
export async function startCtrRun(config: CtrRunConfig = useCtr.getState().config): Promise<void> {
  if (running) await cancelCtrRun();
  const ctl = new AbortController();
  running = ctl;
  const source = useCtr.getState().data?.source ?? null;
  clearLossCurves();
  setRun({
    status: 'running',
    error: null,
    restored: false,
    saveState: null,
    live: [],
    progress: {
      model: config.models[0],
      done: 0,
      total: config.models.length,
      epoch: 0,
      epochs: 0,
      fraction: 0,
      etaSeconds: null,
    },
  });
  const onProgress = ctrProxy((p: RunProgress) => {
    if (running !== ctl) return;
    addLosses(p);
    const { model, done, total, epoch, epochs, fraction, etaSeconds, scoring } = p;
    setRun({ progress: { model, done, total, epoch, epochs, fraction, etaSeconds, scoring } });
  });
  const onModel = ctrProxy((name: string) => {
    if (running === ctl) setRun({ live: [...useCtr.getState().run.live, name] });
  });
  try {
    // The backends the user allows in Train (the same choice as the RIM track's).
    const pref = useStore.getState().training.backendPref;
    const rungs = pref === 'auto' ? [...BACKEND_LADDER] : [pref, 'cpu'];
    const choice = await ctrClient().call((api) => api.initBackend(rungs, { software: pref !== 'auto' }), ctl.signal);
    if (choice) setRun({ backend: choice.backend });
    const run = () => ctrClient().call<Result<CtrResult>>((api) => api.run(config, onProgress, onModel), ctl.signal);
    let r = await run();
    // A cancelled run still finishing its current batch: wait for it a little.
    for (let waited = 0; !r.ok && r.code === 'busy' && waited < BUSY_WAIT_MS && running === ctl; waited += 100) {
      await new Promise((res) => setTimeout(res, 100));
      r = await run();
    }
    if (running !== ctl) return;
    if (r.ok) {
      setRun({ status: 'done', progress: null, result: r.data, resultSource: source, saveState: 'saving' });
      void followSave(r.data);
    } else if (r.code === 'aborted') setRun({ status: 'cancelled', progress: null });
    else setRun({ status: 'failed', progress: null, error: r.reason });
  } catch (e) {
    if (running !== ctl) return;
    const cancelled = e instanceof BridgeError && e.code === 'aborted';
    setRun(
      cancelled ? { status: 'cancelled', progress: null } : { status: 'failed', progress: null, error: message(e) },
    );
  } finally {
    if (running === ctl) running = null;
  }
}

/** Says whether the run that gave `result` is saved in this browser (a reload shows it again only then). */
async function followSave(result: CtrResult): Promise<void> {
  let problem: string | null;
  try {
    problem = await ctrClient().call((api) => api.saved());
  } catch (e) {
    problem = message(e);
  }
  const r = useCtr.getState().run;
  if (r.result !== result || r.saveState !== 'saving') return;
  setRun(problem ? { saveState: 'failed', error: problem } : { saveState: 'saved' });
}

/** Stops the run: the worker within one batch, the page at once. */
export async function cancelCtrRun(): Promise<void> {
  const ctl = running;
  if (!ctl) return;
  running = null;
  ctl.abort();
  setRun({ status: 'cancelled', progress: null });
  try {
    await ctrClient().call((api) => api.cancel());
  } catch {
    // A crashed worker has nothing to cancel.
  }
}

/** Whether a click-and-conversion run is going (for the e2e's settled check). */
export const ctrRunning = (): boolean => running !== null;
