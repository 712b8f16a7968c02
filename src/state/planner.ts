/**
 * The planner's actions and its start: what the sliders, pickers, the tour and a pasted link call. The store is
 * ./plannerStore.ts, the worker requests ./plannerRequests.ts, the URL hash ./plannerUrl.ts.
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
import type { PlannerMode } from '../core/planner/types';
import { parseRimeMatch } from '../core/report/rimeMtch';
import { plannerCsv, type CsvCurve } from '../core/report/plannerCsv';
import { exportPlannerV, onPlannerWorkerRestart, plannerClient } from '../bridge/planner';
import {
  snapAlpha,
  snapBeta,
  type Diversity,
  type PlannerAsked,
  type PlannerView,
  type Relevance,
  type UserDiversity,
  type UserRelevance,
} from './plannerSettings';
import { useCtr } from './ctr';
import { loadSynthetic } from './dataset';
import { useStore } from './store';
import { errorText as message, setPlannerState as set, usePlanner, type PlannerState } from './plannerStore';
import {
  afterFailedSave,
  followResults,
  forgetAnswers,
  haltBackground,
  request,
  resumeAfterRead,
  runForPlanner,
  showsFirstModelNow,
} from './plannerRequests';
import { syncPlannerUrl } from './plannerUrl';

export * from './plannerSettings';
export {
  compareModelOf,
  initialPlannerState,
  solveRequestOf,
  sweepKey,
  usePlanner,
  type CompareCurves,
  type PlannerState,
} from './plannerStore';

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

/**
 * Once per page, from the page's start (./page.ts): the last run's scores each time a run completes
 * (training.resultRevision moves), a run's first model while there is nothing else to show, and a re-send after a
 * planner worker crash.
 */
export function startPlanner(): void {
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
    forgetAnswers();
    set({
      solving: false,
      sweeping: false,
      swept: null,
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
    else if (showsFirstModelNow() && prev.training.status === 'running' && s.training.status !== 'running')
      void followResults();
    // The run's save failed: the online mode's validation scores come from the run worker instead.
    if (s.training.saveState === 'failed' && prev.training.saveState !== 'failed')
      void afterFailedSave().catch(() => undefined);
    // A file being read will most likely replace what the planner holds: its sweep and background fill stop now, so
    // that they do not share the cores with the read.
    // If the file is refused or the read cancelled, they pick up again (solved points are memoised).
    if (s.dataset.progress && !prev.dataset.progress) haltBackground();
    else if (!s.dataset.progress && prev.dataset.progress) resumeAfterRead(s.dataset.summary === prev.dataset.summary);
  });
  // The click-and-conversion track shown or left, or a new result of it: the planner follows what the page shows.
  useCtr.subscribe((s, prev) => {
    if (s.active !== prev.active || s.run.result !== prev.run.result) void followResults();
    else if (s.active && s.run.status !== prev.run.status && !usePlanner.getState().input)
      set({ status: s.run.status === 'running' ? 'loading' : 'idle' });
  });
  // The slider settings live in the URL hash next to the run config (./plannerUrl.ts).
  syncPlannerUrl(setPlannerSettings);
  void followResults();
}
