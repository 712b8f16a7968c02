/**
 * Relevance-diversity curves (paper Figure 4 and appendix F): one solve per setting, each warm-started from the
 * previous point's dual variables, evaluated against the test targets with rime's field names.
 * - β sweep: α fixed (1% in the paper), item minimal exposure β over `betas` (0 ≤ β ≤ α).
 * - α sweep: item maximal exposure β' fixed (1%), user capacity α over `alphas` (appendix F, Figures S4-S7).
 */
import type { Csr } from '../data/types';
import type { ScoreSource } from '../models/scores';
import type { StopSignal } from '../util/abort';
import { createDualWorkspace, solveDual } from './dual';
import { solveGreedy } from './greedy';
import { evaluateMatch } from './metrics';
import { solveOnline, type OnlineDecision } from './online';
import type { DualState, MatchSettings, MatchSolution, PlannerMode, SweepPoint } from './types';

export interface SweepOptions {
  /** Validation rows × items; required in online mode (v is calibrated on them). */
  valid?: ScoreSource;
  signal?: StopSignal;
  /** Online mode's decision rule (online.ts); default rounded. */
  decision?: OnlineDecision;
  /** Called after each point with the point and its solution (for progress or to keep the dual variables). */
  onPoint?: (point: SweepPoint, solution: MatchSolution) => void;
}

/** Solves one setting in the given mode, warm-started from `warm` where the mode uses dual variables. */
export function solveMode(
  scores: ScoreSource,
  s: MatchSettings,
  mode: PlannerMode,
  opts: {
    valid?: ScoreSource;
    warm?: DualState;
    signal?: StopSignal;
    workspace?: ReturnType<typeof createDualWorkspace>;
    decision?: OnlineDecision;
  } = {},
): MatchSolution {
  if (mode === 'greedy') return solveGreedy(scores, s, { signal: opts.signal });
  if (mode === 'offline')
    return solveDual(scores, s, { warm: opts.warm, signal: opts.signal, workspace: opts.workspace });
  if (!opts.valid) throw new RangeError('planner: online mode needs validation scores to calibrate v');
  return solveOnline(opts.valid, scores, s, {
    warm: opts.warm,
    signal: opts.signal,
    workspace: opts.workspace,
    decision: opts.decision,
  });
}

function sweep(
  scores: ScoreSource,
  settings: MatchSettings[],
  mode: PlannerMode,
  target: Csr,
  opts: SweepOptions,
): SweepPoint[] {
  const out: SweepPoint[] = [];
  const workspace = createDualWorkspace();
  let warm: DualState | undefined;
  for (const s of settings) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const sol = solveMode(scores, s, mode, {
      valid: opts.valid,
      warm,
      signal: opts.signal,
      workspace,
      decision: opts.decision,
    });
    warm = mode === 'online' ? { u: new Float64Array(0), v: sol.state.v, eps: sol.state.eps } : sol.state;
    const point: SweepPoint = {
      ...evaluateMatch(sol.assignment, target, s),
      alpha: s.alpha,
      beta: s.beta,
      mode,
      seconds: sol.seconds,
    };
    out.push(point);
    opts.onPoint?.(point, sol);
  }
  return out;
}

/** β sweep at user capacity α: one point per β, in the given order (ascending warm-starts best). */
export function sweepBeta(
  scores: ScoreSource,
  alpha: number,
  betas: number[],
  mode: PlannerMode,
  target: Csr,
  opts: SweepOptions = {},
): SweepPoint[] {
  return sweep(
    scores,
    betas.map((beta) => ({ alpha, beta })),
    mode,
    target,
    opts,
  );
}

/** α sweep with item maximal exposure β' (= `betaMax`, 1% in the paper) and no minimal exposure. */
export function sweepAlpha(
  scores: ScoreSource,
  alphas: number[],
  betaMax: number,
  mode: PlannerMode,
  target: Csr,
  opts: SweepOptions = {},
): SweepPoint[] {
  return sweep(
    scores,
    alphas.map((alpha) => ({ alpha, beta: 0, betaMax })),
    mode,
    target,
    opts,
  );
}
