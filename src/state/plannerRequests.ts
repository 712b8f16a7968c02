/**
 * The planner's requests to its worker: the operating point, the sweeps (β, α, compare) with their generations (a
 * newer setting stops an older sweep), the background fill of the other slider positions, and the adoption of the
 * run worker's scores (the last run's, or the next run's first model). Only the store is written here.
 */
import type { PlannerInput, PlannerMode } from '../core/planner/types';
import { ALPHA_SWEEP_BETA_MAX } from '../core/planner/experiment';
import { BridgeError } from '../bridge/client';
import {
  sweepCurves,
  haltPlannerWork,
  setPlannerInput,
  solveRequests,
  type CurvesReply,
  type InputSummary,
  type SolveReply,
} from '../bridge/planner';
import { SWEEP_ALPHAS, curveBetas, nextFillBeta, type PlannerAsked } from './plannerSettings';
import { KnownPoints } from './plannerPoints';
import { fetchPlannerInput, firstModelInput } from '../bridge/run';
import { fetchCtrPlannerInput } from '../bridge/ctr';
import { useCtr } from './ctr';
import type { FirstModelInput } from '../../workers/run.api';
import { startRun } from './run';
import { FAST_MODELS } from './quickRun';
import { currentRunConfig } from './ui';
import { useStore } from './store';
import {
  compareModelOf,
  initialPlannerState,
  errorText as message,
  setPlannerState as set,
  solveRequestOf,
  usePlanner,
  userChoices,
  type CompareCurves,
} from './plannerStore';

const MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

let solves: ReturnType<typeof solveRequests> | null = null;
/** Generation of the sweep in progress: a newer α or mode makes an older sweep stop. */
let sweepGen = 0;
let sweepCtl: AbortController | null = null;
/** Every answer of the worker on the input shown, as metrics: β steps are drawn from them at once. */
const known = new KnownPoints();

/** Keeps the metrics of a β sweep's points (an α sweep's are of other settings: β' and no minimal exposure). */
function rememberCurves(r: CurvesReply): void {
  if (r.sweep !== 'beta') return;
  for (const c of r.curves) for (const p of c.points) known.add(r.mode, p.alpha, p.beta, c.model, p);
}

function rememberSolve(r: SolveReply): void {
  if (r.betaMax !== undefined) return;
  for (const m of r.models) if (m.metrics) known.add(r.mode, r.alpha, r.beta, m.model, m.metrics);
}

function onError(e: unknown): void {
  if (e instanceof BridgeError && e.code === 'aborted') return;
  set({ error: message(e), solving: false, sweeping: false, prefetching: false });
}

function requesters() {
  solves ??= solveRequests((r) => {
    const want = solveRequestOf(usePlanner.getState().asked);
    const caughtUp =
      r.mode === want.mode && r.alpha === want.alpha && r.beta === want.beta && r.betaMax === want.betaMax;
    rememberSolve(r);
    set({ shown: r, solving: !caughtUp, error: null, ...(caughtUp ? { preview: null } : {}) });
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
  rememberCurves(r.data);
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
  // Then, quietly, every other slider position, one at a time (every model), nearest to the slider's β first and
  // re-centred on it before each, so that the neighbours of where the user is are ready first; the page keeps each
  // answer (a step there is drawn at once) and the worker memoises it (each offline solve resumes from the nearest
  // solved β below). Greedy and the offline Dual only: an online point costs a calibration. A newer sweep stops
  // this one; solves asked meanwhile are served between its points.
  if (mode === 'online' || 'alphas' in at) return;
  set({ prefetching: true });
  try {
    const models = usePlanner.getState().input?.models ?? [];
    // Positions asked already (also those a model could not solve, so that none is asked twice).
    const done = known.solvedBetas(mode, at.alpha, models);
    for (;;) {
      const beta = nextFillBeta(at.alpha, usePlanner.getState().asked.beta, done);
      if (beta === null) break;
      done.add(beta);
      const r = await sweepCurves({ mode, alpha: at.alpha, betas: [beta] }, signal);
      if (my !== sweepGen || !r.ok || r.data.stale) return;
      rememberCurves(r.data);
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

/** Forgets the answers the page holds (a restarted worker's are drawn afresh). */
export function forgetAnswers(): void {
  known.clear();
  set({ preview: null });
}

/** Whether a file read halted the sweep or the fill (to resume them if the data stays). */
let halted = false;

export function haltBackground(): void {
  const s = usePlanner.getState();
  if (!s.sweeping && !s.prefetching) return;
  halted = true;
  ++sweepGen;
  sweepCtl?.abort();
  set({ sweeping: false, prefetching: false });
  void haltPlannerWork().catch(() => undefined);
}

/** Asks for the operating point at `asked` (and the sweep when the view, α or the mode changed). */
export function request(withSweep: boolean): void {
  const s = usePlanner.getState();
  if (s.status !== 'ready') return;
  requesters().request(solveRequestOf(s.asked));
  // Drawn at once from the answers the page holds (of the models drawn in the view); the worker's reply replaces it.
  const a = s.asked;
  const compared = compareModelOf(s);
  const drawn = a.view === 'compare' ? (compared ? [compared] : []) : (s.input?.models ?? []);
  const preview = a.view === 'alpha' ? null : known.preview(a.mode, a.alpha, a.beta, drawn);
  set({ solving: true, preview });
  if (withSweep) void sweep(s.asked);
}

function adopted(r: { ok: true; data: InputSummary } | { ok: false; reason: string }): void {
  if (!r.ok) {
    set({ status: 'error', error: r.reason });
    return;
  }
  const detail = usePlanner.getState().detail;
  known.clear();
  set({
    status: 'ready',
    input: r.data,
    error: null,
    shown: null,
    preview: null,
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

/**
 * Takes the last completed run's scores from the run worker (every kept model); without one the planner waits for
 * the next run's first model.
 */
export function followResults(): Promise<void> {
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
export async function runForPlanner(models?: string[]): Promise<void> {
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

/** After a file read ended: the halted sweep and fill pick up again when the data stayed (the read was refused). */
export function resumeAfterRead(sameData: boolean): void {
  if (!halted) return;
  halted = false;
  if (sameData) request(true);
}

/** Whether the planner shows a run's first model (a run that ends without results takes it off). */
export const showsFirstModelNow = () => showsFirstModel;
