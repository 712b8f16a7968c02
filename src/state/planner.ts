/**
 * The planner's state and actions. Its own small zustand store (the page's store holds data and training; this one
 * changes at slider speed and only the Planner section reads it).
 *
 * Its scores come from the run worker, which owns every model's scores: the last completed run's (fetched whenever
 * training.resultRevision moves) and, while the planner has nothing to show, the first model of the next run, so
 * that the page's own quick run on the synthetic world shows a curve after its first model.
 *
 * It keeps what the user asked for (`asked`: mode, α, β, the view and the compared model) apart from what the shown
 * result was computed with (`shown`, `curves`, `compare`), so the page can say "updating…" without flicker while a
 * solve is in flight. Big arrays never come here: scores stay in the planner worker; replies are metrics, a histogram
 * and ten boosted items. Other features (a guided tour) set the planner through the actions exported here.
 */
import { create } from 'zustand';
import type { PlannerInput, PlannerMode, SweepPoint } from '../core/planner/types';
import { ALPHA_SWEEP_BETA_MAX } from '../core/planner/experiment';
import type { SolveRequest } from '../core/planner/session';
import { parseRimeMatch, type OverlayMethod } from '../core/report/rimeMtch';
import { plannerCsv, type CsvCurve } from '../core/report/plannerCsv';
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
  DEFAULT_ASKED,
  SWEEP_ALPHAS,
  curveBetas,
  fillBetas,
  encodePlannerHash,
  parsePlannerHash,
  snapAlpha,
  snapBeta,
  type Diversity,
  type PlannerAsked,
  type PlannerView,
  type Relevance,
  type UserDiversity,
  type UserRelevance,
} from './plannerSettings';
import { fetchPlannerInput, firstModelInput } from '../bridge/run';
import { fetchCtrPlannerInput } from '../bridge/ctr';
import { useCtr } from './ctr';
import type { FirstModelInput } from '../../workers/run.api';
import { loadSynthetic } from './dataset';
import { startRun } from './run';
import { FAST_MODELS } from './quickRun';
import { currentRunConfig } from './ui';
import { useStore } from './store';
import { onUrlChange, readUrlParam, writeUrlParam } from './url';

export * from './plannerSettings';

export interface PlannerState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** What the worker holds: source, models, test rows, items. */
  input: InputSummary | null;
  /** What the user asked for. */
  asked: PlannerAsked;
  /** The operating point shown (its α and β may lag behind `asked` while a solve is in flight). */
  shown: SolveReply | null;
  /** The sweep of the β view (β at the shown α and mode) or of the α view (α at β', in the shown mode). */
  curves: CurvesReply | null;
  /** The compare view's sweeps: one model's β sweep at α in each mode. */
  compare: CompareCurves | null;
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
  userRelevance: UserRelevance;
  userDiversity: UserDiversity;
  /** A reference results file's matching points, drawn as points over the curves. */
  overlay: { file: string; methods: OverlayMethod[]; skipped: string[] } | null;
  /** The model whose histogram and boosted items are shown. */
  detail: string | null;
}

/** One model's β sweeps at α, one per mode (Figure 4's three environments on one plot). */
export interface CompareCurves {
  model: string;
  alpha: number;
  curves: { mode: PlannerMode; points: SweepPoint[]; reason?: string }[];
}

export const initialPlannerState = (): PlannerState => ({
  status: 'idle',
  input: null,
  asked: DEFAULT_ASKED,
  shown: null,
  curves: null,
  compare: null,
  solving: false,
  sweeping: false,
  prefetching: false,
  error: null,
  restarted: null,
  relevance: 'recall',
  diversity: 'item_ppl',
  userRelevance: 'prec',
  userDiversity: 'user_ppl',
  overlay: null,
  detail: null,
});

/** The settings a new input keeps (what the user chose, not what was computed). */
const userChoices = (s: PlannerState) => ({
  asked: s.asked,
  relevance: s.relevance,
  diversity: s.diversity,
  userRelevance: s.userRelevance,
  userDiversity: s.userDiversity,
  overlay: s.overlay,
  restarted: s.restarted,
});

