/**
 * The planner's state and actions. Its own small zustand store (the page's store holds data and training; this one
 * changes at slider speed and only the Planner section reads it).
 *
 * Its scores come from the run worker, which owns every model's scores: the last completed run's (fetched whenever
 * training.resultRevision moves) and, while the planner has nothing to show, the first model of the next run, so
 * that the page's own quick run on the synthetic world shows a curve after its first model.
 *
 * It keeps what the user asked for (`asked`: mode, α, β) apart from what the shown result was computed with
 * (`shown`, `curves`), so the page can say "updating…" without flicker while a solve is in flight. Big arrays never
 * come here: scores stay in the planner worker; replies are metrics, a histogram and ten boosted items.
 */
import { create } from 'zustand';
import type { PlannerInput, PlannerMode } from '../core/planner/types';
import { BridgeError } from '../bridge/client';
import {
  sweepCurves,
  haltPlannerWork,
  exportPlannerV,
  onPlannerWorkerRestart,
  plannerClient,
  setPlannerInput,
  solveRequests,
  type CurvesReply,
  type InputSummary,
  type SolveReply,
} from '../bridge/planner';
import {
  ALPHA_MAX,
  ALPHA_MIN,
  ALPHA_STEP,
  curveBetas,
  fillBetas,
  encodePlannerHash,
  parsePlannerHash,
  parseRimeMatch,
  roundFraction,
  snapBeta,
  type Diversity,
  type OverlayCurve,
  type Relevance,
} from './plannerSettings';
import { fetchPlannerInput, firstModelInput } from '../bridge/run';
import type { FirstModelInput } from '../../workers/run.api';
import { loadSynthetic } from './dataset';
import { startRun } from './run';
import { FAST_MODELS } from './quickRun';
import { currentRunConfig } from './ui';
import { useStore } from './store';
import { readUrlParam, writeUrlParam } from './url';

export * from './plannerSettings';

export interface PlannerState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** What the worker holds: source, models, test rows, items. */
  input: InputSummary | null;
  /** What the user asked for. */
  asked: { mode: PlannerMode; alpha: number; beta: number };
  /** The operating point shown (its α and β may lag behind `asked` while a solve is in flight). */
  shown: SolveReply | null;
  /** The β sweep at the shown α and mode. */
  curves: CurvesReply | null;
  /** A solve or a sweep is in flight. */
  solving: boolean;
  sweeping: boolean;
  /** The other β slider positions are being solved after the sweep (steps there become lookups). */
  prefetching: boolean;
  error: string | null;
  /** Set when the planner worker stopped and was restarted (kept, with its time): all drawn since is the new worker's. */
  restarted: string | null;
  relevance: Relevance;
  diversity: Diversity;
  overlay: OverlayCurve[];
  /** The model whose histogram and boosted items are shown. */
  detail: string | null;
}

export const initialPlannerState = (): PlannerState => ({
  status: 'idle',
  input: null,
  asked: { mode: 'greedy', alpha: 0.01, beta: 0.005 },
  shown: null,
  curves: null,
  solving: false,
  sweeping: false,
  prefetching: false,
  error: null,
  restarted: null,
  relevance: 'recall',
  diversity: 'item_ppl',
  overlay: [],
  detail: null,
});

export const usePlanner = create<PlannerState>()(() => initialPlannerState());

const set = (part: Partial<PlannerState>) => usePlanner.setState(part);

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let solves: ReturnType<typeof solveRequests> | null = null;
/** Generation of the sweep in progress: a newer α or mode makes an older sweep stop. */
let sweepGen = 0;
let sweepCtl: AbortController | null = null;

function onError(e: unknown): void {
  if (e instanceof BridgeError && e.code === 'aborted') return;
  set({ error: message(e), solving: false, sweeping: false, prefetching: false });
}

function requesters() {
  solves ??= solveRequests((r) => {
    const { asked } = usePlanner.getState();
    const caughtUp = r.mode === asked.mode && r.alpha === asked.alpha && r.beta === asked.beta;
    set({ shown: r, solving: !caughtUp, error: null });
  }, onError);
  return solves;
}

/**
 * The β sweep at (mode, α), one model at a time so that each line appears as soon as it is ready (a sweep costs a
 * solve per point and model); the first new line replaces the lines of the previous setting.
 */
