/**
 * The planner's zustand store: its state, the initial state, and the pure reads of it (the solve a setting names,
 * the compared model). Its own small store: the page's holds data and training; this one changes at slider speed
 * and only the Planner section reads it. Requests (./plannerRequests.ts) and actions (./planner.ts) write it.
 */
import { create } from 'zustand';
import type { PlannerMode, SweepPoint } from '../core/planner/types';
import { ALPHA_SWEEP_BETA_MAX } from '../core/planner/experiment';
import type { SolveRequest } from '../core/planner/session';
import type { OverlayMethod } from '../core/report/rimeMtch';
import type { CurvesReply, InputSummary, SolveReply } from '../bridge/planner';
import type { PlannerPreview } from './plannerPoints';
import {
  DEFAULT_ASKED,
  type Diversity,
  type PlannerAsked,
  type Relevance,
  type UserDiversity,
  type UserRelevance,
} from './plannerSettings';

export interface PlannerState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** What the worker holds: source, models, test rows, items. */
  input: InputSummary | null;
  /** What the user asked for. */
  asked: PlannerAsked;
  /** The operating point shown (its α and β may lag behind `asked` while a solve is in flight). */
  shown: SolveReply | null;
  /**
   * The operating point at `asked` drawn from answers the page already holds (./plannerPoints.ts) while the worker's
   * reply is on its way; null once it arrived (or when the page holds none).
   */
  preview: PlannerPreview | null;
  /** The sweep of the β view (β at the shown α and mode) or of the α view (α at β', in the shown mode). */
  curves: CurvesReply | null;
  /** The compare view's sweeps: one model's β sweep at α in each mode. */
  compare: CompareCurves | null;
  /** A solve or a sweep is in flight. */
  solving: boolean;
  sweeping: boolean;
  /** The sweep drawn whole (sweepKey of the setting it was asked for); null while none is. */
  swept: string | null;
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
  preview: null,
  curves: null,
  compare: null,
  solving: false,
  sweeping: false,
  swept: null,
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
export const userChoices = (s: PlannerState) => ({
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

/**
 * Which sweep a setting needs: the β view's at (mode, α), the α view's in a mode (over a fixed α grid), the compare
 * view's of one model at α (every mode). A β move keeps it; any other change of it asks for a new sweep.
 */
export function sweepKey(s: Pick<PlannerState, 'asked' | 'input'>): string {
  const a = s.asked;
  if (a.view === 'compare') return `compare|${a.alpha}|${compareModelOf(s)}`;
  return a.view === 'alpha' ? `alpha|${a.mode}` : `beta|${a.mode}|${a.alpha}`;
}

export const usePlanner = create<PlannerState>()(() => initialPlannerState());

export const setPlannerState = (part: Partial<PlannerState>) => usePlanner.setState(part);

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