/** The solve `asked` names: in the α view, user capacity α with item maximal exposure β' and no minimal one. */
export const solveRequestOf = (a: PlannerAsked): SolveRequest =>
  a.view === 'alpha'
    ? { mode: a.mode, alpha: a.alpha, beta: 0, betaMax: ALPHA_SWEEP_BETA_MAX }
    : { mode: a.mode, alpha: a.alpha, beta: a.beta };

/** The model the compare view shows: the one asked for when the input has it, else the first. */
export function compareModelOf(s: Pick<PlannerState, 'asked' | 'input'>): string | null {
  const models = s.input?.models ?? [];
  return s.asked.model !== null && models.includes(s.asked.model) ? s.asked.model : (models[0] ?? null);
}

const MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

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
    const want = solveRequestOf(usePlanner.getState().asked);
    const caughtUp =
      r.mode === want.mode && r.alpha === want.alpha && r.beta === want.beta && r.betaMax === want.betaMax;
    set({ shown: r, solving: !caughtUp, error: null });
  }, onError);
  return solves;
}

/** A new sweep generation: an older sweep stops at its next point. */
function nextSweep(): { my: number; signal: AbortSignal } {
  const my = ++sweepGen;
  sweepCtl?.abort();
  sweepCtl = new AbortController();
  return { my, signal: sweepCtl.signal };
}

type SweepAnswer = Awaited<ReturnType<typeof sweepCurves>>;

/** One sweep request; null when it failed, went stale or was overtaken (the error, if any, is shown). */
async function ask(req: Parameters<typeof sweepCurves>[0], my: number, signal: AbortSignal) {
  let r: SweepAnswer;
  try {
    r = await sweepCurves(req, signal);
  } catch (e) {
    if (my === sweepGen) onError(e);
    return null;
  }
  if (my !== sweepGen || (r.ok && r.data.stale)) return null;
  if (!r.ok) {
    onError(new Error(r.reason));
    return null;
  }
  return r.data;
}

/** The sweep of the asked view. */
function sweep(a: PlannerAsked): Promise<void> {
  if (a.view === 'compare') return sweepCompare(a.alpha);
  return sweepModels(a.mode, a.view === 'alpha' ? { alphas: SWEEP_ALPHAS } : { alpha: a.alpha });
}

/**
 * The β sweep at (mode, α), or the α sweep over `alphas` at β', one model at a time so that each line appears as
 * soon as it is ready (a sweep costs a solve per point and model); the first new line replaces the lines of the
 * previous setting.
 */
async function sweepModels(mode: PlannerMode, at: { alpha: number } | { alphas: number[] }): Promise<void> {
  const { my, signal } = nextSweep();
  const req =
    'alphas' in at
      ? { mode, alpha: 0, betas: [], alphas: at.alphas, betaMax: ALPHA_SWEEP_BETA_MAX }
      : { mode, alpha: at.alpha, betas: curveBetas(at.alpha) };
  set({ sweeping: true, prefetching: false });
  let first = true;
  for (const model of usePlanner.getState().input?.models ?? []) {
    const r = await ask({ ...req, models: [model] }, my, signal);
    if (!r) return;
    const kept = first ? [] : (usePlanner.getState().curves?.curves ?? []);
    first = false;
    set({ curves: { ...r, curves: [...kept, ...r.curves] } });
  }
  if (my !== sweepGen) return;
  set({ sweeping: false });
  // Then, quietly, every other slider position (ascending, so each resumes from the one below): the worker memoises
  // them and a later β step is a lookup. Greedy and the offline Dual only: an online point costs a calibration.
  // A newer sweep stops this one; solves asked meanwhile are served between its points.
  if (mode === 'online' || 'alphas' in at) return;
  set({ prefetching: true });
  try {
    for (const model of usePlanner.getState().input?.models ?? []) {
      const r = await sweepCurves({ mode, alpha: at.alpha, betas: fillBetas(at.alpha), models: [model] }, signal);
      if (my !== sweepGen || !r.ok || r.data.stale) return;
    }
  } catch {
    // A crash or an abort is reported by the requests that need the worker; the fill is only a prefetch.
  } finally {
    if (my === sweepGen) set({ prefetching: false });
  }
}