async function sweep(mode: PlannerMode, alpha: number): Promise<void> {
  const my = ++sweepGen;
  sweepCtl?.abort();
  const ctl = (sweepCtl = new AbortController());
  const betas = curveBetas(alpha);
  set({ sweeping: true });
  let first = true;
  for (const model of usePlanner.getState().input?.models ?? []) {
    let r: Awaited<ReturnType<typeof sweepCurves>>;
    try {
      r = await sweepCurves({ mode, alpha, betas, models: [model] }, ctl.signal);
    } catch (e) {
      if (my === sweepGen) onError(e);
      return;
    }
    if (my !== sweepGen || (r.ok && r.data.stale)) return;
    if (!r.ok) {
      onError(new Error(r.reason));
      return;
    }
    const kept = first ? [] : (usePlanner.getState().curves?.curves ?? []);
    first = false;
    set({ curves: { ...r.data, curves: [...kept, ...r.data.curves] } });
  }
  if (my !== sweepGen) return;
  set({ sweeping: false });
  // Then, quietly, every other slider position (ascending, so each resumes from the one below): the worker memoises
  // them and a later β step is a lookup. Greedy and the offline Dual only: an online point costs a calibration.
  // A newer sweep stops this one; solves asked meanwhile are served between its points.
  if (mode === 'online') return;
  set({ prefetching: true });
  try {
    for (const model of usePlanner.getState().input?.models ?? []) {
      const r = await sweepCurves({ mode, alpha, betas: fillBetas(alpha), models: [model] }, ctl.signal);
      if (my !== sweepGen || !r.ok || r.data.stale) return;
    }
  } catch {
    // A crash or an abort is reported by the requests that need the worker; the fill is only a prefetch.
  } finally {
    if (my === sweepGen) set({ prefetching: false });
  }
}

/** Whether a file read halted the sweep or the fill (to resume them if the data stays). */
let halted = false;

function haltBackground(): void {
  const s = usePlanner.getState();
  if (!s.sweeping && !s.prefetching) return;
  halted = true;
  ++sweepGen;
  sweepCtl?.abort();
  set({ sweeping: false, prefetching: false });
  void haltPlannerWork().catch(() => undefined);
}

/** Asks for the operating point at `asked` (and the sweep when α or the mode changed). */
function request(withSweep: boolean): void {
  const s = usePlanner.getState();
  if (s.status !== 'ready') return;
  requesters().request({ ...s.asked });
  set({ solving: true });
  if (withSweep) void sweep(s.asked.mode, s.asked.alpha);
}

function adopted(r: { ok: true; data: InputSummary } | { ok: false; reason: string }): void {
  if (!r.ok) {
    set({ status: 'error', error: r.reason });
    return;
  }
  const detail = usePlanner.getState().detail;
  set({
    status: 'ready',
    input: r.data,
    error: null,
    shown: null,
    curves: null,
    detail: detail && r.data.models.includes(detail) ? detail : r.data.models[0],
  });
  request(true);
}

/** Generation of the planner's input: a newer result makes an older fetch drop its answer. */
let fetches = 0;
/** The adoption of the last run's results in progress (the test hook waits for it). */
let following: Promise<void> = Promise.resolve();

/** Sends scores to the worker (the arrays are transferred: the caller's copies are detached afterwards). */
async function adoptPlannerInput(input: PlannerInput, source: string): Promise<void> {
  set({ status: 'loading', error: null });
  try {
    adopted(await setPlannerInput(input, source));
  } catch (e) {
    set({ status: 'error', error: message(e) });
  }
}

export function setPlannerBeta(beta: number): void {
  const { asked } = usePlanner.getState();
  const b = snapBeta(beta, asked.alpha);
  if (b === asked.beta) return;
  set({ asked: { ...asked, beta: b } });
  request(false);
}

/** Moves α; β keeps its share of α (β/α), as the slider's range scales with α. */
export function setPlannerAlpha(alpha: number): void {
  const { asked } = usePlanner.getState();
  const a = roundFraction(Math.min(ALPHA_MAX, Math.max(ALPHA_MIN, Math.round(alpha / ALPHA_STEP) * ALPHA_STEP)));
  if (a === asked.alpha) return;
  const share = asked.alpha > 0 ? asked.beta / asked.alpha : 0.5;
  set({ asked: { ...asked, alpha: a, beta: snapBeta(share * a, a) } });
  request(true);
}

