/**
 * The planner's requests to its worker: the operating point, the sweeps (β, α, compare) with their generations (a
 * newer setting stops an older sweep), the background fill of the other slider positions, and the adoption of the
 * run worker's scores (the last run's, or the next run's first model). Only the store is written here.
 */
import type { PlannerInput, PlannerMode } from '../core/planner/types';
import { ALPHA_SWEEP_BETA_MAX } from '../core/planner/experiment';
import { BridgeError } from '../bridge/client';
import {
  giveValidScores,
  plannerValidLeftSaved,
  sweepCurves,
  haltPlannerWork,
  setPlannerInput,
  solveRequests,
  type CurvesReply,
  type InputSummary,
  type SolveReply,
} from '../bridge/planner';
import { SWEEP_ALPHAS, curveBetas, nextFillBeta, type PlannerAsked } from './plannerSettings';
import { pointByPoint, type LineAsk } from './plannerPointByPoint';
import { KnownPoints } from './plannerPoints';
import { fetchPlannerInput, fetchValidScores, firstModelInput } from '../bridge/run';
import { fetchCtrPlannerInput } from '../bridge/ctr';
import { useCtr } from './ctr';
import type { FirstModelInput } from '../../workers/run.api';
import { startRun } from './run';
import { FAST_MODELS } from './quickRun';
import { currentRunConfig } from './ui';
import { readPlannerPass } from './url';
import { useStore } from './store';
import {
  compareModelOf,
  initialPlannerState,
  errorText as message,
  setPlannerState as set,
  solveRequestOf,
  sweepKey,
  usePlanner,
  userChoices,
} from './plannerStore';

const MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

/** A User Timing mark (`planner:NAME`): benches and traces read when scores arrived and were adopted. */
const mark = (name: string) => performance.mark(`planner:${name}`);

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
  set({ swept: null });
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

/** The sweep of the asked view; `then` is called once every line shows a rough curve. */
function sweep(a: PlannerAsked, then?: () => void): Promise<void> {
  const key = sweepKey({ asked: a, input: usePlanner.getState().input });
  if (a.view === 'compare') return sweepCompare(a.alpha, key, then);
  return sweepModels(a.mode, a.view === 'alpha' ? { alphas: SWEEP_ALPHAS } : { alpha: a.alpha }, key, then);
}

/**
 * The β sweep at (mode, α), or the α sweep over `alphas` at β', point by point (./plannerPointByPoint.ts): every model's
 * rough curve first, the first model first; the first point replaces the lines of the previous setting.
 */