/** The compare view: one model's β sweep at α in greedy, offline and online mode, each line as it is ready. */
async function sweepCompare(alpha: number): Promise<void> {
  const model = compareModelOf(usePlanner.getState());
  if (!model) return;
  const { my, signal } = nextSweep();
  set({ sweeping: true, prefetching: false });
  const curves: CompareCurves['curves'] = [];
  for (const mode of MODES) {
    const r = await ask({ mode, alpha, betas: curveBetas(alpha), models: [model] }, my, signal);
    if (!r) return;
    for (const c of r.curves) curves.push({ mode, points: c.points, ...(c.reason ? { reason: c.reason } : {}) });
    set({ compare: { model, alpha, curves: [...curves] } });
  }
  if (my === sweepGen) set({ sweeping: false });
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

/** Asks for the operating point at `asked` (and the sweep when the view, α or the mode changed). */
function request(withSweep: boolean): void {
  const s = usePlanner.getState();
  if (s.status !== 'ready') return;
  requesters().request(solveRequestOf(s.asked));
  set({ solving: true });
  if (withSweep) void sweep(s.asked);
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
    compare: null,
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
  if (asked.view === 'alpha') return;
  const b = snapBeta(beta, asked.alpha);
  if (b === asked.beta) return;
  set({ asked: { ...asked, beta: b } });
  request(false);
}

/**
 * Moves α on the view's slider grid. In the β and compare views β keeps its share of α (β/α), as the β slider's
 * range scales with α, and the sweep follows α; the α view's sweep is over a fixed grid, so only the point moves.
 */
export function setPlannerAlpha(alpha: number): void {
  const { asked } = usePlanner.getState();
  const a = snapAlpha(alpha, asked.view);
  if (a === asked.alpha) return;
  const share = asked.alpha > 0 ? asked.beta / asked.alpha : 0.5;
  const beta = asked.view === 'alpha' ? asked.beta : snapBeta(share * a, a);
  set({ asked: { ...asked, alpha: a, beta } });
  request(asked.view !== 'alpha');
}

export function setPlannerMode(mode: PlannerMode): void {
  const { asked } = usePlanner.getState();
  if (mode === asked.mode) return;
  set({ asked: { ...asked, mode } });
  // The compare view draws every mode already: only the operating point changes.
  request(asked.view !== 'compare');
}

/** Settings that α, β and the model must satisfy in `view` (α on its slider grid, β within [0, α]). */
function settle(a: PlannerAsked): PlannerAsked {
  const alpha = snapAlpha(a.alpha, a.view);
  return { ...a, alpha, beta: a.view === 'alpha' ? a.beta : snapBeta(Math.min(a.beta, alpha), alpha) };
}

/** Switches the view (β sweep, compare modes, α sweep); α moves into the new view's slider range. */
export function setPlannerView(view: PlannerView): void {
  setPlannerSettings({ view });
}

/** The model of the compare view. */
export function setCompareModel(model: string): void {
  setPlannerSettings({ model });
}

/**
 * Sets several settings at once (one solve, one sweep): for a guided tour or a pasted link. Values are put on the
 * sliders' grids; the mode, view and model are taken as given.
 */
export function setPlannerSettings(part: Partial<PlannerAsked>): void {
  const { asked } = usePlanner.getState();
  const next = settle({ ...asked, ...part });
  if (
    next.mode === asked.mode &&
    next.alpha === asked.alpha &&
    next.beta === asked.beta &&
    next.view === asked.view &&
    next.model === asked.model
  )
    return;
  set({ asked: next });
  const sweepChanged =
    next.view !== asked.view ||
    (next.view !== 'compare' && next.mode !== asked.mode) ||
    (next.view !== 'alpha' && next.alpha !== asked.alpha) ||
    (next.view === 'compare' && next.model !== asked.model);
  request(sweepChanged);
}

export const setPlannerAxes = (part: {
  relevance?: Relevance;
  diversity?: Diversity;
  userRelevance?: UserRelevance;
  userDiversity?: UserDiversity;
}) => set(part);
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

/**
 * Overlays a reference results file's matching points (replacing an earlier overlay): its lower-bound points on the
 * β sweeps, its upper-bound points on the α sweep. Returns the refusal reason (file name first), or null.
 */
export function importRimeResults(text: string, fileName: string): string | null {
  const r = parseRimeMatch(text);
  if (!r.ok) return `${fileName}: ${r.reason}`;
  set({ overlay: { file: fileName, methods: r.data.methods, skipped: r.data.skipped } });
  return null;
}

export const clearOverlay = () => set({ overlay: null });

/** The curves of the view shown and every model's operating point as CSV (null when nothing is drawn yet). */
export function plannerCurvesCsv(): string | null {
  const s = usePlanner.getState();
  let curves: CsvCurve[] = [];
  if (s.asked.view === 'compare' && s.compare) {
    const model = s.compare.model;
    curves = s.compare.curves.map((c) => ({ model, mode: c.mode, sweep: 'beta', points: c.points }));
  } else if (s.asked.view !== 'compare' && s.curves) {
    const { mode, sweep } = s.curves;
    curves = s.curves.curves.map((c) => ({ model: c.model, mode, sweep, points: c.points }));
  }
  const shown = s.shown;
  const points = (shown?.models ?? []).flatMap((m) =>
    m.metrics
      ? [
          {
            model: m.model,
            mode: shown!.mode,
            alpha: shown!.alpha,
            beta: shown!.beta,
            ...(shown!.betaMax !== undefined ? { betaMax: shown!.betaMax } : {}),
            metrics: m.metrics,
          },
        ]
      : [],
  );
  if (curves.every((c) => c.points.length === 0) && points.length === 0) return null;
  return plannerCsv(curves, points);
}

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
  if (useCtr.getState().active) return fetchCtrResults(my);
  const t = useStore.getState().training;
  if (!t.result) {
    set({
      ...initialPlannerState(),
      status: t.status === 'running' ? 'loading' : 'idle',
      ...userChoices(usePlanner.getState()),
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

/**
 * While the click-and-conversion track is shown: its last run's conversion models (`NAME (pCTR×pCVR)`, scored in the
 * ctr worker over the test users × items, plannerScores.ts), planned under the same α/β constraints.
 */
async function fetchCtrResults(my: number): Promise<void> {
  const r = useCtr.getState().run;
  if (!r.result) {
    set({
      ...initialPlannerState(),
      status: r.status === 'running' ? 'loading' : 'idle',
      ...userChoices(usePlanner.getState()),
    });
    return;
  }
  const source = `conversion scores of the click-and-conversion models on ${r.resultSource ?? 'the impression log'}`;
  set({ status: 'loading', error: null });
  try {
    const input = await fetchCtrPlannerInput();
    if (my !== fetches) return;
    if (!input) {
      set({
        ...initialPlannerState(),
        status: 'error',
        error: 'no conversion model in the last click-and-conversion run (pick LR, DeepFM, DIN, MMoE or MT-RNN)',
        ...userChoices(usePlanner.getState()),
      });
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
  if (
    usePlanner.getState().input ||
    useCtr.getState().active ||
    source !== dataset.summary?.source ||
    training.resultSource === source
  ) {
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
      compare: null,
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
  // The click-and-conversion track shown or left, or a new result of it: the planner follows what the page shows.
  useCtr.subscribe((s, prev) => {
    if (s.active !== prev.active || s.run.result !== prev.run.result) void followResults();
    else if (s.active && s.run.status !== prev.run.status && !usePlanner.getState().input)
      set({ status: s.run.status === 'running' ? 'loading' : 'idle' });
  });
  // The slider settings live in the URL hash next to the run config: a reload or a shared link shows the same point.
  const fromUrl = parsePlannerHash(readUrlParam('planner'));
  if (fromUrl) set({ asked: fromUrl });
  // A pasted link that changes only the hash (a tour step's link, say) moves the planner there.
  onUrlChange(() => {
    const a = parsePlannerHash(readUrlParam('planner'));
    if (a) setPlannerSettings(a);
  });
  usePlanner.subscribe((s, prev) => {
    if (s.asked === prev.asked) return;
    writeUrlParam('planner', encodePlannerHash(s.asked));
  });
  void followResults();
}