export function setPlannerMode(mode: PlannerMode): void {
  const { asked } = usePlanner.getState();
  if (mode === asked.mode) return;
  set({ asked: { ...asked, mode } });
  request(true);
}

export const setPlannerAxes = (part: { relevance?: Relevance; diversity?: Diversity }) => set(part);
export const setPlannerDetail = (detail: string) => set({ detail });

/** v(y) of a model's shown solution as CSV text (item id, v). */
export async function plannerVCsv(model: string): Promise<{ ok: true; csv: string } | { ok: false; reason: string }> {
  try {
    const r = await exportPlannerV(model);
    return r.ok ? { ok: true, csv: r.data } : { ok: false, reason: r.reason };
  } catch (e) {
    return { ok: false, reason: message(e) };
  }
}

/** Overlays a rime results file's curves (replacing an earlier overlay); returns the refusal reason, or null. */
export function importRimeResults(text: string, fileName: string): string | null {
  const r = parseRimeMatch(text);
  if (!r.ok) {
    set({ error: `${fileName}: ${r.reason}` });
    return r.reason;
  }
  set({ overlay: r.curves.map((c) => ({ ...c, name: `${c.name} (${fileName})` })), error: null });
  return null;
}

export const clearOverlay = () => set({ overlay: [] });

/**
 * Takes the last completed run's scores from the run worker (every kept model); without one the planner waits for
 * the next run's first model.
 */
function followResults(): Promise<void> {
  following = fetchResults();
  return following;
}

async function fetchResults(): Promise<void> {
  const my = ++fetches;
  showsFirstModel = false;
  const t = useStore.getState().training;
  if (!t.result) {
    set({
      ...initialPlannerState(),
      status: t.status === 'running' ? 'loading' : 'idle',
      asked: usePlanner.getState().asked,
      relevance: usePlanner.getState().relevance,
      diversity: usePlanner.getState().diversity,
      overlay: usePlanner.getState().overlay,
      restarted: usePlanner.getState().restarted,
    });
    awaitFirstModel();
    return;
  }
  const source = `${Object.keys(t.result.item_rec).length} trained models on ${t.resultSource ?? 'the current data'}`;
  set({ status: 'loading', error: null });
  try {
    const input = await fetchPlannerInput();
    if (my !== fetches) return;
    if (!input) {
      set({ status: 'error', error: 'the run worker kept no scores for the planner (over the dense budget?)' });
      return;
    }
    await adoptPlannerInput(input, source);
  } catch (e) {
    if (my === fetches) set({ status: 'error', error: message(e) });
  }
}

/** Whether a request for the next run's first model is waiting in the run worker. */
let firstAsked = false;
/** Whether the planner shows a run's first model (until the run's results, or its failure, replace it). */
let showsFirstModel = false;

/** Asks the run worker for the first model of its next run (once; again after a run worker restart). */
function awaitFirstModel(): void {
  if (firstAsked) return;
  firstAsked = true;
  firstModelInput().then(
    (r) => {
      firstAsked = false;
      if (r) adoptFirstModel(r);
    },
    () => {
      firstAsked = false;
      if (!usePlanner.getState().input) awaitFirstModel();
    },
  );
}

/** Shows a run's first model while the planner has nothing else for the data shown (the full results replace it). */
function adoptFirstModel({ source, input }: FirstModelInput): void {
  const { dataset, training } = useStore.getState();
  if (usePlanner.getState().input || source !== dataset.summary?.source || training.resultSource === source) {
    // Not wanted now; ask for the next run's while the planner still has nothing to show.
    if (!usePlanner.getState().input) awaitFirstModel();
    return;
  }
  ++fetches;
  showsFirstModel = true;
  void adoptPlannerInput(input, `${input.models[0].model} on ${source} (the other models are still training)`);
}