async function sweepModels(
  mode: PlannerMode,
  at: { alpha: number } | { alphas: number[] },
  key: string,
  then?: () => void,
): Promise<void> {
  const { my, signal } = nextSweep();
  const models = usePlanner.getState().input?.models ?? [];
  const grid = 'alphas' in at ? at.alphas : curveBetas(at.alpha);
  const asks = models.map((model): LineAsk => ({
    at: (x) =>
      'alphas' in at
        ? { mode, alpha: 0, betas: [], alphas: [x], betaMax: ALPHA_SWEEP_BETA_MAX, models: [model] }
        : { mode, alpha: at.alpha, betas: [x], models: [model] },
  }));
  set({ sweeping: true, prefetching: false });
  const complete = await pointByPoint(
    asks,
    grid,
    (req) => ask(req, my, signal),
    (head, lines, done) =>
      set({
        curves: { ...head, curves: lines.map(({ index: _, ...l }) => l) },
        ...(done ? { sweeping: false, swept: key } : {}),
      }),
    then,
  );
  if (!complete || my !== sweepGen) return;
  set({ sweeping: false, swept: key });
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

/** The compare view: one model's β sweep at α in greedy, offline and online mode, point by point (see above). */
async function sweepCompare(alpha: number, key: string, then?: () => void): Promise<void> {
  const model = compareModelOf(usePlanner.getState());
  if (!model) return;
  const { my, signal } = nextSweep();
  set({ sweeping: true, prefetching: false });
  const asks = MODES.map((mode): LineAsk => ({ at: (beta) => ({ mode, alpha, betas: [beta], models: [model] }) }));
  const complete = await pointByPoint(
    asks,
    curveBetas(alpha),
    (req) => ask(req, my, signal),
    (_, lines, done) =>
      set({
        compare: {
          model,
          alpha,
          curves: lines.map((l) => ({
            mode: MODES[l.index],
            points: l.points,
            ...(l.reason !== undefined ? { reason: l.reason } : {}),
          })),
        },
        ...(done ? { sweeping: false, swept: key } : {}),
      }),
    then,
  );
  if (complete && my === sweepGen) set({ sweeping: false, swept: key });
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

/** Asks for the operating point at the asked setting. */
function solvePoint(): void {
  requesters().request(solveRequestOf(usePlanner.getState().asked));
  set({ solving: true });
}

/** Asks for the operating point at `asked` (and the sweep when the view, α or the mode changed). */
export function request(withSweep: boolean): void {
  const s = usePlanner.getState();
  if (s.status !== 'ready') return;
  solvePoint();
  // Drawn at once from the answers the page holds (of the models drawn in the view); the worker's reply replaces it.
  const a = s.asked;
  const compared = compareModelOf(s);
  const drawn = a.view === 'compare' ? (compared ? [compared] : []) : (s.input?.models ?? []);
  set({ preview: a.view === 'alpha' ? null : known.preview(a.mode, a.alpha, a.beta, drawn) });
  if (withSweep) void sweep(s.asked);
}

/**
 * New scores: the sweep's rough curves first, then the operating point (the worker serves a solve before any sweep
 * point, and the point of every model costs as much as a few sweep points; after the rough pass it resumes from the
 * sweep's solved point below it), then the rest of the sweep.
 */
function requestCurvesFirst(): void {
  if (usePlanner.getState().status === 'ready') void sweep(usePlanner.getState().asked, solvePoint);
}

function adopted(r: { ok: true; data: InputSummary } | { ok: false; reason: string }): void {
  if (!r.ok) {
    set({ status: 'error', error: r.reason });
    return;
  }
  mark('adopted');
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
    swept: null,
    detail: detail && r.data.models.includes(detail) ? detail : r.data.models[0],
  });
  requestCurvesFirst();
}

/** Generation of the planner's input: a newer result makes an older fetch drop its answer. */
let fetches = 0;
/** The adoption of the last run's results in progress (the test hook waits for it). */
let following: Promise<void> = Promise.resolve();

/** Sends scores to the worker (the arrays are transferred: the caller's copies are detached afterwards). */
async function adoptPlannerInput(input: PlannerInput, source: string): Promise<void> {
  set({ status: 'loading', error: null });
  try {
    adopted(await setPlannerInput(input, source, readPlannerPass()));
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
    mark('scores-asked');
    const input = await fetchPlannerInput();
    mark('scores-received');
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

/**
 * After the run's save failed: validation scores the planner was told are saved (it took the run's scores while the
 * save went on) come from the run worker instead, so that the online mode works on in this tab; what it showed
 * without them is asked again. Resolves with the models that took them.
 */
export async function afterFailedSave(): Promise<string[]> {
  await following;
  const my = fetches;
  const left = await plannerValidLeftSaved();
  if (left.length === 0 || my !== fetches) return [];
  const savedAt = left[0].savedAt;
  const scores = await fetchValidScores(
    savedAt,
    left.filter((m) => m.savedAt === savedAt).map((m) => m.model),
  );
  if (scores.length === 0 || my !== fetches) return [];
  const taken = await giveValidScores(savedAt, scores);
  const a = usePlanner.getState().asked;
  if (taken.length > 0 && my === fetches && (a.mode === 'online' || a.view === 'compare')) request(true);
  return taken;
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
  mark('first-model-received');
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