/** Runs `models` (default: the run config's fast models) on the data loaded now; resolves once the planner adopted them. */
async function runForPlanner(models?: string[]): Promise<void> {
  if (useStore.getState().dataset.status !== 'ready') {
    set({ status: 'error', error: 'no data loaded' });
    return;
  }
  const config = currentRunConfig();
  const fast = config.models.filter((m) => FAST_MODELS.includes(m));
  const before = useStore.getState().training.resultRevision;
  await startRun({ ...config, models: models ?? (fast.length > 0 ? fast : [...FAST_MODELS]) });
  const t = useStore.getState().training;
  if (t.resultRevision === before) set({ status: 'error', error: t.error ?? `the run ended ${t.status}` });
  else await following;
}

/** A page-level hook for the bench and e2e specs: inputs on demand, through the same path as a user's. */
export interface PlannerTestHook {
  /**
   * Generates the synthetic world in the data worker and runs `models` (default: the run config's fast ones) on it in
   * the run worker; resolves once the planner shows their scores.
   */
  loadSynthetic(preset: 'small' | 'ml1m', seed: number, models?: string[]): Promise<void>;
  /** The same on the data loaded now. */
  loadData(models?: string[]): Promise<void>;
  status(): PlannerState['status'];
  /** Whether the β sweep's lines are still being drawn. */
  sweeping(): boolean;
  /** Whether the other slider positions are still being solved (benches wait for it before timing lookups). */
  prefetching(): boolean;
  /** Terminates and restarts the planner worker as after a crash (the page must recover on its own). */
  restartWorker(): void;
}

declare global {
  interface Window {
    __rimwPlanner?: PlannerTestHook;
  }
}

let started = false;

/**
 * Once per page: the last run's scores each time a run completes (training.resultRevision moves), a run's first
 * model while there is nothing else to show, and a re-send after a planner worker crash.
 */
export function startPlanner(): void {
  if (started) return;
  started = true;
  if (typeof window !== 'undefined') {
    window.__rimwPlanner = {
      loadSynthetic: async (preset, seed, models) => {
        await loadSynthetic(preset, seed);
        await runForPlanner(models);
      },
      loadData: runForPlanner,
      status: () => usePlanner.getState().status,
      sweeping: () => usePlanner.getState().sweeping,
      prefetching: () => usePlanner.getState().prefetching,
      restartWorker: () => plannerClient().restart('simulated crash'),
    };
  }
  // Started now, so that its module has loaded when the first scores arrive.
  plannerClient();
  // A fresh planner worker holds nothing: the last run's scores again (read back from the saved workspace when the
  // run worker handed its own over), or, during a run, its results when it ends.
  onPlannerWorkerRestart((reason) => {
    // Nothing the old worker solved is shown again: the point and curves come back only from the fresh one.
    set({
      solving: false,
      sweeping: false,
      prefetching: false,
      shown: null,
      curves: null,
      restarted: `The planner worker stopped (${reason}) at ${new Date().toLocaleTimeString()} and was restarted; what is drawn was solved again after that.`,
    });
    void followResults();
  });
  useStore.subscribe((s, prev) => {
    // With nothing to show, the status line says whether scores are on their way (a run is going).
    const p = usePlanner.getState();
    if (s.training.status !== prev.training.status && !p.input && p.status !== 'error')
      set({ status: s.training.status === 'running' ? 'loading' : 'idle' });
    if (s.training.resultRevision !== prev.training.resultRevision) void followResults();
    // A run that ended without results (failed, cancelled) takes its first model off the planner.
    else if (showsFirstModel && prev.training.status === 'running' && s.training.status !== 'running')
      void followResults();
    // A file being read will most likely replace what the planner holds: its sweep and background fill stop now, so
    // that they do not share the cores with the read.
    // If the file is refused or the read cancelled, they pick up again (solved points are memoised).
    if (s.dataset.progress && !prev.dataset.progress) haltBackground();
    else if (!s.dataset.progress && prev.dataset.progress && halted) {
      halted = false;
      if (s.dataset.summary === prev.dataset.summary) request(true);
    }
  });
  // The slider settings live in the URL hash next to the run config: a reload or a shared link shows the same point.
  const fromUrl = parsePlannerHash(readUrlParam('planner'));
  if (fromUrl) set({ asked: fromUrl });
  usePlanner.subscribe((s, prev) => {
    if (s.asked === prev.asked) return;
    writeUrlParam('planner', encodePlannerHash(s.asked));
  });
  void followResults();
}
